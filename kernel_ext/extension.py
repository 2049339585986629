"""Loading and unloading the extension: every hook registered has its removal.

``%load_ext protoweb`` makes (or adopts) ``app``, starts the live server, registers
the magics, the cell events, the app's change listener, the request-log
subscriber, the ``%protoweb`` completer, the App display formatter, the
capture of what views print, and an exit hook, and shows the panel.
``%unload_ext`` (and so ``%reload_ext``) removes each of them and stops the
server; the next load adopts the same app and history and takes the same port
again.
"""

from __future__ import annotations

import atexit
import logging
from dataclasses import dataclass
from typing import Any

from IPython.core.error import UsageError

import protoweb
from protoweb import App, LiveServer

from . import render
from .completion import make_matcher
from .definitions import ROUTE_KINDS
from .error_pages import ErrorPageRefresh
from .history import CellHistory
from .magics import ProtowebMagics
from .panel import Panel, widgets_available
from .thread_output import ViewOutputs
from .workbench import Workbench

#: The app's logger for views that raise; in a notebook the panel and
#: ``%protoweb log`` show those errors, so it is kept from printing them again.
VIEW_ERROR_LOGGER = "protoweb.app"

APP_PREAMBLE = "from protoweb import App\n\napp = App(__name__)\n"
REQUEST_PREAMBLE = "from protoweb import request\n"


@dataclass
class Retired:
    """What an unloaded extension leaves for the next load in the same shell."""

    app: App
    history: CellHistory
    server: LiveServer | None


_extensions: dict[int, Extension] = {}
_retired: dict[int, Retired] = {}


class Extension:
    """The extension loaded into one shell: its workbench, panel and hooks."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        app, history, server = self._adopt()
        self.bench = Workbench(shell, app, history, server)
        self.bench.seed_cells(
            list(getattr(shell.history_manager, "input_hist_raw", []))
        )
        in_kernel = getattr(shell, "kernel", None) is not None
        self.panel = Panel(self.bench, widgets_available(shell), in_kernel)
        self.magics = ProtowebMagics(shell, self.bench)
        self.matcher = make_matcher(lambda: self.bench)
        #: What views print and log, kept per request (in a kernel only: a
        #: terminal shows a view's output where it was printed).
        self.view_outputs: ViewOutputs | None = None
        if in_kernel:
            self.view_outputs = ViewOutputs(app, self.panel.output_added)
            self.panel.view_outputs = self.view_outputs
            self.bench.view_outputs = self.view_outputs
        self._log: Any = None
        # Bound methods are made anew at each attribute access, and some
        # registries remove by identity: keep one of each.
        self._pre_run_cell = self.bench.runs.pre_run_cell
        self._post_run_cell = self.bench.runs.post_run_cell
        self._show_cell_line = self.show_cell_line
        self._check_app_name = self.check_app_name
        self._replaced_app_id: int | None = None
        self._app_changed = self.bench.runs.app_changed
        self._refresh_error_pages = ErrorPageRefresh(self.bench)
        self._record_added = self.panel.record_added
        self._show_panel = self.panel.show
        self._on_update = self._updated
        self._shutdown = self.shutdown
        self._formatters: dict[str, Any] = {}
        self._quiet = logging.NullHandler()

    def _adopt(self) -> tuple[App, CellHistory, LiveServer | None]:
        namespace = self.shell.user_ns
        existing = namespace.get("app")
        if existing is not None and not isinstance(existing, App):
            raise UsageError(
                "a variable named 'app' exists and is not a protoweb App; rename it"
                " (or del app) and run %load_ext protoweb again"
            )
        retired = _retired.pop(id(self.shell), None)
        history = CellHistory()
        server = None
        if retired is not None:
            if existing is retired.app:
                history, server = retired.history, retired.server
            else:
                history.cells = retired.history.cells
                history.failed_cells = retired.history.failed_cells
        if existing is None:
            existing = App("__main__")
            self.shell.push({"app": existing})
            history.preamble["app"] = APP_PREAMBLE
        if "request" not in namespace:
            self.shell.push({"request": protoweb.request})
            history.preamble["request"] = REQUEST_PREAMBLE
        return existing, history, server

    def load(self) -> None:
        shell, bench = self.shell, self.bench
        _, warning = bench.start()
        shell.events.register("pre_run_cell", self._pre_run_cell)
        shell.events.register("post_run_cell", self._post_run_cell)
        shell.events.register("post_run_cell", self._show_cell_line)
        shell.events.register("post_run_cell", self._check_app_name)
        shell.events.register("post_run_cell", self._refresh_error_pages)
        bench.app.add_change_listener(self._app_changed)
        bench.updated.add(self._on_update)
        bench.show_panel.add(self._show_panel)
        self._subscribe_log()
        shell.register_magics(self.magics)
        completer = getattr(shell, "Completer", None)
        if completer is not None and hasattr(completer, "custom_matchers"):
            completer.custom_matchers.append(self.matcher)
        self._register_formatters()
        if self.view_outputs is not None:
            self.view_outputs.install()
        if self.panel.updatable:
            logging.getLogger(VIEW_ERROR_LOGGER).addHandler(self._quiet)
        atexit.register(self._shutdown)
        if warning:
            print(f"warning: {warning}")
        self.panel.show()

    def unload(self) -> Retired:
        shell, bench = self.shell, self.bench
        atexit.unregister(self._shutdown)
        logging.getLogger(VIEW_ERROR_LOGGER).removeHandler(self._quiet)
        _unregister_event(shell, "pre_run_cell", self._pre_run_cell)
        _unregister_event(shell, "post_run_cell", self._post_run_cell)
        _unregister_event(shell, "post_run_cell", self._show_cell_line)
        _unregister_event(shell, "post_run_cell", self._check_app_name)
        _unregister_event(shell, "post_run_cell", self._refresh_error_pages)
        bench.app.remove_change_listener(self._app_changed)
        bench.updated.remove(self._on_update)
        bench.show_panel.remove(self._show_panel)
        if self._log is not None:
            self._log.unsubscribe(self._record_added)
            self._log = None
        self.magics.detach()
        completer = getattr(shell, "Completer", None)
        matchers = getattr(completer, "custom_matchers", None)
        if matchers is not None and self.matcher in matchers:
            matchers.remove(self.matcher)
        self._unregister_formatters()
        if self.view_outputs is not None:
            self.view_outputs.uninstall()
        self.panel.close()
        bench.stop()
        return Retired(bench.app, bench.history, bench.server)

    def shutdown(self) -> None:
        """Interpreter exit: stop the server so the port is free at once."""
        self.panel.stop_updates()
        self.bench.stop()

    def show_cell_line(self, result: Any) -> None:
        """IPython event, after the workbench's: a live status line under a cell
        that defined routes (widget front ends only)."""
        last = self.bench.runs.last_run
        if last is None or not self.panel.use_widgets:
            return
        run, success = last
        defines_routes = any(kind in ROUTE_KINDS for kind, _ in run.defined)
        if success and defines_routes and run.cell_id is not None:
            self.panel.show_cell_line(run.cell_id)

    def check_app_name(self, result: Any = None) -> None:
        """IPython event: say so, once, when a cell binds ``app`` to another App
        (``app = Flask(__name__)`` pasted from a Flask app), whose routes the live
        server does not serve."""
        current = self.shell.user_ns.get("app")
        if current is self.bench.app or not isinstance(current, App):
            self._replaced_app_id = None
            return
        if id(current) == self._replaced_app_id:
            return
        self._replaced_app_id = id(current)
        print(
            "warning: 'app' is now a new App; protoweb serves the one %load_ext"
            " made, so the new app's routes are not live. Run %reload_ext protoweb"
            " to serve the new app instead (or keep using the app %load_ext made)."
        )

    def _updated(self) -> None:
        self._subscribe_log()
        self.panel.refresh()

    def _subscribe_log(self) -> None:
        # Only the widget panel follows requests live; a log with a subscriber
        # makes each request's record at once, so subscribe only when it counts.
        log = self.bench.log if self.panel.use_widgets else None
        if log is self._log:
            return
        if self._log is not None:
            self._log.unsubscribe(self._record_added)
        self._log = log
        if log is not None:
            log.subscribe(self._record_added)

    def _register_formatters(self) -> None:
        formatters = getattr(self.shell, "display_formatter", None)
        if formatters is None:
            return
        html = formatters.formatters["text/html"]
        text = formatters.formatters["text/plain"]
        self._formatters = {
            "text/html": html.for_type(App, render.app_html),
            "text/plain": text.for_type(
                App, lambda app, printer, cycle: printer.text(render.app_text(app))
            ),
        }

    def _unregister_formatters(self) -> None:
        formatters = getattr(self.shell, "display_formatter", None)
        if formatters is None:
            return
        for mime, previous in self._formatters.items():
            formatter = formatters.formatters[mime]
            formatter.pop(App, None)
            if previous is not None:
                formatter.for_type(App, previous)
        self._formatters = {}


def _unregister_event(shell: Any, event: str, callback: Any) -> None:
    try:
        shell.events.unregister(event, callback)
    except ValueError:
        pass


def load_ipython_extension(shell: Any) -> None:
    """``%load_ext protoweb``."""
    if id(shell) in _extensions:
        return
    extension = Extension(shell)
    _extensions[id(shell)] = extension
    try:
        extension.load()
    except BaseException:
        _extensions.pop(id(shell), None)
        _retired[id(shell)] = extension.unload()
        raise


def unload_ipython_extension(shell: Any) -> None:
    """``%unload_ext protoweb``: remove every hook and stop the server."""
    extension = _extensions.pop(id(shell), None)
    if extension is not None:
        _retired[id(shell)] = extension.unload()


def current_extension(shell: Any = None) -> Extension | None:
    """The extension loaded into ``shell`` (default: the running IPython)."""
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    return _extensions.get(id(shell)) if shell is not None else None


def current_workbench(shell: Any = None) -> Workbench | None:
    """The :class:`Workbench` of the extension loaded into ``shell``."""
    extension = current_extension(shell)
    return extension.bench if extension is not None else None
