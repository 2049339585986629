"""``/favicon.ico``: browsers ask for it on every visit, so an app without one
gets ``204 No Content`` for it from the live server in a notebook, not a 404 that
shows as a warning after each page opened."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

FAVICON = "/favicon.ico"


def quiet_favicon(
    inner: Wsgi, environ: dict[str, Any], start_response: Callable[..., Any]
) -> Iterable[bytes]:
    """``/favicon.ico``: the app's answer if it has one, else ``204 No Content``."""
    answer: list[tuple[str, list[tuple[str, str]]]] = []

    def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer.append((status, headers))
        return lambda data: None

    body = inner(environ, keep)
    chunks = list(body)
    close = getattr(body, "close", None)
    if close is not None:
        close()
    status, headers = answer[-1] if answer else ("404 NOT FOUND", [])
    if status.startswith("404"):
        start_response("204 No Content", [("Content-Length", "0")])
        return []
    start_response(status, headers)
    return chunks
