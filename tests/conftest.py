"""Fixtures shared by every test: a fresh app, its test client, a browser and a
page in it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.test import Client

from protoweb import App

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

#: Debian's Chromium; ``playwright install`` is never needed.
CHROMIUM = os.environ.get("PROTOWEB_CHROMIUM", "/usr/bin/chromium")
#: Without the background-networking flags Chromium keeps dialling hosts that
#: this machine's closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def app(tmp_path) -> App:
    """An empty app rooted in a temporary folder (for templates/ and static/)."""
    return App("test_app", root_path=str(tmp_path))


@pytest.fixture
def client(app: App) -> Client:
    return app.test_client()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for a module's browser tests.

    Playwright's sync API runs an event loop in this thread while it is open: a
    second one beside it would fail, and so would ``asyncio.run`` in a later test.
    So there is one at a time, and it closes with the module that used it.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install"
            " chromium) or set PROTOWEB_CHROMIUM; the browser tests never skip"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def browser_context_args() -> dict[str, Any]:
    """Options of the browser context :func:`page` opens (override it to change,
    e.g., the viewport)."""
    return {}


@pytest.fixture
def page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A page in a fresh browser context of its own, closed after the test."""
    context = browser.new_context(**browser_context_args)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()
