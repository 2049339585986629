"""A real browser: an open page takes only the changes it uses, keeping its state.

SPEC section 3 ("Live reload knows what a page uses"); issue 13. Debian's
chromium through playwright; a missing chromium fails these tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from protoweb import App, LiveServer
from protoweb.devtools.recording import LIVE_UPDATE

WITHIN_MS = 3000
FILLER = "".join(f"<p>paragraph {n}</p>" for n in range(120))


@pytest.fixture
def browser_context_args() -> dict[str, Any]:
    """The page's viewport: 800 by 600."""
    return {"viewport": {"width": 800, "height": 600}}


def guestbook() -> App:
    """A guestbook page with a form and a stylesheet, and routes it does not use."""
    app = App("guestbook", root_path="/nonexistent")
    app.static_files["site.css"] = "h1 { color: rgb(255, 0, 0) }"
    app.templates["base.html"] = (
        "<!doctype html><html><head><title>Guestbook</title>"
        '<link rel="stylesheet" href="/static/site.css"></head>'
        "<body>{% block main %}{% endblock %}</body></html>"
    )
    app.templates["book.html"] = (
        "{% extends 'base.html' %}{% block main %}<h1>Guestbook</h1>"
        '<p id="intro">Sign below.</p>' + FILLER + '<form method="post">'
        '<input id="name" name="name"><textarea id="message" name="message">'
        "</textarea><button>Sign</button></form>{% endblock %}"
    )

    @app.route("/")
    def index() -> str:
        return app.render_template("book.html")

    @app.route("/api/entries")
    def entries() -> dict[str, list[str]]:
        return {"entries": []}

    @app.route("/about")
    def about() -> str:
        return "<!doctype html><html><body><h1>About</h1></body></html>"

    return app


def open_live(page: Page, url: str) -> list[Any]:
    """Open ``url``, mark the page with a JS value and wait for its stream; the
    list collects every navigation from then on."""
    page.goto(url)
    page.wait_for_function(
        "() => window.__protoweb_events?.readyState === 1", timeout=WITHIN_MS
    )
    page.evaluate("window.__marker = 'still here'")
    navigations: list[Any] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    return navigations


def marker(page: Page) -> Any:
    return page.evaluate("window.__marker")


def test_a_route_the_page_does_not_use_leaves_it_alone(page: Page) -> None:
    app = guestbook()
    with LiveServer(app) as server:
        navigations = open_live(page, f"{server.url}/")
        page.fill("#message", "half-typed")

        @app.route("/api/entries")
        def entries() -> dict[str, list[str]]:
            return {"entries": ["new"]}

        @app.route("/about")
        def about() -> str:
            return "<!doctype html><html><body><h1>About us</h1></body></html>"

        page.wait_for_timeout(1500)
        assert marker(page) == "still here"
        assert navigations == []
        assert page.input_value("#message") == "half-typed"
        assert page.evaluate("window.__protoweb_live.updates") == 0


def test_a_stylesheet_change_recolours_the_page_in_place(page: Page) -> None:
    app = guestbook()
    with LiveServer(app) as server:
        navigations = open_live(page, f"{server.url}/")
        color = "() => getComputedStyle(document.querySelector('h1')).color"
        assert page.evaluate(color) == "rgb(255, 0, 0)"
        app.static_files["site.css"] = "h1 { color: rgb(0, 128, 0) }"
        page.wait_for_function(
            f"() => ({color})() === 'rgb(0, 128, 0)'", timeout=WITHIN_MS
        )
        assert marker(page) == "still here"
        assert navigations == []
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert page.evaluate("window.__protoweb_live.restyles") == 1
        # A later update of the HTML keeps the new stylesheet, loaded once.
        app.templates["book.html"] = app.templates["book.html"].replace(
            "Sign below.", "Sign here."
        )
        page.wait_for_function(
            "() => document.querySelector('#intro').innerText === 'Sign here.'",
            timeout=WITHIN_MS,
        )
        assert page.evaluate(color) == "rgb(0, 128, 0)"
        assert page.locator("link[rel=stylesheet]").count() == 1
        assert marker(page) == "still here"


def test_a_template_change_keeps_typed_text_focus_and_scroll(page: Page) -> None:
    app = guestbook()
    with LiveServer(app) as server:
        navigations = open_live(page, f"{server.url}/")
        page.fill("#name", "Ada")
        page.fill("#message", "Hello from")
        page.evaluate("window.scrollTo(0, 900)")
        page.focus("#message")
        app.templates["book.html"] = app.templates["book.html"].replace(
            "Sign below.", "Sign below, please."
        )
        page.wait_for_function(
            "text => document.querySelector('#intro').innerText === text",
            arg="Sign below, please.",
            timeout=WITHIN_MS,
        )
        assert marker(page) == "still here"
        assert navigations == []
        assert page.input_value("#name") == "Ada"
        assert page.input_value("#message") == "Hello from"
        assert page.evaluate("window.scrollY") == 900
        assert page.evaluate("document.activeElement.id") == "message"
        fetches = [
            record
            for record in server.request_log.records()
            if record.extra.get(LIVE_UPDATE)
        ]
        assert [record.path for record in fetches] == ["/"]


def test_a_template_the_page_extends_updates_it_too(page: Page) -> None:
    app = guestbook()
    with LiveServer(app) as server:
        open_live(page, f"{server.url}/")
        app.templates["base.html"] = app.templates["base.html"].replace(
            "<title>Guestbook</title>", "<title>Guestbook v2</title>"
        )
        page.wait_for_function(
            "() => document.title === 'Guestbook v2'", timeout=WITHIN_MS
        )
        assert marker(page) == "still here"


def test_a_changed_script_reloads_the_page(page: Page) -> None:
    app = guestbook()
    app.templates["base.html"] = app.templates["base.html"].replace(
        "</head>", "<script>window.__version = 1</script></head>"
    )
    with LiveServer(app) as server:
        open_live(page, f"{server.url}/")
        app.templates["base.html"] = app.templates["base.html"].replace(
            "__version = 1", "__version = 2"
        )
        page.wait_for_function("() => window.__version === 2", timeout=WITHIN_MS)
        assert marker(page) is None
        reloads = [
            record
            for record in server.request_log.records()
            if record.extra.get(LIVE_UPDATE)
        ]
        assert [record.path for record in reloads][:2] == ["/", "/"]


def test_a_traceback_page_is_replaced_in_place_once_the_view_works(
    page: Page,
) -> None:
    app = guestbook()

    @app.route("/broken")
    def broken() -> str:
        raise RuntimeError("not yet")

    with LiveServer(app) as server:
        navigations = open_live(page, f"{server.url}/broken")
        assert "RuntimeError: not yet" in page.inner_text("h1")

        @app.route("/broken")
        def broken() -> str:  # noqa: F811 - the fix, as a re-run cell
            return app.render_template("book.html")

        page.wait_for_function(
            "() => document.querySelector('h1')?.innerText === 'Guestbook'",
            timeout=WITHIN_MS,
        )
        assert marker(page) == "still here"
        assert navigations == []
        assert page.title() == "Guestbook"


def test_a_preview_iframe_updates_in_place_too(page: Page) -> None:
    app = guestbook()
    with LiveServer(app) as server:
        app.add_url_rule(
            "/notebook",
            "notebook",
            lambda: f'<iframe src="{server.url}/" width="600" height="400"></iframe>',
        )
        page.goto(f"{server.url}/notebook")
        frame = page.frame_locator("iframe")
        frame.locator("#name").fill("typed in the preview")
        inner = page.frames[1]
        inner.wait_for_function(
            "() => window.__protoweb_events?.readyState === 1", timeout=WITHIN_MS
        )
        inner.evaluate("window.__marker = 'still here'")
        count = len(server.request_log.records())
        app.templates["book.html"] = app.templates["book.html"].replace(
            "<h1>Guestbook</h1>", "<h1>Guestbook v2</h1>"
        )
        inner.wait_for_function(
            "() => document.querySelector('h1').innerText === 'Guestbook v2'",
            timeout=WITHIN_MS,
        )
        assert inner.evaluate("window.__marker") == "still here"
        assert frame.locator("#name").input_value() == "typed in the preview"
        new = server.request_log.records()[count:]
        assert new and all(record.extra.get(LIVE_UPDATE) for record in new)


def test_a_page_that_is_no_longer_html_is_reloaded(page: Page) -> None:
    app = guestbook()
    with LiveServer(app) as server:
        open_live(page, f"{server.url}/")
        app.add_url_rule("/", "index", lambda: {"entries": ["now JSON"]})
        page.wait_for_function(
            "() => document.body.innerText.includes('now JSON')", timeout=WITHIN_MS
        )
        assert marker(page) is None
