"""``protoweb repl``: IPython's terminal shell with protoweb loaded and a toolbar.

The shell is IPython's own :class:`~IPython.terminal.ipapp.TerminalIPythonApp`
(so the user's profile, history and key bindings apply); protoweb is loaded into
it as ``%load_ext protoweb`` would, and the bottom toolbar is added to its
prompt_toolkit session. The server runs in a daemon thread: Ctrl-C at the prompt
clears the line as usual and never reaches it. Leaving the shell (``exit``,
Ctrl-D) unloads the extension, which stops the server and frees the port.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from protoweb.serving.live_server import bind_server

from .extension import current_workbench
from .render import status_line
from .toolbar import ReplToolbar

if TYPE_CHECKING:
    from protoweb import App

    from .workbench import Workbench

BANNER = """\
protoweb: %%route, %%template and %%static define the app, %protoweb? lists the
verbs, and %protoweb edit ENDPOINT opens a view in $EDITOR.
"""


def run_repl(
    app: App | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    ipython_argv: Sequence[str] = (),
) -> int:
    """Run the REPL until the user leaves; return the exit status.

    :param app: an existing app to adopt as ``app`` (``--app module:app``).
    :param host: the interface to serve on (127.0.0.1 unless given).
    :param port: the port to serve on; ``0`` for any free one. Left out, the
        extension decides (``PROTOWEB_PORT``, else a free port).
    :param ipython_argv: further IPython options, e.g. ``["--simple-prompt"]``.
    :raises protoweb.PortInUseError: the port asked for is taken (checked
        before IPython starts).
    """
    from IPython.terminal.ipapp import TerminalIPythonApp

    if port:
        bind_server(host or "127.0.0.1", port, None).server_close()
    user_ns: dict[str, Any] = {} if app is None else {"app": app}
    ipython = TerminalIPythonApp.instance(user_ns=user_ns)
    try:
        ipython.initialize(list(ipython_argv))
        shell: Any = ipython.shell
        if ipython.display_banner and ipython.interact:
            print(BANNER)
        toolbar = ReplToolbar(lambda: current_workbench(shell))
        try:
            with _port_for_extension(port):
                shell.extension_manager.load_extension("protoweb")
            bench = current_workbench(shell)
            if bench is not None:
                serve_at(bench, host, port)
            toolbar.attach(shell.pt_app)
            ipython.start()
        finally:
            toolbar.detach()
            shell.extension_manager.unload_extension("protoweb")
    finally:
        TerminalIPythonApp.clear_instance()
    return 0


@contextlib.contextmanager
def _port_for_extension(port: int | None) -> Iterator[None]:
    """``PROTOWEB_PORT`` is the port while the extension loads, then as it was."""
    if port is None:
        yield
        return
    previous = os.environ.get("PROTOWEB_PORT")
    os.environ["PROTOWEB_PORT"] = str(port)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["PROTOWEB_PORT"]
        else:
            os.environ["PROTOWEB_PORT"] = previous


def serve_at(bench: Workbench, host: str | None, port: int | None) -> None:
    """Move the workbench's server to ``host:port`` unless it is there already.

    The extension starts the server where the notebook would (127.0.0.1, a free
    port or ``PROTOWEB_PORT``); ``--host`` and ``--port`` then take it elsewhere.

    :raises protoweb.PortInUseError: ``port`` is taken; nothing serves then.
    """
    server = bench.server
    if server is None:
        return
    wanted_host = host or server.host
    wanted_port = server.port if not port else port
    if (wanted_host, wanted_port) == (server.host, server.port) and server.running:
        return
    server.stop()
    server.host, server.port = wanted_host, wanted_port
    server.start()
    bench.updated.notify()
    print(status_line(bench))
