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
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from functools import update_wrapper
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from . import __version__
from .app import App
from .context import _current, current_app, has_app_context
from .discovery import NoAppException as NoAppException
from .discovery import find_app_by_string as find_app_by_string
from .discovery import find_best_app as find_best_app
from .discovery import locate_app as locate_app
from .discovery import prepare_import as prepare_import
from .helpers import get_debug_flag
from .ipython_commands import export_command, repl_command

if TYPE_CHECKING:
    pass

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


def _set_app(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is not None:
        ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> Any:
    source = ctx.get_parameter_source(cast(str, param.name))
    if source in (click.core.ParameterSource.DEFAULT, None):
        return None
    os.environ["FLASK_DEBUG"] = "1" if value else "0"
    return value


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
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
_debug_option = click.Option(
    ["--debug/--no-debug"],
    help="Set the app's debug mode.",
    expose_value=False,
    callback=_set_debug,
)
_version_option = click.Option(
    ["--version"],
    help="Show protoweb's version.",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_show_version,
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
        set_debug_flag: bool = True,
        **extra: Any,
    ) -> None:
        params = [*(extra.pop("params", None) or ()), _app_option, _debug_option]
        if add_version_option:
            params.append(_version_option)
        super().__init__(params=params, **extra)
        self.create_app = create_app
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
                create_app=self.create_app, set_debug_flag=self.set_debug_flag
            )
        return super().make_context(info_name, args, parent=parent, **extra)


#: Flask's name for :class:`ProtowebGroup`.
FlaskGroup = ProtowebGroup


@click.command("serve", short_help="Serve the app (blocking).")
@click.argument("app_path", metavar="[APP]", required=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=None, help="Default: $PORT, else 5000.")
@pass_script_info
def serve_command(
    info: ScriptInfo, app_path: str | None, host: str, port: int | None
) -> None:
    """Serve APP (module:name; default: --app, PROTOWEB_APP, wsgi.py or app.py)
    until interrupted, as app.run() does."""
    if app_path is not None:
        info.app_import_path = app_path
    app = info.load_app()
    if port is None:
        port = int(os.environ.get("PORT", 5000))
    app.run(host=host, port=port)


@click.command("run", short_help="Run a development server (Flask's 'run').")
@click.option("--host", "-h", default="127.0.0.1", show_default=True)
@click.option("--port", "-p", type=int, default=5000, show_default=True)
@pass_script_info
def run_command(info: ScriptInfo, host: str, port: int) -> None:
    """Serve the app on HOST:PORT until interrupted (as 'flask run')."""
    info.load_app().run(host=host, port=port)


@click.command("shell", short_help="A Python shell in the app's context.")
@with_appcontext
def shell_command() -> None:
    """A plain Python shell with the app's context pushed and its shell context
    (``app``, ``g`` and what ``@app.shell_context_processor`` functions return)
    as variables, as 'flask shell'. 'protoweb repl' is the IPython one."""
    import code

    app = current_app
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\nInstance: {app.instance_path}"
    )
    namespace: dict[str, Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        with open(startup) as file:
            exec(compile(file.read(), startup, "exec"), namespace)
    namespace.update(app.make_shell_context())
    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None:
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            readline.set_completer(Completer(namespace).complete)
        hook()
    code.interact(banner=banner, local=namespace)


@click.command("routes", short_help="Show the routes of the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(("endpoint", "methods", "domain", "rule", "match")),
    default="endpoint",
    help="Order by endpoint, methods, domain, rule, or the order they match.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS too.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show the app's routes: endpoint, methods and rule, as 'flask routes'."""
    url_map = current_app.url_map
    rules = list(url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return
    ignored = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = url_map.host_matching
    has_domain = any(rule.host if host_matching else rule.subdomain for rule in rules)
    rows = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(sorted((rule.methods or set()) - ignored))]
        if has_domain:
            row.append((rule.host if host_matching else rule.subdomain) or "")
        row.append(rule.rule)
        rows.append(row)
    headers = ["Endpoint", "Methods"]
    sorts = ["endpoint", "methods"]
    if has_domain:
        headers.append("Host" if host_matching else "Subdomain")
        sorts.append("domain")
    headers.append("Rule")
    sorts.append("rule")
    if sort in sorts:
        rows.sort(key=itemgetter(sorts.index(sort)))
    rows.insert(0, headers)
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    rows.insert(1, ["-" * width for width in widths])
    template = "  ".join(f"{{{i}:<{width}}}" for i, width in enumerate(widths))
    for row in rows:
        click.echo(template.format(*row))


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
