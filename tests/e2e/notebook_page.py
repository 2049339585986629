"""A notebook open in JupyterLab, driven the way a person drives it.

Cells are run from the menu or with the keyboard, edited by typing into the cell,
and checked by what the page shows. Every wait is bounded; a wait that runs out
says what it was waiting for and what the page showed instead.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Locator, Page, expect

from .jupyterlab import JupyterLabServer

#: Longest a cell (or a whole Run All) may run before the test fails.
EXECUTION_TIMEOUT = 60.0
#: Longest the notebook may take to open and its kernel to become idle.
OPEN_TIMEOUT_MS = 45_000

_COUNT = re.compile(r"\[(\d+)\]")
_KERNEL_READY = re.compile(r"^(?!No Kernel).+ \| Idle$")


class NotebookError(AssertionError):
    """The notebook did not do what the test waited for."""


class NotebookPage:
    """One notebook in a JupyterLab tab.

    :param page: the browser tab.
    :param lab: the server the notebook lives on.
    """

    def __init__(self, page: Page, lab: JupyterLabServer) -> None:
        self.page = page
        self.lab = lab
        self.notebook = page.locator(".jp-NotebookPanel:visible .jp-Notebook")
        self.cells = self.notebook.locator(".jp-Cell")

    def open(self, path: str) -> NotebookPage:
        """Open ``path`` and wait until its cells show and its kernel is idle.

        The notebook's metadata must name its kernel (else JupyterLab asks which
        one, and the wait for an idle kernel runs out with the dialog on screen).
        """
        self.page.goto(self.lab.lab_url(path), timeout=OPEN_TIMEOUT_MS)
        self.cells.first.wait_for(timeout=OPEN_TIMEOUT_MS)
        # The status bar reads "No Kernel | Initializing", "Python 3 (ipykernel) |
        # Connecting", ... then "Python 3 (ipykernel) | Idle" once cells can run.
        expect(self.kernel_status_item).to_have_text(
            _KERNEL_READY, timeout=OPEN_TIMEOUT_MS
        )
        # More room for the notebook (and the screenshots): hide the file browser.
        if self.page.locator("#jp-left-stack:visible").count():
            self.page.keyboard.press("Control+b")
        # Make the notebook the current widget: the Run menu acts on that one.
        self.select(0)
        return self

    @property
    def kernel_status_item(self) -> Locator:
        """The status bar's "KERNEL | STATUS" item."""
        return self.page.locator("#jp-main-statusbar .jp-StatusBar-TextItem").filter(
            has_text=" | "
        )

    def kernel_status(self) -> str:
        """The kernel's status as the status bar shows it: "idle", "busy", ..."""
        text = self.kernel_status_item.inner_text(timeout=5_000)
        return text.rpartition(" | ")[2].strip().lower()

    # Reading cells.

    def cell(self, index: int) -> Locator:
        return self.cells.nth(index)

    def output(self, index: int) -> Locator:
        """The output area of cell ``index``."""
        return self.cell(index).locator(".jp-OutputArea")

    def sources(self) -> list[str]:
        """The text every cell shows in its editor (markdown cells: their source)."""
        return self.cells.evaluate_all(
            """cells => cells.map(cell => {
                const lines = cell.querySelectorAll('.jp-InputArea-editor .cm-line');
                return Array.from(lines, line => line.textContent).join('\\n');
            })"""
        )

    def find_cell(self, pattern: str) -> int:
        """The index of the first cell whose source matches ``pattern`` (regex)."""
        for index, source in enumerate(self.sources()):
            if re.search(pattern, source, re.MULTILINE):
                return index
        raise NotebookError(f"no cell matches {pattern!r}")

    def execution_counts(self) -> list[int | None]:
        """Each code cell's execution count as its prompt shows it (None: not run)."""
        prompts = self.notebook.locator(".jp-CodeCell .jp-InputArea-prompt")
        counts: list[int | None] = []
        for text in prompts.all_inner_texts():
            match = _COUNT.search(text)
            counts.append(int(match.group(1)) if match else None)
        return counts

    def latest_count(self) -> int:
        return max((count for count in self.execution_counts() if count), default=0)

    def error_outputs(self) -> list[str]:
        """The texts of stderr outputs shown (tracebacks, warnings, messages)."""
        return self.notebook.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).all_inner_texts()

    # Running cells.

    def run_all(self) -> None:
        """Run > Run All Cells, then wait until every code cell has run."""
        before = self.latest_count()
        self.select(0)
        menu_bar = self.page.locator("#jp-menu-panel")
        menu_bar.get_by_role("menuitem", name="Run", exact=True).click()
        run_all = self.page.get_by_role("menuitem", name="Run All Cells", exact=True)
        expect(run_all).to_be_enabled()
        run_all.click()
        self.wait_until_run(after=before)

    def run_cell(self, index: int) -> None:
        """Select cell ``index`` and press Ctrl+Enter (run it, stay on it)."""
        before = self.latest_count()
        self.select(index)
        self.page.keyboard.press("Control+Enter")
        self.wait_until_run(after=before, cells=[index])

    def select(self, index: int) -> None:
        """Make cell ``index`` the active cell, in command mode."""
        cell = self.cell(index)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputArea-prompt").click()
        self.page.keyboard.press("Escape")

    def wait_until_run(self, after: int, cells: list[int] | None = None) -> None:
        """Wait until the code cells (or ``cells``) show a count above ``after``.

        Fails early when the kernel has gone idle with cells still not run (a
        cell raised and Run All stopped), with the tracebacks shown.
        """
        code_cells = self._code_cell_positions()
        wanted = (
            list(range(len(code_cells)))
            if cells is None
            else [code_cells.index(index) for index in cells]
        )
        deadline = time.monotonic() + EXECUTION_TIMEOUT
        idle_since: float | None = None
        while True:
            counts = self.execution_counts()
            pending = [i for i in wanted if not (counts[i] or 0) > after]
            if not pending:
                return
            now = time.monotonic()
            if self.kernel_status() == "idle":
                idle_since = idle_since or now
                if now - idle_since > 5:
                    raise NotebookError(
                        f"the kernel is idle but code cells {pending} did not run"
                        f" (execution counts {counts}, waited for > {after});"
                        f" tracebacks shown: {self.error_outputs()}"
                    )
            else:
                idle_since = None
            if now > deadline:
                raise NotebookError(
                    f"cells {pending} still running after {EXECUTION_TIMEOUT:.0f} s"
                )
            time.sleep(0.2)

    def code_cell_position(self, index: int) -> int:
        """Where cell ``index`` is among the code cells (for execution counts)."""
        return self._code_cell_positions().index(index)

    def _code_cell_positions(self) -> list[int]:
        """Notebook indexes of the code cells, in order."""
        return self.cells.evaluate_all(
            """cells => cells.flatMap((cell, i) =>
                cell.classList.contains('jp-CodeCell') ? [i] : [])"""
        )

    # Editing.

    def set_source(self, index: int, source: str) -> None:
        """Replace cell ``index``'s text by typing it (select all, then type)."""
        editor = self.cell(index).locator(".jp-InputArea-editor .cm-content")
        editor.scroll_into_view_if_needed()
        editor.click()
        self.page.keyboard.press("Control+a")
        # One insertion, as a paste is: the editor does not re-indent the lines.
        self.page.keyboard.insert_text(source)
        self._expect_source(index, source)

    def append_cell(self, source: str) -> int:
        """Add a code cell at the end (``b`` in command mode), type ``source``."""
        last = self.cells.count() - 1
        self.select(last)
        self.page.keyboard.press("b")
        index = last + 1
        self.cell(index).wait_for()
        self.page.keyboard.press("Enter")
        self.page.keyboard.insert_text(source)
        self._expect_source(index, source)
        return index

    def append_and_run(self, source: str) -> int:
        """Add a code cell at the end, run it, and bring its output on screen, as
        a person reading it would (a preview is a lazy iframe: it loads only once
        it is on screen)."""
        index = self.append_cell(source)
        self.run_cell(index)
        self.cell(index).scroll_into_view_if_needed()
        self.cell(index).evaluate("cell => cell.scrollIntoView({block: 'end'})")
        return index

    def _expect_source(self, index: int, source: str) -> None:
        deadline = time.monotonic() + 5
        while self.sources()[index] != source:
            if time.monotonic() > deadline:
                raise NotebookError(
                    f"cell {index} shows {self.sources()[index]!r}, not {source!r}"
                )
            time.sleep(0.1)
