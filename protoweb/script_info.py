"""Running click commands with the app: :class:`ScriptInfo` loads it,
:func:`with_appcontext` pushes its context, :class:`AppGroup` (``app.cli``) does
that for every command it holds (Flask's names, from ``flask.cli``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

import click

from .app import App
from .context import has_app_context
from .discovery import NoAppException, locate_app, prepare_import
from .helpers import get_debug_flag

F = TypeVar("F", bound=Callable[..., Any])


class ScriptInfo:
    """What a command needs to load the app: ``--app``'s import path or a
    ``create_app`` callback. Commands get it with :data:`pass_script_info`."""

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: Callable[..., App] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        #: Anything commands want to share.
        self.data: dict[Any, Any] = {}
        self.set_debug_flag = set_debug_flag
        self.load_dotenv_defaults = load_dotenv_defaults
        self._loaded_app: App | None = None

    def load_app(self) -> App:
        """The app, loaded once.

        :raises NoAppException: it cannot be found; the message says how to name it.
        """
        if self._loaded_app is not None:
            return self._loaded_app
        app: App | None = None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            path, name = (
                re.split(r":(?![\\/])", self.app_import_path, maxsplit=1) + [None]
            )[:2]
            app = locate_app(prepare_import(cast(str, path)), name)
        else:
            for filename in ("wsgi.py", "app.py"):
                app = locate_app(
                    prepare_import(filename), None, raise_if_not_found=False
                )
                if app is not None:
                    break
        if app is None:
            raise NoAppException(
                "Could not locate a protoweb application. Use the 'protoweb --app'"
                " option, the 'PROTOWEB_APP' environment variable, or a 'wsgi.py'"
                " or 'app.py' file in the current directory."
            )
        if self.set_debug_flag and os.environ.get("FLASK_DEBUG") is not None:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app


#: A decorator passing the :class:`ScriptInfo` to a command as first argument.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: F) -> F:
    """Run the command ``f`` inside the app's context (``current_app``, ``g``,
    ``url_for`` work). Commands of ``app.cli`` get one without it."""

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
        if not has_app_context():
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return cast(F, update_wrapper(decorator, f))


class AppGroup(click.Group):
    """A click group whose commands run in an app context (``app.cli`` is one);
    ``command(..., with_appcontext=False)`` opts out."""

    def command(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Command]:
        wrap = kwargs.pop("with_appcontext", True)

        def decorator(f: Callable[..., Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            return click.Group.command(self, *args, **kwargs)(f)

        return decorator

    def group(  # type: ignore[override]
        self, *args: Any, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], click.Group]:
        """A sub-group, an :class:`AppGroup` unless ``cls`` says otherwise."""
        kwargs.setdefault("cls", AppGroup)
        return click.Group.group(self, *args, **kwargs)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> Any:
    source = ctx.get_parameter_source(cast(str, param.name))
    if source in (click.core.ParameterSource.DEFAULT, None):
        return None
    os.environ["FLASK_DEBUG"] = "1" if value else "0"
    return value


#: ``--debug/--no-debug``: sets ``FLASK_DEBUG``, so a factory sees it too.
debug_option = click.Option(
    ["--debug/--no-debug"],
    help="Set the app's debug mode.",
    expose_value=False,
    callback=_set_debug,
)
