"""The ``protoweb`` command's own commands that need the app: ``serve``, ``run``,
``shell`` and ``routes`` (Flask's ``run``, ``shell`` and ``routes``, with the
parameter types ``run`` uses).
"""

from __future__ import annotations

import os
import ssl
import sys
from operator import itemgetter
from typing import Any

import click
from werkzeug.utils import import_string

from .context import current_app
from .helpers import get_debug_flag
from .script_info import ScriptInfo, debug_option, pass_script_info, with_appcontext


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


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Print which app is served and whether debug mode is on, as Flask does."""
    if app_import_path is not None:
        click.echo(f" * Serving protoweb app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


class CertParamType(click.ParamType):
    """``--cert``: a certificate file, ``adhoc`` (needs cryptography), or the
    import name of an :class:`ssl.SSLContext`."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            text = click.STRING(value, param, ctx).lower()
            if text == "adhoc":
                try:
                    import cryptography  # noqa: F401
                except ImportError:
                    raise click.BadParameter(
                        "Using ad-hoc certificates requires the cryptography library.",
                        ctx,
                        param,
                    ) from None
                return text
            found = import_string(text, silent=True)
            if isinstance(found, ssl.SSLContext):
                return found
            raise


def _validate_key(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """``--key`` goes with a certificate file, never with adhoc or a context."""
    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"
    is_context = isinstance(cert, ssl.SSLContext)
    if value is not None:
        if is_adhoc:
            raise click.BadParameter(
                'When "--cert" is "adhoc", "--key" is not used.', ctx, param
            )
        if is_context:
            raise click.BadParameter(
                'When "--cert" is an SSLContext object, "--key" is not used.',
                ctx,
                param,
            )
        if not cert:
            raise click.BadParameter('"--cert" must also be specified.', ctx, param)
        ctx.params["cert"] = cert, value
    elif cert and not (is_adhoc or is_context):
        raise click.BadParameter('Required when using "--cert".', ctx, param)
    return value


class SeparatedPathType(click.Path):
    """Paths separated by :data:`os.pathsep`, each checked as a click Path."""

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Any:
        items = self.split_envvar_value(value)
        return [super(SeparatedPathType, self).convert(i, param, ctx) for i in items]


@click.command("run", short_help="Run a development server (as 'flask run').")
@click.option("--host", "-h", default="127.0.0.1", help="The interface to bind to.")
@click.option("--port", "-p", default=5000, help="The port to bind to.")
@click.option(
    "--cert", type=CertParamType(), is_eager=True, help="A certificate, for HTTPS."
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    callback=_validate_key,
    expose_value=False,
    help="The key file that goes with --cert.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    help="Accepted for Flask's sake: protoweb never starts Werkzeug's reloader.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    help="Accepted for Flask's sake: the interactive debugger is never served.",
)
@click.option(
    "--with-threads/--without-threads", default=True, help="One thread per request."
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    help="Accepted for Flask's sake (reloader option).",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    help="Accepted for Flask's sake (reloader option).",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: Any,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Serve the app until interrupted, with 'flask run''s options. Werkzeug's
    reloader and debugger are never started; for changes that go live, use
    'protoweb repl' or the notebook."""
    app = info.load_app()
    show_server_banner(get_debug_flag(), info.app_import_path)
    app.run(host=host, port=port, threaded=with_threads, ssl_context=cert)


run_command.params.insert(0, debug_option)


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
