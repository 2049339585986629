"""The IPython side of protoweb: magics, the workbench, the panel and the REPL.

Nothing here is imported by :mod:`protoweb`; ``%load_ext protoweb`` imports it
lazily through :func:`protoweb.load_ipython_extension`.
"""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext protoweb``: see :mod:`kernel_ext.extension`."""
    from .extension import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext protoweb``: remove every hook and stop the server."""
    from .extension import unload_ipython_extension as unload

    unload(ipython)


def current_workbench(shell: Any = None) -> Any:
    """The loaded extension's :class:`~kernel_ext.workbench.Workbench`, or ``None``."""
    from .extension import current_workbench as workbench

    return workbench(shell)
