"""The quickstart notebook in JupyterLab, in a real browser, as a person uses it.

The tests are the steps of one session on one notebook and one kernel, so they
run in file order: run the quickstart, see the panel, open the app from it,
preview a page and use its form, edit a route and a stylesheet and watch the
preview follow in place, fix a helper and see an error page recover, break a view
and see the error, follow links and redirects. The module runs
twice: with the live server reached directly and through jupyter-server-proxy.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from .artifacts import Artifacts, Steps, docs_screenshot
from .jupyterlab import JupyterLabServer
from .notebook_page import NotebookPage
from .panel_view import BASE_URL_PATTERNS, PANEL, PanelView

QUICKSTART = "quickstart.ipynb"
#: The quickstart's preview of its index page.
SHOW_INDEX = r"^%protoweb show /$"
#: How long a change in the kernel may take to show in the browser.
SHOWS_WITHIN_MS = 10_000

PAGE = "<!doctype html><html><body>{}</body></html>"


@dataclass
class Session:
    """The quickstart, run in the browser: the notebook and its panel."""

    notebook: NotebookPage
    panel: PanelView
    mode: str

    @property
    def page(self) -> Page:
        return self.notebook.page

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on the live server, as the browser uses it."""
        return self.panel.absolute(self.panel.base_url() + path.lstrip("/"))

    def click_for_tab(self, link: Locator) -> Page:
        """Click a link that opens a new tab (``target=_blank``); that tab."""
        with self.page.expect_popup() as popup:
            link.click()
        tab = popup.value
        tab.wait_for_load_state()
        return tab


@pytest.fixture(scope="module")
def session(
    notebook_page: NotebookPage,
    lab: JupyterLabServer,
    mode: str,
    artifacts: Artifacts,
) -> Iterator[Session]:
    """quickstart.ipynb opened in JupyterLab and run with Run > Run All Cells."""
    if not (lab.root_dir / QUICKSTART).is_file():
        pytest.fail(f"notebooks/{QUICKSTART} is missing")
    try:
        notebook_page.open(QUICKSTART)
        notebook_page.run_all()
    except Exception:
        artifacts.keep(f"{QUICKSTART} run all [{mode}]")
        raise
    panel = notebook_page.page.locator(PANEL).first
    yield Session(notebook_page, PanelView(panel, lab), mode)


def test_quickstart_runs_and_shows_the_panel(session: Session, steps: Steps) -> None:
    steps.capture("quickstart run")
    errors = [text for text in session.notebook.error_outputs() if "Error" in text]
    assert errors == [], "the quickstart raised"
    panel = session.panel
    panel.root.scroll_into_view_if_needed()
    expect(panel.root).to_be_visible()
    expect(panel.root).to_contain_text("serving")
    expect(panel.link).to_be_visible()
    assert BASE_URL_PATTERNS[session.mode].match(panel.base_url()), panel.base_url()
    for rule in ("/", "/items", "/hello/<name>"):
        expect(panel.route_row(rule)).to_be_visible()
    steps.capture("panel")
    docs_screenshot("e2e-panel.png", panel.root)


def test_the_panel_link_opens_the_app_and_requests_show_up(
    session: Session, steps: Steps
) -> None:
    panel = session.panel
    with steps.tab(session.click_for_tab(panel.link), "app tab") as tab:
        assert tab.url == session.url("/")
        expect(tab.locator("body")).not_to_be_empty()
        marker = secrets.token_hex(4)
        response = tab.goto(session.url(f"/?e2e={marker}"))
        assert response is not None and response.status == 200
    row = panel.requests.locator("tr", has_text=f"/?e2e={marker}")
    expect(row).to_be_visible(timeout=SHOWS_WITHIN_MS)
    expect(row).to_contain_text("GET")
    expect(row).to_contain_text("200")
    panel.root.scroll_into_view_if_needed()
    steps.capture("request in panel")


def test_show_previews_the_page_in_an_iframe(
    session: Session, steps: Steps, context: BrowserContext
) -> None:
    notebook = session.notebook
    cell = notebook.find_cell(SHOW_INDEX)
    iframe = notebook.output(cell).locator("iframe")
    iframe.scroll_into_view_if_needed()
    expect(iframe).to_be_visible()
    src = iframe.get_attribute("src") or ""
    assert src.startswith(session.panel.base_url()), src
    with steps.tab(context.new_page(), "index tab") as tab:
        tab.goto(session.url("/"))
        expected = tab.locator("body").inner_text().strip()
    assert expected, "the quickstart's / page is empty"
    preview = notebook.output(cell).frame_locator("iframe").locator("body")
    expect(preview).to_have_text(expected, use_inner_text=True)
    steps.capture("preview")
    docs_screenshot("e2e-preview.png", notebook.cell(cell))


STYLESHEETS_LOADED = """() => {
    const sheets = Array.from(document.styleSheets).filter(sheet => sheet.href);
    return sheets.length > 0 && sheets.every(sheet => sheet.cssRules.length > 0);
}"""


def test_the_form_in_the_preview_posts_and_redirects(
    session: Session, steps: Steps
) -> None:
    """In the preview: a stylesheet and a form action made by ``url_for``, and a
    POST answered by ``redirect(url_for("index"))``."""
    notebook = session.notebook
    cell = notebook.find_cell(SHOW_INDEX)
    notebook.output(cell).scroll_into_view_if_needed()
    iframe = notebook.output(cell).locator("iframe")
    frame = notebook.output(cell).frame_locator("iframe")
    preview = iframe.element_handle().content_frame()
    assert preview is not None
    # The stylesheets the page links (with url_for('static', ...)) are applied.
    expect(frame.locator("link[rel=stylesheet]").first).to_be_attached()
    preview.wait_for_function(STYLESHEETS_LOADED)
    item = f"e2e item {secrets.token_hex(3)}"
    form = frame.locator("form[method=post]")
    form.locator("input[name]").first.fill(item)
    with preview.expect_navigation():
        form.locator("button, input[type=submit]").first.click()
    assert preview.url == session.url("/"), "the redirect did not lead to the index"
    expect(frame.locator("body")).to_contain_text(item)
    steps.capture("form posted")


def live_route(version: str) -> str:
    page = PAGE.format(
        "<link rel='stylesheet' href='../static/e2e-live.css'>"
        f"<h1 id='version'>{version}</h1><input id='note'>"
    )
    return f'%%route GET /e2e/live\n"{page}"'


def live_stylesheet(color: str) -> str:
    return f"%%static e2e-live.css\nh1 {{ color: {color} }}"


HEADING_COLOR = "() => getComputedStyle(document.querySelector('#version')).color"


def test_rerunning_cells_updates_the_preview_in_place(
    session: Session, steps: Steps
) -> None:
    """Only what the previewed page uses updates it: in place, keeping what was
    typed into it (and its JavaScript state)."""
    notebook = session.notebook
    css_cell = notebook.append_and_run(live_stylesheet("rgb(200, 0, 0)"))
    route_cell = notebook.append_and_run(live_route("first"))
    other_cell = notebook.append_and_run("%%route GET /e2e/other\n'other, v1'")
    show_cell = notebook.append_and_run("%protoweb show /e2e/live")
    # the preview is a lazy iframe: it loads once it is on screen
    notebook.output(show_cell).scroll_into_view_if_needed()
    frame = notebook.output(show_cell).frame_locator("iframe")
    heading = frame.locator("#version")
    expect(heading).to_have_text("first")
    iframe = notebook.output(show_cell).locator("iframe")
    iframe.evaluate("element => { element.dataset.e2eUntouched = 'yes'; }")
    preview = iframe.element_handle().content_frame()
    assert preview is not None
    preview.wait_for_function(
        "() => window.__protoweb_events?.readyState === 1", timeout=SHOWS_WITHIN_MS
    )
    preview.wait_for_function(f"() => ({HEADING_COLOR})() === 'rgb(200, 0, 0)'")
    preview.evaluate("window.__e2e_marker = 'kept'")
    frame.locator("#note").fill("typed before the edit")
    show_position = notebook.code_cell_position(show_cell)
    show_count = notebook.execution_counts()[show_position]
    steps.capture("before edit")

    notebook.set_source(other_cell, "%%route GET /e2e/other\n'other, v2'")
    notebook.run_cell(other_cell)
    session.page.wait_for_timeout(1500)
    assert preview.evaluate("window.__protoweb_live.updates") == 0

    notebook.set_source(route_cell, live_route("second"))
    notebook.run_cell(route_cell)
    expect(heading).to_have_text("second", timeout=SHOWS_WITHIN_MS)

    notebook.set_source(css_cell, live_stylesheet("rgb(0, 0, 200)"))
    notebook.run_cell(css_cell)
    preview.wait_for_function(
        f"() => ({HEADING_COLOR})() === 'rgb(0, 0, 200)'", timeout=SHOWS_WITHIN_MS
    )

    # Updated in place: the same document (its JavaScript state and the text
    # typed into it survive), in the same iframe, whose cell was not run again.
    assert preview.evaluate("window.__e2e_marker") == "kept"
    expect(frame.locator("#note")).to_have_value("typed before the edit")
    expect(iframe).to_have_attribute("data-e2e-untouched", "yes")
    assert notebook.execution_counts()[show_position] == show_count
    steps.capture("after edit")
    docs_screenshot(
        "e2e-live-reload.png", notebook.cell(route_cell), notebook.cell(show_cell)
    )


HELPER_BROKEN = "def e2e_greeting():\n    raise ValueError('helper not written yet')"
HELPER_FIXED = "def e2e_greeting():\n    return 'Hello from the helper'"


def test_an_error_page_recovers_when_the_helper_cell_is_fixed(
    session: Session, steps: Steps
) -> None:
    notebook = session.notebook
    helper_cell = notebook.append_and_run(HELPER_BROKEN)
    page = PAGE.format("<h1 id='greeting'>{e2e_greeting()}</h1>")
    notebook.append_and_run(f'%%route GET /e2e/helper\nf"{page}"')
    show_cell = notebook.append_and_run("%protoweb show /e2e/helper")
    frame = notebook.output(show_cell).frame_locator("iframe")
    expect(frame.locator("body")).to_contain_text("ValueError")
    preview = notebook.output(show_cell).locator("iframe").element_handle()
    inner = preview.content_frame()
    assert inner is not None
    inner.wait_for_function(
        "() => window.__protoweb_events?.readyState === 1", timeout=SHOWS_WITHIN_MS
    )
    inner.evaluate("window.__e2e_marker = 'kept'")

    notebook.set_source(helper_cell, HELPER_FIXED)
    notebook.run_cell(helper_cell)
    expect(frame.locator("#greeting")).to_have_text(
        "Hello from the helper", timeout=SHOWS_WITHIN_MS
    )
    assert inner.evaluate("window.__e2e_marker") == "kept"
    steps.capture("error page recovered")


def test_an_exception_in_a_view_shows_in_the_panel(
    session: Session, steps: Steps
) -> None:
    notebook = session.notebook
    cell = notebook.append_and_run("%%route GET /e2e/boom\n1 / 0")
    count = notebook.execution_counts()[notebook.code_cell_position(cell)]
    panel = session.panel
    link = panel.route_link("/e2e/boom")
    expect(link).to_be_visible(timeout=SHOWS_WITHIN_MS)
    with steps.tab(session.click_for_tab(link), "error page") as tab:
        expect(tab.locator("body")).to_contain_text("ZeroDivisionError")
    expect(panel.requests.locator("tr", has_text="/e2e/boom")).to_contain_text("500")
    expect(panel.root).to_contain_text("ZeroDivisionError", timeout=SHOWS_WITHIN_MS)
    # Which view raised, and the cell it came from.
    expect(panel.root).to_contain_text("e2e_boom")
    expect(panel.root).to_contain_text(f"In [{count}]")
    panel.root.scroll_into_view_if_needed()
    steps.capture("error in panel")
    docs_screenshot("e2e-error.png", panel.root)


THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


def use_theme(page: Page, name: str) -> None:
    """Settings > Theme > NAME, as a person picks it; wait until it applies."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Settings$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Theme$")).click()
    page.locator(
        ".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(THEMES[name])}$")
    ).click()
    light = "true" if name == "light" else "false"
    expect(page.locator("body")).to_have_attribute(
        "data-jp-theme-light", light, timeout=SHOWS_WITHIN_MS
    )
    page.wait_for_timeout(500)  # the theme's stylesheet settles


def test_the_panel_and_the_line_under_a_route_cell_follow_the_theme(
    session: Session, steps: Steps
) -> None:
    notebook = session.notebook
    cell = notebook.append_and_run("%%route GET /e2e/themed\n'themed page'")
    line = notebook.output(cell).locator(".protoweb-cell")
    expect(line).to_contain_text("/e2e/themed", timeout=SHOWS_WITHIN_MS)
    expect(line).to_contain_text("no requests yet")
    link = line.locator("a", has_text=re.compile("^/e2e/themed$"))
    with steps.tab(session.click_for_tab(link), "themed page") as tab:
        expect(tab.locator("body")).to_contain_text("themed page")
    expect(line.locator(".pw-s-2")).to_have_text("200", timeout=SHOWS_WITHIN_MS)
    panel = session.panel
    expect(panel.requests.locator(".pw-badge.pw-m-GET").first).to_be_visible()
    title_colour = "e => getComputedStyle(e.querySelector('.pw-title')).color"
    line_colour = "e => getComputedStyle(e).backgroundColor"
    colours = {}
    try:
        for name in ("dark", "light"):
            use_theme(session.page, name)
            colours[name] = (
                panel.root.evaluate(title_colour),
                line.evaluate(line_colour),
            )
            panel.root.scroll_into_view_if_needed()
            steps.capture(f"panel {name}")
            docs_screenshot(f"panel-{name}.png", panel.root)
            docs_screenshot(f"cell-line-{name}.png", notebook.cell(cell))
    finally:
        if session.page.locator("body").get_attribute("data-jp-theme-light") != "true":
            use_theme(session.page, "light")
    assert colours["dark"][0] != colours["light"][0], colours
    assert colours["dark"][1] != colours["light"][1], colours


LINKS_CELL = """\
from protoweb import redirect, url_for

E2E_PAGE = "<!doctype html><html><body>{}</body></html>"


@app.route("/e2e/links")
def e2e_links():
    target = url_for("e2e_target", name="link")
    return E2E_PAGE.format(f'<a id="next" href="{target}">next</a>')


@app.route("/e2e/target/<name>")
def e2e_target(name):
    return E2E_PAGE.format(f'<h1 id="target">reached by {name}</h1>')


@app.route("/e2e/go")
def e2e_go():
    return redirect(url_for("e2e_target", name="redirect"))
"""


def test_url_for_links_and_redirects_work_in_a_tab(
    session: Session, steps: Steps
) -> None:
    session.notebook.append_and_run(LINKS_CELL)
    link = session.panel.route_link("/e2e/links")
    expect(link).to_be_visible(timeout=SHOWS_WITHIN_MS)
    with steps.tab(session.click_for_tab(link), "links tab") as tab:
        assert tab.url == session.url("/e2e/links")
        prefix = "" if session.mode == "local" else session.panel.base_url()[:-1]
        next_link = tab.locator("#next")
        expect(next_link).to_have_attribute("href", f"{prefix}/e2e/target/link")
        next_link.click()
        expect(tab.locator("#target")).to_have_text("reached by link")
        assert tab.url == session.url("/e2e/target/link")

        tab.goto(session.url("/e2e/go"))
        assert tab.url == session.url("/e2e/target/redirect")
        expect(tab.locator("#target")).to_have_text("reached by redirect")
        steps.capture("redirected", page=tab)
