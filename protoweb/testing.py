"""The test client and CLI runner an app hands out, as ``flask.testing``'s.

``app.test_client()`` is a Werkzeug :class:`~werkzeug.test.Client` that knows the
app: inside ``with client:`` the last request's context stays pushed, so
``request``, ``session`` and ``g`` can be checked after the request, and
:meth:`TestClient.session_transaction` reads and writes the session cookie.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from copy import copy
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import werkzeug.test
from werkzeug.test import Client, TestResponse
from werkzeug.wrappers import Request as BaseRequest

from . import context as _context

if TYPE_CHECKING:
    from click.testing import Result

    from .app import App
    from .sessions import SessionMixin


class EnvironBuilder(werkzeug.test.EnvironBuilder):
    """Werkzeug's :class:`~werkzeug.test.EnvironBuilder` with the app's defaults:
    the base URL from ``SERVER_NAME``, ``APPLICATION_ROOT`` and
    ``PREFERRED_URL_SCHEME``, and ``json=`` written by ``app.json`` if it has one.

    :param subdomain: prefixed to ``SERVER_NAME``.
    :param url_scheme: instead of ``PREFERRED_URL_SCHEME``.
    """

    def __init__(
        self,
        app: App,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            raise ValueError("pass either base_url, or subdomain/url_scheme, not both")
        if base_url is None:
            config = app.config
            host = config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            scheme = url_scheme or config.get("PREFERRED_URL_SCHEME") or "http"
            root = (config.get("APPLICATION_ROOT") or "/").lstrip("/")
            url = urlsplit(path)
            base_url = f"{url.scheme or scheme}://{url.netloc or host}/{root}"
            path = f"{url.path}?{url.query}" if url.query else url.path
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: Any, **kwargs: Any) -> str:
        """``json=`` as the app writes JSON."""
        provider = getattr(self.app, "json", None)
        if provider is not None and hasattr(provider, "dumps"):
            return provider.dumps(obj, **kwargs)
        return super().json_dumps(obj, **kwargs)


class TestClient(Client):
    """Werkzeug's test client, aware of the app's contexts and session.

    ``with client:`` keeps the context of the last request made in the block
    pushed until the block ends (or the next request), for assertions on
    ``request``, ``session`` and ``g``.
    """

    __test__ = False
    application: App

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self._new_contexts: list[Any] = []
        self._context_stack = ExitStack()
        self.environ_base = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"Werkzeug/{_werkzeug_version()}",
        }

    @contextmanager
    def session_transaction(self, *args: Any, **kwargs: Any) -> Iterator[SessionMixin]:
        """Open the session the client's cookie holds, let the block change it,
        then store it back in the cookie.

        .. code-block:: python

            with client.session_transaction() as session:
                session["user_id"] = 1

        :param args: as :meth:`~protoweb.App.test_request_context`'s.
        """
        if self._cookies is None:
            raise TypeError(
                "Cookies are disabled. Create a client with 'use_cookies=True'."
            )
        app = self.application
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.environ)
        interface = app.session_interface
        with ctx:
            session = interface.open_session(app, ctx.request)
        if session is None:
            raise RuntimeError(
                "Session backend did not open a session (is app.secret_key set?)."
            )
        yield session
        if interface.is_null_session(session):
            return
        response = app.response_class()
        with ctx:
            interface.save_session(app, session, response)
        self._update_cookies_from_response(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            response.headers.getlist("Set-Cookie"),
        )

    def _copy_environ(self, other: dict[str, Any]) -> dict[str, Any]:
        out = {**self.environ_base, **other}
        if self.preserve_context:
            out["werkzeug.debug.preserve_context"] = self._new_contexts.append
        return out

    def _request_from_builder_args(
        self, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> BaseRequest:
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base", {}))
        builder = EnvironBuilder(self.application, *args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: Any,
    ) -> TestResponse:
        """Make a request; the arguments are :class:`EnvironBuilder`'s (``json=``,
        ``data=``, ``headers=``, ...), or a builder, environ or request."""
        first = args[0] if args else None
        if isinstance(first, werkzeug.test.EnvironBuilder):
            builder = copy(first)
            builder.environ_base = self._copy_environ(dict(builder.environ_base or {}))
            request = builder.get_request()
        elif isinstance(first, dict):
            request = EnvironBuilder.from_environ(
                first, app=self.application, environ_base=self._copy_environ({})
            ).get_request()
        elif isinstance(first, BaseRequest):
            request = copy(first)
            request.environ = self._copy_environ(request.environ)
        else:
            request = self._request_from_builder_args(args, kwargs)
        # A request (or a redirect followed) drops the context kept before it.
        self._context_stack.close()
        response = super().open(
            request, buffered=buffered, follow_redirects=follow_redirects
        )
        provider = getattr(self.application, "json", None)
        if provider is not None:
            response.json_module = provider
        for kept in self._new_contexts:
            self._context_stack.enter_context(kept)
        self._new_contexts.clear()
        return response

    def __enter__(self) -> TestClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        _context.enable_extras()
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        self._context_stack.close()


#: Flask's name for :class:`TestClient`.
FlaskClient = TestClient


def _werkzeug_version() -> str:
    global _WERKZEUG_VERSION
    if not _WERKZEUG_VERSION:
        _WERKZEUG_VERSION = importlib.metadata.version("werkzeug")
    return _WERKZEUG_VERSION


_WERKZEUG_VERSION = ""


def __getattr__(name: str) -> Any:
    # click is imported only when a CLI runner is asked for.
    if name in ("CliRunner", "FlaskCliRunner"):
        runner = _make_cli_runner_class()
        globals().update(CliRunner=runner, FlaskCliRunner=runner)
        return runner
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _make_cli_runner_class() -> type:
    from click.testing import CliRunner as ClickRunner

    class CliRunner(ClickRunner):
        """click's :class:`~click.testing.CliRunner` for the app's ``app.cli``
        commands, each invoked with a ``ScriptInfo`` that loads this app."""

        def __init__(self, app: App, **kwargs: Any) -> None:
            self.app = app
            super().__init__(**kwargs)

        def invoke(  # type: ignore[override]
            self, cli: Any = None, args: Any = None, **kwargs: Any
        ) -> Result:
            """Run ``cli`` (default: ``app.cli``) with ``args`` in isolation."""
            if cli is None:
                cli = self.app.cli
            if "obj" not in kwargs:
                from .cli import ScriptInfo

                kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
            return super().invoke(cli, args, **kwargs)

    CliRunner.__module__ = __name__
    return CliRunner
