"""One sqlite3 connection per app context, kept on ``g`` and closed at teardown."""

import sqlite3

import click
from flask import current_app, g
from flask.cli import with_appcontext


def get_db():
    """The connection for this app context, opened on first use."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(error=None):
    """Close the connection, if this app context opened one."""
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def init_db():
    """Drop and re-create the tables."""
    with current_app.open_resource("schema.sql") as schema:
        get_db().executescript(schema.read().decode("utf8"))


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Clear the existing data and create new tables."""
    init_db()
    click.echo("Initialized the database.")


def init_app(app):
    """Close the connection after each request and add ``flask init-db``."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
