"""The 500 page the live server shows in dev mode: the traceback, as text.

Unlike Werkzeug's debugger it has no console and runs nothing: it is the
traceback Python would print, escaped into a page, with protoweb's own dispatch
frames left out so the view's frames come first.
"""

from __future__ import annotations

import html
import os
import traceback
from types import TracebackType

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - protoweb</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2em; color: #1d1d1f; }}
h1 {{ font-size: 1.3em; color: #b3261e; margin: 0 0 .3em; }}
p {{ margin: .2em 0 1em; color: #555; }}
pre {{ background: #f6f6f8; border: 1px solid #ddd; padding: 1em; overflow: auto;
      font: 13px/1.4 ui-monospace, Menlo, Consolas, monospace; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{where}</p>
<pre>{traceback}</pre>
<p>The server keeps serving. Fix the view (or a helper it calls), and this page
updates by itself.</p>
</body>
</html>
"""


def _user_frames(tb: TracebackType | None) -> TracebackType | None:
    """``tb`` without the leading frames from protoweb itself (all of it if none
    are left)."""
    first = tb
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        tb = tb.tb_next
    return tb if tb is not None else first


def format_traceback(error: BaseException) -> str:
    """The traceback text of ``error``, starting at the first frame outside protoweb."""
    lines = traceback.format_exception(
        type(error), error, _user_frames(error.__traceback__)
    )
    return "".join(lines)


def render_traceback_page(
    error: BaseException,
    traceback_text: str,
    method: str,
    path: str,
    endpoint: str | None,
) -> bytes:
    """The HTML page for ``error`` raised while answering ``method path``."""
    message = str(error)
    title = type(error).__name__ + (f": {message}" if message else "")
    where = f"in view {endpoint!r} " if endpoint else ""
    return _PAGE.format(
        title=html.escape(title[:300]),
        where=html.escape(f"{where}while answering {method} {path}"),
        traceback=html.escape(traceback_text),
    ).encode("utf-8", "replace")
