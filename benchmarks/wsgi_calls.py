"""Calling a WSGI app directly, the way a server would, without a socket."""

from __future__ import annotations

import sys
from io import BytesIO
from typing import Any

from .apps import WSGIApp


def make_environ(path: str, method: str = "GET") -> dict[str, Any]:
    """A base environ for ``method path``, as a typical WSGI server builds it.

    Copy it for every call and give the copy a fresh ``wsgi.input``
    (:func:`call_and_discard` does both).
    """
    return {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "HTTP_USER_AGENT": "protoweb-benchmarks",
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


def _write(data: bytes) -> None:
    pass


def _start_response(
    status: str, headers: list[tuple[str, str]], exc_info: Any = None
) -> Any:
    return _write


def call_and_discard(app: WSGIApp, base_environ: dict[str, Any]) -> None:
    """Serve one request: consume the body and close it, keep nothing."""
    environ = base_environ.copy()
    environ["wsgi.input"] = BytesIO(b"")
    body = app(environ, _start_response)
    for _ in body:
        pass
    close = getattr(body, "close", None)
    if close is not None:
        close()


def call(
    app: WSGIApp, base_environ: dict[str, Any]
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Serve one request and return its status, headers and body."""
    response: list[Any] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        response[:] = [status, list(headers)]
        return _write

    environ = base_environ.copy()
    environ["wsgi.input"] = BytesIO(b"")
    body = app(environ, start_response)
    try:
        data = b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    if not response:
        raise ValueError(f"{base_environ['PATH_INFO']}: start_response was not called")
    return response[0], response[1], data
