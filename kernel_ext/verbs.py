"""The ``%protoweb`` verbs: a table of small commands, each with its own parser.

A verb is added with :func:`verb`; its usage line and summary become part of
``%protoweb?`` and ``%protoweb help``, and its arguments are parsed by an
IPython :class:`~IPython.core.magic_arguments.MagicArgumentParser` (bad input is
a ``UsageError``). Another module adds a verb the same way, e.g.::

    @verb("export", "DIR [--name NAME]", "write the app as a package", arguments=[
        argument("dir"), argument("--name"),
    ])
    def export(ext, args):
        ...

and is listed in :data:`kernel_ext.extension.VERB_MODULES` so it is imported
before the magics are built.
"""

from __future__ import annotations

import argparse
import json
import shlex
import time
import uuid
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import MagicArgumentParser

from . import http_request, public_url, render
from .rules import KNOWN_METHODS

if TYPE_CHECKING:
    from .extension import Extension


@dataclass(frozen=True)
class Argument:
    """One ``add_argument`` call for a verb's parser."""

    args: tuple[str, ...]
    kwargs: dict[str, Any]


def argument(*args: str, **kwargs: Any) -> Argument:
    return Argument(args, kwargs)


#: How long after ``%protoweb open`` ran its script may still open a tab.
OPEN_WINDOW_MS = 60_000

VerbHandler = Callable[["Extension", Any], Any]


@dataclass(frozen=True)
class Verb:
    """A ``%protoweb`` command.

    :param path_argument: the name of the argument that is a URL path, for tab
        completion of known paths.
    """

    name: str
    usage: str
    summary: str
    handler: VerbHandler
    arguments: tuple[Argument, ...] = ()
    path_argument: str | None = None

    def parser(self) -> MagicArgumentParser:
        # argparse's own formatter: IPython's adds a ``::`` and a second ``%``
        parser = MagicArgumentParser(
            prog=f"%protoweb {self.name}",
            description=self.summary,
            formatter_class=argparse.HelpFormatter,
        )
        for item in self.arguments:
            parser.add_argument(*item.args, **item.kwargs)
        return parser

    def run(self, ext: Extension, words: list[str]) -> Any:
        args = self.parser().parse_args(words)
        return self.handler(ext, args)


#: Every verb by name, in the order ``%protoweb?`` lists them.
VERBS: dict[str, Verb] = {}


def verb(
    name: str,
    usage: str,
    summary: str,
    arguments: list[Argument] | None = None,
    path_argument: str | None = None,
) -> Callable[[VerbHandler], VerbHandler]:
    """Decorate ``handler(ext, args)`` to be ``%protoweb NAME``."""

    def decorator(handler: VerbHandler) -> VerbHandler:
        VERBS[name] = Verb(
            name, usage, summary, handler, tuple(arguments or ()), path_argument
        )
        return handler

    return decorator


def help_text() -> str:
    """The text of ``%protoweb?``: each verb's usage and what it does."""
    lines = [
        "Control the live server and inspect the app: %protoweb VERB [ARGUMENTS].",
        "With no verb, %protoweb shows the status.",
        "",
    ]
    for item in VERBS.values():
        lines.append(f"%protoweb {item.name} {item.usage}".rstrip())
        lines.append(f"    {item.summary}")
    lines += [
        "",
        "Cell magics: %%route [METHODS] RULE [--name ENDPOINT], %%template NAME,",
        "%%static NAME. See %%route? and the Notebook guide.",
    ]
    return "\n".join(lines)


def run_line(ext: Extension, line: str) -> Any:
    """Run one ``%protoweb`` line."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise UsageError(f"%protoweb: cannot read {line!r}: {error}") from None
    if not words:
        words = ["status"]
    name, rest = words[0], words[1:]
    found = VERBS.get(name)
    if found is None:
        known = ", ".join(VERBS)
        raise UsageError(f"%protoweb: unknown verb {name!r}; the verbs are: {known}")
    return found.run(ext, rest)


def _require_server(ext: Extension) -> None:
    if not ext.session.running:
        raise UsageError(
            "the protoweb server is stopped; start it with %protoweb start"
        )


def _path(path: str) -> str:
    return path if path.startswith("/") else f"/{path}"


@verb("status", "", "the URL, templates, static files and request counts")
def status(ext: Extension, args: Any) -> None:
    print(render.status_text(ext.session))


@verb("routes", "", "the route table: methods, rule, endpoint, defining cell")
def routes(ext: Extension, args: Any) -> None:
    print(render.routes_text(render.route_rows(ext.session.app, ext.session)))


@verb(
    "log",
    "[N]",
    "the latest N requests (default 20); errors with their traceback and cell",
    arguments=[argument("n", nargs="?", type=int, default=20, metavar="N")],
)
def log(ext: Extension, args: Any) -> None:
    request_log = ext.session.log
    if request_log is None:
        print("no request log (the server keeps one while it runs in dev mode)")
        return
    if args.n < 1:
        raise UsageError("%protoweb log N: N must be at least 1")
    outputs = ext.view_outputs
    output_of = outputs.for_record if outputs is not None else None
    print(render.log_text(request_log.records(args.n), ext.session, output_of))


@verb(
    "show",
    "PATH [--height PX]",
    "an inline preview (iframe) of the live page",
    arguments=[
        argument("path", nargs="?", default="/"),
        argument("--height", type=int, default=360),
    ],
    path_argument="path",
)
def show(ext: Extension, args: Any) -> None:
    from IPython.display import display

    _require_server(ext)
    url = public_url.join(ext.session.public_url, _path(args.path))
    html = (
        f'<iframe src="{escape(url)}" width="100%" height="{args.height}"'
        ' style="border:1px solid #ccc" loading="lazy"></iframe>'
    )
    display({"text/html": html, "text/plain": f"preview: {url}"}, raw=True)


@verb(
    "open",
    "PATH",
    "open the live page in a browser tab",
    arguments=[argument("path", nargs="?", default="/")],
    path_argument="path",
)
def open_(ext: Extension, args: Any) -> None:
    from IPython.display import display

    _require_server(ext)
    url = public_url.join(ext.session.public_url, _path(args.path))
    if getattr(ext.shell, "kernel", None) is not None:
        # Only when just run: a saved notebook opened later must not open tabs.
        now_ms = int(time.time() * 1000)
        script = (
            f"if (Date.now() - {now_ms} < {OPEN_WINDOW_MS})"
            f" window.open({json.dumps(url)}, '_blank');"
        )
        display({"application/javascript": script}, raw=True)
        link = render.link(escape(url), escape(url))
        display(
            {"text/html": f"opened {link}", "text/plain": f"opened {url}"}, raw=True
        )
    else:
        webbrowser.open(url)
        print(f"opened {url}")


@verb(
    "request",
    'METHOD PATH [-d DATA] [-H "Name: value"]',
    "send a request; show status line, headers, blank line, body",
    arguments=[
        argument("method"),
        argument("path"),
        argument("-d", "--data", help="the body; a form, or JSON if it parses as JSON"),
        argument(
            "-H",
            "--header",
            action="append",
            default=[],
            help="a request header, 'Name: value' (repeatable)",
        ),
    ],
    path_argument="path",
)
def request(ext: Extension, args: Any) -> None:
    _require_server(ext)
    method = args.method.upper()
    if method not in KNOWN_METHODS:
        raise UsageError(
            f"%protoweb request: unknown method {args.method!r}; use one of"
            f" {', '.join(KNOWN_METHODS)}"
        )
    try:
        headers = [http_request.parse_header(h) for h in args.header]
    except http_request.RequestInputError as error:
        raise UsageError(f"%protoweb request: {error}") from None
    request_id = uuid.uuid4().hex
    result = http_request.send(
        ext.session.local_url,
        method,
        args.path,
        args.data,
        headers,
        request_id=request_id,
    )
    result = http_request.as_the_view_made_it(result, request_id, ext.session.log)
    print(http_request.format_result(result))


def _server_changed(ext: Extension) -> None:
    """Update the panel and toolbar, and print the new status line."""
    ext.session.notify()
    print(render.status_line(ext.session))


@verb("stop", "", "stop the server and free its port")
def stop(ext: Extension, args: Any) -> None:
    ext.session.stop()
    _server_changed(ext)


@verb(
    "start",
    "[--port PORT]",
    "start the server again (on its last port when free)",
    arguments=[argument("--port", type=int, default=None)],
)
def start(ext: Extension, args: Any) -> None:
    _, warning = ext.session.start(args.port)
    if warning:
        print(f"warning: {warning}")
    _server_changed(ext)


@verb("restart", "", "stop and start the server on the same port")
def restart(ext: Extension, args: Any) -> None:
    ext.session.restart()
    _server_changed(ext)


@verb("panel", "", "show the status panel again")
def panel(ext: Extension, args: Any) -> None:
    ext.panel.show()


@verb(
    "help",
    "[VERB]",
    "this list, or one verb's arguments",
    arguments=[argument("name", nargs="?", metavar="VERB")],
)
def help_(ext: Extension, args: Any) -> None:
    if args.name is None:
        print(help_text())
        return
    found = VERBS.get(args.name)
    if found is None:
        raise UsageError(f"%protoweb help: unknown verb {args.name!r}")
    print(found.parser().format_help().rstrip())
