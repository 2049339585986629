"""What :class:`~protoweb.App` and :class:`~protoweb.Blueprint` share, as in Flask.

Routes, hooks, error handlers, URL processors and context processors are
registered the same way on both; each is replaced by name (a re-run cell replaces,
never duplicates) and goes live at once: a subclass says what "live" means in
:meth:`Scaffold._registered`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, TypeVar

from .hooks import ErrorKey, Hooks

if TYPE_CHECKING:
    from jinja2 import FileSystemLoader
    from werkzeug.wrappers import Response

F = TypeVar("F", bound=Callable[..., Any])

#: HTTP method shortcuts: ``app.get(rule)`` is ``app.route(rule, methods=["GET"])``.
METHOD_SHORTCUTS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def get_root_path(import_name: str) -> str:
    """The folder of the module ``import_name``; in a notebook or REPL, the cwd."""
    module = sys.modules.get(import_name)
    filename = getattr(module, "__file__", None)
    interactive = hasattr(sys, "ps1") or "IPython" in sys.modules
    if filename is None or (import_name == "__main__" and interactive):
        return os.getcwd()
    return os.path.dirname(os.path.abspath(filename))


def endpoint_from_view(view: Callable[..., Any] | None) -> str:
    """A view's default endpoint: its ``__name__``, as in Flask."""
    if view is None:
        raise TypeError("expected view func if endpoint is not provided.")
    return view.__name__


class Scaffold:
    """Registration shared by apps and blueprints.

    :param import_name: the module that defines it, usually ``__name__``.
    :param static_folder: static files folder, relative to ``root_path``.
    :param static_url_path: URL path of the static files.
    :param template_folder: templates folder, relative to ``root_path``.
    :param root_path: the folder the other paths are relative to.
    """

    name: str
    #: Filled by :meth:`endpoint` for a blueprint; an app's is a live view.
    view_functions: Any

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.root_path = root_path or get_root_path(import_name)
        self.template_folder = template_folder
        self._static_folder: str | None = None
        self._static_url_path: str | None = None
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.hooks = Hooks()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _registered(self, kind: str, name: str) -> None:
        """Make a registration live (an app rebuilds its table, a blueprint
        registers itself again wherever it is registered)."""
        raise NotImplementedError

    # Folders and resources.

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, or ``None``."""
        if self._static_folder is None:
            return None
        return os.path.join(self.root_path, self._static_folder)

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        self._static_folder = os.fspath(value).rstrip("/\\") if value else None

    @property
    def has_static_folder(self) -> bool:
        return self._static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of the static route (default: ``/<static folder name>``)."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self._static_folder is not None:
            basename = os.path.basename(self._static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        self._static_url_path = value.rstrip("/") if value is not None else None

    @property
    def jinja_loader(self) -> FileSystemLoader | None:
        """A loader for ``template_folder``, or ``None`` without one."""
        if self.template_folder is None:
            return None
        from jinja2 import FileSystemLoader

        return FileSystemLoader(os.path.join(self.root_path, self.template_folder))

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """``max_age`` for :func:`send_file`: ``SEND_FILE_MAX_AGE_DEFAULT`` of the
        current app (``None``: conditional requests instead of a timed cache)."""
        from .context import current_context

        value = current_context().app.config.get("SEND_FILE_MAX_AGE_DEFAULT")
        if value is None:
            return None
        if isinstance(value, timedelta):
            return int(value.total_seconds())
        return int(value)

    def send_static_file(self, filename: str) -> Response:
        """The view of the static route: ``filename`` from :attr:`static_folder`."""
        from werkzeug.exceptions import NotFound
        from werkzeug.utils import send_from_directory

        from .context import current_context

        if self.static_folder is None:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        environ = current_context().environ or {}
        try:
            return send_from_directory(
                self.static_folder,
                filename,
                environ,
                max_age=self.get_send_file_max_age(filename),
            )
        except (OSError, ValueError):
            raise NotFound() from None

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> IO[Any]:
        """Open ``resource`` (relative to :attr:`root_path`) for reading.

        :param mode: ``"rb"`` (default), ``"r"`` or ``"rt"``.
        :param encoding: the text encoding, for text modes.
        """
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    # Routes.

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        raise NotImplementedError

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Decorate a view to answer ``rule``; see :meth:`add_url_rule`.

        .. code-block:: python

            @app.route("/hello/<name>", methods=["GET", "POST"])
            def hello(name):
                return f"Hello {name}!"
        """

        def decorator(view: F) -> F:
            rest = dict(options)
            endpoint = rest.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, view, **rest)
            return view

        return decorator

    def _method_route(self, method: str, rule: str, options: Any) -> Callable[[F], F]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    def get(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["GET"])``."""
        return self._method_route("GET", rule, options)

    def post(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["POST"])``."""
        return self._method_route("POST", rule, options)

    def put(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["PUT"])``."""
        return self._method_route("PUT", rule, options)

    def delete(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["DELETE"])``."""
        return self._method_route("DELETE", rule, options)

    def patch(self, rule: str, **options: Any) -> Callable[[F], F]:
        """``route(rule, methods=["PATCH"])``."""
        return self._method_route("PATCH", rule, options)

    def endpoint(self, endpoint: str) -> Callable[[F], F]:
        """Decorate the view of ``endpoint`` (a rule added without one)."""

        def decorator(f: F) -> F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # Hooks: replaced by function name, so re-running a cell replaces.

    def _add_hook(self, kind: str, f: F, hooks: Hooks | None = None) -> F:
        """File ``f`` as a ``kind`` hook in ``hooks`` (default: :attr:`hooks`)."""
        (self.hooks if hooks is None else hooks).add(kind, f)
        self._registered("hook", f.__name__)
        return f

    def before_request(self, f: F) -> F:
        """Run ``f()`` before each view; a value it returns answers the request."""
        return self._add_hook("before_request", f)

    def after_request(self, f: F) -> F:
        """Run ``f(response)`` after each view; it returns the response to send."""
        return self._add_hook("after_request", f)

    def teardown_request(self, f: F) -> F:
        """Run ``f(error_or_None)`` when each request ends, whatever happened."""
        return self._add_hook("teardown_request", f)

    def context_processor(self, f: F) -> F:
        """Run ``f()`` before rendering a template; its dict joins the context."""
        return self._add_hook("context_processor", f)

    def url_value_preprocessor(self, f: F) -> F:
        """Run ``f(endpoint, view_args)`` before the before-request hooks; it may
        change ``view_args`` (e.g. pop a language code into ``g``)."""
        return self._add_hook("url_value_preprocessor", f)

    def url_defaults(self, f: F) -> F:
        """Run ``f(endpoint, values)`` in ``url_for``; it may fill in ``values``."""
        return self._add_hook("url_defaults", f)

    def remove_hook(self, name: str, kind: str | None = None) -> None:
        """Remove the hooks named ``name``: of one ``kind`` (``"before_request"``,
        ``"context_processor"``, ...), or of any kind."""
        self.hooks.remove(name, kind)
        self._registered("hook", name)

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
        self._add_error_handler(code_or_exception, f, self.hooks)

    def _add_error_handler(
        self, code_or_exception: ErrorKey, f: Callable[[Any], Any], hooks: Hooks
    ) -> None:
        code, cls = hooks.add_error_handler(code_or_exception, f)
        self._registered("errorhandler", str(code or cls.__name__))

    def remove_error_handler(self, code_or_exception: ErrorKey) -> None:
        """Remove the handler for a code or exception class."""
        code, cls = self.hooks.remove_error_handler(code_or_exception)
        self._registered("errorhandler", str(code or cls.__name__))

    # Flask's hook tables, read-only: {None or blueprint name: (functions...)}.

    def _scopes(self) -> Mapping[str | None, Hooks]:
        """The hooks by scope (``None``: this app or blueprint itself)."""
        return {None: self.hooks}

    def _table_of(self, kind: str) -> Mapping[str | None, tuple[Any, ...]]:
        return MappingProxyType(
            {
                scope: tuple(hooks.of(kind))
                for scope, hooks in self._scopes().items()
                if hooks.funcs[kind]
            }
        )

    @property
    def before_request_funcs(self) -> Mapping[str | None, tuple[Any, ...]]:
        """The before-request hooks by scope (read-only; use the decorators)."""
        return self._table_of("before_request")

    @property
    def after_request_funcs(self) -> Mapping[str | None, tuple[Any, ...]]:
        """The after-request hooks by scope (read-only)."""
        return self._table_of("after_request")

    @property
    def teardown_request_funcs(self) -> Mapping[str | None, tuple[Any, ...]]:
        """The teardown-request hooks by scope (read-only)."""
        return self._table_of("teardown_request")

    @property
    def template_context_processors(self) -> Mapping[str | None, tuple[Any, ...]]:
        """The context processors by scope (read-only)."""
        return self._table_of("context_processor")

    @property
    def url_value_preprocessors(self) -> Mapping[str | None, tuple[Any, ...]]:
        """The URL value preprocessors by scope (read-only)."""
        return self._table_of("url_value_preprocessor")

    @property
    def url_default_functions(self) -> Mapping[str | None, tuple[Any, ...]]:
        """The URL defaults functions by scope (read-only)."""
        return self._table_of("url_defaults")

    @property
    def error_handler_spec(
        self,
    ) -> Mapping[str | None, Mapping[int | None, Mapping[type, Any]]]:
        """The error handlers by scope, then code (``None`` for a class), then
        exception class, as Flask files them (read-only)."""
        spec: dict[str | None, dict[int | None, dict[type, Any]]] = {}
        for scope, hooks in self._scopes().items():
            for (code, cls), handler in hooks.error_handlers.items():
                spec.setdefault(scope, {}).setdefault(code, {})[cls] = handler
        return MappingProxyType(spec)

    def handlers(self) -> dict[str, tuple[Callable[..., Any], ...]]:
        """The hooks and error handlers registered here, by kind (a snapshot)."""
        return self.hooks.snapshot()
