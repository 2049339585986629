"""The workbench: the app, its live server, and what the cells defined.

This is the engine behind the magics. It knows nothing of argument parsing or
display; a magic parses its line and calls one method here, and the methods call
the same :class:`~protoweb.App` methods a user would call by hand. ("Session"
means the cookie session in protoweb; this is the notebook's workbench.)

It follows each cell run (IPython's ``pre_run_cell``/``post_run_cell`` events and
the app's change listener) through a :class:`~kernel_ext.cell_runs.CellRunTracker`,
so that a cell owns what it defines and each run that changes the route table
prints a one-line diff.
"""

from __future__ import annotations

import linecache
import os
from typing import TYPE_CHECKING, Any

from protoweb import App, Blueprint, LiveServer, PortInUseError
from protoweb.export import Prototype, ViewSource
from protoweb.listeners import Listeners

from . import public_url
from .cell_runs import CellRunTracker
from .cells import cell_run
from .compiler import CompiledView, compile_view, register_cell_text
from .history import CellHistory
from .rules import RouteSpec

if TYPE_CHECKING:
    from protoweb.devtools.log import RequestLog

    from .thread_output import ViewOutputs


class MissingBlueprintError(LookupError):
    """``%%route --blueprint NAME`` names no blueprint the notebook holds."""


class Workbench:
    """One notebook's app, server and cell history.

    :param shell: the IPython shell.
    :param app: the app the cells define.
    :param history: carried over from a previous load of the extension.
    :param server: the server of a previous load: started again, it takes the
        same port and keeps its request log.
    """

    def __init__(
        self,
        shell: Any,
        app: App,
        history: CellHistory | None = None,
        server: LiveServer | None = None,
    ) -> None:
        self.shell = shell
        self.app = app
        self.history = history or CellHistory()
        self.server: LiveServer | None = server
        #: Called after the routes, templates or server change.
        self.updated: Listeners[[]] = Listeners()
        #: Called by ``%protoweb panel``: the panels of this workbench show again.
        self.show_panel: Listeners[[]] = Listeners()
        self.runs = CellRunTracker(shell, app, self.history, self.updated.notify)
        #: What views printed, per request (set by the extension in a kernel).
        self.view_outputs: ViewOutputs | None = None

    def seed_cells(self, inputs: list[str]) -> None:
        """Record cells that ran before the extension was loaded (``In[1:]``)."""
        cells = self.history.cells
        known = {cell.execution_count for cell in cells}
        transformer = getattr(self.shell, "input_transformer_manager", None)
        for number, source in enumerate(inputs[1:], start=1):
            if number not in known and source:
                cells.append(cell_run(source, number, None, transformer))
        cells.sort(key=lambda cell: cell.execution_count or 0)

    def prototype(self, app_name: str = "app") -> Prototype:
        """What ``%protoweb export`` exports: the cells, the views in no cell,
        the app and the requests made so far."""
        preamble = self.history.preamble_cell()
        log = self.log
        return Prototype(
            app=self.app,
            cells=[*([preamble] if preamble else []), *self.history.cells],
            views=list(self.history.views.values()),
            records=log.records() if log is not None else [],
            app_name=app_name,
        )

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
        run = self.runs.run
        count = run.execution_count if run else self.shell.execution_count
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
        run = self.runs.run
        if run is None:
            return 2
        for number, line in enumerate(run.raw_cell.splitlines(), start=1):
            if line.lstrip().startswith("%%"):
                return number + 1
        return 2

    def find_blueprint(self, name: str) -> tuple[str, Blueprint]:
        """The notebook variable holding the :class:`~protoweb.Blueprint` named
        ``name``, and the blueprint (a variable called ``name`` first).

        :raises MissingBlueprintError: no variable holds such a blueprint; the
            message says how to make one.
        """
        namespace = self.shell.user_ns
        found = namespace.get(name)
        if isinstance(found, Blueprint) and found.name == name:
            return name, found
        for variable, value in namespace.items():
            if (
                isinstance(value, Blueprint)
                and value.name == name
                and not variable.startswith("_")
            ):
                return variable, value
        registered = name in self.app.blueprints
        raise MissingBlueprintError(
            f"no Blueprint named {name!r} in the notebook"
            + (
                f" (the app has one registered: `{name} = app.blueprints[{name!r}]`"
                " makes it a variable)"
                if registered
                else f"; create it first: `{name} = Blueprint({name!r}, __name__)`"
                f" and `app.register_blueprint({name})`"
            )
        )

    def define_route(self, spec: RouteSpec, body: str) -> CompiledView:
        """Compile a ``%%route`` body and register it (replacing by endpoint), on
        the app or on the blueprint ``spec.blueprint``.

        :raises CellCompileError: the body does not compile; nothing changes.
        :raises MissingBlueprintError: there is no such blueprint; nothing
            changes.
        :raises ValueError: the app refuses the rule; nothing changes.
        """
        owner, blueprint = "app", None
        if spec.blueprint is not None:
            owner, blueprint = self.find_blueprint(spec.blueprint)
        run = self.runs.run
        raw = run.raw_cell if run else f"%%route\n{body}"
        filename = self.cell_filename("route", raw)
        register_cell_text(filename, raw)
        compiled = compile_view(
            spec,
            body,
            self.shell.user_ns,
            filename,
            body_line=self.body_line(),
            owner=owner,
        )
        target: App | Blueprint = blueprint if blueprint is not None else self.app
        target.add_url_rule(
            spec.rule, spec.endpoint, compiled.function, methods=spec.methods
        )
        endpoint = spec.endpoint
        if blueprint is not None:
            endpoint = f"{blueprint.name}.{spec.endpoint}"
        self.record_view(endpoint, compiled.source)
        return compiled

    def record_view(self, endpoint: str, source: str) -> None:
        """Keep ``source`` as the view ``endpoint`` the running cell registered."""
        run = self.runs.run
        self.history.record_view(
            ViewSource(
                endpoint,
                source,
                run.execution_count if run else None,
                run.cell_id if run else None,
            )
        )

    def define_template(self, name: str, text: str) -> None:
        """``app.templates[name] = text``: checked first, the old one kept on error."""
        self.app.templates[name] = text

    def define_static(self, name: str, text: str) -> None:
        """``app.static_files[name] = text``."""
        self.app.static_files[name] = text


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
