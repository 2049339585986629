"""Fixtures for the live-server tests: a small app, served on a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from protoweb import App, LiveServer, request

from .support import Client


def make_app() -> App:
    """An app with a page, a fragment, JSON, a form echo and a view that raises."""
    app = App("live_tests", root_path="/nonexistent")
    app.templates["page.html"] = (
        "<!doctype html><html><head><title>t</title></head>"
        "<body><h1>{{ heading }}</h1></body></html>"
    )

    @app.route("/")
    def index() -> str:
        return "Hello"

    @app.route("/page")
    def page() -> str:
        return app.render_template("page.html", heading="first")

    @app.route("/json")
    def json_view() -> dict[str, object]:
        return {"ok": True}

    @app.route("/echo", methods=["POST"])
    def echo() -> dict[str, object]:
        return {"form": dict(request.form), "data": request.get_data(as_text=True)}

    @app.route("/ignore", methods=["POST"])
    def ignore() -> str:
        return "ignored"

    @app.route("/boom")
    def boom() -> str:
        return str(1 / 0)

    return app


@pytest.fixture
def app() -> App:
    return make_app()


@pytest.fixture
def server(app: App) -> Iterator[LiveServer]:
    live = LiveServer(app, request_timeout=1.0).start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def client(server: LiveServer) -> Iterator[Client]:
    with Client(server.port) as http_client:
        yield http_client
