"""Per-request state behind the ``request``, ``g`` and ``session`` proxies.

One :class:`~contextvars.ContextVar` holds the current :class:`RequestContext`
(or an :class:`AppContext` outside a request), so the proxies work the same in
threads and in asyncio tasks. Everything in a context is built on first use: a
view that never touches ``request`` never pays for parsing one.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from types import SimpleNamespace, TracebackType
from typing import TYPE_CHECKING, Any

from werkzeug.local import LocalProxy

if TYPE_CHECKING:
    from werkzeug.routing import MapAdapter, Rule

    from .app import App
    from .routing import RouteTable
    from .sessions import SessionMixin
    from .wrappers import Request

_current: ContextVar[AppContext] = ContextVar("protoweb.context")


class AppContext:
    """The app (and its ``g``) outside a request: for ``url_for`` and templates."""

    __slots__ = ("app", "table", "_g", "_token")

    environ: dict[str, Any] | None = None

    def __init__(self, app: App, table: RouteTable | None = None) -> None:
        self.app = app
        self.table = table if table is not None else app._table
        self._g: SimpleNamespace | None = None
        self._token: Token[AppContext] | None = None

    @property
    def g(self) -> SimpleNamespace:
        """A namespace for data shared within one request (or app context)."""
        if self._g is None:
            self._g = SimpleNamespace()
        return self._g

    @property
    def request(self) -> Request:
        raise RuntimeError(
            "Working outside of request context: 'request' exists only while a view"
            " handles a request (use app.test_request_context() to make one)."
        )

    @property
    def session(self) -> SessionMixin:
        raise RuntimeError(
            "Working outside of request context: 'session' exists only while a view"
            " handles a request."
        )

    def url_adapter(self) -> MapAdapter:
        config = self.app.config
        return self.table.map.bind(
            config.get("SERVER_NAME") or "localhost",
            script_name=config.get("APPLICATION_ROOT") or "/",
            url_scheme=config.get("PREFERRED_URL_SCHEME") or "http",
        )

    def push(self) -> None:
        self._token = _current.set(self)

    def pop(self) -> None:
        if self._token is not None:
            _current.reset(self._token)
            self._token = None

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop()


class RequestContext(AppContext):
    """Everything one request needs, each part made only when first asked for."""

    environ: dict[str, Any]

    __slots__ = (
        "environ",
        "endpoint",
        "view_args",
        "url_rule",
        "_request",
        "_session",
        "_adapter",
    )

    def __init__(self, app: App, table: RouteTable, environ: dict[str, Any]) -> None:
        self.app = app
        self.table = table
        self.environ = environ
        self.endpoint: str | None = None
        self.view_args: dict[str, Any] = {}
        self.url_rule: Rule | None = None
        self._g = None
        self._token = None
        self._request: Request | None = None
        self._session: SessionMixin | None = None
        self._adapter: MapAdapter | None = None

    @property
    def request(self) -> Request:
        """The :class:`~protoweb.Request` for this environ, made on first use."""
        request = self._request
        if request is None:
            request = self._request = self.app.request_class(self.environ)
            request.max_content_length = self.app.config.get("MAX_CONTENT_LENGTH")
            request.endpoint = self.endpoint
            request.view_args = self.view_args
            request.url_rule = self.url_rule
        return request

    @property
    def session(self) -> SessionMixin:
        """The signed-cookie session, loaded on first use (which marks it accessed)."""
        session = self._session
        if session is None:
            interface = self.app.session_interface
            session = interface.open_session(self.app, self.request)
            if session is None:
                session = interface.make_null_session(self.app)
            self._session = session
        session.accessed = True
        return session

    def url_adapter(self) -> MapAdapter:
        if self._adapter is None:
            # As Flask: with host matching the request's host decides; without
            # subdomain matching, SERVER_NAME does not restrict the host.
            server_name = self.app.config.get("SERVER_NAME")
            subdomain = None
            if self.table.map.host_matching:
                server_name = None
            elif not self.app.subdomain_matching:
                subdomain = self.table.map.default_subdomain or ""
            self._adapter = self.table.map.bind_to_environ(
                self.environ, server_name=server_name, subdomain=subdomain
            )
        return self._adapter


def current_context() -> AppContext:
    """The active context, or a clear error when there is none."""
    try:
        return _current.get()
    except LookupError:
        raise RuntimeError(
            "Working outside of application context: call this inside a view, or"
            " inside 'with app.app_context():'"
            " (or use app.url_for / app.render_template)."
        ) from None


def has_request_context() -> bool:
    """Whether a request is being handled in this thread or task."""
    return isinstance(_current.get(None), RequestContext)


request: Request = LocalProxy(  # type: ignore[assignment]
    _current, "request", unbound_message="Working outside of request context."
)
g: SimpleNamespace = LocalProxy(  # type: ignore[assignment]
    _current, "g", unbound_message="Working outside of application context."
)
session: SessionMixin = LocalProxy(  # type: ignore[assignment]
    _current, "session", unbound_message="Working outside of request context."
)
