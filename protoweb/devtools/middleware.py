"""The dev tools as one WSGI middleware: log, error pages, live reload, limits.

:class:`DevTools` wraps an :class:`~protoweb.App` on the live server (never in an
export). For each request it

- answers the reserved ``/__protoweb__/`` paths itself (the live-reload stream),
  and 404s Werkzeug debugger URLs, so no debugger is ever reachable;
- refuses a body over ``MAX_CONTENT_LENGTH`` (16 MiB when the app sets none) with
  a 413;
- honours ``X-Forwarded-For/-Proto/-Host/-Port/-Prefix`` from loopback peers only
  (a proxy on the same machine, such as jupyter-server-proxy);
- replaces the plain 500 of a view that raised with a traceback page;
- injects the live-update script into full HTML documents, and notes what each
  such page used (:mod:`protoweb.devtools.page_deps`);
- appends a :class:`~protoweb.devtools.log.RequestRecord` to the request log, with
  the body as the view made it (no script, no traceback page).

The common case (a small body returned in one piece) is handled without wrapping
the response iterator; see :mod:`protoweb.devtools.recording`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from werkzeug.exceptions import (
    BadRequest,
    ClientDisconnected,
    HTTPException,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from ..environ_keys import ENVIRON_ENDPOINT, ENVIRON_EXCEPTION
from .log import BODY_LIMIT, RequestLog
from .recording import Exchange, NotifyWhenSent, RecordingIterator
from .reload import (
    EVENTS_PATH,
    RESERVED_PREFIX,
    SCRIPT_PATH,
    ReloadHub,
    inject,
    script_position,
    script_source,
)
from .traceback_page import format_traceback, render_traceback_page

if TYPE_CHECKING:
    from ..app import App
    from ..responses import StartResponse

#: ``MAX_CONTENT_LENGTH`` on the live server when the app's config leaves it unset.
DEV_MAX_CONTENT_LENGTH = 16 * 1024 * 1024
#: HTML responses up to this size get the live-reload script.
INJECT_LIMIT = 8 * 1024 * 1024

#: The live-update script's fetch of a page it morphs: the header that marks it
#: (see also :func:`~protoweb.devtools.recording.made_by_live_update`), and the
#: one naming the page.
LIVE_HEADER = "HTTP_X_PROTOWEB_LIVE"
LIVE_PAGE_HEADER = "HTTP_X_PROTOWEB_PAGE"

_EVENT_STREAM_HEADERS = [
    ("Content-Type", "text/event-stream; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Accel-Buffering", "no"),
]


def is_loopback(address: str | None) -> bool:
    """Whether ``address`` (a ``REMOTE_ADDR``) is this machine."""
    if not address:
        return False
    return address.startswith(("127.", "::ffff:127.")) or address == "::1"


class DevTools:
    """The live server's WSGI middleware around ``app``.

    :param app: the app; its ``wsgi_app`` is looked up per request, so wrapping it
        (``app.wsgi_app = mw(app.wsgi_app)``) keeps working.
    :param request_log: where each request is recorded.
    :param reload_hub: the live-reload stream the injected script listens to.
    :param max_content_length: the body limit when the app's config sets none.
    """

    def __init__(
        self,
        app: App,
        request_log: RequestLog,
        reload_hub: ReloadHub,
        *,
        max_content_length: int = DEV_MAX_CONTENT_LENGTH,
    ) -> None:
        self.app = app
        self.request_log = request_log
        self.reload_hub = reload_hub
        reload_hub.pages.attach(app)
        self.max_content_length = max_content_length
        self._behind_proxy = ProxyFix(
            self._serve_forwarded, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1
        )

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        if (
            "HTTP_X_FORWARDED_PREFIX" in environ
            or "HTTP_X_FORWARDED_HOST" in environ
            or "HTTP_X_FORWARDED_PROTO" in environ
            or "HTTP_X_FORWARDED_FOR" in environ
            or "HTTP_X_FORWARDED_PORT" in environ
        ) and is_loopback(environ.get("REMOTE_ADDR")):
            return self._behind_proxy(environ, start_response)
        return self.serve(environ, start_response)

    def _serve_forwarded(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """:meth:`serve` a proxied request, with redirects made absolute.

        jupyter-server-proxy puts its prefix before a ``Location`` that starts with
        ``/``; the app's ``url_for`` already includes that prefix (from
        ``X-Forwarded-Prefix``), so a path would get it twice. A proxy leaves an
        absolute URL alone.
        """
        origin = f"{environ['wsgi.url_scheme']}://{environ.get('HTTP_HOST', '')}"

        def absolute_location(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            headers = [
                (name, origin + value)
                if name.lower() == "location"
                and value.startswith("/")
                and not value.startswith("//")
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.serve(environ, absolute_location)

    def serve(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """Answer one request (forwarded headers already applied, if trusted)."""
        if environ.get("PATH_INFO", "").startswith(RESERVED_PREFIX):
            return self._reserved(environ, start_response)
        exchange = Exchange(environ, start_response, self.reload_hub.changes)
        if "__debugger__" in environ.get("QUERY_STRING", ""):
            return self._answer(exchange, NotFound())
        if "CONTENT_LENGTH" in environ or "wsgi.input_terminated" in environ:
            try:
                refused = self._read_body(exchange)
            except ClientDisconnected as error:
                refused = error
            if refused is not None:
                return self._answer(exchange, refused)
        try:
            body = self.app.wsgi_app(environ, exchange.start_response)
        except Exception as error:
            return self._error_page(exchange, error, ())
        if "HTTP_REFERER" in environ and LIVE_HEADER not in environ:
            self.reload_hub.pages.note_subrequest(environ)
        return self._respond(exchange, body)

    def _read_body(self, exchange: Exchange) -> HTTPException | None:
        """Keep a small body for the log; refuse one over the limit."""
        environ = exchange.environ
        limit = self.app.config.get("MAX_CONTENT_LENGTH") or self.max_content_length
        length_text = environ.get("CONTENT_LENGTH")
        if length_text:
            try:
                length = int(length_text)
            except ValueError:
                length = 0
            if length > limit:
                return RequestEntityTooLarge()
            if 0 < length <= BODY_LIMIT:
                body = _read_exactly(environ["wsgi.input"], length)
                environ["wsgi.input"] = io.BytesIO(body)
                exchange.request_body = body
            elif length:
                exchange.request_body_truncated = True
        elif environ.get("wsgi.input_terminated"):
            try:
                body = _read_exactly(environ["wsgi.input"], limit + 1)
            except OSError:
                return BadRequest("invalid chunked request body")
            if len(body) > limit:
                return RequestEntityTooLarge()
            environ["wsgi.input"] = io.BytesIO(body)
            if len(body) <= BODY_LIMIT:
                exchange.request_body = body
            else:
                exchange.request_body_truncated = True
        return None

    def _respond(self, exchange: Exchange, body: Iterable[bytes]) -> Iterable[bytes]:
        status = exchange.status
        if status is None:
            # A lazy app calls start_response on its first item: stream it through.
            exchange.forward = True
            return RecordingIterator(exchange, body, self.request_log)
        if status[0] == "5" and ENVIRON_EXCEPTION in exchange.environ:
            return self._error_page(exchange, exchange.environ[ENVIRON_EXCEPTION], body)
        html, length = exchange.describe()
        if type(body) is tuple or type(body) is list:
            data = body[0] if len(body) == 1 else b"".join(body)
        elif html and 0 <= length <= INJECT_LIMIT:
            data = _collect(body)
        else:
            exchange.send(status, exchange.headers)
            return RecordingIterator(exchange, body, self.request_log)
        if exchange.written:
            data = b"".join(exchange.written) + data
        exchange.response_body = data if len(data) <= BODY_LIMIT else None
        if html and b"<" in data[:1024]:
            position = script_position(data)
            if position >= 0:
                script = self._script(exchange, error=status[0] in "45")
                page = data[:position] + script + data[position:]
                exchange.send(status, _fresh_headers(exchange, page))
                return self._logged(exchange, (page,))
        exchange.send(status, exchange.headers)
        return self._logged(exchange, (data,))

    def _logged(self, exchange: Exchange, chunks: tuple[bytes, ...]) -> Iterable[bytes]:
        """``chunks``, with ``exchange`` in the log; its subscribers, if any, are
        told once the server has sent the response."""
        record = exchange.log_to(self.request_log)
        if record is None:
            return chunks
        return NotifyWhenSent(chunks, record, self.request_log)

    def _error_page(
        self, exchange: Exchange, error: BaseException, body: Iterable[bytes]
    ) -> Iterable[bytes]:
        """The traceback page for a view that raised; the log keeps the app's body."""
        environ = exchange.environ
        made = _collect(body)
        if exchange.status is None:
            exchange.status = "500 INTERNAL SERVER ERROR"
        exchange.response_body = made
        exchange.error = format_traceback(error)
        exchange.error_type = type(error).__name__
        exchange.describe()
        page = render_traceback_page(
            error,
            exchange.error,
            environ.get("REQUEST_METHOD", "GET"),
            environ.get("PATH_INFO", "/"),
            environ.get(ENVIRON_ENDPOINT),
        )
        page = inject(page, self._script(exchange, error=True)) or page
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(page))),
            ("Cache-Control", "no-store"),
        ]
        exchange.send("500 INTERNAL SERVER ERROR", headers)
        return self._logged(exchange, (page,))

    def _answer(self, exchange: Exchange, error: HTTPException) -> Iterable[bytes]:
        """Answer with an HTTP error (404, 413) without calling the app."""
        response = error.get_response(exchange.environ)
        return self._respond(
            exchange, response(exchange.environ, exchange.start_response)
        )

    def _script(self, exchange: Exchange, *, error: bool = False) -> bytes:
        """The live-update script for a page, noted with what it used; nothing
        for the script's own fetch of a page it is about to morph."""
        environ = exchange.environ
        hub = self.reload_hub
        page = hub.pages.add(
            environ,
            error=error,
            page_id=environ.get(LIVE_PAGE_HEADER) if LIVE_HEADER in environ else None,
        )
        if LIVE_HEADER in environ:
            return b""
        return hub.script(environ.get("SCRIPT_NAME", ""), exchange.changes, page)

    def _reserved(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path == EVENTS_PATH:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            since = query.get("since", [""])[0]
            page = query.get("page", [""])[0]
            start_response("200 OK", list(_EVENT_STREAM_HEADERS))
            return self.reload_hub.stream(since, page)
        if path == SCRIPT_PATH:
            source, _ = script_source()
            start_response(
                "200 OK",
                [
                    ("Content-Type", "text/javascript; charset=utf-8"),
                    ("Content-Length", str(len(source))),
                    ("Cache-Control", "public, max-age=31536000, immutable"),
                ],
            )
            return [source]
        return NotFound()(environ, start_response)


def _read_exactly(stream: Any, length: int) -> bytes:
    """``length`` bytes of ``stream``, or all it has if that is less."""
    chunks = []
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(remaining, 64 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _collect(body: Iterable[bytes]) -> bytes:
    """All of a response iterator, closed afterwards as WSGI requires."""
    try:
        return b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


def _fresh_headers(exchange: Exchange, body: bytes) -> list[tuple[str, str]]:
    """The app's headers for a page with the script in it: new length, and never
    cached (a cached page would carry an old reload version)."""
    headers = [
        (name, value)
        for name, value in exchange.headers
        if name.lower()
        not in ("content-length", "etag", "last-modified", "cache-control")
    ]
    headers.append(("Content-Length", str(len(body))))
    headers.append(("Cache-Control", "no-store"))
    return headers
