"""The session: the app, its live server, and the source of every definition.

This is the engine behind the magics. It knows nothing of argument parsing or
display; a magic parses its line and calls one method here, and the methods call
the same :class:`~protoweb.App` methods a user would call by hand.

It also follows each cell run (IPython's ``pre_run_cell``/``post_run_cell``
events and the app's change listener) through a
:class:`~kernel_ext.cell_runs.CellRunTracker`, so that a cell owns what it
defines and each run that changes the route table prints a one-line diff.
"""

from __future__ import annotations

import linecache
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from protoweb import App, LiveServer, PortInUseError

from . import public_url
from .cell_runs import CellRunState, CellRunTracker
from .compiler import CompiledView, compile_view, register_cell_text
from .history import CellRun, Definition, SessionHistory
from .ownership import CellOwnership, Item
from .rules import RouteSpec

if TYPE_CHECKING:
    from IPython.core.interactiveshell import ExecutionInfo, ExecutionResult

    from protoweb.devtools.log import RequestLog


class Session:
    """One notebook's app, server and history.

    :param shell: the IPython shell.
    :param app: the app the cells define.
    :param history: carried over from a previous load of the extension.
    :param server: the server of a previous load: started again, it takes the
        same port and keeps its request log.

    Attributes the exporter reads:

    - ``definitions``: endpoint -> :class:`~kernel_ext.history.Definition`, whose
      ``source`` is the view as ``@app.route(...)`` + ``def`` and whose
      ``cell_id``/``execution_count`` name the cell it came from;
    - ``assets``: ``("template" | "static", name)`` -> :class:`Definition`;
    - ``cells``: every executed cell, ``(execution_count, cell_id, raw source)``;
    - ``preamble``: name -> the source that makes the names the extension put in
      the namespace itself (``app``, ``request``).
    """

    def __init__(
        self,
        shell: Any,
        app: App,
        history: SessionHistory | None = None,
        server: LiveServer | None = None,
    ) -> None:
        self.shell = shell
        self.app = app
        self.history = history or SessionHistory()
        self.server: LiveServer | None = server
        self._update_listeners: tuple[Callable[[], None], ...] = ()
        self.cell_runs = CellRunTracker(shell, app, self.history, self.notify)

    # The history, under the names the exporter uses.

    @property
    def definitions(self) -> dict[str, Definition]:
        return self.history.definitions

    @property
    def assets(self) -> dict[Item, Definition]:
        return self.history.assets

    @property
    def cells(self) -> list[CellRun]:
        return self.history.cells

    @property
    def failed_cells(self) -> set[int]:
        return self.history.failed_cells

    @property
    def preamble(self) -> dict[str, str]:
        return self.history.preamble

    @property
    def ownership(self) -> CellOwnership:
        return self.history.ownership

    def seed_cells(self, inputs: list[str]) -> None:
        """Record cells that ran before the extension was loaded (``In[1:]``)."""
        known = {cell.execution_count for cell in self.cells}
        for number, source in enumerate(inputs[1:], start=1):
            if number not in known and source:
                self.cells.append(CellRun(number, None, source))
        self.cells.sort(key=lambda cell: cell.execution_count)

    # The server.

    @property
    def log(self) -> RequestLog | None:
        """The live server's request log (``None`` before there is a server)."""
        return self.server.request_log if self.server is not None else None

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.running

    @property
    def local_url(self) -> str:
        """The URL the kernel itself uses, e.g. ``http://127.0.0.1:5000/``."""
        if self.server is None:
            return ""
        return f"{self.server.url}/"

    @property
    def public_url(self) -> str:
        """The URL a browser uses (proxy-aware, ``PROTOWEB_PUBLIC_URL``)."""
        if self.server is None:
            return ""
        return public_url.public_url(self.server.port, self.local_url)

    def start(self, port: int | None = None) -> tuple[LiveServer, str | None]:
        """Start serving; the app's own running server is adopted.

        :param port: the port to take. By default a server that ran before takes
            its port again, and a new one takes ``PROTOWEB_PORT`` or any free port.
            If the port is taken, a free one is used and the returned warning says
            so.
        """
        if self.server is not None and self.server.running:
            return self.server, None
        if self.app.server is not None and self.app.server.running:
            self.server = self.app.server
            return self.server, None
        if self.server is None:
            self.server = LiveServer(
                self.app,
                port=_env_port() or 0,
                allowed_hosts=public_url.jupyter_server_hosts(),
            )
        if port is not None:
            self.server.port = port
        warning = None
        try:
            self.server.start()
        except PortInUseError as error:
            warning = _taken(error)
            self.server.port = 0
            self.server.start()
        return self.server, warning

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def restart(self) -> LiveServer:
        if self.server is None:
            return self.start()[0]
        return self.server.restart()

    # Definitions made by the magics.

    def cell_filename(self, kind: str, text: str) -> str:
        """The name tracebacks show for the running cell: ``<cell In[5] %%route>``.

        A cell run without a new execution count (``store_history=False``) gets a
        numbered name, so it never takes over another cell's lines.
        """
        count = self.run.execution_count if self.run else self.shell.execution_count
        name = base = f"<cell In[{count}] %%{kind}>"
        number = 1
        while _cached_lines(name) not in (
            None,
            [line + "\n" for line in text.splitlines()],
        ):
            number += 1
            name = f"{base[:-1]} #{number}>"
        return name

    def body_line(self) -> int:
        """The line of the running cell that follows its ``%%`` magic line."""
        if self.run is None:
            return 2
        for number, line in enumerate(self.run.raw_cell.splitlines(), start=1):
            if line.lstrip().startswith("%%"):
                return number + 1
        return 2

    def define_route(self, spec: RouteSpec, body: str) -> CompiledView:
        """Compile a ``%%route`` body and register it (replacing by endpoint).

        :raises CellCompileError: the body does not compile; nothing changes.
        """
        raw = self.run.raw_cell if self.run else f"%%route\n{body}"
        filename = self.cell_filename("route", raw)
        register_cell_text(filename, raw)
        compiled = compile_view(
            spec, body, self.shell.user_ns, filename, body_line=self.body_line()
        )
        self.app.add_url_rule(
            spec.rule, spec.endpoint, compiled.function, methods=spec.methods
        )
        self.record_definition(
            Definition(
                kind="route",
                name=spec.endpoint,
                source=compiled.source,
                cell_id=self.run.cell_id if self.run else None,
                execution_count=self._count(),
                rules=(spec.rule,),
                methods=spec.methods,
                filename=filename,
                magic=True,
            )
        )
        return compiled

    def define_template(self, name: str, text: str) -> None:
        """``app.templates[name] = text``: checked first, the old one kept on error."""
        self.app.templates[name] = text
        self._record_asset("template", name, text)

    def define_static(self, name: str, text: str) -> None:
        """``app.static_files[name] = text``."""
        self.app.static_files[name] = text
        self._record_asset("static", name, text)

    def _count(self) -> int | None:
        return self.run.execution_count if self.run else None

    def record_definition(self, definition: Definition) -> None:
        """Keep ``definition`` as its endpoint's source, made by the running cell.

        The cell run then leaves that endpoint's source as recorded here, instead
        of taking it from the cell's text.
        """
        self.definitions[definition.name] = definition
        if self.run is not None:
            self.run.recorded.add(("route", definition.name))

    def _record_asset(self, kind: str, name: str, text: str) -> None:
        if self.run is not None:
            self.run.recorded.add((kind, name))
        self.assets[(kind, name)] = Definition(
            kind=kind,
            name=name,
            source=text,
            cell_id=self.run.cell_id if self.run else None,
            execution_count=self._count(),
            magic=True,
        )

    def definition_of(self, endpoint: str | None) -> Definition | None:
        return self.definitions.get(endpoint) if endpoint else None

    # Following cell runs.

    def add_update_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` after the routes, templates or server change."""
        self._update_listeners = (*self._update_listeners, listener)

    def remove_update_listener(self, listener: Callable[[], None]) -> None:
        self._update_listeners = tuple(
            x for x in self._update_listeners if x != listener
        )

    def notify(self) -> None:
        for listener in self._update_listeners:
            listener()

    @property
    def run(self) -> CellRunState | None:
        """The cell running now, ``None`` between runs."""
        return self.cell_runs.run

    def pre_run_cell(self, info: ExecutionInfo) -> None:
        """IPython event: a cell is about to run."""
        self.cell_runs.pre_run_cell(info)

    def app_changed(self, kind: str, name: str) -> None:
        """App change listener: note what the running cell defines."""
        self.cell_runs.app_changed(kind, name)

    def post_run_cell(self, result: ExecutionResult) -> None:
        """IPython event: a cell has run; settle ownership and print the diff."""
        self.cell_runs.post_run_cell(result)


def _taken(error: PortInUseError) -> str:
    return f"port {error.port} is in use; serving on a free port instead"


def _env_port() -> int | None:
    value = os.environ.get("PROTOWEB_PORT", "").strip()
    if not value:
        return None
    try:
        port = int(value)
    except ValueError:
        raise ValueError(f"PROTOWEB_PORT={value!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"PROTOWEB_PORT={value!r} is not a port number")
    return port


def _cached_lines(filename: str) -> list[str] | None:
    """The lines ``linecache`` holds for ``filename``, if any."""
    entry: tuple[Any, ...] | None = linecache.cache.get(filename)
    return list(entry[2]) if entry and len(entry) > 2 else None
