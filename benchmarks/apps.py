"""The benchmark app, written once per framework with the same behaviour.

Every app answers the four :data:`REQUESTS` with the same status, content type and
body (JSON is compared after parsing, since frameworks format it differently). All
four render the page with Jinja2 from a named in-memory template, autoescaped. Every
view counts its calls in a :data:`ViewCalls` dict, so a framework that skipped calling
the view (a response cache) would be caught, not timed.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
ViewCalls = dict[str, int]

FRAMEWORKS = ("protoweb", "protoweb-extras", "falcon", "flask", "bottle")
FRAMEWORK_TITLES = {
    "protoweb": "protoweb",
    "protoweb-extras": "protoweb + unused extras",
    "falcon": "Falcon",
    "flask": "Flask",
    "bottle": "Bottle",
}

PAGE_TEMPLATE = "<ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>"
TEMPLATES = {"page.html": PAGE_TEMPLATE}
JSON_PAYLOAD = {"ok": True, "n": 1, "name": "x"}


def page_items(n: int) -> list[str]:
    """The 20 items the page lists; each needs escaping."""
    return [f"<item {k} & {n}>" for k in range(20)]


def expected_page(n: int) -> str:
    items = "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in page_items(n))
    return f"<ul>{items}</ul>"


@dataclass(frozen=True)
class BenchRequest:
    """One request of the benchmark and the response every app must give to it."""

    label: str
    path: str
    view: str
    content_type: str
    body: str | None = None
    json_body: Any = None
    uses_template: bool = False

    def check(self, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        """Raise :class:`ValueError` naming what differs from the expected response."""
        if not status.startswith("200"):
            raise ValueError(f"{self.label}: status {status!r}, expected 200")
        content_type = next(
            (value for name, value in headers if name.lower() == "content-type"), ""
        )
        if not content_type.startswith(self.content_type):
            raise ValueError(
                f"{self.label}: content type {content_type!r},"
                f" expected {self.content_type!r}"
            )
        if self.json_body is not None:
            try:
                matches = json.loads(body) == self.json_body
            except ValueError:
                matches = False
        else:
            matches = body.decode("utf-8", "replace") == self.body
        if not matches:
            expected = self.body if self.json_body is None else self.json_body
            raise ValueError(
                f"{self.label}: body {body[:200]!r}, expected {expected!r}"
            )


REQUESTS = (
    BenchRequest("GET /", "/", "index", "text/html", body="Hello, World!"),
    BenchRequest(
        "GET /user/<name>", "/user/alice", "user", "text/html", body="Hello alice"
    ),
    BenchRequest(
        "GET /page/<int:n>",
        "/page/7",
        "page",
        "text/html",
        body=expected_page(7),
        uses_template=True,
    ),
    BenchRequest(
        "GET /json", "/json", "json_view", "application/json", json_body=JSON_PAYLOAD
    ),
)


def build_protoweb(calls: ViewCalls) -> WSGIApp:
    from protoweb import App, render_template

    app = App("bench")
    app.templates["page.html"] = PAGE_TEMPLATE

    @app.route("/")
    def index() -> str:
        calls["index"] += 1
        return "Hello, World!"

    @app.route("/user/<name>")
    def user(name: str) -> str:
        calls["user"] += 1
        return f"Hello {name}"

    @app.route("/page/<int:n>")
    def page(n: int) -> str:
        calls["page"] += 1
        return render_template("page.html", items=page_items(n), n=n)

    @app.route("/json")
    def json_view() -> dict[str, Any]:
        calls["json_view"] += 1
        return {"ok": True, "n": 1, "name": "x"}

    return app


def build_protoweb_extras(calls: ViewCalls) -> WSGIApp:
    """The protoweb app plus Flask-API features its four requests do not use: a
    blueprint with its own hooks, URL processors, context processor and error
    handler, and a loaded signals module with no receivers. They must cost the
    four requests nothing."""
    from protoweb import Blueprint, signals

    app = build_protoweb(calls)
    admin = Blueprint("admin", __name__, url_prefix="/admin/<lang>")

    @admin.url_value_preprocessor
    def take_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if values is not None:
            values.pop("lang", None)

    @admin.url_defaults
    def add_lang(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", "en")

    @admin.before_request
    def check() -> None:
        return None

    @admin.after_request
    def stamp(response: Any) -> Any:
        return response

    @admin.context_processor
    def extra() -> dict[str, Any]:
        return {"section": "admin"}

    @admin.errorhandler(404)
    def missing(error: Any) -> tuple[str, int]:
        return "no such admin page", 404

    @admin.route("/")
    def dashboard() -> str:
        return "admin"

    app.register_blueprint(admin)  # type: ignore[attr-defined]
    assert signals.request_started is not None
    return app


def build_flask(calls: ViewCalls) -> WSGIApp:
    from flask import Flask, render_template
    from jinja2 import DictLoader

    app = Flask("bench")
    app.jinja_env.loader = DictLoader(TEMPLATES)

    @app.route("/")
    def index() -> str:
        calls["index"] += 1
        return "Hello, World!"

    @app.route("/user/<name>")
    def user(name: str) -> str:
        calls["user"] += 1
        return f"Hello {name}"

    @app.route("/page/<int:n>")
    def page(n: int) -> str:
        calls["page"] += 1
        return render_template("page.html", items=page_items(n), n=n)

    @app.route("/json")
    def json_view() -> dict[str, Any]:
        calls["json_view"] += 1
        return {"ok": True, "n": 1, "name": "x"}

    return app


def build_bottle(calls: ViewCalls) -> WSGIApp:
    import bottle
    from jinja2 import DictLoader, Environment

    app = bottle.Bottle()
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)

    @app.route("/")
    def index() -> str:
        calls["index"] += 1
        return "Hello, World!"

    @app.route("/user/<name>")
    def user(name: str) -> str:
        calls["user"] += 1
        return f"Hello {name}"

    @app.route("/page/<n:int>")
    def page(n: int) -> str:
        calls["page"] += 1
        return env.get_template("page.html").render(items=page_items(n), n=n)

    @app.route("/json")
    def json_view() -> dict[str, Any]:
        calls["json_view"] += 1
        return {"ok": True, "n": 1, "name": "x"}

    return app


def build_falcon(calls: ViewCalls) -> WSGIApp:
    import falcon
    from jinja2 import DictLoader, Environment

    app = falcon.App()
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)

    class Index:
        def on_get(self, req: Any, resp: Any) -> None:
            calls["index"] += 1
            resp.content_type = falcon.MEDIA_HTML
            resp.text = "Hello, World!"

    class User:
        def on_get(self, req: Any, resp: Any, name: str) -> None:
            calls["user"] += 1
            resp.content_type = falcon.MEDIA_HTML
            resp.text = f"Hello {name}"

    class Page:
        def on_get(self, req: Any, resp: Any, n: int) -> None:
            calls["page"] += 1
            resp.content_type = falcon.MEDIA_HTML
            resp.text = env.get_template("page.html").render(items=page_items(n), n=n)

    class JSONView:
        def on_get(self, req: Any, resp: Any) -> None:
            calls["json_view"] += 1
            resp.media = {"ok": True, "n": 1, "name": "x"}

    app.add_route("/", Index())
    app.add_route("/user/{name}", User())
    app.add_route("/page/{n:int}", Page())
    app.add_route("/json", JSONView())
    return app


BUILDERS: dict[str, Callable[[ViewCalls], WSGIApp]] = {
    "protoweb": build_protoweb,
    "protoweb-extras": build_protoweb_extras,
    "falcon": build_falcon,
    "flask": build_flask,
    "bottle": build_bottle,
}


def build_app(framework: str) -> tuple[WSGIApp, ViewCalls]:
    """Import ``framework``; return the benchmark app written with it and its counts."""
    calls = {request.view: 0 for request in REQUESTS}
    return BUILDERS[framework](calls), calls
