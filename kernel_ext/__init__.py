"""The IPython side of protoweb: magics, the session, the panel and the REPL."""

from __future__ import annotations

from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    raise NotImplementedError("the notebook extension is not built yet")


def unload_ipython_extension(ipython: Any) -> None:
    return None
