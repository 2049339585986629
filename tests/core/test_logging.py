"""``app.logger``, as Flask makes it (protoweb.logging)."""

from __future__ import annotations

import io
import logging

from protoweb import App
from protoweb.logging import default_handler, has_level_handler

from .twins import same


def test_logger_is_flasks():
    def scenario(fw):
        app = fw.Flask(f"logger_twin_{fw.__name__}")
        debug_app = fw.Flask(f"debug_logger_twin_{fw.__name__}")
        debug_app.debug = True
        return (
            app.logger is logging.getLogger(app.name),
            app.logger.level,
            debug_app.logger.level,
        )

    assert same(scenario) == (True, logging.NOTSET, logging.DEBUG)


def test_default_handler_when_nothing_handles_it_writes_to_wsgi_errors(monkeypatch):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    app = App("lonely_logger_app")
    logger = app.logger
    try:
        assert logger.handlers == [default_handler]
        assert has_level_handler(logger)
        errors = io.StringIO()

        @app.route("/")
        def index():
            app.logger.warning("careful")
            return "ok"

        app.test_client().get("/", environ_overrides={"wsgi.errors": errors})
        assert "WARNING in test_logging: careful" in errors.getvalue()
    finally:
        logger.removeHandler(default_handler)
