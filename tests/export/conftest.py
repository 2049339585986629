"""Prototypes for export tests, made the way a notebook makes them.

:class:`Notebook` runs cells in order against a live app, as the kernel does (each
cell turned into Python by the extension's own :func:`~kernel_ext.cells.cell_run`,
the ``%%route`` body compiled by its compiler, whose generated source the exporter
receives), and records requests made with the test client as the live server's
log would. The round-trip tests use a real kernel instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kernel_ext.cells import cell_run
from kernel_ext.compiler import compile_view
from kernel_ext.rules import parse_route_line
from protoweb import App, request
from protoweb.devtools.log import RequestRecord
from protoweb.export import Cell, Prototype, ViewSource

REPO = Path(__file__).resolve().parents[2]
PREAMBLE = (
    "from protoweb import App\n\napp = App(__name__)\nfrom protoweb import request\n"
)


class Notebook:
    """Cells run in order against one app, and the requests made to it."""

    def __init__(self, root: Path) -> None:
        self.app = App("__main__", root_path=str(root))
        self.namespace: dict[str, object] = {
            "__name__": "__main__",
            "app": self.app,
            "request": request,
            "get_ipython": NotebookOnly,
        }
        self.cells: list[Cell] = []
        self.views: dict[str, ViewSource] = {}
        self.records: list[RequestRecord] = []
        self.client = self.app.test_client()

    def run(self, source: str, cell_id: str | None = None) -> None:
        count = len(self.cells) + 1
        cell = cell_run(source, count, cell_id)
        self.cells.append(cell)
        first, _, body = source.partition("\n")
        magic, _, line = first.partition(" ")
        if magic == "%%route":
            line, _, blueprint = line.partition("--blueprint")
            line, _, name = line.partition("--name")
            spec = parse_route_line(
                line.strip(), name.strip() or None, blueprint.strip() or None
            )
            owner, target, endpoint = "app", self.app, spec.endpoint
            if spec.blueprint is not None:
                owner = spec.blueprint
                target = self.namespace[owner]  # type: ignore[assignment]
                endpoint = f"{spec.blueprint}.{spec.endpoint}"
            view = compile_view(
                spec, body, self.namespace, f"<cell In[{count}]>", owner=owner
            )
            target.add_url_rule(
                spec.rule, spec.endpoint, view.function, methods=spec.methods
            )
            self.views[endpoint] = ViewSource(endpoint, view.source, count, cell_id)
        elif magic == "%%template":
            self.app.templates[line.strip()] = body
        elif magic == "%%static":
            self.app.static_files[line.strip()] = body
        elif cell.python.strip():
            exec(compile(cell.python, f"<cell In[{count}]>", "exec"), self.namespace)

    def request(
        self,
        method: str,
        path: str,
        data: str = "",
        content_type: str | None = None,
        query_string: str = "",
    ) -> RequestRecord:
        headers: list[tuple[str, str]] = [("Host", "127.0.0.1:5000"), ("Accept", "*/*")]
        if content_type:
            headers.append(("Content-Type", content_type))
        response = self.client.open(
            path,
            method=method,
            data=data.encode(),
            headers=headers,
            query_string=query_string,
        )
        record = RequestRecord(
            time=time.time(),
            method=method,
            path=path,
            query_string=query_string,
            status=response.status_code,
            duration_ms=1.0,
            endpoint=self._endpoint(method, path),
            request_headers=tuple(headers),
            request_body=data.encode(),
            content_type=response.content_type,
            response_body=response.get_data(),
        )
        self.records.append(record)
        return record

    def _endpoint(self, method: str, path: str) -> str | None:
        try:
            endpoint, _ = self.app.url_map.bind("localhost").match(path, method=method)
        except Exception:
            return None
        return str(endpoint)

    def source(self) -> Prototype:
        preamble = Cell(PREAMBLE, PREAMBLE, name="the extension's preamble")
        return Prototype(
            self.app,
            [preamble, *self.cells],
            list(self.views.values()),
            self.records,
        )


class NotebookOnly:
    """What ``get_ipython()`` stands for when the fixture runs a cell: notebook-only
    calls (a magic, a shell command) do nothing and give nothing."""

    def __getattr__(self, name: str) -> object:
        return lambda *args, **kwargs: None


@pytest.fixture
def notebook(tmp_path: Path) -> Notebook:
    return Notebook(tmp_path / "notebook")


def fresh_python(
    code: str, cwd: Path, *arguments: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter in ``cwd`` (protoweb from the checkout)."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(cwd), str(REPO), environment.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    completed = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check:
        assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed
