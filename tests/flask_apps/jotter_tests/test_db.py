"""The connection on ``g``, closed at teardown, and the ``init-db`` command."""

import sqlite3

import pytest


def test_one_connection_per_app_context_closed_at_teardown(app, jotter):
    with app.app_context():
        db = jotter.db.get_db()
        assert db is jotter.db.get_db()

    with pytest.raises(sqlite3.ProgrammingError) as error:
        db.execute("SELECT 1")
    assert "closed" in str(error.value)


def test_connection_is_kept_on_g(app, jotter, framework):
    with app.app_context():
        assert "db" not in framework.g
        db = jotter.db.get_db()
        assert "db" in framework.g
        assert framework.g.db is db
        assert framework.g.get("db") is db
    with app.app_context():
        assert framework.g.get("db") is None


def test_init_db_command_resets_the_tables(app, jotter, runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Initialized the database." in result.output
    with app.app_context():
        db = jotter.db.get_db()
        assert db.execute("SELECT COUNT(*) FROM note").fetchone()[0] == 0
        assert db.execute("SELECT COUNT(*) FROM account").fetchone()[0] == 0


def test_init_db_command_is_listed(runner):
    result = runner.invoke(args=["--help"])
    assert result.exit_code == 0
    assert "init-db" in result.output
    assert "Clear the existing data" in result.output
