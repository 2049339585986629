"""A real browser: an open page shows a replaced route or template by itself.

SPEC section 3 ("Pages opened in a browser reload themselves ..."); issue 3 ("A
real browser"). Debian's chromium, driven by playwright; never ``playwright
install``. A missing chromium fails these tests rather than skipping them.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Page

from protoweb import App, LiveServer

WITHIN_SECONDS = 2.0


def site() -> App:
    app = App("browser_tests", root_path="/nonexistent")
    app.templates["hello.html"] = (
        "<!doctype html><html><body><h1>{{ greeting }}</h1></body></html>"
    )

    @app.route("/")
    def index() -> str:
        return (
            "<!doctype html><html><head><title>v1</title></head>"
            "<body><h1>route v1</h1></body></html>"
        )

    @app.route("/hello")
    def hello() -> str:
        return app.render_template("hello.html", greeting="template v1")

    return app


def open_live(page: Page, url: str, heading: str) -> list[Any]:
    """Open ``url``, wait until its reload stream is connected; return the list
    that collects every navigation the page makes from then on."""
    page.goto(url)
    assert page.inner_text("h1") == heading
    page.wait_for_function(
        "() => window.__protoweb_events && window.__protoweb_events.readyState === 1",
        timeout=5000,
    )
    navigations: list[Any] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    return navigations


def wait_for_heading(page: Page, text: str) -> float:
    started = time.monotonic()
    page.wait_for_function(
        "text => document.querySelector('h1')?.innerText === text",
        arg=text,
        timeout=WITHIN_SECONDS * 1000,
    )
    return time.monotonic() - started


def test_a_replaced_route_shows_in_the_open_page(page: Page) -> None:
    app = site()
    with LiveServer(app) as server:
        navigations = open_live(page, f"{server.url}/", "route v1")

        @app.route("/")
        def index() -> str:
            return "<!doctype html><html><body><h1>route v2</h1></body></html>"

        assert wait_for_heading(page, "route v2") < WITHIN_SECONDS
        assert navigations == []  # updated in place, not reloaded


def test_a_replaced_template_shows_in_the_open_page(page: Page) -> None:
    app = site()
    with LiveServer(app) as server:
        navigations = open_live(page, f"{server.url}/hello", "template v1")
        app.templates["hello.html"] = (
            "<!doctype html><html><body><h1>{{ greeting }}, v2</h1></body></html>"
        )
        assert wait_for_heading(page, "template v1, v2") < WITHIN_SECONDS
        assert navigations == []


def test_a_traceback_page_recovers_once_the_view_is_fixed(page: Page) -> None:
    app = site()

    @app.route("/broken")
    def broken() -> str:
        raise RuntimeError("not yet")

    with LiveServer(app) as server:
        page.goto(f"{server.url}/broken")
        assert "RuntimeError: not yet" in page.inner_text("h1")
        page.wait_for_function(
            "() => window.__protoweb_events?.readyState === 1", timeout=5000
        )

        @app.route("/broken")
        def broken() -> str:  # noqa: F811 - the fix, as a re-run cell
            return "<!doctype html><html><body><h1>fixed</h1></body></html>"

        assert wait_for_heading(page, "fixed") < WITHIN_SECONDS
