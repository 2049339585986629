"""``app.config`` and the request body cap."""

from __future__ import annotations

from protoweb import request


def test_defaults_and_shortcuts(app):
    for key in ("SECRET_KEY", "MAX_CONTENT_LENGTH", "DEBUG", "TESTING"):
        assert key in app.config
    app.secret_key = "s"
    app.debug = True
    app.testing = True
    assert app.config["SECRET_KEY"] == "s"
    assert app.config["DEBUG"] is app.debug is True
    assert app.config["TESTING"] is app.testing is True


def test_from_mapping_and_object(app):
    class Settings:
        GREETING = "hi"
        lower = "ignored"

    app.config.from_object(Settings)
    app.config.from_mapping({"A": 1}, B=2, c=3)
    assert app.config["GREETING"] == "hi"
    assert (app.config["A"], app.config["B"]) == (1, 2)
    assert "lower" not in app.config and "c" not in app.config


def test_max_content_length_gives_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100

    @app.post("/upload")
    def upload():
        return str(len(request.get_data()))

    assert client.post("/upload", data=b"x" * 100).text == "100"
    assert client.post("/upload", data=b"x" * 101).status_code == 413

    @app.post("/form")
    def form():
        return request.form.get("a", "")

    assert client.post("/form", data={"a": "y" * 500}).status_code == 413
