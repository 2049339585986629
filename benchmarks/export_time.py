"""How long an export takes for a session with 100 routes, verification included.

The session is made the way a notebook makes one: 100 views over 100 cells (half
``@app.route`` functions in ordinary cells, half ``%%route`` cells with their
generated source), helpers and constants they share, two templates, a static
file, junk cells (``!shell``, ``%timeit``, a display call, unrelated variables),
and one recorded request per route. Each run exports it into a new folder with
:func:`protoweb.export.export_project`: slicing, writing, importing it in a fresh
interpreter, replaying the requests twice, and running the 101 generated tests
with pytest. The target is at most 3 s.

    python -m benchmarks.export_time             # 5 runs, prints markdown
    python -m benchmarks.export_time --write     # and into README.md
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kernel_ext.cells import cell_run
from protoweb import App
from protoweb.devtools.log import RequestRecord
from protoweb.export import Cell, Prototype, ViewSource, export_project
from protoweb.export.app_module import render_app_module
from protoweb.export.history import read_cells
from protoweb.export.slicing import slice_cells
from protoweb.export.targets import PROTOWEB

from .report import write_section

ROUTES = 100
TARGET_SECONDS = 3.0
PREAMBLE = (
    "from protoweb import App\n\napp = App(__name__)\nfrom protoweb import request\n"
)

SETUP_CELLS = [
    "%load_ext protoweb",
    "import json\nimport math\nfrom datetime import date\n\n"
    "from protoweb import abort, redirect, render_template, url_for",
    "!echo preparing",
    "%timeit -n1 -r1 sum(range(1000))",
    "PRICES = {f'item{n}': round(1.5 * n, 2) for n in range(100)}\n"
    "TAX = 0.2\nscratch = [n ** 2 for n in range(50)]\nUNUSED = 'not needed'",
    "def with_tax(price):\n    return round(price * (1 + TAX), 2)\n\n\n"
    "def slug(text):\n    return '-'.join(text.lower().split())",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>chart</b>'))",
]


def view_cell(index: int) -> tuple[str, str | None]:
    """The cell for route ``index`` and, for a ``%%route`` cell, its generated view."""
    kind = index % 4
    if kind == 0:
        return (
            f"@app.route('/page/{index}')\ndef page_{index}():\n"
            f"    return render_template('page.html', title='Page {index}', n={index})",
            None,
        )
    if kind == 1:
        return (
            f"@app.get('/api/price/{index}/<name>')\ndef price_{index}(name):\n"
            f"    price = with_tax(PRICES['item{index}'])\n"
            f"    return {{'name': slug(name), 'price': price}}",
            None,
        )
    if kind == 2:
        body = (
            f"{{'n': {index}, 'root': math.sqrt({index}), 'q': request.args.get('q')}}"
        )
        return (
            f"%%route GET /calc/{index}\n{body}",
            f'@app.route("/calc/{index}", methods=["GET"])\ndef calc_{index}():\n'
            f"    return {body}\n",
        )
    body = f"json.dumps({{'echo': request.form.get('text', ''), 'n': {index}}})"
    return (
        f"%%route POST /echo/{index}\n{body}",
        f'@app.route("/echo/{index}", methods=["POST"])\ndef post_echo_{index}():\n'
        f"    return {body}\n",
    )


def request_for(index: int) -> tuple[str, str, str, bytes]:
    """``(method, path, query, body)`` of the recorded request for route ``index``."""
    kind = index % 4
    if kind == 0:
        return "GET", f"/page/{index}", "", b""
    if kind == 1:
        return "GET", f"/api/price/{index}/Big Box", "", b""
    if kind == 2:
        return "GET", f"/calc/{index}", "q=x", b""
    return "POST", f"/echo/{index}", "", f"text=hello+{index}".encode()


def build_session() -> Prototype:
    """The 100-route session: cells run against a live app, requests recorded."""
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec(PREAMBLE, namespace)
    app = namespace["app"]
    if not isinstance(app, App):
        raise SystemExit("the preamble did not make an App")
    cells = list(SETUP_CELLS)
    views: list[ViewSource] = []
    for cell in SETUP_CELLS[1:]:
        if not cell.startswith(("!", "%")) and "IPython" not in cell:
            exec(cell, namespace)
    for index in range(ROUTES):
        cell, generated = view_cell(index)
        cells.append(cell)
        exec(generated or cell, namespace)
        if generated:
            endpoint = generated.split("def ")[1].split("(")[0]
            views.append(ViewSource(endpoint, generated, len(cells)))
    app.templates["layout.html"] = (
        "<title>{{ title }}</title>{% block body %}{% endblock %}"
    )
    app.templates["page.html"] = (
        '{% extends "layout.html" %}{% block body %}<h1>{{ title }}</h1>'
        "<p>{{ n }}</p>{% endblock %}"
    )
    app.static_files["site.css"] = "body { margin: 0 }"
    cells += [
        "%%template layout.html\n...",
        "%%template page.html\n...",
        "%%static site.css\n...",
    ]
    client = app.test_client()
    records = []
    for index in range(ROUTES):
        method, path, query, body = request_for(index)
        headers: tuple[tuple[str, str], ...] = (("Host", "127.0.0.1"),)
        if body:
            headers += (("Content-Type", "application/x-www-form-urlencoded"),)
        response = client.open(path, method=method, query_string=query, data=body,
                               headers=list(headers))  # fmt: skip
        records.append(
            RequestRecord(
                time=time.time(),
                method=method,
                path=path,
                query_string=query,
                status=response.status_code,
                duration_ms=0.1,
                request_headers=headers,
                request_body=body,
                content_type=response.content_type,
                response_body=response.get_data(),
            )  # fmt: skip
        )
    preamble = Cell(PREAMBLE, PREAMBLE, name="the extension's preamble")
    return Prototype(
        app, [preamble, *(cell_run(c, n) for n, c in enumerate(cells, start=1))],
        views, records,
    )  # fmt: skip


def measure(runs: int) -> dict[str, float | int]:
    """Export the session ``runs`` times (after one untimed run)."""
    session = build_session()
    started = time.perf_counter()
    piece = slice_cells(read_cells(session), session.app.endpoints)
    render_app_module(piece, name="shop", target=PROTOWEB, config=session.app.config)
    engine = time.perf_counter() - started
    times = []
    with tempfile.TemporaryDirectory(prefix="protoweb-export-bench-") as folder:
        for run in range(runs + 1):
            started = time.perf_counter()
            result = export_project(session, Path(folder) / f"shop{run}")
            elapsed = time.perf_counter() - started
            if len(result.endpoints) != ROUTES or result.tests_passed != ROUTES + 1:
                raise SystemExit(f"the export is incomplete: {result.summary()}")
            if run:
                times.append(elapsed)
    return {
        "runs": runs,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "engine": engine,
        "tests": ROUTES + 1,
    }


def render(results: dict[str, float | int]) -> str:
    verdict = "met" if results["median"] <= TARGET_SECONDS else "MISSED"
    return f"""# Export time

`python -m benchmarks.export_time`: export of a session with {ROUTES} routes (half
`@app.route` cells, half `%%route` cells, helpers, two templates, a static file,
junk cells, {ROUTES} recorded requests), verification included: import in a fresh
interpreter, two replays of every request, and a pytest run of the
{results["tests"]} generated tests.

| measure | seconds |
|---|---|
| median of {results["runs"]} exports | {results["median"]:.2f} |
| fastest / slowest | {results["min"]:.2f} / {results["max"]:.2f} |
| slicing and writing `app.py` alone | {results["engine"]:.3f} |

Target: at most {TARGET_SECONDS:.0f} s, **{verdict}**.
Machine: Python {platform.python_version()} on {platform.machine()},
{platform.system()}; numbers vary between machines.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.export_time")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write into README.md")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the target is missed"
    )
    args = parser.parse_args(argv)
    results = measure(args.runs)
    report = render(results)
    print(report)
    if args.write:
        write_section("export", report)
    if args.check and results["median"] > TARGET_SECONDS:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
