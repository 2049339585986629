"""The :class:`App`: a registry of routes, templates and hooks, and a WSGI callable."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any, TypeVar

from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import RequestRedirect, Rule
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Response as _WerkzeugResponse

from .config import Config
from .context import AppContext, RequestContext, _current
from .hooks import ErrorKey, Hooks
from .responses import StartResponse, to_response, write_plain
from .routing import Endpoint, RouteTable, ViewFunc, compile_rule
from .sessions import CookieSessionInterface
from .static import StaticStore, serve_static
from .templating import AppLoader, TemplateStore, create_environment
from .wrappers import Request, Response

if TYPE_CHECKING:
    from .serving import LiveServer

F = TypeVar("F", bound=Callable[..., Any])
ChangeListener = Callable[[str, str], None]

logger = logging.getLogger("protoweb.app")

#: environ keys through which a request tells the dev tools what went wrong.
ENVIRON_EXCEPTION = "protoweb.exception"
ENVIRON_ENDPOINT = "protoweb.endpoint"


def _root_path(import_name: str) -> str:
    """The folder of the module that made the app; in a notebook or REPL, the cwd."""
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None)
    interactive = hasattr(sys, "ps1") or "IPython" in sys.modules
    if filename is None or (import_name == "__main__" and interactive):
        return os.getcwd()
    return os.path.dirname(os.path.abspath(filename))


class App:
    """A web app whose routes, templates and hooks can change while it serves.

    :param import_name: the name of the module creating the app, usually
        ``__name__``; it decides where ``templates/`` and ``static/`` are found.
    :param root_path: the folder holding ``templates/`` and ``static/``, if not
        the module's folder (or, in a notebook, the working directory).

    .. code-block:: python

        app = App(__name__)

        @app.route("/hello/<name>")
        def hello(name):
            return f"Hello {name}!"
    """

    request_class = Request
    response_class = Response
    session_interface = CookieSessionInterface()

    def __init__(
        self,
        import_name: str = "__main__",
        *,
        root_path: str | None = None,
        template_folder: str = "templates",
        static_folder: str = "static",
        static_url_path: str = "/static",
    ) -> None:
        self.import_name = import_name
        self.name = import_name
        self.root_path = root_path or _root_path(import_name)
        self.template_folder = os.path.join(self.root_path, template_folder)
        self.static_folder = os.path.join(self.root_path, static_folder)
        self.config = Config()
        self.server: LiveServer | None = None
        self._lock = threading.Lock()
        self._listeners: tuple[ChangeListener, ...] = ()
        self.hooks = Hooks()
        self.jinja_env = create_environment(self)
        self.templates = TemplateStore(self.jinja_env, self._template_changed)
        self.jinja_env.loader = AppLoader(self.templates, self.template_folder)
        self.static_files = StaticStore(self._static_changed)
        self._table = RouteTable({})
        self.add_url_rule(
            f"{static_url_path.rstrip('/')}/<path:filename>",
            "static",
            self._serve_static,
        )

    def __repr__(self) -> str:
        return f"<App {self.name!r}: {len(self._table)} routes>"

    # Registration: every change builds a new RouteTable and swaps one reference.

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: ViewFunc | None = None,
        methods: Iterable[str] | None = None,
        provide_automatic_options: bool = True,
        **options: Any,
    ) -> None:
        """Route ``rule`` to ``view_func``; an existing ``endpoint`` is replaced.

        :param rule: the URL rule, with Werkzeug converters (``/user/<int:id>``).
        :param endpoint: the endpoint's name, by default the function's name.
        :param view_func: the view; its parameters are the rule's variables (and
            ``request``, if it wants the request passed in).
        :param methods: allowed methods, ``GET`` (and so ``HEAD``) by default.
        :raises ValueError: the rule does not parse; nothing is changed.
        """
        if view_func is None:
            raise TypeError(f"add_url_rule({rule!r}) needs a view_func")
        name = endpoint or view_func.__name__
        method_set = {m.upper() for m in (methods or ("GET",))}
        if provide_automatic_options:
            method_set.add("OPTIONS")
        compiled = compile_rule(rule, name, method_set, **options)
        with self._lock:
            table = self._table
            existing = table.endpoints.get(name)
            if existing is not None and existing.view == view_func:
                updated = existing.with_rule(compiled)
            else:
                updated = Endpoint(
                    name, view_func, (compiled,), provide_automatic_options
                )
            self._table = table.replace(updated)
        self._changed("route", name)

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Decorate a view to answer ``rule``; see :meth:`add_url_rule`."""

        endpoint = options.pop("endpoint", None)

        def decorator(view: F) -> F:
            self.add_url_rule(rule, endpoint, view, **options)
            return view

        return decorator

    def get(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["GET"])``."""
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["POST"])``."""
        return self.route(rule, methods=["POST"], **options)

    def put(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["PUT"])``."""
        return self.route(rule, methods=["PUT"], **options)

    def delete(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["DELETE"])``."""
        return self.route(rule, methods=["DELETE"], **options)

    def patch(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["PATCH"])``."""
        return self.route(rule, methods=["PATCH"], **options)

    def remove_route(self, endpoint: str) -> None:
        """Remove ``endpoint`` and all its rules.

        :raises KeyError: there is no such endpoint.
        """
        with self._lock:
            if endpoint not in self._table.endpoints:
                raise KeyError(f"no route with endpoint {endpoint!r}")
            self._table = self._table.without(endpoint)
        self._changed("route", endpoint)

    @property
    def endpoints(self) -> dict[str, Endpoint]:
        """The current endpoints by name (a snapshot)."""
        return dict(self._table.endpoints)

    @property
    def url_map(self) -> Any:
        """The current Werkzeug :class:`~werkzeug.routing.Map` (a snapshot)."""
        return self._table.map

    # Hooks and error handlers: replaced by name, so re-running a cell replaces.

    def before_request(self, f: F) -> F:
        """Run ``f()`` before each view; a value it returns answers the request."""
        return self._add_hook("before_request", f)

    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each view; it returns the response to send."""
        return self._add_hook("after_request", f)

    def teardown_request(self, f: F) -> F:
        """Run ``f(error_or_None)`` when each request ends, whatever happened."""
        return self._add_hook("teardown_request", f)

    def _add_hook(self, kind: str, f: F) -> F:
        self.hooks.add(kind, f)
        self._changed("hook", f.__name__)
        return f

    def remove_hook(self, name: str) -> None:
        """Remove the before/after/teardown hook(s) named ``name``."""
        self.hooks.remove(name)
        self._changed("hook", name)

    def errorhandler(self, code_or_exception: ErrorKey) -> Callable[[F], F]:
        """Decorate ``f(error)`` to answer an HTTP status code or exception class."""

        def decorator(f: F) -> F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    def register_error_handler(
        self, code_or_exception: ErrorKey, f: Callable[[Any], Any]
    ) -> None:
        """Plain-call form of :meth:`errorhandler`."""
        key = self.hooks.add_error_handler(code_or_exception, f)
        self._changed("errorhandler", str(key))

    def remove_error_handler(self, code_or_exception: ErrorKey) -> None:
        """Remove the handler for a code or exception class."""
        key = self.hooks.remove_error_handler(code_or_exception)
        self._changed("errorhandler", str(key))

    def handlers(self) -> dict[str, tuple[Callable[..., Any], ...]]:
        """The hooks and error handlers now registered, by kind (a snapshot)."""
        return self.hooks.snapshot()

    # Change notification, for the live server's reload and the notebook panel.

    def add_change_listener(self, listener: ChangeListener) -> None:
        """Call ``listener(kind, name)`` after every change (route, template, ...)."""
        self._listeners = (*self._listeners, listener)

    def remove_change_listener(self, listener: ChangeListener) -> None:
        self._listeners = tuple(x for x in self._listeners if x != listener)

    def _changed(self, kind: str, name: str) -> None:
        for listener in self._listeners:
            try:
                listener(kind, name)
            except Exception:
                logger.exception("change listener %r failed", listener)

    def _template_changed(self, name: str) -> None:
        self._changed("template", name)

    def _static_changed(self, name: str) -> None:
        self._changed("static", name)

    # Dispatch: the hot path. It reads the table once and builds nothing unasked.

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        return self.wsgi_app(environ, start_response)

    def wsgi_app(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        """The WSGI application; wrap it (``app.wsgi_app = mw(app.wsgi_app)``)."""
        table = self._table
        context = RequestContext(self, table, environ)
        token = _current.set(context)
        error: BaseException | None = None
        try:
            try:
                rv = self._dispatch(context, environ, table)
                if not self.hooks.after and context._session is None:
                    plain = write_plain(rv, environ, start_response)
                    if plain is not None:
                        return plain
                response = self._finish(context, rv)
            except Exception as exc:
                error = exc
                response = self._finish_error(
                    context, self._handle_exception(context, exc)
                )
            return response(environ, start_response)
        finally:
            if self.hooks.teardown:
                self._run_teardown(error)
            _current.reset(token)

    def _dispatch(
        self, context: RequestContext, environ: dict[str, Any], table: RouteTable
    ) -> Any:
        path = environ.get("PATH_INFO") or "/"
        method = environ["REQUEST_METHOD"]
        by_method = table.static.get(path)
        endpoint = None
        if by_method is not None:
            endpoint = by_method.get(method)
        if endpoint is not None:
            args: Mapping[str, Any] = {}
        else:
            rule, args = self._match(context, path, method, table)
            endpoint = table.endpoints[rule.endpoint]
            context.view_args = dict(args)
            if method == "OPTIONS" and endpoint.auto_options:
                return self._options_response(context)
        context.endpoint = environ[ENVIRON_ENDPOINT] = endpoint.name
        before = self.hooks.before
        if before:
            for hook in before.values():
                early = hook()
                if early is not None:
                    return early
        if endpoint.takes_request:
            return endpoint.view(request=context.request, **args)
        return endpoint.view(**args)

    @staticmethod
    def _match(
        context: RequestContext, path: str, method: str, table: RouteTable
    ) -> tuple[Rule, Mapping[str, Any]]:
        """Werkzeug's match of ``path`` (a ``PATH_INFO``, latin-1 of UTF-8)."""
        if not path.isascii():
            path = path.encode("latin-1").decode("utf-8", "replace")
        fast = table.fast_matcher()
        if fast is not None:
            found = fast.match(path, method)
            if found is not None:
                return found
        try:
            return table.matcher.match(path, method, return_rule=True)
        except RequestRedirect:
            # The redirect's URL needs this request's host and root.
            return context.url_adapter().match(return_rule=True)

    def _options_response(self, context: RequestContext) -> Response:
        response = self.response_class()
        response.allow.update(context.url_adapter().allowed_methods())
        return response

    def _finish(self, context: RequestContext, rv: Any) -> _WerkzeugResponse:
        response = to_response(rv, context.endpoint, self.response_class)
        for hook in reversed(self.hooks.after.values()):
            response = hook(response)
        if context._session is not None:
            self.session_interface.save(self, context._session, response)
        return response

    def _finish_error(self, context: RequestContext, rv: Any) -> _WerkzeugResponse:
        """:meth:`_finish` for an error's answer (after_request hooks and the session
        apply to it too, as in Flask); if that fails as well, a plain 500."""
        try:
            return self._finish(context, rv)
        except Exception:
            logger.exception(
                "Error while answering an error in view %r", context.endpoint
            )
            return InternalServerError().get_response(context.environ)

    def _handle_exception(self, context: RequestContext, exc: Exception) -> Any:
        """What answers ``exc``: an error handler's return value, or a response."""
        if isinstance(exc, RequestRedirect):
            return exc.get_response(context.environ)
        handler = self.hooks.error_handler_for(exc)
        if isinstance(exc, HTTPException):
            if handler is None:
                return exc.get_response(context.environ)
            return handler(exc)
        context.environ[ENVIRON_EXCEPTION] = exc
        if handler is not None:
            return handler(exc)
        propagate = self.config.get("PROPAGATE_EXCEPTIONS")
        if propagate or propagate is None and self.config.get("TESTING"):
            raise exc
        logger.error(
            "Exception in view %r on %s %s",
            context.endpoint,
            context.environ.get("REQUEST_METHOD"),
            context.environ.get("PATH_INFO"),
            exc_info=exc,
        )
        server_error = InternalServerError(original_exception=exc)
        handler = self.hooks.error_handlers.get(500)
        if handler is not None:
            return handler(server_error)
        return server_error.get_response(context.environ)

    def _run_teardown(self, error: BaseException | None) -> None:
        for hook in reversed(self.hooks.teardown.values()):
            try:
                hook(error)
            except Exception:
                logger.exception("teardown_request hook %r failed", hook)

    def _serve_static(self, filename: str) -> _WerkzeugResponse:
        environ = _current.get().environ or {}
        return serve_static(self.static_files, self.static_folder, filename, environ)

    def make_response(self, rv: Any) -> _WerkzeugResponse:
        """Convert what a view could return into a response object."""
        return to_response(rv, None, self.response_class)

    # Contexts, URLs and templates outside a request.

    def app_context(self) -> AppContext:
        """A context for ``url_for``, templates and ``g`` outside a request."""
        return AppContext(self)

    def test_request_context(self, *args: Any, **kwargs: Any) -> RequestContext:
        """A request context for a made-up request (``EnvironBuilder``'s arguments)."""
        environ = EnvironBuilder(*args, **kwargs).get_environ()
        return RequestContext(self, self._table, environ)

    def _own_context(self) -> AbstractContextManager[AppContext]:
        """This app's current context (a request's, say) if any, else a new one."""
        current = _current.get(None)
        if current is not None and current.app is self:
            return nullcontext(current)
        return self.app_context()

    def url_for(self, endpoint: str, **values: Any) -> str:
        """:func:`~protoweb.url_for` for this app, with or without a request."""
        from .urls import url_for

        with self._own_context():
            return url_for(endpoint, **values)

    def render_template(self, template_name: str, **context: Any) -> str:
        """Render one of this app's templates, with or without a request."""
        with self._own_context():
            return self.jinja_env.get_template(template_name).render(context)

    # Config shortcuts, testing and serving.

    @property
    def secret_key(self) -> Any:
        return self.config.get("SECRET_KEY")

    @secret_key.setter
    def secret_key(self, value: Any) -> None:
        self.config["SECRET_KEY"] = value

    @property
    def debug(self) -> bool:
        return bool(self.config.get("DEBUG"))

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value

    @property
    def testing(self) -> bool:
        return bool(self.config.get("TESTING"))

    @testing.setter
    def testing(self, value: bool) -> None:
        self.config["TESTING"] = value

    def test_client(self, use_cookies: bool = True) -> Client:
        """Werkzeug's test client for this app."""
        return Client(self, use_cookies=use_cookies)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0, *, dev: bool = True
    ) -> LiveServer:
        """Start the live server in a background thread and return it at once.

        :param port: ``0`` picks a free port; ``server.url`` says which.
        :param dev: dev tools on (request log, traceback pages, live reload).
        """
        from .serving import LiveServer

        if self.server is not None and self.server.running:
            raise RuntimeError(f"{self!r} is already serving at {self.server.url}")
        server = LiveServer(self, host=host, port=port, dev=dev)
        server.start()
        return server

    def run(self, host: str = "127.0.0.1", port: int = 5000, **options: Any) -> None:
        """Serve until interrupted (blocking); production deployments use any WSGI
        server with ``app`` as the callable."""
        from .serving.live_server import run_simple

        run_simple(self, host, port, **options)
