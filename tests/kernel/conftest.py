"""A real IPython kernel (ipykernel through jupyter_client), driven one cell at a time.

Tests send cells as a front end does (with a cell id in the request's metadata,
as JupyterLab sends it), read what the kernel published on iopub, and check the
live server over real HTTP from the test process.
"""

from __future__ import annotations

import os
import queue
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import KernelManager

REPO = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Settings a developer's shell may have that would change what tests see.
OUTSIDE_SETTINGS = (
    "PROTOWEB_PORT",
    "PROTOWEB_PUBLIC_URL",
    "PROTOWEB_WIDGETS",
    "JUPYTERHUB_SERVICE_PREFIX",
)


@dataclass
class CellResult:
    """What one cell published, and its reply."""

    reply: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    reply_time: float = 0.0

    @property
    def status(self) -> str:
        return str(self.reply["content"]["status"])

    def stream(self, name: str) -> str:
        return "".join(
            m["content"]["text"]
            for m in self.messages
            if m["msg_type"] == "stream" and m["content"]["name"] == name
        )

    @property
    def stdout(self) -> str:
        return self.stream("stdout")

    @property
    def stderr(self) -> str:
        return ANSI.sub("", self.stream("stderr"))

    @property
    def error(self) -> dict[str, Any] | None:
        for message in self.messages:
            if message["msg_type"] == "error":
                content = dict(message["content"])
                content["traceback"] = ANSI.sub("", "\n".join(content["traceback"]))
                return content
        return None

    @property
    def displays(self) -> list[dict[str, Any]]:
        """The data bundles of display_data and execute_result messages."""
        return [
            m["content"]["data"]
            for m in self.messages
            if m["msg_type"] in ("display_data", "execute_result")
        ]

    def value(self) -> Any:
        """The cell's result as a Python literal (from its text/plain)."""
        import ast

        for message in self.messages:
            if message["msg_type"] == "execute_result":
                return ast.literal_eval(message["content"]["data"]["text/plain"])
        raise AssertionError(f"no result; stderr: {self.stderr} error: {self.error}")


class Kernel:
    """A started kernel and a client to it."""

    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.manager = KernelManager(kernel_name="python3")
        kernel_env = {**os.environ, **(env or {})}
        for name in OUTSIDE_SETTINGS:
            if name not in (env or {}):
                kernel_env.pop(name, None)
        kernel_env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO), kernel_env.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
        self.manager.start_kernel(cwd=str(cwd), env=kernel_env)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self._count = 0

    def execute(
        self, code: str, cell_id: str | None = None, timeout: float = 30
    ) -> CellResult:
        """Run one cell; return once the kernel is idle again."""
        client = self.client
        metadata = {"cellId": cell_id} if cell_id else {}
        message = client.session.msg(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": False,
            },
            metadata=metadata,
        )
        client.shell_channel.send(message)
        msg_id = message["header"]["msg_id"]
        deadline = time.monotonic() + timeout
        reply = None
        reply_time = 0.0
        while reply is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no execute_reply for {code!r}")
            candidate = client.get_shell_msg(timeout=remaining)
            if candidate["parent_header"].get("msg_id") == msg_id:
                reply = candidate
                reply_time = time.perf_counter()
        messages = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"kernel never went idle after {code!r}")
            try:
                published = client.get_iopub_msg(timeout=remaining)
            except queue.Empty:
                continue
            if published["parent_header"].get("msg_id") != msg_id:
                continue
            if (
                published["msg_type"] == "status"
                and published["content"]["execution_state"] == "idle"
            ):
                break
            messages.append(published)
        return CellResult(reply, messages, reply_time)

    def run(self, code: str, cell_id: str | None = None) -> CellResult:
        """:meth:`execute`, failing the test if the cell raised."""
        result = self.execute(code, cell_id)
        assert result.status == "ok", (result.stderr, result.error)
        return result

    def eval(self, expression: str) -> Any:
        """Evaluate a Python literal-valued expression in the kernel."""
        return self.run(expression).value()

    def complete(self, code: str) -> list[str]:
        self.client.complete(code, len(code))
        while True:
            reply = self.client.get_shell_msg(timeout=10)
            if reply["msg_type"] == "complete_reply":
                return list(reply["content"]["matches"])

    def shutdown(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=False)


def start_kernel(tmp_path_factory: pytest.TempPathFactory, **env: str) -> Kernel:
    return Kernel(tmp_path_factory.mktemp("kernel"), env)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    """One kernel per test module, with ``%load_ext protoweb`` already run."""
    started = start_kernel(tmp_path_factory)
    started.run("%load_ext protoweb")
    yield started
    started.shutdown()


@dataclass
class Http:
    status: int
    body: str
    headers: dict[str, str]


def http(
    url: str, method: str = "GET", data: bytes | None = None, timeout: float = 10
) -> Http:
    """A real HTTP request from the test process; errors are responses too."""
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Http(
                response.status, response.read().decode(), dict(response.headers)
            )
    except urllib.error.HTTPError as error:
        return Http(error.code, error.read().decode(), dict(error.headers))


def server_url(kernel: Kernel) -> str:
    """The live server's base URL, as the kernel sees it (no trailing slash)."""
    return str(kernel.eval("app.server.url"))
