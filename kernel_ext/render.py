"""Text and HTML for the route table, the status, the request log and errors.

Shared by the ``%protoweb`` verbs, the panel and its text fallback, and the rich
display of an :class:`~protoweb.App`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from protoweb.routing import rule_methods

from . import public_url
from .ownership import user_endpoints

if TYPE_CHECKING:
    from protoweb import App
    from protoweb.devtools.log import RequestRecord

    from .workbench import Workbench


HEADINGS = ("methods", "rule", "endpoint", "cell")
_TABLE = 'style="border-collapse:collapse;margin:2px 0 6px"'
_CELL = 'style="padding:1px 12px 1px 0;text-align:left;vertical-align:top"'
#: JupyterLab's own link colour, since its notebook styles show links as plain text.
LINK_STYLE = (
    'style="color:var(--jp-content-link-color,#0d47a1);text-decoration:underline"'
)


def link(href: str, text: str) -> str:
    """An HTML link that opens in a new tab and looks like one in JupyterLab."""
    return f'<a href="{href}" target="_blank" {LINK_STYLE}>{text}</a>'


@dataclass(frozen=True)
class RouteRow:
    methods: str
    rule: str
    endpoint: str
    cell: str


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


def routes_html(rows: list[RouteRow], base_url: str = "") -> str:
    if not rows:
        return "<p><i>no routes yet: define one with <code>%%route</code></i></p>"
    body = []
    for row in rows:
        rule = escape(row.rule)
        if base_url and "<" not in row.rule and "GET" in row.methods.split(","):
            href = escape(public_url.join(base_url, row.rule))
            rule = link(href, rule)
        body.append(
            f"<tr><td {_CELL}>{escape(row.methods)}</td>"
            f"<td {_CELL}><code>{rule}</code></td>"
            f"<td {_CELL}>{escape(row.endpoint)}</td>"
            f"<td {_CELL}>{escape(row.cell)}</td></tr>"
        )
    return (
        f'<table class="protoweb-routes" {_TABLE}><thead><tr>'
        + "".join(f"<th {_CELL}>{name}</th>" for name in HEADINGS)
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


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


def log_text(records: list[RequestRecord], bench: Workbench) -> str:
    if not records:
        return "no requests yet"
    lines = []
    for record in records:
        stamp = time.strftime("%H:%M:%S", time.localtime(record.time))
        lines.append(f"{stamp}  {record.summary()}")
        if record.error:
            label = bench.history.cell_label(record.endpoint)
            where = f" defined in {label}" if label else ""
            lines.append(f"    view {record.endpoint!r}{where} raised:")
            lines.extend(f"    {line}" for line in record.error.rstrip().splitlines())
    return "\n".join(lines)


def requests_html(records: list[RequestRecord]) -> str:
    if not records:
        return "<p><i>no requests yet</i></p>"
    rows = []
    for record in reversed(records):
        color = (
            "#b00" if record.status >= 500 else "#a60" if record.status >= 400 else ""
        )
        style = f' style="color:{color}"' if color else ""
        rows.append(
            f"<tr{style}><td {_CELL}>{escape(record.method)}</td>"
            f"<td {_CELL}><code>{escape(record.url)}</code></td>"
            f"<td {_CELL}>{record.status}</td>"
            f"<td {_CELL}>{record.duration_ms:.1f} ms</td></tr>"
        )
    return (
        f'<table class="protoweb-requests" {_TABLE}><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def error_html(record: RequestRecord | None, cell_label: str | None) -> str:
    if record is None or not record.error:
        return ""
    where = f" (view {escape(str(record.endpoint))}"
    where += f", {escape(cell_label)})" if cell_label else ")"
    return (
        f"<details open><summary><b>last error</b>: {escape(record.summary())}"
        f"{where}</summary><pre>{escape(record.error)}</pre></details>"
    )


def app_html(app: App) -> str:
    """An :class:`App`'s rich display: its name and route table."""
    server = app.server
    state = f" serving at {escape(server.url)}" if server is not None else ""
    return f"<b>App {escape(app.name)}</b>{state}" + routes_html(route_rows(app))


def app_text(app: App) -> str:
    return f"{app!r}\n{routes_text(route_rows(app))}"
