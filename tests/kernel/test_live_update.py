"""Error pages in a real kernel: a fixed helper cell is enough to recover.

SPEC section 3 ("Live reload knows what a page uses"); issue 13 ("Error pages
update after any cell runs"). A real kernel, a real Chromium.
"""

from __future__ import annotations

from playwright.sync_api import Page

from .conftest import Kernel, http, server_url

HOOKS = (
    "sum(type(cb).__name__ == 'ErrorPageRefresh'"
    " for cb in get_ipython().events.callbacks['post_run_cell'])"
)


def test_an_error_page_recovers_when_only_the_helper_cell_is_rerun(
    kernel: Kernel, page: Page
) -> None:
    kernel.run(
        "def greeting():\n    raise ValueError('helper not written yet')",
        cell_id="helper",
    )
    kernel.run(
        '@app.route("/hello")\ndef hello():\n'
        '    return f"<!doctype html><html><body><h1>{greeting()}</h1></body></html>"',
        cell_id="view",
    )
    page.goto(f"{server_url(kernel)}/hello")
    assert "ValueError: helper not written yet" in page.inner_text("h1")
    page.wait_for_function(
        "() => window.__protoweb_events?.readyState === 1", timeout=5000
    )
    page.evaluate("window.__marker = 'still here'")
    kernel.run("def greeting():\n    return 'Hello, fixed'", cell_id="helper")
    page.wait_for_function(
        "() => document.querySelector('h1')?.innerText === 'Hello, fixed'",
        timeout=5000,
    )
    assert page.evaluate("window.__marker") == "still here"


def test_the_cell_hook_is_registered_once_and_removed_on_unload(
    kernel: Kernel,
) -> None:
    for _ in range(2):
        kernel.run("%reload_ext protoweb")
    assert kernel.eval(HOOKS) == 1
    kernel.run("%unload_ext protoweb")
    assert kernel.eval(HOOKS) == 0
    kernel.run("%load_ext protoweb")
    assert kernel.eval(HOOKS) == 1


def test_protoweb_request_shows_the_page_without_the_script(kernel: Kernel) -> None:
    kernel.run(
        '@app.route("/plain")\ndef plain():\n'
        '    return "<!doctype html><html><body><h1>plain</h1></body></html>"',
        cell_id="plain",
    )
    assert "data-protoweb-live" in http(f"{server_url(kernel)}/plain").body
    shown = kernel.run("%protoweb request GET /plain").stdout
    assert "<h1>plain</h1></body></html>" in shown
    assert "data-protoweb-live" not in shown and "__protoweb__" not in shown
