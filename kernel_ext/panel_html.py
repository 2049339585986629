"""The panel and the per-cell status line as HTML, in JupyterLab's own colours.

Everything is styled with JupyterLab's theme variables (``--jp-*``), so the
panel follows the light and the dark theme; the fallbacks after each variable
keep it readable in front ends that have none (classic Notebook, VS Code,
nbconvert's HTML).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from . import public_url

if TYPE_CHECKING:
    from protoweb.devtools.log import RequestRecord

    from .thread_output import ViewOutput


@dataclass(frozen=True)
class RouteRow:
    """One rule of the route table, as the panel and ``%protoweb routes`` show it."""

    methods: str
    rule: str
    endpoint: str
    cell: str


STYLE = """<style>
.protoweb-panel, .protoweb-cell {
  font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  font-size: var(--jp-ui-font-size1, 13px);
  color: var(--jp-ui-font-color1, #212121);
  line-height: 1.5;
}
.protoweb-panel {
  border: 1px solid var(--jp-border-color2, #e0e0e0);
  border-radius: 4px;
  padding: 6px 10px;
  background: var(--jp-layout-color1, #fff);
}
.protoweb-panel .widget-html-content, .protoweb-cell-line .widget-html-content {
  line-height: 1.5;
}
.protoweb-panel .pw-head { display: flex; gap: 8px; align-items: baseline; }
.protoweb-panel .pw-title { font-weight: 600; }
.protoweb-panel .pw-section {
  margin: 8px 0 2px;
  font-size: var(--jp-ui-font-size0, 11px);
  letter-spacing: .05em;
  text-transform: uppercase;
  color: var(--jp-ui-font-color2, #616161);
}
.protoweb-panel .pw-muted, .protoweb-cell .pw-muted {
  color: var(--jp-ui-font-color2, #616161);
}
.protoweb-panel table.pw-table { border-collapse: collapse; margin: 0; }
.protoweb-panel table.pw-table th, .protoweb-panel table.pw-table td {
  padding: 2px 14px 2px 0;
  text-align: left;
  vertical-align: top;
  border: none;
  background: none;
  font-variant-numeric: tabular-nums;
}
.protoweb-panel table.pw-table th {
  font-weight: 600;
  color: var(--jp-ui-font-color2, #616161);
  border-bottom: 1px solid var(--jp-border-color2, #e0e0e0);
}
.protoweb-panel td.pw-num { text-align: right; }
.protoweb-panel code, .protoweb-cell code {
  font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 13px);
  background: none;
  color: inherit;
}
.pw-badge {
  display: inline-block;
  min-width: 3.4em;
  padding: 0 5px;
  border-radius: 3px;
  font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 12px);
  font-weight: 600;
  line-height: 1.5;
  text-align: center;
  color: #fff;
  background: var(--jp-layout-color4, #757575);
}
.pw-m-GET, .pw-m-HEAD { background: var(--jp-brand-color1, #1976d2); }
.pw-m-POST { background: var(--jp-success-color1, #388e3c); }
.pw-m-PUT, .pw-m-PATCH { background: var(--jp-warn-color1, #f57c00); }
.pw-m-DELETE { background: var(--jp-error-color1, #d32f2f); }
.pw-s-2 { background: var(--jp-success-color1, #388e3c); }
.pw-s-3 { background: var(--jp-brand-color1, #1976d2); }
.pw-s-4 { background: var(--jp-warn-color1, #f57c00); }
.pw-s-5 { background: var(--jp-error-color1, #d32f2f); }
.protoweb-panel a.pw-link, .protoweb-cell a.pw-link {
  color: var(--jp-content-link-color, #1976d2);
  text-decoration: underline;
}
.protoweb-panel .pw-error {
  margin-top: 6px;
  border-left: 3px solid var(--jp-error-color1, #d32f2f);
  padding: 2px 0 2px 8px;
}
.protoweb-panel .pw-error summary { cursor: pointer; }
.protoweb-panel pre.pw-pre {
  margin: 4px 0 0;
  padding: 6px 8px;
  max-height: 24em;
  overflow: auto;
  white-space: pre-wrap;
  font-family: var(--jp-code-font-family, monospace);
  font-size: var(--jp-code-font-size, 12px);
  color: var(--jp-content-font-color1, #212121);
  background: var(--jp-rendermime-error-background, #fdd);
  border-radius: 3px;
}
.protoweb-panel pre.pw-out { background: var(--jp-layout-color2, #eee); }
.protoweb-cell {
  display: flex;
  flex-wrap: wrap;
  gap: 4px 10px;
  align-items: center;
  padding: 2px 8px;
  border-left: 3px solid var(--jp-brand-color1, #1976d2);
  background: var(--jp-layout-color2, #eee);
  border-radius: 0 3px 3px 0;
}
.protoweb-cell .pw-cell-error { color: var(--jp-error-color1, #d32f2f); }
</style>"""


def link(href: str, text: str) -> str:
    """An escaped link that opens in a new tab."""
    return (
        f'<a class="pw-link" href="{escape(href)}" target="_blank">{escape(text)}</a>'
    )


def method_badge(methods: str) -> str:
    """A badge per method: ``GET`` blue, ``POST`` green, ``DELETE`` red, ..."""
    return " ".join(
        f'<span class="pw-badge pw-m-{escape(m)}">{escape(m)}</span>'
        for m in methods.split(",")
        if m
    )


def status_badge(status: int) -> str:
    return f'<span class="pw-badge pw-s-{status // 100}">{status}</span>'


def header_html(status: str, base_url: str, count: int) -> str:
    if not base_url:
        title = f'<span class="pw-title">{escape(status)}</span>'
        return f'<div class="pw-head">{title}</div>'
    return (
        '<div class="pw-head"><span class="pw-title">protoweb</span>'
        f"<span>serving {count} routes at {link(base_url, base_url)}</span></div>"
    )


def rule_html(row: RouteRow, base_url: str) -> str:
    """The rule, a link to the page when it is a GET rule without variables."""
    if base_url and "<" not in row.rule and "GET" in row.methods.split(","):
        return f"<code>{link(public_url.join(base_url, row.rule), row.rule)}</code>"
    return f"<code>{escape(row.rule)}</code>"


def routes_html(rows: list[RouteRow], base_url: str = "") -> str:
    if not rows:
        return (
            '<p class="pw-muted">no routes yet: define one with'
            " <code>%%route</code> or <code>@app.route</code></p>"
        )
    body = "".join(
        f"<tr><td>{method_badge(row.methods)}</td><td>{rule_html(row, base_url)}</td>"
        f"<td>{escape(row.endpoint)}</td>"
        f'<td class="pw-muted">{escape(row.cell)}</td></tr>'
        for row in rows
    )
    return (
        '<table class="pw-table protoweb-routes"><thead><tr><th>methods</th>'
        "<th>rule</th><th>endpoint</th><th>cell</th></tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _clock(stamp: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(stamp))


def requests_html(records: Iterable[RequestRecord]) -> str:
    rows = [
        f"<tr><td>{method_badge(r.method)}</td><td><code>{escape(r.url)}</code></td>"
        f"<td>{status_badge(r.status)}</td>"
        f'<td class="pw-num">{r.duration_ms:.1f} ms</td>'
        f'<td class="pw-muted">{_clock(r.time)}</td></tr>'
        for r in reversed(list(records))
    ]
    if not rows:
        return '<p class="pw-muted">no requests yet</p>'
    return (
        '<table class="pw-table protoweb-requests"><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )


def error_html(
    record: RequestRecord | None, cell_label: str | None, traceback: str
) -> str:
    """The last error: what failed, in which view and cell, and its traceback."""
    if record is None or not record.error:
        return ""
    where = f"view {escape(str(record.endpoint))}"
    if cell_label is not None:
        where += f", {escape(cell_label)}"
    return (
        '<details class="pw-error protoweb-error" open><summary>'
        f"<b>last error</b> {method_badge(record.method)} <code>{escape(record.url)}"
        f"</code> {status_badge(record.status)} {escape(record.error_type or '')}"
        f' <span class="pw-muted">({where})</span></summary>'
        f'<pre class="pw-pre">{escape(traceback)}</pre></details>'
    )


def outputs_html(outputs: Iterable[ViewOutput]) -> str:
    """What views printed or logged, newest first, each under its request."""
    parts = [
        f'<div>{method_badge(o.method)} <code>{escape(o.url)}</code> <span class="'
        f'pw-muted">{_clock(o.time)}</span><pre class="pw-pre pw-out">'
        f"{escape(o.text)}</pre></div>"
        for o in reversed(list(outputs))
    ]
    if not parts:
        return ""
    return (
        '<div class="pw-section">output from views</div>'
        f'<div class="protoweb-output">{"".join(parts)}</div>'
    )


def section(title: str) -> str:
    return f'<div class="pw-section">{escape(title)}</div>'


def cell_line_html(
    rows: list[RouteRow],
    base_url: str,
    last: RequestRecord | None,
    error: RequestRecord | None,
) -> str:
    """One line under a cell: its routes, the last request to them, its last error."""
    routes = " ".join(
        f"{method_badge(row.methods)} {rule_html(row, base_url)}" for row in rows
    )
    parts = [f"<span>{routes}</span>"]
    if last is None:
        parts.append('<span class="pw-muted">no requests yet</span>')
    else:
        parts.append(
            '<span class="pw-muted">last:</span>'
            f"<span>{method_badge(last.method)} <code>{escape(last.url)}</code> "
            f"{status_badge(last.status)} {last.duration_ms:.1f} ms "
            f'<span class="pw-muted">{_clock(last.time)}</span></span>'
        )
    if error is not None:
        parts.append(
            f'<span class="pw-cell-error">error: {escape(error.error_type or "")}'
            f" in {escape(error.url)} at {_clock(error.time)}"
            " (traceback in the panel and %protoweb log)</span>"
        )
    return f'<div class="protoweb-cell">{"".join(parts)}</div>'
