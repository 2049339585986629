"""Round trip through a real kernel: prototype, request, export, serve elsewhere.

A real IPython kernel runs the cells (views using an import, a helper and a
constant from other cells, a template and a static file, among junk cells), the
test process makes real HTTP requests to the live server, and the session is
exported with :func:`protoweb.export.export_project`. The export must then stand
on its own, for both targets: in a fresh interpreter without IPython every
recorded request answers as it did live, its generated tests pass, and
``gunicorn -w 2`` and ``python -m NAME`` serve it on 127.0.0.1.
"""

from __future__ import annotations

import ast
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ports import free_port

from ..kernel.conftest import Kernel, server_url, start_kernel
from .conftest import REPO, fresh_python

CELLS = [
    "import json\nfrom datetime import date\n\nfrom protoweb import render_template",
    "!echo hi",
    "%timeit -n1 -r1 sum(range(10))",
    "from IPython.display import HTML, display\n"
    'display(HTML(\'<svg width="9"><circle r="4"/></svg>\'))',
    "scratch = [n ** 2 for n in range(10)]\nUNUSED = 'not needed'\nscratch",
    "PREFIX = 'Dr.'\n\n\ndef title(name):\n    return f'{PREFIX} {name.title()}'",
    "ITEMS = ['milk']",
    "%%route GET /hello/<name>\ntitle(name)",
    "@app.get('/api/items')\ndef api_items():\n"
    "    return {'items': ITEMS, 'since': date(2024, 1, 2).isoformat()}",
    "%%route POST /items\nITEMS.append(request.form['text'])\n"
    "json.dumps({'count': len(ITEMS)})",
    "%%template page.html\n<!doctype html>\n<title>{{ heading }}</title>\n"
    "<link rel=\"stylesheet\" href=\"{{ url_for('static', filename='site.css') }}\">\n"
    "<h1>{{ heading }}</h1>",
    "%%static site.css\nh1 { color: teal }",
    "@app.route('/page')\ndef page():\n"
    "    return render_template('page.html', heading=title('ada lovelace'))",
    "x = 42\nx?",
]
REQUESTS = [
    ("GET", "/hello/grace", None),
    ("POST", "/items", b"text=eggs"),
    ("GET", "/api/items", None),
    ("GET", "/page", None),
    ("GET", "/static/site.css", None),
    ("GET", "/missing", None),
]
JUNK = ["echo", "timeit", "display", "HTML", "scratch", "UNUSED", "IPython", "x = 42"]


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str | None
    body: bytes


@dataclass
class Session:
    kernel: Kernel
    records: list[tuple[str, str, Answer]]


def fetch(url: str, method: str = "GET", data: bytes | None = None) -> Answer:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Answer(
                response.status, response.headers["Content-Type"], response.read()
            )
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers["Content-Type"], error.read())


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A kernel that ran the cells and answered the requests over real HTTP."""
    kernel = start_kernel(tmp_path_factory)
    try:
        kernel.run("%load_ext protoweb", cell_id="load")
        for number, cell in enumerate(CELLS):
            kernel.run(cell, cell_id=f"cell-{number}")
        url = server_url(kernel)
        for method, path, data in REQUESTS:
            fetch(url + path, method, data)
        rows = kernel.eval(
            "[(r.method, r.path, r.status, r.content_type, r.response_body)"
            " for r in __import__('kernel_ext').current_workbench().log.records()]"
        )
        records = [(m, p, Answer(s, t, b)) for m, p, s, t, b in rows]
        assert [(m, p) for m, p, _ in records] == [(m, p) for m, p, _ in REQUESTS]
        yield Session(kernel, records)
    finally:
        kernel.shutdown()


@dataclass
class Export:
    folder: Path
    name: str
    target: str
    result: dict[str, object]


@pytest.fixture(scope="module", params=["protoweb", "flask"])
def export(
    request: pytest.FixtureRequest,
    session: Session,
    tmp_path_factory: pytest.TempPathFactory,
) -> Export:
    target = request.param
    folder = tmp_path_factory.mktemp(f"export-{target}") / "clinic"
    # Through the magic a user types; it prints the export's summary.
    cell = session.kernel.run(f"%protoweb export {folder} --target {target}")
    assert cell.error is None, cell.error
    out = cell.stdout
    passed = re.search(r"(\d+) tests? passed in a fresh Python", out)
    value: dict[str, object] = {
        "passed": int(passed.group(1)) if passed else None,
        "left_out": "left out" in out,
        "warnings": [line for line in out.splitlines() if "warning:" in line],
        "summary": out,
    }
    return Export(folder, "clinic", target, value)


def test_every_request_becomes_a_passing_test(export: Export, session: Session) -> None:
    assert export.result["left_out"] is False, export.result["summary"]
    assert export.result["warnings"] == [], export.result["summary"]
    assert export.result["passed"] == len(session.records) + 1


def test_app_py_holds_what_the_views_need_in_order_and_no_junk(export: Export) -> None:
    text = (export.folder / "clinic/app.py").read_text()
    for junk in JUNK:
        assert junk not in text, junk
    order = [
        "from datetime import date",
        "PREFIX = 'Dr.'",
        "def title(name):",
        "ITEMS = ['milk']",
        "def hello(name):",
        "def api_items():",
        "def post_items():",
        "def page():",
    ]
    positions = [text.index(line) for line in order]
    assert positions == sorted(positions)
    framework = "flask" if export.target == "flask" else "protoweb"
    assert f"from {framework} import " in text
    ast.parse(text)


def test_the_package_answers_every_recorded_request_without_ipython(
    export: Export, session: Session
) -> None:
    requests = [(m, p, d.decode() if d else None) for m, p, d in REQUESTS]
    completed = fresh_python(
        "import json, sys\n"
        "from clinic.app import app\n"
        "client = app.test_client()\n"
        "answers = []\n"
        "for method, path, data in json.loads(sys.argv[1]):\n"
        "    response = client.open(path, method=method, data=data,"
        " content_type='application/x-www-form-urlencoded' if data else None)\n"
        "    answers.append([response.status_code, response.content_type,"
        " response.get_data().decode()])\n"
        "loaded = {name: name in sys.modules for name in ('IPython', 'protoweb')}\n"
        "print(json.dumps({'answers': answers, **loaded}))",
        export.folder,
        json.dumps(requests),
    )
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert not report["IPython"]
    assert report["protoweb"] == (export.target == "protoweb")
    for (method, path, live), (status, content_type, body) in zip(
        session.records, report["answers"], strict=True
    ):
        assert (method, path, status, content_type) == (
            method, path, live.status, live.content_type,
        )  # fmt: skip
        if content_type == "application/json":
            assert json.loads(body) == json.loads(live.body)
        else:
            assert body == live.body.decode()


def test_the_exported_tests_pass_in_a_fresh_python(export: Export) -> None:
    completed = fresh_python(
        "import sys, pytest\n"
        "code = pytest.main(['-q', '-p', 'no:cacheprovider'])\n"
        "print('ipython loaded:', 'IPython' in sys.modules)\n"
        "sys.exit(code)",
        export.folder,
    )
    assert "7 passed" in completed.stdout
    assert "ipython loaded: False" in completed.stdout


def serve(
    command: list[str], folder: Path, port: int, **env: str
) -> subprocess.Popen[bytes]:
    environment = {**os.environ, **env}
    environment["PYTHONPATH"] = os.pathsep.join([str(folder), str(REPO)])
    process = subprocess.Popen(
        command, cwd=folder, env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                process.stderr.read().decode() if process.stderr else ""
            )
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"{command} did not listen on {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def test_gunicorn_with_two_workers_serves_it(export: Export, session: Session) -> None:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
        "clinic.wsgi:app",
    ]  # fmt: skip
    process = serve(command, export.folder, port)
    try:
        base = f"http://127.0.0.1:{port}"
        for (method, path, live), (_, _, data) in zip(
            session.records, REQUESTS, strict=True
        ):
            answer = fetch(base + path, method, data)
            assert (answer.status, answer.content_type) == (
                live.status,
                live.content_type,
            )
            if path != "/api/items":  # each worker has its own ITEMS
                assert answer.body == live.body, path
    finally:
        stop(process)


def test_python_dash_m_serves_it_on_the_port_from_the_environment(
    export: Export, session: Session
) -> None:
    port = free_port()
    process = serve(
        [sys.executable, "-m", "clinic"], export.folder, port, PORT=str(port)
    )
    try:
        answer = fetch(f"http://127.0.0.1:{port}/hello/grace")
        assert answer.body == session.records[0][2].body == b"Dr. Grace"
    finally:
        stop(process)
