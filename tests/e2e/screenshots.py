"""Screenshots: each test's steps (kept when it fails) and the pictures in the docs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Locator, Page

REPO = Path(__file__).resolve().parents[2]
#: Where a failing test's screenshots and logs go (the path is printed).
ARTIFACTS = Path(
    os.environ.get("PROTOWEB_E2E_ARTIFACTS", Path(__file__).parent / "artifacts")
)
#: ``PROTOWEB_E2E_DOCS=1`` also writes the screenshots the docs show, here.
DOCS_STATIC = REPO / "docs" / "_static"


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
            self.capture(f"{name} at failure", page=tab)
            raise
        finally:
            tab.close()


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
