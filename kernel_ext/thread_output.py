"""What a view prints goes to the panel and ``%protoweb log``, never nowhere.

The server answers requests in its own threads. ipykernel sends a thread's output
under the cell that is running at that moment (ipykernel 6), or under whatever
parent header the thread was given (ipykernel 7): in a notebook that is a cell
that has nothing to do with the request, or a message no front end shows.

So while the extension is loaded in a kernel, ``sys.stdout`` and ``sys.stderr``
are wrapped (a plain Python stream wrapper, as ``contextlib.redirect_stdout``
does): what a request thread writes, or a thread a view started, is kept with
that request (:class:`ViewOutput`), and everything else goes to the kernel's own
streams as before. Logging's default handler writes to ``sys.stderr``, so what a
view logs is kept too. The same wrapper around the app answers a
``/favicon.ico`` the app lacks quietly (:mod:`kernel_ext.favicon`).
"""

from __future__ import annotations

import contextvars
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .favicon import FAVICON, quiet_favicon

if TYPE_CHECKING:
    from protoweb import App
    from protoweb.devtools.log import RequestRecord

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_MARKER = "__protoweb_thread_output__"
#: Characters of output kept per request (the rest is cut, and the cut said).
OUTPUT_LIMIT = 64 * 1024
#: Seconds a log record may start before the output's request (clock skew
#: between the log's start time and this wrapper's, which runs inside it).
_MATCH_SLACK = 0.5


@dataclass
class ViewOutput:
    """What one request's view (or a thread it started) wrote."""

    time: float
    method: str
    url: str
    parts: list[str] = field(default_factory=list)
    size: int = 0

    @property
    def text(self) -> str:
        text = "".join(self.parts)
        if self.size > OUTPUT_LIMIT:
            text += f"\n[... {self.size - OUTPUT_LIMIT} more characters not kept]"
        return text

    def write(self, text: str) -> None:
        room = OUTPUT_LIMIT - self.size
        if room > 0:
            self.parts.append(text[:room])
        self.size += len(text)


_current: contextvars.ContextVar[ViewOutput | None] = contextvars.ContextVar(
    "protoweb_view_output", default=None
)


class RoutedStream:
    """``sys.stdout``/``sys.stderr`` as a kernel has it, but a request's text is
    kept with the request (see :class:`ViewOutputs`)."""

    def __init__(self, stream: Any, outputs: ViewOutputs) -> None:
        self._stream = stream
        self._outputs: ViewOutputs | None = outputs

    def write(self, text: str) -> int:
        outputs = self._outputs
        target = outputs.target() if outputs is not None else None
        if target is None:
            return int(self._stream.write(text) or 0)
        if outputs is not None:
            outputs.written(target, text)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class ViewOutputs:
    """Keeps what each request wrote, the latest ``capacity`` requests' worth.

    :param app: the app whose requests are followed.
    :param on_output: called (from the writing thread) after a request wrote.
    """

    def __init__(
        self,
        app: App,
        on_output: Callable[[ViewOutput], None] | None = None,
        capacity: int = 200,
    ) -> None:
        self.app = app
        self.on_output = on_output
        self.entries: deque[ViewOutput] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._inner: Wsgi | None = None
        self._streams: list[tuple[str, RoutedStream]] = []
        self._spawned: weakref.WeakKeyDictionary[threading.Thread, ViewOutput] = (
            weakref.WeakKeyDictionary()
        )
        self._serving: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
        #: Requests being answered, each with the threads alive when it began.
        self._in_flight: list[tuple[ViewOutput, set[threading.Thread]]] = []

    @property
    def installed(self) -> bool:
        return self._inner is not None

    def install(self) -> None:
        """Wrap the app's ``wsgi_app`` and ``sys.stdout``/``sys.stderr``."""
        if self._inner is not None:
            return
        current = self.app.wsgi_app
        while getattr(current, _MARKER, None) is not None:
            current = getattr(current, _MARKER)
        self._inner = current

        def wsgi_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            return self(environ, start_response)

        setattr(wsgi_app, _MARKER, current)
        self.app.wsgi_app = wsgi_app  # type: ignore[method-assign]
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is None:
                continue
            routed = RoutedStream(stream, self)
            setattr(sys, name, routed)
            self._streams.append((name, routed))

    def uninstall(self) -> None:
        """Undo :meth:`install`; a stream someone wrapped since stays, inert."""
        if self._inner is None:
            return
        inner, self._inner = self._inner, None
        for name, routed in self._streams:
            routed._outputs = None
            if getattr(sys, name) is routed:
                setattr(sys, name, routed._stream)
        self._streams = []
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
        query = environ.get("QUERY_STRING", "")
        path = environ.get("PATH_INFO", "") or "/"
        entry = ViewOutput(
            time.time(),
            environ.get("REQUEST_METHOD", "GET"),
            f"{path}?{query}" if query else path,
        )
        thread = threading.current_thread()
        self._serving.add(thread)
        self._spawned.pop(thread, None)
        before = set(threading.enumerate())
        flight = (entry, before)
        with self._lock:
            self._in_flight.append(flight)
        token = _current.set(entry)
        try:
            if path == FAVICON:
                return quiet_favicon(inner, environ, start_response)
            return inner(environ, start_response)
        finally:
            _current.reset(token)
            with self._lock:
                self._in_flight.remove(flight)
            for started in threading.enumerate():
                if started not in before and started not in self._serving:
                    self._spawned.setdefault(started, entry)

    def target(self) -> ViewOutput | None:
        """The request the calling thread writes for, if any."""
        entry = _current.get()
        if entry is not None:
            return entry
        thread = threading.current_thread()
        if thread is threading.main_thread() or thread in self._serving:
            return None
        entry = self._spawned.get(thread)
        if entry is None and self._in_flight:
            # a thread started while a request was being answered, by its view
            with self._lock:
                for candidate, before in reversed(self._in_flight):
                    if thread not in before:
                        entry = self._spawned[thread] = candidate
                        break
        return entry

    def written(self, entry: ViewOutput, text: str) -> None:
        with self._lock:
            if not entry.parts and entry.size == 0:
                self.entries.append(entry)
            entry.write(text)
        if self.on_output is not None and text:
            self.on_output(entry)

    def latest(self, count: int) -> list[ViewOutput]:
        with self._lock:
            return list(self.entries)[-count:]

    def for_record(self, record: RequestRecord) -> str:
        """What the request of ``record`` wrote (``""`` if nothing)."""
        end = record.time + record.duration_ms / 1000 + _MATCH_SLACK
        with self._lock:
            for entry in reversed(self.entries):
                if (
                    entry.method == record.method
                    and entry.url == record.url
                    and record.time - _MATCH_SLACK <= entry.time <= end
                ):
                    return entry.text
        return ""

