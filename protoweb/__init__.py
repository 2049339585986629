"""protoweb: prototype web apps where you already think in cells.

The public API mirrors Flask's names; the runtime never imports IPython. The
notebook side lives in :mod:`kernel_ext` and is loaded by ``%load_ext protoweb``.
"""

from __future__ import annotations

from typing import Any

from .app import App as App
from .context import g as g
from .context import has_request_context as has_request_context
from .context import request as request
from .context import session as session
from .responses import abort as abort
from .responses import jsonify as jsonify
from .responses import make_response as make_response
from .responses import redirect as redirect
from .serving import LiveServer as LiveServer
from .serving import PortInUseError as PortInUseError
from .templating import TemplateSyntaxError as TemplateSyntaxError
from .templating import render_template as render_template
from .templating import render_template_string as render_template_string
from .urls import url_for as url_for
from .wrappers import Request as Request
from .wrappers import Response as Response

__version__ = "0.1.0"


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext protoweb``: start the live server and the cell magics."""
    from kernel_ext import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext protoweb``: stop the server and remove every hook."""
    from kernel_ext import unload_ipython_extension as unload

    unload(ipython)
