"""Application and request contexts, behind ``current_app``, ``g``, ``request``
and ``session``.

One :class:`~contextvars.ContextVar` holds the innermost active context: a
:class:`RequestContext` during a request, an :class:`AppContext` outside one, so
the proxies work the same in threads and in asyncio tasks. As in Flask, ``g``
lives on the app context: a request context is its own app context unless one for
the same app was already active, whose ``g`` it then shares. Everything in a
context is built on first use: a view that never touches ``request`` never pays
for parsing one.

Work a request does not always need (signals, ``teardown_appcontext``, the test
client keeping a context) turns
:data:`extras` on the first time it is used; until then the dispatch skips it all.
"""

from __future__ import annotations

import sys
from contextvars import ContextVar, Token
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any

from werkzeug.local import LocalProxy

if TYPE_CHECKING:
    from werkzeug.routing import Map, MapAdapter, Rule
    from werkzeug.wrappers import Response

    from .app import App
    from .routing import RouteTable
    from .sessions import SessionMixin
    from .wrappers import Request

_current: ContextVar[AppContext] = ContextVar("protoweb.context")
_UNSET: Any = object()

#: Whether the dispatch must call :func:`request_started`, :func:`request_finished`
#: and :func:`end_request`; off until a feature that needs them is first used.
extras = False
#: :mod:`protoweb.signals` once a receiver connects to one of its signals (it sets
#: this), else ``None``: importing it alone adds nothing to a request.
signals: ModuleType | None = None


def enable_extras() -> None:
    """Make every later request run the per-request extras (cheap, but not free)."""
    global extras
    extras = True


class AppCtxGlobals:
    """``g``: a namespace for data kept during one app context (one request).

    Attribute access, plus ``get``, ``pop``, ``setdefault``, ``in`` and iteration
    over the names set, as Flask's ``_AppCtxGlobals``.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        """The attribute ``name``, or ``default`` if it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: Any = _UNSET) -> Any:
        """Remove and return ``name``; ``default`` (if given) when it is not set."""
        if default is _UNSET:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: Any = None) -> Any:
        """The attribute ``name``, set to ``default`` first if it is not set."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self.__dict__

    def __iter__(self) -> Any:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        context = _current.get(None)
        if context is not None and context.app_ctx._g is self:
            return f"<protoweb.g of {context.app.name!r}>"
        return object.__repr__(self)


class AppContext:
    """The app (and its ``g``) outside a request: for ``url_for``, templates, CLI
    commands and anything else that needs ``current_app``."""

    __slots__ = ("app", "table", "_g", "_tokens")

    environ: dict[str, Any] | None = None

    def __init__(self, app: App, table: RouteTable | None = None) -> None:
        self.app = app
        self.table = table if table is not None else app._table
        self._g: AppCtxGlobals | None = None
        self._tokens: list[Token[AppContext]] | None = None

    @property
    def app_ctx(self) -> AppContext:
        """The app context holding ``g``: this one."""
        return self

    @property
    def g(self) -> AppCtxGlobals:
        """The ``g`` namespace of this app context, made on first use."""
        owner = self.app_ctx
        if owner._g is None:
            factory = getattr(owner.app, "app_ctx_globals_class", AppCtxGlobals)
            owner._g = factory()
        return owner._g

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

    @property
    def request_ctx(self) -> RequestContext:
        raise RuntimeError(
            "Working outside of request context: there is no request context here."
        )

    def url_adapter(self) -> MapAdapter:
        config = self.app.config
        return self.table.map.bind(
            config.get("SERVER_NAME") or "localhost",
            script_name=config.get("APPLICATION_ROOT") or "/",
            url_scheme=config.get("PREFERRED_URL_SCHEME") or "http",
        )

    def push(self) -> None:
        """Make this the current context (pushes nest; each needs its pop)."""
        self._set_current()
        if signals is not None:
            app = self.app
            signals.appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)

    def pop(self, exc: BaseException | None = _UNSET) -> None:
        """Undo the last :meth:`push`; the last one runs ``teardown_appcontext``
        functions with ``exc`` (by default the exception being handled, if any)."""
        tokens = self._tokens_to_pop()
        try:
            if len(tokens) == 1:
                if exc is _UNSET:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            _current.reset(tokens.pop())
        if signals is not None:
            app = self.app
            signals.appcontext_popped.send(app, _async_wrapper=app.ensure_sync)

    def _set_current(self) -> None:
        if self._tokens is None:
            self._tokens = []
        self._tokens.append(_current.set(self))

    def _tokens_to_pop(self) -> list[Token[AppContext]]:
        """The push tokens, once checked that this context may be popped now."""
        tokens = self._tokens
        if not tokens:
            raise RuntimeError(f"{self!r} was popped more often than pushed")
        if _current.get(None) is not self:
            raise RuntimeError(
                f"Popped the wrong context: {self!r} is not the current one"
                f" ({_current.get(None)!r} is); pop contexts in reverse order."
            )
        return tokens

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.pop(exc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.app.name!r}>"


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
        "_entered",
        "_after",
        "_flashes",
    )

    def __init__(
        self,
        app: App,
        table: RouteTable,
        environ: dict[str, Any],
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        self.table = table
        self.environ = environ
        self.endpoint: str | None = None
        self.view_args: dict[str, Any] = {}
        self.url_rule: Rule | None = None
        self._g = None
        self._tokens = None
        self._request: Request | None = request
        self._session: SessionMixin | None = session
        self._adapter: MapAdapter | None = None
        # Set by the dispatch (``_entered`` and ``_after`` stay unset until used).
        self._entered: Token[AppContext]
        self._after: list[Any]

    @property
    def app_ctx(self) -> AppContext:
        """The app context holding ``g``: the one active when this context was
        entered, if it is the same app's, else this context itself."""
        tokens = self._tokens
        try:
            token = tokens[0] if tokens else self._entered
        except AttributeError:
            return self
        outer = token.old_value
        if isinstance(outer, AppContext) and outer is not self:
            if outer.app is self.app:
                return outer.app_ctx
        return self

    @property
    def request_ctx(self) -> RequestContext:
        return self

    @property
    def request(self) -> Request:
        """The :class:`~protoweb.Request` for this environ, made on first use."""
        request = self._request
        if request is None:
            request = self._request = self.app.request_class(self.environ)
            config = self.app.config
            request.max_content_length = config.get("MAX_CONTENT_LENGTH")
            request.max_form_memory_size = config["MAX_FORM_MEMORY_SIZE"]
            request.max_form_parts = config["MAX_FORM_PARTS"]
            request.endpoint = self.endpoint
            request.view_args = self.view_args
            request.url_rule = self.url_rule
        return request

    @property
    def session(self) -> SessionMixin:
        """The signed-cookie session, loaded on first use (which marks it accessed)."""
        session = self._session
        if session is None:
            session = self._session = open_session(self.app, self.request)
        session.accessed = True
        return session

    @property
    def flashes(self) -> list[tuple[str, str]] | None:
        """The flashed messages taken from the session in this request, if any
        (kept by :func:`~protoweb.get_flashed_messages`)."""
        try:
            return self._flashes
        except AttributeError:
            return None

    @flashes.setter
    def flashes(self, value: list[tuple[str, str]] | None) -> None:
        self._flashes = value

    def url_adapter(self) -> MapAdapter:
        if self._adapter is None:
            self._adapter = bind_to_request(self.app, self.table.map, self.environ)
        return self._adapter

    def copy(self) -> RequestContext:
        """A context for the same request, request object and session (to push in
        another thread or greenlet)."""
        copy = type(self)(
            self.app, self.table, self.environ, self._request, self._session
        )
        copy.endpoint, copy.view_args = self.endpoint, self.view_args
        copy.url_rule = self.url_rule
        return copy

    def push(self) -> None:
        """Make this the current context; it shares ``g`` with an app context of
        the same app if one is active."""
        self._set_current()
        if signals is not None and self.app_ctx is self:
            app = self.app
            signals.appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)

    def pop(self, exc: BaseException | None = _UNSET) -> None:
        """Undo the last :meth:`push`; the last one ends the request
        (``teardown_request``, then ``teardown_appcontext`` if it owns ``g``)."""
        tokens = self._tokens_to_pop()
        if exc is _UNSET:
            exc = sys.exc_info()[1]
        try:
            if len(tokens) == 1:
                self.close(exc)
        finally:
            _current.reset(tokens.pop())

    def close(self, exc: BaseException | None) -> None:
        """End the request: ``teardown_request`` functions, and if this context
        is its own app context, ``teardown_appcontext`` functions after them."""
        app = self.app
        app.do_teardown_request(exc)
        if self.app_ctx is not self:
            return
        if app.has_appcontext_teardown() or signals is not None:
            # The request is over: teardown_appcontext sees the app context only.
            view = AppContext(app, self.table)
            view._g = self._g
            token = _current.set(view)
            try:
                app.do_teardown_appcontext(exc)
            finally:
                _current.reset(token)
        if signals is not None:
            signals.appcontext_popped.send(app, _async_wrapper=app.ensure_sync)

    def __enter__(self) -> RequestContext:
        self.push()
        return self

    def __repr__(self) -> str:
        environ = self.environ
        return (
            f"<RequestContext {environ.get('REQUEST_METHOD')}"
            f" {environ.get('PATH_INFO')!r} of {self.app.name!r}>"
        )


def bind_to_request(app: App, url_map: Map, environ: dict[str, Any]) -> MapAdapter:
    """``url_map`` bound to a request, as Flask binds it: with host matching the
    request's host decides; without subdomain matching, ``SERVER_NAME`` does not
    restrict the host."""
    server_name = app.config.get("SERVER_NAME")
    subdomain = None
    if url_map.host_matching:
        server_name = None
    elif not app.subdomain_matching:
        subdomain = url_map.default_subdomain or ""
    return url_map.bind_to_environ(
        environ, server_name=server_name, subdomain=subdomain
    )


def open_session(app: App, request: Request) -> SessionMixin:
    """The app's session interface's session for ``request`` (never ``None``)."""
    interface = app.session_interface
    session = interface.open_session(app, request)
    if session is None:
        session = interface.make_null_session(app)
    return session


def request_started(context: RequestContext) -> None:
    """Extras at the start of a request: the ``appcontext_pushed`` and
    ``request_started`` signals."""
    if signals is not None:
        app = context.app
        if context.app_ctx is context:
            signals.appcontext_pushed.send(app, _async_wrapper=app.ensure_sync)
        signals.request_started.send(app, _async_wrapper=app.ensure_sync)


def after_request_functions(context: RequestContext, response: Response) -> Response:
    """Apply the ``after_this_request`` functions of ``context`` to ``response``."""
    functions = getattr(context, "_after", None)
    if functions:
        del context._after
        ensure_sync = context.app.ensure_sync
        for function in functions:
            response = ensure_sync(function)(response)
    return response


def request_finished(context: RequestContext, response: Response) -> None:
    """Extras once the response is final: the ``request_finished`` signal."""
    if signals is not None:
        app = context.app
        signals.request_finished.send(
            app, _async_wrapper=app.ensure_sync, response=response
        )


def request_exception(context: RequestContext, exc: BaseException) -> None:
    """Extras for an exception no handler answers: ``got_request_exception``."""
    if signals is not None:
        app = context.app
        signals.got_request_exception.send(
            app, _async_wrapper=app.ensure_sync, exception=exc
        )


def end_request(context: RequestContext, error: BaseException | None) -> None:
    """Extras at the end of a dispatch, while ``context`` is still current: the
    test client's ``with`` block gets the context to keep, then it is closed."""
    preserve = context.environ.get("werkzeug.debug.preserve_context")
    if preserve is not None:
        preserve(context)
    context.close(error)


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


def has_app_context() -> bool:
    """Whether an app context (or a request's) is active in this thread or task."""
    return _current.get(None) is not None


def _current_request_context(what: str) -> RequestContext:
    context = _current.get(None)
    if not isinstance(context, RequestContext):
        raise RuntimeError(
            f"'{what}' can only be used when a request context is active,"
            " such as in a view function."
        )
    return context


current_app: App = LocalProxy(  # type: ignore[assignment]
    _current, "app", unbound_message="Working outside of application context."
)
request: Request = LocalProxy(  # type: ignore[assignment]
    _current, "request", unbound_message="Working outside of request context."
)
g: AppCtxGlobals = LocalProxy(  # type: ignore[assignment]
    _current, "g", unbound_message="Working outside of application context."
)
session: SessionMixin = LocalProxy(  # type: ignore[assignment]
    _current, "session", unbound_message="Working outside of request context."
)
app_ctx: AppContext = LocalProxy(  # type: ignore[assignment]
    _current, "app_ctx", unbound_message="Working outside of application context."
)
request_ctx: RequestContext = LocalProxy(  # type: ignore[assignment]
    _current, "request_ctx", unbound_message="Working outside of request context."
)
