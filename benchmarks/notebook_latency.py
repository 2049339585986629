"""How fast the notebook goes live, measured from outside the kernel.

``python -m benchmarks.notebook_latency [--rounds N] [--loads N] [--write]``

Three measurements, each with a real ipykernel driven through jupyter_client and
real HTTP from this process:

- **change-to-live**: a ``%%route`` cell is re-run with a new body (same cell id,
  as JupyterLab sends it); the time from the arrival of its ``execute_reply`` to the
  first response over HTTP that carries the new body. The time from sending the
  ``execute_request`` is reported too.
- **Flask's reloader**, the same change in the same run: ``app.run(use_reloader=
  True)`` serving a file; the file is rewritten with the new body and polled until
  the new body comes back. Reported as a ratio to protoweb's change-to-live.
- **load-to-answering**: in a fresh kernel (its start not counted), the time from
  sending ``%load_ext protoweb`` until the server answers an HTTP request (any
  status); also ``%reload_ext protoweb`` in a warm kernel.

Polling uses a new connection per attempt and sleeps 1 ms between failed attempts.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import BenchmarkError
from .report import write_section
from .subprocesses import REPO_ROOT, python_env

#: Targets from the notebook issue.
CHANGE_TARGET_MS = 20.0
LOAD_TARGET_MS = 300.0
POLL_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(port: int, path: str) -> tuple[int, str] | None:
    """One GET on a new connection; ``None`` if nothing answers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def answered(body: str) -> Callable[[tuple[int, str]], bool]:
    """Whether an answer is ``200`` with ``body``."""

    def check(answer: tuple[int, str]) -> bool:
        return answer == (200, body)

    return check


def poll(port: int, path: str, done: Callable[[tuple[int, str]], bool]) -> int:
    """GET until ``done(answer)``; return the number of attempts."""
    deadline = time.perf_counter() + POLL_TIMEOUT
    attempts = 0
    while True:
        attempts += 1
        answer = fetch(port, path)
        if answer is not None and done(answer):
            return attempts
        if time.perf_counter() > deadline:
            raise BenchmarkError(f"{path} on port {port}: no expected answer in time")
        time.sleep(0.001)


class Kernel:
    """A fresh ipykernel and a blocking client."""

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        from jupyter_client.manager import KernelManager

        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=cwd, env=env, stderr=subprocess.DEVNULL)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def send(self, code: str, cell_id: str | None = None) -> str:
        message = self.client.session.msg(
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": True,
                "user_expressions": {},
                "allow_stdin": False,
                "stop_on_error": False,
            },
            metadata={"cellId": cell_id} if cell_id else {},
        )
        self.client.shell_channel.send(message)
        return str(message["header"]["msg_id"])

    def wait_reply(self, msg_id: str) -> dict[str, Any]:
        while True:
            reply = self.client.get_shell_msg(timeout=POLL_TIMEOUT)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def wait_idle(self, msg_id: str) -> None:
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=POLL_TIMEOUT)
            except queue.Empty as error:
                raise BenchmarkError("the kernel never went idle") from error
            if (
                message["parent_header"].get("msg_id") == msg_id
                and message["msg_type"] == "status"
                and message["content"]["execution_state"] == "idle"
            ):
                return

    def run(self, code: str, cell_id: str | None = None) -> None:
        msg_id = self.send(code, cell_id)
        reply = self.wait_reply(msg_id)
        self.wait_idle(msg_id)
        if reply["content"]["status"] != "ok":
            raise BenchmarkError(f"{code!r} failed in the kernel: {reply['content']}")

    def shutdown(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=False)


def kernel_env(port: int) -> dict[str, str]:
    env = python_env()
    env["PROTOWEB_PORT"] = str(port)
    for name in ("PROTOWEB_PUBLIC_URL", "JUPYTERHUB_SERVICE_PREFIX"):
        env.pop(name, None)
    return env


def measure_change_to_live(rounds: int, workdir: str) -> dict[str, list[float]]:
    """Seconds from execute_reply (and from sending) to the new body over HTTP."""
    port = free_port()
    kernel = Kernel(kernel_env(port), workdir)
    samples: dict[str, list[float]] = {"reply": [], "sent": [], "attempts": []}
    try:
        kernel.run("%load_ext protoweb")
        cell_id = uuid.uuid4().hex
        for index in range(rounds + 3):
            body = f"version {index}"
            sent = time.perf_counter()
            msg_id = kernel.send(f"%%route GET /bench\n{body!r}", cell_id)
            reply = kernel.wait_reply(msg_id)
            replied = time.perf_counter()
            attempts = poll(port, "/bench", answered(body))
            live = time.perf_counter()
            kernel.wait_idle(msg_id)
            if reply["content"]["status"] != "ok":
                raise BenchmarkError(f"the %%route cell failed: {reply['content']}")
            if index >= 3:
                samples["reply"].append(live - replied)
                samples["sent"].append(live - sent)
                samples["attempts"].append(float(attempts))
    finally:
        kernel.shutdown()
    return samples


FLASK_APP = """\
from flask import Flask

app = Flask(__name__)


@app.route("/bench")
def bench():
    return {body!r}


if __name__ == "__main__":
    app.run(port={port}, use_reloader=True)
"""


def measure_flask_reloader(rounds: int, workdir: str) -> list[float]:
    """Seconds from rewriting the file to Flask's reloader serving the new body."""
    port = free_port()
    source = Path(workdir) / "flask_bench_app.py"
    source.write_text(FLASK_APP.format(body="version 0", port=port))
    process = subprocess.Popen(
        [sys.executable, str(source)],
        cwd=workdir,
        env={**python_env(), "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    samples = []
    try:
        poll(port, "/bench", lambda answer: answer == (200, "version 0"))
        for index in range(1, rounds + 1):
            body = f"version {index}"
            time.sleep(0.05)
            source.write_text(FLASK_APP.format(body=body, port=port))
            written = time.perf_counter()
            poll(port, "/bench", answered(body))
            samples.append(time.perf_counter() - written)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    return samples


def measure_load(loads: int, workdir: str) -> dict[str, list[float]]:
    """Seconds from sending ``%load_ext`` (fresh kernel) or ``%reload_ext`` (warm)
    until the server answers over HTTP."""
    samples: dict[str, list[float]] = {"load": [], "reload": []}
    for index in range(loads + 1):
        port = free_port()
        kernel = Kernel(kernel_env(port), workdir)
        try:
            kernel.run("import sys")
            sent = time.perf_counter()
            msg_id = kernel.send("%load_ext protoweb")
            poll(port, "/", lambda answer: True)
            answered = time.perf_counter()
            kernel.wait_reply(msg_id)
            kernel.wait_idle(msg_id)
            if index:
                samples["load"].append(answered - sent)
            sent = time.perf_counter()
            msg_id = kernel.send("%reload_ext protoweb")
            kernel.wait_reply(msg_id)
            poll(port, "/", lambda answer: True)
            answered = time.perf_counter()
            kernel.wait_idle(msg_id)
            if index:
                samples["reload"].append(answered - sent)
        finally:
            kernel.shutdown()
    return samples


@dataclass(frozen=True)
class Row:
    measure: str
    samples: list[float]
    target_ms: float | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    def cells(self) -> list[str]:
        ms = sorted(s * 1000 for s in self.samples)
        p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
        target = "" if self.target_ms is None else f"≤ {self.target_ms:g} ms"
        met = ""
        if self.target_ms is not None:
            met = "yes" if self.median_ms <= self.target_ms else "**no**"
        return [
            self.measure,
            f"{self.median_ms:.1f} ms",
            f"{p90:.1f} ms",
            f"{ms[0]:.1f} ms",
            f"{ms[-1]:.1f} ms",
            str(len(ms)),
            target,
            met,
        ]


def render(rows: list[Row], ratio: float, attempts: float) -> str:
    from .report import machine_info

    header = ["measure", "median", "p90", "min", "max", "n", "target", "met"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(["---"] + ["---:"] * 5 + ["---", "---"]) + "|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(
        [
            "# Notebook latency",
            "",
            machine_info(),
            "",
            *lines,
            "",
            f"Flask's reloader / protoweb change-to-live (medians): **{ratio:,.0f}x**."
            f" protoweb answered with the new body at the first HTTP attempt in"
            f" {attempts:.0%} of the changes. Flask runs its default reloader"
            " (`stat`, polling every second; `watchdog` is not installed).",
            "",
            "Produced by `python -m benchmarks.notebook_latency --write`.",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.notebook_latency", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=30, help="route changes")
    parser.add_argument("--flask-rounds", type=int, default=5)
    parser.add_argument("--loads", type=int, default=5, help="fresh kernels")
    parser.add_argument("--write", action="store_true", help="write into README.md")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if a target is missed"
    )
    args = parser.parse_args(argv)
    os.chdir(REPO_ROOT)
    with tempfile.TemporaryDirectory(prefix="protoweb-nb-bench-") as workdir:
        print("change-to-live ...", file=sys.stderr)
        change = measure_change_to_live(args.rounds, workdir)
        print("Flask reloader ...", file=sys.stderr)
        flask = measure_flask_reloader(args.flask_rounds, workdir)
        print("load ...", file=sys.stderr)
        load = measure_load(args.loads, workdir)
    rows = [
        Row(
            "`%%route` re-run: execute_reply → new body over HTTP",
            change["reply"],
            CHANGE_TARGET_MS,
        ),
        Row("`%%route` re-run: execute_request sent → new body", change["sent"]),
        Row("Flask reloader: file rewritten → new body", flask),
        Row(
            "`%load_ext protoweb` sent → server answers (fresh kernel)",
            load["load"],
            LOAD_TARGET_MS,
        ),
        Row("`%reload_ext protoweb` sent → server answers", load["reload"]),
    ]
    ratio = statistics.median(flask) / statistics.median(change["reply"])
    first = sum(1 for a in change["attempts"] if a == 1) / len(change["attempts"])
    markdown = render(rows, ratio, first)
    print(markdown)
    if args.write:
        write_section("notebook", markdown)
    missed = [row for row in rows if row.target_ms and row.median_ms > row.target_ms]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
