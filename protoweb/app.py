"""The :class:`App`: a registry of routes, templates and hooks, and a WSGI callable.

Registration builds a new route table snapshot and swaps one reference; the
request path (:meth:`App.wsgi_app`) reads that reference once and reads top to
bottom: match, preprocess, call the view, finish the response, tear down.

This module holds the app's state and that request path; the rest of App's
methods are mixins named for what they hold: :mod:`~protoweb.app_registration`
(routes, blueprints, change listeners), :mod:`~protoweb.app_contexts`,
:mod:`~protoweb.app_urls`, :mod:`~protoweb.app_templates`,
:mod:`~protoweb.app_entry_points` (serve, run, test client, CLI),
:mod:`~protoweb.app_config` and :mod:`~protoweb.request_steps` (Flask's steps).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import (
    Aborter,
    BadRequest,
    BadRequestKeyError,
    HTTPException,
    InternalServerError,
)
from werkzeug.routing import BuildError, RequestRedirect, Rule
from werkzeug.utils import redirect as _werkzeug_redirect
from werkzeug.wrappers import Response as _WerkzeugResponse

from . import context as _context
from .app_config import ConfigMethods
from .app_contexts import ContextMethods
from .app_entry_points import EntryPoints
from .app_registration import LiveRegistration
from .app_templates import TemplateMethods
from .app_urls import UrlMethods
from .config import DEFAULT_CONFIG, Config
from .context import AppCtxGlobals, RequestContext, _current
from .environ_keys import ENVIRON_ENDPOINT, ENVIRON_EXCEPTION
from .hooks import PlanBook
from .json.provider import DefaultJSONProvider, JSONProvider
from .listeners import Listeners
from .registry import Registry, ViewFunctions
from .request_steps import RequestSteps
from .responses import StartResponse, to_response, write_plain
from .routing import NO_ARGS, Endpoint, RouteTable, UrlMap
from .scaffold import Scaffold
from .sessions import SecureCookieSessionInterface, SessionInterface
from .static import StaticStore, serve_static
from .templating import TemplateStore
from .trusted_hosts import check_trusted_host
from .wrappers import Request, Response

if TYPE_CHECKING:
    from jinja2 import BaseLoader

    from .blueprints import Blueprint
    from .serving import LiveServer

#: View errors are logged here (the notebook quiets this logger while it shows
#: errors itself); ``app.logger`` is Flask's, for the app's own messages.
logger = logging.getLogger("protoweb.app")


class _ImportedOnUse:
    """A class attribute naming a class that is imported when first read."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __get__(self, instance: object, owner: type) -> Any:
        import importlib

        return getattr(importlib.import_module(self.module), self.name)


class App(
    RequestSteps,
    LiveRegistration,
    ContextMethods,
    UrlMethods,
    TemplateMethods,
    EntryPoints,
    ConfigMethods,
    Scaffold,
):
    """A web app whose routes, templates and hooks can change while it serves.

    The arguments are Flask's:

    :param import_name: the module creating the app, usually ``__name__``; it
        decides :attr:`root_path`.
    :param static_url_path: the URL of the static files (``/static``).
    :param static_folder: the static folder, relative to :attr:`root_path`;
        ``None`` for no static route.
    :param static_host: the host of the static route, with ``host_matching``.
    :param host_matching: rules match on ``host=`` as well as the path.
    :param subdomain_matching: rules match on ``subdomain=`` (needs
        ``SERVER_NAME``).
    :param template_folder: the template folder, relative to :attr:`root_path`.
    :param instance_path: the instance folder (absolute); by default
        ``instance/`` beside the app's module or package.
    :param instance_relative_config: ``app.config.from_pyfile`` and friends are
        relative to the instance folder instead of :attr:`root_path`.
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
    session_interface: SessionInterface = SecureCookieSessionInterface()
    json_provider_class: type[JSONProvider] = DefaultJSONProvider
    config_class = Config
    #: Flask's default configuration, copied into each app's ``config``.
    default_config: Mapping[str, Any] = DEFAULT_CONFIG
    url_map_class = UrlMap
    url_rule_class = Rule
    aborter_class = Aborter
    #: Options for the Jinja environment, read when it is made.
    jinja_options: dict[str, Any] = {}
    #: The class of :attr:`jinja_env` (:class:`protoweb.jinja_environment.Environment`,
    #: imported when first asked for, as Jinja2 itself is).
    jinja_environment: Any = _ImportedOnUse("protoweb.jinja_environment", "Environment")

    #: The class of ``g`` (Flask's ``_AppCtxGlobals``).
    app_ctx_globals_class = AppCtxGlobals
    #: The class :meth:`test_client` makes (default: protoweb.testing.TestClient).
    test_client_class: type[Any] | None = None
    #: The class :meth:`test_cli_runner` makes (default: protoweb.testing's).
    test_cli_runner_class: type[Any] | None = None

    def __init__(
        self,
        import_name: str = "__main__",
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name, static_folder, static_url_path, template_folder, root_path
        )
        self.name = self._find_name()
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute. A relative path"
                " was given instead."
            )
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.json: JSONProvider = self.json_provider_class(self)
        self.aborter = self.aborter_class()
        self.subdomain_matching = subdomain_matching
        self.server: LiveServer | None = None
        self._listeners: Listeners[[str, str]] = Listeners(_listener_failed)
        self.blueprints: dict[str, Blueprint] = {}
        self.blueprint_template_loaders: tuple[BaseLoader, ...] = ()
        self.url_build_error_handlers: list[
            Callable[[BuildError, str, dict[str, Any]], str | None]
        ] = []
        self.extensions: dict[str, Any] = {}
        #: Functions whose dicts fill the ``protoweb shell`` namespace.
        self.shell_context_processors: list[Callable[[], dict[str, Any]]] = []
        self.url_map = self.url_map_class(
            self, host_matching=host_matching, strict_slashes=True, merge_slashes=True
        )
        self.view_functions = ViewFunctions(self)
        self.templates = TemplateStore(lambda: self.jinja_env, self._template_changed)
        self.static_files = StaticStore(self._static_changed)
        self._appcontext_teardowns: dict[str, Callable[..., Any]] = {}
        self._table = RouteTable(
            {}, PlanBook({}, self.ensure_sync), self.ensure_sync, self.url_map
        )
        self._registry = Registry(self)
        if self.has_static_folder:
            if bool(static_host) != host_matching:
                raise ValueError(
                    "Invalid static_host/host_matching combination: give static_host"
                    " exactly when host_matching is on."
                )
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                "static",
                self.send_static_file,
                host=static_host,
            )

    def __repr__(self) -> str:
        return f"<App {self.name!r}: {len(self._table)} routes>"

    def _find_name(self) -> str:
        """The app's name: ``import_name``, or the script's name for ``__main__``."""
        if self.import_name == "__main__":
            filename = getattr(sys.modules.get("__main__"), "__file__", None)
            if filename is None:
                return "__main__"
            return os.path.splitext(os.path.basename(filename))[0]
        return self.import_name

    @cached_property
    def logger(self) -> logging.Logger:
        """Flask's app logger: ``logging.getLogger(app.name)``, with a handler to
        ``wsgi.errors`` (or stderr) if none is configured, DEBUG level in debug."""
        from .logging import create_logger

        return create_logger(self)

    def send_static_file(self, filename: str) -> _WerkzeugResponse:
        """The static route's view: ``app.static_files`` first, then the folder."""
        environ = _current.get().environ or {}
        return serve_static(
            self.static_files,
            self.static_folder or "",
            filename,
            environ,
            max_age=self.get_send_file_max_age(filename),
        )

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
        token = context._entered = _current.set(context)
        endpoint = table.unrouted
        error: BaseException | None = None
        extras = _context.extras
        try:
            try:
                if extras:
                    _context.request_started(context)
                if (trusted := self.config.get("TRUSTED_HOSTS")) is not None:
                    check_trusted_host(environ, trusted)
                # The static-path dict answers most requests without the matcher.
                by_method = table.static.get(environ.get("PATH_INFO") or "/")
                hit = by_method.get(environ["REQUEST_METHOD"]) if by_method else None
                if hit is not None:
                    endpoint, context.url_rule = hit
                    context.endpoint = environ[ENVIRON_ENDPOINT] = endpoint.name
                    args = NO_ARGS
                else:
                    endpoint, args = self._match(context, environ, table)
                if endpoint.direct:
                    rv = endpoint.call(**args)
                else:
                    rv = self._dispatch(context, endpoint, args)
                # (extras re-read: after_this_request may have just turned them on)
                if (
                    not endpoint.after
                    and context._session is None
                    and not _context.extras
                ):
                    plain = write_plain(rv, environ, start_response, self)
                    if plain is not None:
                        return plain
                response = self._finish(context, endpoint, rv)
            except Exception as exc:
                try:
                    rv = self._handle_user_exception(context, endpoint, exc)
                except Exception as unhandled:
                    error = unhandled
                    rv = self._handle_exception(context, endpoint, unhandled)
                response = self._finish_error(context, endpoint, rv)
            return response(environ, start_response)
        finally:
            if extras:
                _context.end_request(context, error)
            elif endpoint.teardown:
                self._run_teardown(endpoint, error)
            _current.reset(token)

    def _match(
        self, context: RequestContext, environ: dict[str, Any], table: RouteTable
    ) -> tuple[Endpoint, Mapping[str, Any]]:
        """The endpoint for this request and its arguments, from Werkzeug's
        matcher; no match gives ``table.unrouted`` and the routing error."""
        path = environ.get("PATH_INFO") or "/"
        method = environ["REQUEST_METHOD"]
        if not path.isascii():
            path = path.encode("latin-1").decode("utf-8", "replace")
        fast = table.fast_matcher()
        found: tuple[Rule, Mapping[str, Any]] | None = (
            fast.match(path, method) if fast is not None else None
        )
        try:
            if found is not None:
                rule, args = found
            elif table.by_host:
                rule, args = context.url_adapter().match(return_rule=True)
            else:
                rule, args = table.matcher.match(path, method, return_rule=True)
        except RequestRedirect:
            # The redirect's URL needs this request's host and root.
            try:
                context.url_adapter().match(return_rule=True)
            except HTTPException as redirect:
                return self._unrouted(context, table, redirect)
            raise
        except HTTPException as routing_error:
            return self._unrouted(context, table, routing_error)
        endpoint = table.endpoints[rule.endpoint]
        context.url_rule = rule
        # One dict: what URL value preprocessors change is what the view gets.
        view_args = context.view_args = dict(args)
        context.endpoint = environ[ENVIRON_ENDPOINT] = endpoint.name
        if method == "OPTIONS" and endpoint.auto_options:
            return endpoint.answering(self._default_options), NO_ARGS
        return endpoint, view_args

    @staticmethod
    def _unrouted(
        context: RequestContext, table: RouteTable, error: HTTPException
    ) -> tuple[Endpoint, Mapping[str, Any]]:
        """No route: the app's own hooks run, then ``error`` is raised."""
        if table.unrouted.prepare:  # hooks may look at request.routing_exception
            context.request.routing_exception = error
        return table.unrouted, {"error": error}

    def _dispatch(
        self, context: RequestContext, endpoint: Endpoint, args: Mapping[str, Any]
    ) -> Any:
        """URL value preprocessors and before-request hooks, then the view."""
        if endpoint.prepare:
            early = self._preprocess(context, endpoint)
            if early is not None:
                return early
            if context.endpoint is not None:
                args = context.view_args  # as the URL value preprocessors left it
        if endpoint.takes_request:
            return endpoint.call(request=context.request, **args)
        return endpoint.call(**args)

    def _preprocess(self, context: RequestContext, endpoint: Endpoint) -> Any:
        plan = endpoint.plan
        if plan.preprocess:
            view_args = context.view_args if context.endpoint is not None else None
            for preprocessor in plan.preprocess:
                preprocessor(context.endpoint, view_args)
        for hook in plan.before:
            early = hook()
            if early is not None:
                return early
        return None

    def _finish(
        self, context: RequestContext, endpoint: Endpoint, rv: Any
    ) -> _WerkzeugResponse:
        """The response for ``rv``, through the after-request hooks and the
        session."""
        response = to_response(
            rv,
            context.endpoint,
            self.response_class,
            context.environ,
            self.json.response,
        )
        if _context.extras:
            response = _context.after_request_functions(context, response)
        for hook in endpoint.after:
            response = hook(response)
        session = context._session
        if session is not None and not self.session_interface.is_null_session(session):
            self.session_interface.save_session(self, session, response)
        if _context.extras:
            _context.request_finished(context, response)
        return response

    def _finish_error(
        self, context: RequestContext, endpoint: Endpoint, rv: Any
    ) -> _WerkzeugResponse:
        """:meth:`_finish` for an error's answer (after_request hooks and the session
        apply to it too, as in Flask); if that fails as well, a plain 500."""
        try:
            return self._finish(context, endpoint, rv)
        except Exception:
            logger.exception(
                "Error while answering an error in view %r", context.endpoint
            )
            return InternalServerError().get_response(context.environ)

    def trap_http_exception(self, error: Exception) -> bool:
        """Whether an HTTP error should be raised as an ordinary exception
        (``TRAP_HTTP_EXCEPTIONS``, ``TRAP_BAD_REQUEST_ERRORS``), as in Flask."""
        config = self.config
        if config.get("TRAP_HTTP_EXCEPTIONS"):
            return True
        trap_bad_request = config.get("TRAP_BAD_REQUEST_ERRORS")
        if trap_bad_request is None and self.debug:
            return isinstance(error, BadRequestKeyError)
        return bool(trap_bad_request) and isinstance(error, BadRequest)

    def _handle_user_exception(
        self, context: RequestContext, endpoint: Endpoint, exc: Exception
    ) -> Any:
        """An error handler's answer to ``exc``, or an HTTP error's own response;
        re-raises ``exc`` when nothing handles it."""
        if isinstance(exc, BadRequestKeyError) and (
            self.debug or self.config.get("TRAP_BAD_REQUEST_ERRORS")
        ):
            exc.show_exception = True
        if isinstance(exc, HTTPException) and not self.trap_http_exception(exc):
            if exc.code is None or isinstance(exc, RequestRedirect):
                return exc.get_response(context.environ)
            handler = endpoint.plan.error_handler_for(exc)
            if handler is None:
                return exc.get_response(context.environ)
            return handler(exc)
        handler = endpoint.plan.error_handler_for(exc)
        if handler is None:
            raise exc
        context.environ[ENVIRON_EXCEPTION] = exc
        return handler(exc)

    def _handle_exception(
        self, context: RequestContext, endpoint: Endpoint, exc: Exception
    ) -> Any:
        """An unhandled exception: raised again when exceptions propagate
        (``PROPAGATE_EXCEPTIONS``, or testing/debug), else logged and answered
        by the 500 handler or a plain 500."""
        context.environ[ENVIRON_EXCEPTION] = exc
        if _context.extras:
            _context.request_exception(context, exc)
        propagate = self.config.get("PROPAGATE_EXCEPTIONS")
        if propagate is None:
            propagate = self.testing or self.debug
        if propagate:
            raise exc
        self.log_exception(context, exc)
        server_error = InternalServerError(original_exception=exc)
        handler = endpoint.plan.error_handler_for(server_error)
        if handler is not None:
            return handler(server_error)
        return server_error.get_response(context.environ)

    def log_exception(self, context: RequestContext, exc: BaseException) -> None:
        """Log an unhandled view error, naming the endpoint."""
        environ = context.environ
        logger.error(
            "Exception on %s [%s] in view %r",
            environ.get("PATH_INFO"),
            environ.get("REQUEST_METHOD"),
            context.endpoint,
            exc_info=exc,
        )

    def _run_teardown(self, endpoint: Endpoint, error: BaseException | None) -> None:
        for hook in endpoint.teardown:
            try:
                hook(error)
            except Exception:
                logger.exception("teardown_request hook %r failed", hook)

    def _default_options(self, **_: Any) -> _WerkzeugResponse:
        return self.make_default_options_response()

    def make_default_options_response(self) -> _WerkzeugResponse:
        """The automatic answer to ``OPTIONS``: an empty 200 with ``Allow``."""
        context = _current.get()
        response = self.response_class()
        response.allow.update(context.url_adapter().allowed_methods())
        return response

    def make_response(self, rv: Any) -> _WerkzeugResponse:
        """Convert what a view could return into a :attr:`response_class`."""
        current = _current.get(None)
        endpoint = getattr(current, "endpoint", None)
        environ = getattr(current, "environ", None)
        return to_response(
            rv, endpoint, self.response_class, environ, self.json.response
        )

    def redirect(self, location: str, code: int = 302) -> _WerkzeugResponse:
        """A redirect response (what :func:`protoweb.redirect` calls)."""
        return _werkzeug_redirect(location, code, Response=self.response_class)


#: Flask's name for the app class (``from protoweb.app import Flask``).
Flask = App


def _listener_failed(listener: Callable[..., object], error: Exception) -> None:
    logger.error("change listener %r failed", listener, exc_info=error)
