"""The status panel: URL, route table, latest requests, last error, view output.

With a widget front end it is an ipywidgets box that follows the request log
live. The log calls :meth:`Panel.record_added` from the server's threads; that
only schedules a refresh, and the refresh (also on a worker thread, coalescing a
burst of requests into one update) sets widget values, which ipywidgets supports
from any thread. Without widgets (terminal IPython, nbconvert) the panel is
text/HTML output, updated in place when routes change.
"""

from __future__ import annotations

import os
import threading
import uuid
from html import escape
from typing import TYPE_CHECKING, Any

from . import render

if TYPE_CHECKING:
    from protoweb.devtools.log import RequestRecord

    from .workbench import Workbench

#: Seconds a refresh waits to gather a burst of requests into one update.
REFRESH_DELAY = 0.05
#: Requests listed in the panel.
LATEST = 8


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
        self.output_id = f"protoweb-output-{uuid.uuid4().hex}"
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
        self.output = widgets.Output()
        sections = [
            self.header,
            widgets.HTML("<b>routes</b>"),
            self.routes,
            widgets.HTML("<b>latest requests</b>"),
            self.requests,
            self.error,
            self.output,
        ]
        self.widget = widgets.VBox(sections)
        self.widget.add_class("protoweb-panel")
        self._render_widgets()

    # Rendering.

    def _base_url(self) -> str:
        """The URL links in the panel start with; ``""`` while stopped."""
        return self.bench.public_url if self.bench.running else ""

    def _header_html(self, base_url: str, count: int) -> str:
        if not base_url:
            return f"<b>{escape(render.status_line(self.bench))}</b>"
        url = escape(base_url)
        return f"<b>protoweb</b>: serving {count} routes at {render.link(url, url)}"

    def _records(self) -> list[RequestRecord]:
        log = self.bench.log
        return log.records(LATEST) if log is not None else []

    def _last_error(self) -> RequestRecord | None:
        log = self.bench.log
        errors = log.errors() if log is not None else []
        return errors[-1] if errors else None

    def _error_html(self) -> str:
        record = self._last_error()
        history = self.bench.history
        label = history.cell_label(record.endpoint) if record else None
        return render.error_html(record, label)

    def _render_widgets(self) -> None:
        base = self._base_url()
        rows = render.route_rows(self.bench.app, self.bench)
        values = (
            self._header_html(base, len(rows)),
            render.routes_html(rows, base),
            render.requests_html(self._records()),
            self._error_html(),
        )
        with self._render_lock:
            widgets = (self.header, self.routes, self.requests, self.error)
            for widget, value in zip(widgets, values, strict=True):
                if widget.value != value:
                    widget.value = value

    def html(self) -> str:
        base = self._base_url()
        rows = render.route_rows(self.bench.app, self.bench)
        return (
            f"<div class='protoweb-panel'>{self._header_html(base, len(rows))}"
            f"{render.routes_html(rows, base)}{self._error_html()}</div>"
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

    # Showing and updating.

    def show(self) -> None:
        """Display the panel in the running cell."""
        from IPython.display import display

        if self._closed:
            return
        if self.widget is not None:
            display(self.mimebundle(), raw=True)
            if not self.output.msg_id:
                self.output.msg_id = self.output_id
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
        if self.widget is not None:
            for child in self.widget.children:
                child.close()
            self.widget.close()
