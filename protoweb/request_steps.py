"""Flask's request-handling steps as public methods (``preprocess_request``,
``dispatch_request``, ``finalize_request``, ``handle_user_exception``, ...).

Code written for Flask calls them inside a request context (in tests, or to run
a request by hand); they do what Flask's do. protoweb's own dispatch,
:meth:`App.wsgi_app <protoweb.App.wsgi_app>`, does the same work inline on a
snapshot of the route table, so overriding one of these in a subclass does not
change how requests are served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn, cast

from werkzeug.exceptions import Aborter, HTTPException
from werkzeug.routing import MapAdapter

from . import context as _context
from .context import _current, bind_to_request

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from .app import App
    from .context import RequestContext
    from .routing import Endpoint
    from .wrappers import Request


class RequestSteps:
    """The steps of a request, each on the current request context."""

    def _step_context(self) -> tuple[RequestContext, Endpoint]:
        context: Any = _current.get()
        name = getattr(context, "endpoint", None)
        endpoint = context.table.endpoints.get(name) if name else None
        return context, endpoint if endpoint is not None else context.table.unrouted

    def preprocess_request(self) -> Any:
        """Run the URL value preprocessors and before-request hooks of the current
        request; the first value a hook returns is returned."""
        app = cast("App", self)
        context, endpoint = app._step_context()
        return app._preprocess(context, endpoint)

    def dispatch_request(self) -> Any:
        """Call the current request's view with its arguments (or raise its
        routing error), and return what the view returns."""
        app = cast("App", self)
        context, endpoint = app._step_context()
        request = context.request
        if request.routing_exception is not None:
            app.raise_routing_exception(request)
        if request.method == "OPTIONS" and endpoint.auto_options:
            return app.make_default_options_response()
        return endpoint.call(**(context.view_args or {}))

    def full_dispatch_request(self) -> Response:
        """Preprocess, dispatch and finalize the current request, handling errors
        as the dispatch does."""
        app = cast("App", self)
        try:
            rv = app.preprocess_request()
            if rv is None:
                rv = app.dispatch_request()
        except Exception as error:
            rv = app.handle_user_exception(error)
        return app.finalize_request(rv)

    def finalize_request(self, rv: Any, from_error_handler: bool = False) -> Response:
        """Make a response of ``rv`` and run the after-request hooks and session
        saving on it; with ``from_error_handler``, a failure there is logged and
        the response returned as it is."""
        app = cast("App", self)
        response = app.make_response(rv)
        try:
            response = app.process_response(response)
        except Exception:
            if not from_error_handler:
                raise
            app.logger.exception(
                "Request finalizing failed with an error while handling an error"
            )
        return response

    def process_response(self, response: Response) -> Response:
        """Run the current request's after-request hooks on ``response`` and save
        its session."""
        app = cast("App", self)
        context, endpoint = app._step_context()
        for hook in endpoint.after:
            response = hook(response)
        session = context._session
        interface = app.session_interface
        if session is not None and not interface.is_null_session(session):
            interface.save_session(self, session, response)
        return response

    def handle_http_exception(self, e: HTTPException) -> Any:
        """The answer to an HTTP error: its handler's, or the error itself."""
        app = cast("App", self)
        return app.handle_user_exception(e)

    def handle_user_exception(self, e: Exception) -> Any:
        """The answer of the error handler for ``e`` (an HTTP error without one
        answers itself); ``e`` is raised again when nothing handles it."""
        app = cast("App", self)
        context, endpoint = app._step_context()
        return app._handle_user_exception(context, endpoint, e)

    def handle_exception(self, e: Exception) -> Response:
        """An unhandled error: raised again when exceptions propagate, else
        logged and answered by the 500 handler or a plain 500."""
        app = cast("App", self)
        context, endpoint = app._step_context()
        rv = app._handle_exception(context, endpoint, e)
        return app.finalize_request(rv, from_error_handler=True)

    def do_teardown_request(self, exc: BaseException | None = None) -> None:
        """Run the teardown-request hooks of the current request and send
        ``request_tearing_down``; called when a request context ends."""
        app = cast("App", self)
        app._run_teardown(app._step_context()[1], exc)
        signals = _context.signals
        if signals is not None:
            signals.request_tearing_down.send(
                app, _async_wrapper=app.ensure_sync, exc=exc
            )

    def raise_routing_exception(self, request: Request) -> NoReturn:
        """Raise the error routing gave ``request`` (a 404, 405 or redirect)."""
        error = request.routing_exception
        if error is None:
            raise RuntimeError("the request was routed: it has no routing error")
        raise error

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Whether teardown functions should not see ``error`` (never, as Flask)."""
        return False

    def make_aborter(self) -> Aborter:
        """A new :attr:`aborter` (``aborter_class()``)."""
        app = cast("App", self)
        return app.aborter_class()

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """The adapter that matches and builds URLs: for ``request`` (bound to
        its host), or, outside a request, to ``SERVER_NAME`` (``None`` without
        one), as Flask's."""
        app = cast("App", self)
        map_ = app._table.map
        if request is not None:
            return bind_to_request(app, map_, request.environ)
        if app.config.get("SERVER_NAME") is None:
            return None
        return map_.bind(
            app.config["SERVER_NAME"],
            script_name=app.config.get("APPLICATION_ROOT") or "/",
            url_scheme=app.config.get("PREFERRED_URL_SCHEME") or "http",
        )
