"""What a view prints goes to the panel, not to whichever cell happens to run.

The server answers requests in its own threads. ipykernel sends a thread's output
with the parent header that thread was given (``OutStream.set_thread_parent``),
and otherwise with the header of the cell running at that moment: the well-known
trap where a print from a background thread shows up under an unrelated cell. Each
request thread is given a header of its own: the panel's output area captures
messages with that id, and nothing else does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from protoweb import App

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_MARKER = "__protoweb_thread_output__"


def streams_with_thread_parent() -> list[Any]:
    """``sys.stdout``/``sys.stderr`` when they are ipykernel streams that support it."""
    return [
        stream
        for stream in (sys.stdout, sys.stderr)
        if hasattr(stream, "set_thread_parent")
        and hasattr(stream, "reset_thread_parent")
    ]


def current_parent_header() -> dict[str, Any] | None:
    """The header of the message (cell) being handled now, in a kernel."""
    header = getattr(sys.stdout, "parent_header", None)
    return dict(header) if isinstance(header, dict) and header else None


class ThreadOutput:
    """Wraps ``app.wsgi_app`` so request threads print under ``header``.

    :param app: the app whose requests are wrapped.
    :param header: the parent header to give each request thread.
    """

    def __init__(self, app: App, header: dict[str, Any]) -> None:
        self.app = app
        self.header = header
        self._inner: Wsgi | None = None

    @property
    def installed(self) -> bool:
        return self._inner is not None

    def install(self) -> bool:
        """Wrap the app; ``False`` (and nothing done) outside ipykernel."""
        if self._inner is not None or not streams_with_thread_parent():
            return False
        current = self.app.wsgi_app
        while getattr(current, _MARKER, None) is not None:
            current = getattr(current, _MARKER)
        self._inner = current

        def wsgi_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            return self(environ, start_response)

        setattr(wsgi_app, _MARKER, current)
        self.app.wsgi_app = wsgi_app  # type: ignore[method-assign]
        return True

    def uninstall(self) -> None:
        if self._inner is None:
            return
        inner, self._inner = self._inner, None
        wrapped = self.app.__dict__.get("wsgi_app")
        if wrapped is None or getattr(wrapped, _MARKER, None) is not inner:
            return
        if getattr(inner, "__self__", None) is self.app:
            del self.app.wsgi_app
        else:
            self.app.wsgi_app = inner  # type: ignore[method-assign]

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        inner = self._inner or type(self.app).wsgi_app.__get__(self.app)
        tokens = []
        for stream in streams_with_thread_parent():
            tokens.append((stream, stream.set_thread_parent(self.header)))
        try:
            return inner(environ, start_response)
        finally:
            for stream, token in reversed(tokens):
                stream.reset_thread_parent(token)
