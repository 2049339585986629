"""After every cell run, open error pages fetch themselves again.

A view that failed may be fixed by a cell that changes nothing the app knows of
(a helper the view calls); the live server's pages that show an error
(:meth:`~protoweb.devtools.reload.ReloadHub.cell_ran`) update in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .workbench import Workbench


class ErrorPageRefresh:
    """IPython ``post_run_cell`` callback: tell the live server a cell ran."""

    def __init__(self, bench: Workbench) -> None:
        self.bench = bench

    def __call__(self, result: Any = None) -> None:
        server = self.bench.server
        if server is not None and server.running and server.dev:
            server.reload_hub.cell_ran()
