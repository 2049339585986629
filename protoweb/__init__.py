"""protoweb: prototype web apps where you already think in cells.

The public API mirrors Flask's names; the runtime never imports IPython. The
notebook side lives in :mod:`kernel_ext` and is loaded by ``%load_ext protoweb``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import json as json
from .app import App as App
from .app import Flask as Flask
from .config import Config as Config
from .context import current_app as current_app
from .context import g as g
from .context import has_app_context as has_app_context
from .context import has_request_context as has_request_context
from .context import request as request
from .context import session as session
from .ctx import after_this_request as after_this_request
from .ctx import copy_current_request_context as copy_current_request_context
from .helpers import flash as flash
from .helpers import get_flashed_messages as get_flashed_messages
from .helpers import send_file as send_file
from .helpers import send_from_directory as send_from_directory
from .json import jsonify as jsonify
from .responses import abort as abort
from .responses import make_response as make_response
from .responses import redirect as redirect
from .streaming import stream_with_context as stream_with_context
from .templating import get_template_attribute as get_template_attribute
from .templating import render_template as render_template
from .templating import render_template_string as render_template_string
from .templating import stream_template as stream_template
from .templating import stream_template_string as stream_template_string
from .urls import url_for as url_for
from .wrappers import Request as Request
from .wrappers import Response as Response

#: Flask's signals, importable from here as from ``flask``; blinker is imported
#: only when one is used.
_SIGNALS = frozenset(
    {
        "appcontext_popped",
        "appcontext_pushed",
        "appcontext_tearing_down",
        "before_render_template",
        "got_request_exception",
        "message_flashed",
        "request_finished",
        "request_started",
        "request_tearing_down",
        "template_rendered",
    }
)

#: Names whose modules load on first use: an app answering requests needs neither
#: the live server nor (until it renders) Jinja2, nor blueprints until it has one.
_LAZY = {
    "Blueprint": "protoweb.blueprints",
    "LiveServer": "protoweb.serving",
    "PortInUseError": "protoweb.serving",
    "TemplateSyntaxError": "protoweb.jinja_environment",
}

if TYPE_CHECKING:
    from .blueprints import Blueprint as Blueprint
    from .jinja_environment import TemplateSyntaxError as TemplateSyntaxError
    from .serving import LiveServer as LiveServer
    from .serving import PortInUseError as PortInUseError

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _SIGNALS:
        from . import signals

        return getattr(signals, name)
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'protoweb' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext protoweb``: start the live server and the cell magics."""
    from kernel_ext import load_ipython_extension as load

    load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext protoweb``: stop the server and remove every hook."""
    from kernel_ext import unload_ipython_extension as unload

    unload(ipython)
