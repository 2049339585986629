"""Fixtures as Flask's tutorial writes them: ``app``, ``client``, ``runner``, ``auth``.

Each runs once on Flask and once on protoweb (see ``tests/flask_apps/conftest.py``).
"""

import pytest
from werkzeug.security import generate_password_hash

#: Cheap hashes keep logging in fast; the app itself hashes with Werkzeug's default.
ACCOUNTS = [
    ("test", generate_password_hash("test", method="pbkdf2:sha256:1000")),
    ("other", generate_password_hash("other", method="pbkdf2:sha256:1000")),
]
NOTES = [("test title", "test\nbody", 1, "2026-01-01 00:00:00")]


@pytest.fixture
def jotter(import_app):
    """The app package, imported for this test's framework."""
    return import_app("jotter")


@pytest.fixture
def app(jotter, tmp_path):
    app = jotter.create_app(
        {"TESTING": True, "DATABASE": str(tmp_path / "test.sqlite")}
    )
    with app.app_context():
        jotter.db.init_db()
        db = jotter.db.get_db()
        db.executemany(
            "INSERT INTO account (username, password) VALUES (?, ?)", ACCOUNTS
        )
        db.executemany(
            "INSERT INTO note (title, body, author_id, written) VALUES (?, ?, ?, ?)",
            NOTES,
        )
        db.commit()
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="test", password="test"):
        return self._client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def logout(self):
        return self._client.get("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
