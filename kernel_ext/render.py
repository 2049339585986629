"""Text and HTML for the route table, the status, the request log and errors.

Shared by the ``%protoweb`` verbs, the panel and its text fallback, and the rich
display of an :class:`~protoweb.App`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from protoweb.routing import rule_methods

from . import panel_html
from .ownership import user_endpoints
from .panel_html import RouteRow

if TYPE_CHECKING:
    from protoweb import App
    from protoweb.devtools.log import RequestRecord

    from .workbench import Workbench


#: JupyterLab's own link colour, since its notebook styles show links as plain text.
LINK_STYLE = (
    'style="color:var(--jp-content-link-color,#0d47a1);text-decoration:underline"'
)


def link(href: str, text: str) -> str:
    """An HTML link that opens in a new tab and looks like one in JupyterLab."""
    return f'<a href="{href}" target="_blank" {LINK_STYLE}>{text}</a>'


def route_rows(app: App, bench: Workbench | None = None) -> list[RouteRow]:
    """One row per rule, sorted by rule, without the built-in static route."""
    rows = []
    for name, endpoint in user_endpoints(app):
        cell = (bench.history.cell_label(name) if bench else None) or ""
        for rule in endpoint.rules:
            rows.append(RouteRow(",".join(rule_methods(rule)), rule.rule, name, cell))
    rows.sort(key=lambda row: (row.rule, row.methods))
    return rows


def route_count(app: App) -> int:
    """How many rows :func:`route_rows` gives, without making them."""
    return sum(len(endpoint.rules) for _, endpoint in user_endpoints(app))


def _columns(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


def routes_text(rows: list[RouteRow]) -> str:
    if not rows:
        return "no routes yet: define one with %%route or @app.route"
    table = [("METHODS", "RULE", "ENDPOINT", "CELL")]
    table += [(r.methods, r.rule, r.endpoint, r.cell) for r in rows]
    return "\n".join(_columns(table))


def status_line(bench: Workbench) -> str:
    """``protoweb: serving N routes at URL`` (or how to start again).

    The wording is fixed (``routes`` even for one) so that tools can read it.
    """
    count = route_count(bench.app)
    if bench.running:
        return f"protoweb: serving {count} routes at {bench.public_url}"
    return f"protoweb: stopped ({count} routes); %protoweb start serves them again"


def status_text(bench: Workbench) -> str:
    lines = [status_line(bench)]
    if bench.running and bench.public_url != bench.local_url:
        lines.append(f"  local:      {bench.local_url}")
    templates = sorted(bench.app.templates)
    static = sorted(bench.app.static_files)
    lines.append(f"  templates:  {', '.join(templates) if templates else '-'}")
    lines.append(f"  static:     {', '.join(static) if static else '-'}")
    log = bench.log
    if log is not None:
        errors = log.errors()
        lines.append(f"  requests:   {log.total} ({len(errors)} errors kept)")
        if errors:
            lines.append(f"  last error: {error_summary(errors[-1], bench)}")
    return "\n".join(lines)


def error_summary(record: RequestRecord, bench: Workbench) -> str:
    text = record.summary()
    if record.endpoint:
        text += f" in view {record.endpoint!r}"
        label = bench.history.cell_label(record.endpoint)
        if label is not None:
            text += f" ({label})"
    return text


def log_text(
    records: list[RequestRecord],
    bench: Workbench,
    output_of: Callable[[RequestRecord], str] | None = None,
) -> str:
    """The request log as text; each error with its traceback and cell, and what
    each request's view printed or logged (``output_of``)."""
    if not records:
        return "no requests yet"
    lines = []
    for record in records:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.time))
        lines.append(f"{stamp}  {record.summary()}")
        output = output_of(record) if output_of is not None else ""
        if output:
            lines.append("    output:")
            lines.extend(f"    | {line}" for line in output.rstrip().splitlines())
        if record.error:
            label = bench.history.cell_label(record.endpoint)
            where = f" defined in {label}" if label else ""
            lines.append(f"    view {record.endpoint!r}{where} raised:")
            error = cell_names(record.error, bench.shell).rstrip()
            lines.extend(f"    {line}" for line in error.splitlines())
    return "\n".join(lines)


_FILE_LINE = re.compile(r'File "([^"]+)", line')


def cell_names(traceback: str, shell: Any) -> str:
    """A traceback's cell files named as IPython names them: ``Cell In[5], line 3``.

    Code run from a notebook cell lives in a file named by a hash; IPython's
    compiler knows which ``In [N]`` each such file holds.
    """
    name_of = getattr(getattr(shell, "compile", None), "format_code_name", None)
    if name_of is None:
        return traceback

    def named(match: re.Match[str]) -> str:
        try:
            found = name_of(match.group(1))
        except Exception:
            found = None
        if not found:
            return match.group(0)
        label, name = found
        return f"{label} {name}, line"

    return _FILE_LINE.sub(named, traceback)


def app_html(app: App) -> str:
    """An :class:`App`'s rich display: its name and route table."""
    server = app.server
    state = f" serving at {escape(server.url)}" if server is not None else ""
    return (
        f'<div class="protoweb-panel">{panel_html.STYLE}<b>App {escape(app.name)}'
        f"</b>{state}{panel_html.routes_html(route_rows(app))}</div>"
    )


def app_text(app: App) -> str:
    return f"{app!r}\n{routes_text(route_rows(app))}"
