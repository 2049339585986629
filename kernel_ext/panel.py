"""The status panel, and a live status line under each cell that defines routes.

The panel shows the URL, the route table, the latest requests, the last error
and what views printed. With a widget front end it is an ipywidgets box that
follows the request log live, as is the line under each route cell (its routes,
the last request to them, its last error). The log calls
:meth:`Panel.record_added` from the server's threads; that only schedules a
refresh, and the refresh (also on a worker thread, coalescing a burst of
requests into one update) sets widget values, which ipywidgets supports from
any thread. Without widgets (terminal IPython, nbconvert) the panel is
text/HTML output, updated in place when routes change.
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import TYPE_CHECKING, Any

from . import panel_html, render
from .definitions import ROUTE_KINDS
from .favicon import FAVICON

if TYPE_CHECKING:
    from protoweb.devtools.log import RequestRecord

    from .panel_html import RouteRow
    from .thread_output import ViewOutput, ViewOutputs
    from .workbench import Workbench

#: Seconds a refresh waits to gather a burst of requests into one update.
REFRESH_DELAY = 0.05
#: Requests listed in the panel.
LATEST = 8
#: Requests whose views' output the panel shows.
LATEST_OUTPUTS = 3


def widgets_available(shell: Any) -> bool:
    """A kernel with comms and ipywidgets (``PROTOWEB_WIDGETS=0`` opts out)."""
    setting = os.environ.get("PROTOWEB_WIDGETS", "1").strip().lower()
    if setting in ("0", "false", "no"):
        return False
    if getattr(shell, "kernel", None) is None:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


class Panel:
    """The notebook's view of the workbench.

    :param bench: what to show.
    :param use_widgets: build ipywidgets (else text/HTML output).
    :param updatable: the front end updates output in place (a kernel's does;
        a terminal would print the panel again instead).
    """

    def __init__(
        self, bench: Workbench, use_widgets: bool, updatable: bool = True
    ) -> None:
        self.bench = bench
        self.use_widgets = use_widgets
        self.updatable = updatable
        self.display_id = f"protoweb-{uuid.uuid4().hex}"
        #: What views printed, per request (set by the extension in a kernel).
        self.view_outputs: ViewOutputs | None = None
        #: cell id -> the status line widget under that cell.
        self.cell_lines: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._render_lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._closed = False
        self.widget: Any = None
        if use_widgets:
            self._build_widgets()

    def _build_widgets(self) -> None:
        import ipywidgets as widgets

        self.header = widgets.HTML()
        self.routes = widgets.HTML()
        self.requests = widgets.HTML()
        self.error = widgets.HTML()
        self.outputs = widgets.HTML()
        sections = [
            self.header,
            widgets.HTML(panel_html.section("routes")),
            self.routes,
            widgets.HTML(panel_html.section("latest requests")),
            self.requests,
            self.error,
            self.outputs,
        ]
        self.widget = widgets.VBox(sections)
        self.widget.add_class("protoweb-panel")
        self._render_widgets()

    # Rendering.

    def _base_url(self) -> str:
        """The URL links in the panel start with; ``""`` while stopped."""
        return self.bench.public_url if self.bench.running else ""

    def _header_html(self, base_url: str, count: int) -> str:
        status = render.status_line(self.bench)
        return panel_html.STYLE + panel_html.header_html(status, base_url, count)

    def _all_records(self) -> list[RequestRecord]:
        """The request log's records, oldest first (none before there is a log)."""
        log = self.bench.log
        return log.records() if log is not None else []

    def _error_html(self, records: list[RequestRecord]) -> str:
        """The last of ``records`` whose view raised, with its traceback."""
        record = next((r for r in reversed(records) if r.error), None)
        if record is None or record.error is None:
            return ""
        label = self.bench.history.cell_label(record.endpoint)
        traceback = render.cell_names(record.error, self.bench.shell)
        return panel_html.error_html(record, label, traceback)

    def _outputs(self) -> list[ViewOutput]:
        if self.view_outputs is None:
            return []
        return self.view_outputs.latest(LATEST_OUTPUTS)

    def _render_widgets(self) -> None:
        base = self._base_url()
        rows = render.route_rows(self.bench.app, self.bench)
        records = self._all_records()
        shown = [r for r in records if not _quiet(r)][-LATEST:]
        values = (
            self._header_html(base, len(rows)),
            panel_html.routes_html(rows, base),
            panel_html.requests_html(shown),
            self._error_html(records),
            panel_html.outputs_html(self._outputs()),
        )
        with self._render_lock:
            widgets = (self.header, self.routes, self.requests, self.error)
            for widget, value in zip((*widgets, self.outputs), values, strict=True):
                if widget.value != value:
                    widget.value = value
            for cell_id, line in list(self.cell_lines.items()):
                self._render_cell_line(cell_id, line, rows, base, records)

    def html(self) -> str:
        base = self._base_url()
        rows = render.route_rows(self.bench.app, self.bench)
        return (
            f'<div class="protoweb-panel">{self._header_html(base, len(rows))}'
            f"{panel_html.section('routes')}{panel_html.routes_html(rows, base)}"
            f"{self._error_html(self._all_records())}</div>"
        )

    def text(self) -> str:
        rows = render.route_rows(self.bench.app, self.bench)
        return f"{render.status_line(self.bench)}\n{render.routes_text(rows)}"

    def mimebundle(self) -> dict[str, Any]:
        bundle: dict[str, Any] = {}
        if self.widget is not None:
            bundle.update(self.widget._repr_mimebundle_() or {})
        bundle.update({"text/plain": self.text(), "text/html": self.html()})
        return bundle

    # The line under each cell that defines routes.

    def show_cell_line(self, cell_id: str) -> None:
        """Show the live status line of the cell ``cell_id`` in the running cell."""
        if self.widget is None or self._closed:
            return
        import ipywidgets as widgets
        from IPython.display import display

        old = self.cell_lines.pop(cell_id, None)
        if old is not None:
            old.close()
        line = widgets.HTML()
        line.add_class("protoweb-cell-line")
        self.cell_lines[cell_id] = line
        rows = render.route_rows(self.bench.app, self.bench)
        self._render_cell_line(
            cell_id, line, rows, self._base_url(), self._all_records()
        )
        # where widgets do not render (a saved notebook's HTML, a text front
        # end) the line's routes, not the widget's repr
        mine = self._cell_rows(cell_id, rows)
        text = "  ".join(f"{row.methods} {row.rule}" for row in mine)
        bundle = {**(line._repr_mimebundle_() or {}), "text/plain": text}
        display(bundle, raw=True)

    def _cell_rows(self, cell_id: str, rows: list[RouteRow]) -> list[RouteRow]:
        """The rows of the routes the cell ``cell_id`` owns."""
        owner = self.bench.history.ownership.cell_of
        return [
            row
            for row in rows
            if any(owner((kind, row.endpoint)) == cell_id for kind in ROUTE_KINDS)
        ]

    def _render_cell_line(
        self,
        cell_id: str,
        line: Any,
        rows: list[RouteRow],
        base_url: str,
        records: list[RequestRecord],
    ) -> None:
        mine = self._cell_rows(cell_id, rows)
        if not mine:
            value = ""
        else:
            endpoints = {row.endpoint for row in mine}
            last = error = None
            for record in reversed(records):
                if record.endpoint not in endpoints:
                    continue
                if last is None:
                    last = record
                if record.error:
                    error = record
                    break
            value = panel_html.STYLE + panel_html.cell_line_html(
                mine, base_url, last, error
            )
        if line.value != value:
            line.value = value

    # Showing and updating.

    def show(self) -> None:
        """Display the panel in the running cell."""
        from IPython.display import display

        if self._closed:
            return
        if self.widget is not None:
            display(self.mimebundle(), raw=True)
        else:
            display(self.mimebundle(), raw=True, display_id=self.display_id)

    def refresh(self) -> None:
        """Re-render now (after routes or the server changed)."""
        if self._closed:
            return
        if self.widget is not None:
            self._render_widgets()
        elif self.updatable:
            from IPython.display import update_display

            update_display(self.mimebundle(), raw=True, display_id=self.display_id)

    def record_added(self, record: RequestRecord) -> None:
        """Request log subscriber (server thread): schedule one refresh."""
        self._schedule()

    def output_added(self, output: ViewOutput) -> None:
        """A view wrote something (its request's thread): schedule one refresh."""
        self._schedule()

    def _schedule(self) -> None:
        if self.widget is None or self._closed:
            return
        with self._lock:
            if self._timer is not None:
                return
            self._timer = threading.Timer(REFRESH_DELAY, self._flush)
            self._timer.daemon = True
            self._timer.start()

    def _flush(self) -> None:
        with self._lock:
            self._timer = None
        if not self._closed:
            self._render_widgets()

    def stop_updates(self) -> None:
        """Update no more (at interpreter exit, when comms may be gone)."""
        self._closed = True
        with self._lock:
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def close(self) -> None:
        """Stop updating and close the widgets (on unload)."""
        self.stop_updates()
        for line in self.cell_lines.values():
            line.close()
        self.cell_lines.clear()
        if self.widget is not None:
            for child in self.widget.children:
                child.close()
            self.widget.close()


def _quiet(record: RequestRecord) -> bool:
    """A browser's own favicon request the app does not answer: not shown."""
    return record.path == FAVICON and record.status in (204, 404)
