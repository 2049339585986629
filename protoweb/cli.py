"""The ``protoweb`` command, and Flask's command-line pieces (``flask.cli``).

``protoweb`` is a click group: ``serve``, ``run``, ``shell``, ``routes``,
``repl`` and ``export`` are built in, and ``protoweb --app module:app NAME`` runs
a command the app registered with ``@app.cli.command()``, inside an app context,
as ``flask`` does. The app is found as Flask finds it (:mod:`protoweb.discovery`):
``--app`` (or ``PROTOWEB_APP``, or ``FLASK_APP``), else ``wsgi.py`` or ``app.py``
in the working directory. ``repl`` and ``export NOTEBOOK`` import IPython only
when they run.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import click

from . import __version__
from .app import App
from .app_commands import CertParamType as CertParamType
from .app_commands import SeparatedPathType as SeparatedPathType
from .app_commands import routes_command as routes_command
from .app_commands import run_command as run_command
from .app_commands import serve_command as serve_command
from .app_commands import shell_command as shell_command
from .app_commands import show_server_banner as show_server_banner
from .context import _current
from .discovery import NoAppException as NoAppException
from .discovery import find_app_by_string as find_app_by_string
from .discovery import find_best_app as find_best_app
from .discovery import locate_app as locate_app
from .discovery import prepare_import as prepare_import
from .helpers import get_load_dotenv
from .ipython_commands import export_command as export_command
from .ipython_commands import repl_command as repl_command
from .script_info import AppGroup as AppGroup
from .script_info import ScriptInfo as ScriptInfo
from .script_info import debug_option
from .script_info import pass_script_info as pass_script_info
from .script_info import with_appcontext as with_appcontext


def _set_app(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def get_version(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """``--version``: print protoweb's version and stop."""
    if value and not ctx.resilient_parsing:
        click.echo(f"protoweb {__version__}")
        ctx.exit()


_app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    envvar=["PROTOWEB_APP", "FLASK_APP"],
    help=(
        "The app or factory to load, as 'module:name' (a dotted import or a file"
        " path). The name may be left out if it is 'app', 'application',"
        " 'create_app' or 'make_app', and may be 'name(args)' to call a factory."
    ),
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)


def load_dotenv(
    path: str | os.PathLike[str] | None = None, load_defaults: bool = True
) -> bool:
    """Set environment variables from ``.flaskenv`` and ``.env`` (found from the
    working directory up) and from ``path``, which wins; variables already set
    are kept. Needs python-dotenv; without it, nothing is loaded (with a tip if
    such files exist).

    :returns: whether any variable was read.
    """
    try:
        import dotenv
    except ImportError:
        if path or os.path.isfile(".env") or os.path.isfile(".flaskenv"):
            click.secho(
                " * Tip: There are .env files present. Install python-dotenv"
                " to use them.",
                fg="yellow",
                err=True,
            )
        return False
    data: dict[str, str | None] = {}
    if load_defaults:
        for name in (".flaskenv", ".env"):
            found = dotenv.find_dotenv(name, usecwd=True)
            if found:
                data |= dotenv.dotenv_values(found, encoding="utf-8")
    if path is not None and os.path.isfile(path):
        data |= dotenv.dotenv_values(path, encoding="utf-8")
    for key, value in data.items():
        if key not in os.environ and value is not None:
            os.environ[key] = value
    return bool(data)


def _env_file_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    try:
        import dotenv  # noqa: F401
    except ImportError:
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.",
                ctx=ctx,
                param=param,
            ) from None
    defaults = ctx.ensure_object(ScriptInfo).load_dotenv_defaults
    if value is not None or defaults:
        load_dotenv(value, load_defaults=defaults)
    return value


_env_file_option = click.Option(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    help=(
        "Load environment variables from this file (over '.env' and '.flaskenv';"
        " variables already set win). Needs python-dotenv."
    ),
    is_eager=True,
    expose_value=False,
    callback=_env_file_callback,
)

#: The ``--version`` option.
version_option = click.Option(
    ["--version"],
    help="Show protoweb's version.",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=get_version,
)


class ProtowebGroup(AppGroup):
    """The ``protoweb`` command: built-in commands, and the app's ``app.cli``
    commands (Flask's ``FlaskGroup``).

    :param create_app: a callback returning the app, instead of ``--app``.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: Callable[..., App] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: Any,
    ) -> None:
        params = [
            *(extra.pop("params", None) or ()),
            _env_file_option,
            _app_option,
            debug_option,
        ]
        if add_version_option:
            params.append(version_option)
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        if add_default_commands:
            for command in (serve_command, run_command, shell_command, routes_command):
                self.add_command(command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        info = ctx.ensure_object(ScriptInfo)
        try:
            app = info.load_app()
        except NoAppException as error:
            click.secho(f"Error: {error.format_message()}\n", err=True, fg="red")
            return None
        current = _current.get(None)
        if current is None or current.app is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = set(super().list_commands(ctx))
        try:
            names.update(
                ctx.ensure_object(ScriptInfo).load_app().cli.list_commands(ctx)
            )
        except NoAppException as error:
            info = ctx.ensure_object(ScriptInfo)
            if info.app_import_path or info.create_app:  # silent when none was named
                click.secho(f"Error: {error.format_message()}\n", err=True, fg="red")
        except Exception:
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=get_load_dotenv(self.load_dotenv),
            )
        return super().make_context(info_name, args, parent=parent, **extra)


#: Flask's name for :class:`ProtowebGroup`.
FlaskGroup = ProtowebGroup


#: The ``protoweb`` command.
cli = ProtowebGroup(
    name="protoweb",
    help=(
        "protoweb: prototype web apps in Jupyter and IPython.\n\n"
        "Built-in commands work without an app; 'protoweb --app module:app NAME'"
        " runs the app's own commands (@app.cli.command())."
    ),
)
cli.add_command(repl_command)
cli.add_command(export_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``protoweb`` command with ``argv`` (the process's by default)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="protoweb")
    return 0
