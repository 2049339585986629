"""What the dev tools note about one request while it passes through them.

An :class:`Exchange` holds the request's side (method, path, headers, body) and,
once the app calls ``start_response``, the response's status and headers; it
becomes a :class:`~protoweb.devtools.log.RequestRecord`. A response streamed
from an iterator is recorded by :class:`RecordingIterator` when it is closed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..digits import is_ascii_digits
from ..environ_keys import ENVIRON_ENDPOINT, ENVIRON_REQUEST_HEADERS
from ..responses import StartResponse
from .log import BODY_LIMIT, RequestLog, RequestRecord, capped_headers
from .traceback_page import format_traceback

#: ``RequestRecord.extra`` key of a request the live-update script made (a page
#: fetching itself again, or reloading): not the user's doing, never exported.
LIVE_UPDATE = "live_update"
#: How the script marks its requests: an ``X-Protoweb-Live`` header on the fetch
#: of a page it morphs, this cookie on a reload.
LIVE_COOKIE = "protoweb-live="

#: environ key -> header name ("" for keys that are not headers), filled as seen.
_HEADER_NAMES: dict[str, str] = {
    "CONTENT_TYPE": "Content-Type",
    "CONTENT_LENGTH": "Content-Length",
}
_HEADER_NAMES_LIMIT = 4096


def header_name(environ_key: str) -> str:
    """``HTTP_USER_AGENT`` -> ``User-Agent``; ``""`` for a key that is no header."""
    name = _HEADER_NAMES.get(environ_key)
    if name is None:
        if environ_key.startswith("HTTP_"):
            name = environ_key[5:].replace("_", "-").title()
        else:
            name = ""
        if len(_HEADER_NAMES) < _HEADER_NAMES_LIMIT:
            _HEADER_NAMES[environ_key] = name
    return name


def request_headers(environ: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The request's headers, rebuilt from the WSGI environ."""
    names = _HEADER_NAMES
    headers = []
    for key, value in environ.items():
        name = names.get(key)
        if name is None:
            name = header_name(key)
        if name:
            headers.append((name, value))
    return tuple(headers)


_CONTENT_TYPE, _CONTENT_LENGTH, _CONTENT_ENCODING = 1, 2, 3
#: Response header names the dev tools look at, by their lower-case names.
_HEADER_KINDS = {
    "content-type": _CONTENT_TYPE,
    "content-length": _CONTENT_LENGTH,
    "content-encoding": _CONTENT_ENCODING,
}
#: The same, as Werkzeug and protoweb spell them (no ``lower()`` needed).
_SPELLED_KINDS = {name.title(): kind for name, kind in _HEADER_KINDS.items()}


class Exchange:
    """One request through the dev tools, and the response as the app made it."""

    __slots__ = (
        "started",
        "environ",
        "_start_response",
        "changes",
        "status",
        "headers",
        "content_type",
        "forward",
        "written",
        "request_body",
        "request_body_truncated",
        "response_body",
        "error",
        "error_type",
    )

    def __init__(
        self, environ: dict[str, Any], start_response: StartResponse, changes: int
    ) -> None:
        self.started = time.perf_counter()
        self.environ = environ
        self._start_response: StartResponse | None = start_response
        #: The live-reload change count when the request came in.
        self.changes = changes
        self.status: str | None = None
        self.headers: Sequence[tuple[str, str]] = ()
        self.content_type: str | None = None
        self.forward = False
        #: What a legacy app passed to the ``write`` ``start_response`` returned.
        self.written: list[bytes] | None = None
        self.request_body = b""
        self.request_body_truncated = False
        self.response_body: bytes | None = None
        self.error: str | None = None
        self.error_type: str | None = None

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Any:
        """The ``start_response`` the app sees: noted now, sent by :meth:`send`."""
        self.status = status
        self.headers = headers
        if self.forward and self._start_response is not None:
            return self._start_response(status, headers, exc_info)
        return self._write

    def _write(self, data: bytes) -> None:
        if self.written is None:
            self.written = []
        self.written.append(data)

    def describe(self) -> tuple[bool, int]:
        """Note the response's content type; return whether it is HTML the
        reload script may go into, and its ``Content-Length`` (``-1`` if none)."""
        content_type = None
        length = -1
        encoded = False
        for name, value in self.headers:
            kind = _SPELLED_KINDS.get(name) or _HEADER_KINDS.get(name.lower())
            if kind == _CONTENT_TYPE:
                content_type = value
            elif kind == _CONTENT_LENGTH:
                length = int(value) if is_ascii_digits(value) else -1
            elif kind == _CONTENT_ENCODING:
                encoded = True
        self.content_type = content_type
        html = (
            content_type is not None
            and content_type.startswith("text/html")
            and not encoded
            and self.environ.get("REQUEST_METHOD") != "HEAD"
        )
        return html, length

    def send(self, status: str, headers: Sequence[tuple[str, str]]) -> None:
        """Pass the (possibly changed) status and headers on to the server."""
        if self._start_response is not None:
            self._start_response(status, headers)

    def log_to(self, request_log: RequestLog) -> RequestRecord | None:
        """Add this exchange to ``request_log``; return its record if the log's
        subscribers are still to be told of it (:meth:`RequestLog.notify`).

        What the record needs is noted now, in a tuple of the few objects it
        refers to (retaining the environ instead would make each new entry free
        a whole cold request's worth of objects); the record itself is made when
        read. A failed request's record is made now: it must not keep the
        exception's frames alive.
        """
        environ = self.environ
        message = environ.get(ENVIRON_REQUEST_HEADERS)
        entry: LogEntry = (
            self.started,
            time.perf_counter(),
            environ.get("REQUEST_METHOD", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get(ENVIRON_ENDPOINT),
            capped_headers(
                message.raw_items() if message else request_headers(environ)
            ),
            self.status,
            self.headers,
            self.content_type,
            self.response_body,
            self.request_body,
            self.request_body_truncated,
            self.error,
            self.error_type,
        )
        self._start_response = None
        if self.error is None:
            return request_log.append_later(record_from_entry, entry)
        record = record_from_entry(entry)
        request_log.keep(record)
        return record if request_log.has_subscribers else None


#: What :meth:`Exchange.log_to` keeps of a request until its record is read.
LogEntry = tuple[Any, ...]


def record_from_entry(entry: LogEntry) -> RequestRecord:
    """The :class:`~protoweb.devtools.log.RequestRecord` for a logged exchange."""
    (
        started,
        finished,
        method,
        path,
        query_string,
        endpoint,
        headers,
        status,
        response_headers,
        content_type,
        response_body,
        request_body,
        request_body_truncated,
        error,
        error_type,
    ) = entry
    try:
        code = int(status[:3]) if status else 500
    except ValueError:
        code = 500
    record = RequestRecord.make(
        time=time.time() - (time.perf_counter() - started),
        method=method,
        path=path,
        query_string=query_string,
        status=code,
        duration_ms=(finished - started) * 1000.0,
        endpoint=endpoint,
        request_headers=headers,
        request_body=request_body,
        content_type=content_type,
        response_body=response_body,
        error=error,
        error_type=error_type,
        response_headers=tuple(response_headers),
        request_body_truncated=request_body_truncated,
    )
    if made_by_live_update(headers):
        record.extra[LIVE_UPDATE] = True
    return record


def made_by_live_update(headers: Iterable[tuple[str, str]]) -> bool:
    """Whether a request with ``headers`` was made by the live-update script."""
    for name, value in headers:
        size = len(name)
        if size == 15 and name.lower() == "x-protoweb-live":
            return True
        if size == 6 and name.lower() == "cookie" and LIVE_COOKIE in value:
            return True
    return False


class NotifyWhenSent:
    """A response already made and logged; the log's subscribers are told once
    the server has sent it, so that a slow subscriber never delays a response."""

    __slots__ = ("_chunks", "_record", "_log")

    def __init__(
        self, chunks: tuple[bytes, ...], record: RequestRecord, request_log: RequestLog
    ) -> None:
        self._chunks = chunks
        self._record = record
        self._log = request_log

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        self._log.notify(self._record)


class RecordingIterator:
    """A streamed response passed through, recorded when the server closes it.

    The first :data:`~protoweb.devtools.log.BODY_LIMIT` bytes are kept; past that
    the record's body is ``None``. An exception while streaming is recorded too.
    """

    def __init__(
        self, exchange: Exchange, body: Iterable[bytes], request_log: RequestLog
    ) -> None:
        self._exchange = exchange
        self._body = body
        self._log = request_log
        self._kept: list[bytes] | None = list(exchange.written or ())
        self._size = sum(len(chunk) for chunk in self._kept)
        self._recorded = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self._exchange.written or ()
        try:
            for chunk in self._body:
                if self._kept is not None:
                    self._size += len(chunk)
                    if self._size <= BODY_LIMIT:
                        self._kept.append(chunk)
                    else:
                        self._kept = None
                yield chunk
        except Exception as error:
            self._exchange.error = format_traceback(error)
            self._exchange.error_type = type(error).__name__
            raise

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            if not self._recorded:
                self._recorded = True
                exchange = self._exchange
                if self._kept is not None and exchange.error is None:
                    exchange.response_body = b"".join(self._kept)
                record = exchange.log_to(self._log)
                if record is not None:
                    self._log.notify(record)
