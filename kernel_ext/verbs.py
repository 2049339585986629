"""The ``%protoweb`` verbs that serve and inspect: status, routes, log, show, open,
request, stop, start, restart and panel (see :mod:`kernel_ext.verb`)."""

from __future__ import annotations

import json
import time
import uuid
import webbrowser
from html import escape
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from . import http_request, public_url, render
from .rules import KNOWN_METHODS
from .verb import argument, verb

if TYPE_CHECKING:
    from .workbench import Workbench

#: How long after ``%protoweb open`` ran its script may still open a tab.
OPEN_WINDOW_MS = 60_000


def _require_server(bench: Workbench) -> None:
    if not bench.running:
        raise UsageError(
            "the protoweb server is stopped; start it with %protoweb start"
        )


@verb("status", "", "the URL, templates, static files and request counts")
def status(bench: Workbench, args: Any) -> None:
    print(render.status_text(bench))


@verb("routes", "", "the route table: methods, rule, endpoint, defining cell")
def routes(bench: Workbench, args: Any) -> None:
    print(render.routes_text(render.route_rows(bench.app, bench)))


@verb(
    "log",
    "[N]",
    "the latest N requests (default 20); errors with their traceback and cell",
    arguments=[argument("n", nargs="?", type=int, default=20, metavar="N")],
)
def log(bench: Workbench, args: Any) -> None:
    request_log = bench.log
    if request_log is None:
        print("no request log (the server keeps one while it runs in dev mode)")
        return
    if args.n < 1:
        raise UsageError("%protoweb log N: N must be at least 1")
    outputs = bench.view_outputs
    output_of = outputs.for_record if outputs is not None else None
    print(render.log_text(request_log.records(args.n), bench, output_of))


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
def show(bench: Workbench, args: Any) -> None:
    from IPython.display import display

    _require_server(bench)
    url = public_url.join(bench.public_url, args.path)
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
def open_(bench: Workbench, args: Any) -> None:
    from IPython.display import display

    _require_server(bench)
    url = public_url.join(bench.public_url, args.path)
    if getattr(bench.shell, "kernel", None) is not None:
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
def request(bench: Workbench, args: Any) -> None:
    _require_server(bench)
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
        bench.local_url,
        method,
        args.path,
        args.data,
        headers,
        request_id=request_id,
    )
    record = http_request.find_record(bench.log, request_id)
    print(http_request.format_result(http_request.as_the_view_made_it(result, record)))
    note = http_request.error_note(
        record, bench.history.cell_label(record.endpoint) if record else None
    )
    if note:
        print(note)


def _server_changed(bench: Workbench) -> None:
    """Update the panel and toolbar, and print the new status line."""
    bench.updated.notify()
    print(render.status_line(bench))


@verb("stop", "", "stop the server and free its port")
def stop(bench: Workbench, args: Any) -> None:
    bench.stop()
    _server_changed(bench)


@verb(
    "start",
    "[--port PORT]",
    "start the server again (on its last port when free)",
    arguments=[argument("--port", type=int, default=None)],
)
def start(bench: Workbench, args: Any) -> None:
    _, warning = bench.start(args.port)
    if warning:
        print(f"warning: {warning}")
    _server_changed(bench)


@verb("restart", "", "stop and start the server on the same port")
def restart(bench: Workbench, args: Any) -> None:
    bench.restart()
    _server_changed(bench)


@verb("panel", "", "show the status panel again")
def panel(bench: Workbench, args: Any) -> None:
    bench.show_panel.notify()
