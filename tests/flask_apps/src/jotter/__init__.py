"""Jotter: a notes journal with accounts, laid out as Flask's tutorial lays out flaskr.

``create_app`` is the application factory; the database, the accounts and the notes
each live in a module of their own, the last two as blueprints.
"""

import os

from flask import Flask


def create_app(test_config=None):
    """Create and configure the app; ``test_config`` replaces the instance config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev",
        DATABASE=os.path.join(app.instance_path, "jotter.sqlite"),
        NOTES_PER_PAGE=20,
    )

    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)

    os.makedirs(app.instance_path, exist_ok=True)

    @app.route("/ping")
    def ping():
        return "pong"

    from . import auth, db, notes

    db.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(notes.bp)
    app.add_url_rule("/", endpoint="index")

    return app
