"""What a run leaves behind: step screenshots and logs of failures, docs pictures."""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Locator, Page

from .jupyterlab import JupyterLabServer

REPO = Path(__file__).resolve().parents[2]
#: Where a failing test's screenshots and logs go (the path is printed).
ARTIFACTS = Path(
    os.environ.get("PROTOWEB_E2E_ARTIFACTS", Path(__file__).parent / "artifacts")
)
#: ``PROTOWEB_E2E_DOCS=1`` also writes the screenshots the docs show, here.
DOCS_STATIC = REPO / "docs" / "_static"
#: The folder (in each test's tmp_path) that holds its step screenshots.
STEPS = "steps"
#: Where the failures' folders are listed for the end-of-run summary.
ARTIFACT_FOLDERS = pytest.StashKey[list[str]]()


class Steps:
    """Screenshots of a test's steps, in order; kept only when the test fails."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder
        self.count = 0

    def capture(self, name: str, page: Page | None = None) -> Path:
        """Screenshot the notebook tab (or ``page``) as the next step."""
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = self.folder / f"{self.count:02d}-{slug}.png"
        (page or self.page).screenshot(path=path)
        return path

    @contextmanager
    def tab(self, tab: Page, name: str) -> Iterator[Page]:
        """Use ``tab``, then close it; if the block fails, screenshot it first."""
        try:
            yield tab
        except BaseException:
            try:
                self.capture(f"{name} at failure", page=tab)
            except Exception:  # the failure itself matters more than its picture
                pass
            raise
        finally:
            tab.close()


class Console:
    """What the browser's tabs printed to their consoles, and their page errors."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("console", lambda m: self.lines.append(f"[{m.type}] {m.text}"))
        page.on("pageerror", lambda e: self.lines.append(f"[pageerror] {e}"))


class Artifacts:
    """Keeps what explains a failure: step screenshots, every tab, logs.

    :param config: pytest's config, where the folders are listed for the summary.
    """

    def __init__(
        self,
        config: pytest.Config,
        context: BrowserContext,
        console: Console,
        lab: JupyterLabServer,
    ) -> None:
        self.config = config
        self.context = context
        self.console = console
        self.lab = lab

    def keep(self, name: str, steps: Path | None = None, console_from: int = 0) -> Path:
        """Write the artifacts of the failure called ``name``; their folder."""
        slug = re.sub(r"[^\w.-]+", "_", name.split("::")[-1])
        folder = ARTIFACTS / f"{slug}-{time.strftime('%Y%m%d-%H%M%S')}"
        if steps is not None and steps.is_dir():
            shutil.copytree(steps, folder)
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(self.context.pages):
            try:
                page.screenshot(path=folder / f"failure-tab{number}.png")
            except Exception as error:  # a crashed tab still leaves the other files
                (folder / f"failure-tab{number}.txt").write_text(repr(error))
        lines = self.console.lines[console_from:]
        (folder / "console.log").write_text("\n".join(lines))
        (folder / "jupyterlab.log").write_text(self.lab.log())
        self.config.stash.setdefault(ARTIFACT_FOLDERS, []).append(f"{name}: {folder}")
        return folder


def docs_screenshot(name: str, *locators: Locator) -> None:
    """With ``PROTOWEB_E2E_DOCS=1``, save the area around ``locators`` for the docs.

    The file is ``docs/_static/NAME``; several locators give one picture of the
    box that holds them all (a cell and the one below it, say).
    """
    if os.environ.get("PROTOWEB_E2E_DOCS") != "1":
        return
    page = locators[0].page
    page.mouse.move(0, 0)  # no hover highlights in the picture
    locators[0].evaluate("element => element.scrollIntoView({block: 'start'})")
    boxes = [box for box in (loc.bounding_box() for loc in locators) if box]
    left = min(box["x"] for box in boxes)
    top = min(box["y"] for box in boxes)
    right = max(box["x"] + box["width"] for box in boxes)
    bottom = max(box["y"] + box["height"] for box in boxes)
    clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    DOCS_STATIC.mkdir(exist_ok=True)
    page.screenshot(path=DOCS_STATIC / name, clip=clip, animations="disabled")
