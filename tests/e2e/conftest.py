"""Fixtures for the browser tests: a JupyterLab server, headless Chromium, artifacts.

The server serves a temporary copy of ``notebooks/`` (a run never changes the
repository's notebooks) in one of two modes, and every test runs in both:

``local``
    the browser reaches the live server at ``http://127.0.0.1:PORT/``, as on a
    laptop (``PROTOWEB_PUBLIC_URL`` says so explicitly, because
    jupyter-server-proxy is installed in the test environment);
``proxy``
    nothing is configured: protoweb finds jupyter-server-proxy in the Jupyter
    server that started the kernel, and every URL goes through ``/proxy/PORT/``,
    as on JupyterHub.

When a test fails, its step screenshots, a screenshot of every open tab, the
browser console and the server log are kept under ``tests/e2e/artifacts/`` (or
``$PROTOWEB_E2E_ARTIFACTS``); the folders are listed at the end of the run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext

from .artifacts import ARTIFACT_FOLDERS, REPO, STEPS, Artifacts, Console, Steps
from .jupyterlab import JupyterLabServer
from .notebook_page import NotebookPage

NOTEBOOKS = REPO / "notebooks"
#: Default for every Playwright wait (a click, a selector, an expectation).
UI_TIMEOUT_MS = 15_000
NAVIGATION_TIMEOUT_MS = 30_000
#: Per-test ceiling, fixtures included (starting JupyterLab, running the notebook).
TEST_TIMEOUT = 150
MODES = ("local", "proxy")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    setattr(item, f"e2e_report_{report.when}", report)
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    folders = config.stash.get(ARTIFACT_FOLDERS, [])
    if folders:
        terminalreporter.section("e2e artifacts (screenshots, console, server log)")
        for line in folders:
            terminalreporter.write_line(line)


def _failed(item: pytest.Item) -> bool:
    reports = (getattr(item, f"e2e_report_{when}", None) for when in ("setup", "call"))
    return any(report is not None and report.failed for report in reports)


@pytest.fixture(scope="module", params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def lab(
    mode: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JupyterLabServer]:
    """JupyterLab on 127.0.0.1 with a token, serving a copy of ``notebooks/``."""
    base = tmp_path_factory.mktemp(f"lab-{mode}")
    root = base / "root"
    shutil.copytree(NOTEBOOKS, root)
    env: dict[str, str | None] = {
        "PROTOWEB_PORT": None,
        "PROTOWEB_PUBLIC_URL": None,
        "JUPYTERHUB_SERVICE_PREFIX": None,
    }
    if mode == "local":
        env["PROTOWEB_PUBLIC_URL"] = "http://127.0.0.1:{port}/"
    with JupyterLabServer(root, base / "state", env=env) as server:
        yield server


@pytest.fixture(scope="module")
def console() -> Console:
    return Console()


@pytest.fixture(scope="module")
def context(
    browser: Browser, console: Console, lab: JupyterLabServer
) -> Iterator[BrowserContext]:
    """A fresh browser profile for each JupyterLab server (closed before it stops)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    context.on("page", console.attach)
    yield context
    context.close()


@pytest.fixture(scope="module")
def notebook_page(context: BrowserContext, lab: JupyterLabServer) -> NotebookPage:
    """A JupyterLab tab (opening a notebook is the test's first step)."""
    return NotebookPage(context.new_page(), lab)


@pytest.fixture(scope="module")
def artifacts(
    request: pytest.FixtureRequest,
    context: BrowserContext,
    console: Console,
    lab: JupyterLabServer,
) -> Artifacts:
    """For module fixtures that drive the browser: ``artifacts.keep(name)``."""
    return Artifacts(request.config, context, console, lab)


@pytest.fixture
def failure_artifacts(
    request: pytest.FixtureRequest, artifacts: Artifacts, tmp_path: Path
) -> Iterator[None]:
    """When a test fails: its step screenshots, every tab, the console, the log."""
    console_start = len(artifacts.console.lines)
    yield
    if _failed(request.node):
        artifacts.keep(request.node.nodeid, tmp_path / STEPS, console_start)


@pytest.fixture
def steps(
    notebook_page: NotebookPage, tmp_path: Path, failure_artifacts: None
) -> Steps:
    """Step screenshots, kept with the other artifacts if the test fails."""
    folder = tmp_path / STEPS
    folder.mkdir()
    return Steps(notebook_page.page, folder)
