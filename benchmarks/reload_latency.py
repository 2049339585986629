"""Change-to-live latency: how soon a replaced view is what clients get.

protoweb: the live server runs in a process of its own (``python -m
benchmarks.reload_latency serve``) and replaces its route (or the template the
route renders) when told to on stdin, answering with the time the replacing call
returned. Meanwhile this process polls ``GET /`` over a keep-alive connection
and notes when the new body first arrives. Both times are ``time.monotonic()``,
which on Linux is one clock for every process.

Flask: ``flask run --debug`` serves a file-based app; the file is rewritten and
polled until the new body arrives (new connections: Flask's development server
closes each one, and refuses them while its reloader restarts the process).

``python -m benchmarks.reload_latency`` prints a markdown summary.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import BenchmarkError
from .subprocesses import python_env, serve_changes, start_server

PROTOWEB_TARGET_MS = 5.0
FLASK_APP = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "v{version}"
"""


def serve() -> None:
    """The protoweb side: serve, and replace on command (``route N``/``template N``)."""
    from protoweb import App

    app = App("latency", root_path=tempfile.gettempdir())
    app.templates["page.html"] = "v0"

    def make_view(version: int) -> Callable[[], str]:
        def index() -> str:
            return f"v{version}"

        return index

    def change(kind: str, version: int) -> None:
        if kind == "route":
            app.add_url_rule("/", "index", make_view(version))
        else:
            app.add_url_rule("/", "index", lambda: app.render_template("page.html"))
            app.templates["page.html"] = f"v{version}"

    app.add_url_rule("/", "index", make_view(0))
    serve_changes(app, change, time.monotonic)


class Poller(threading.Thread):
    """Polls ``GET /`` on one keep-alive connection; notes when ``wanted`` arrives."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.wanted = b""
        self.seen_at = 0.0
        self.seen = threading.Event()
        self.stopped = False
        self.error: BaseException | None = None

    def expect(self, body: bytes) -> None:
        self.seen.clear()
        self.wanted = body

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            while not self.stopped:
                connection.request("GET", "/")
                body = connection.getresponse().read()
                if body == self.wanted and not self.seen.is_set():
                    self.seen_at = time.monotonic()
                    self.seen.set()
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            self.error = error
        finally:
            connection.close()


@dataclass
class Latencies:
    """Milliseconds from each change to the first response showing it."""

    route: list[float]
    template: list[float]
    flask: list[float]


def measure_protoweb(trials: int) -> tuple[list[float], list[float]]:
    process, port = start_server(
        "the protoweb server", "benchmarks.reload_latency", "serve"
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        poller = Poller(port)
        poller.start()
        results: dict[str, list[float]] = {"route": [], "template": []}
        version = 0
        for trial in range(trials * 2):
            kind = "route" if trial % 2 == 0 else "template"
            version += 1
            poller.expect(f"v{version}".encode())
            time.sleep(0.005)
            process.stdin.write(f"{kind} {version}\n")
            process.stdin.flush()
            returned = float(process.stdout.readline())
            if not poller.seen.wait(5):
                raise BenchmarkError(f"v{version} never arrived: {poller.error!r}")
            results[kind].append((poller.seen_at - returned) * 1000)
        poller.stopped = True
        poller.join(5)
        return results["route"], results["template"]
    finally:
        process.stdin.close()
        process.wait(10)


def _get(port: int) -> bytes | None:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(
                b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
    except OSError:
        return None
    head, _, body = data.partition(b"\r\n\r\n")
    return body if head.startswith(b"HTTP/1.1 200") else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure_flask(trials: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder, "flask_latency_app.py")
        source.write_text(FLASK_APP.format(version=0))
        port = _free_port()
        env = {**python_env(), "FLASK_APP": "flask_latency_app"}
        env.pop("PYTHONPYCACHEPREFIX", None)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--debug", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(port, b"v0", 20)
            latencies = []
            for version in range(1, trials + 1):
                time.sleep(0.5)
                # Atomically, so the reloader never imports a half-written file.
                draft = source.with_suffix(".draft")
                draft.write_text(FLASK_APP.format(version=version))
                os.replace(draft, source)
                written = time.monotonic()
                seen = _wait_for(port, f"v{version}".encode(), 20)
                latencies.append((seen - written) * 1000)
            return latencies
        finally:
            process.terminate()
            process.wait(10)


def _wait_for(port: int, body: bytes, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _get(port) == body:
            return time.monotonic()
        time.sleep(0.002)
    raise BenchmarkError(f"{body!r} never arrived on port {port}")


def measure(trials: int = 50, flask_trials: int = 7) -> Latencies:
    route, template = measure_protoweb(trials)
    return Latencies(route, template, measure_flask(flask_trials))


def render(result: Latencies) -> str:
    def line(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
        return (
            f"| {name} | {statistics.median(values):.2f} ms | {p90:.2f} ms |"
            f" {len(values)} |"
        )

    route = statistics.median(result.route)
    flask = statistics.median(result.flask)
    verdict = "met" if route <= PROTOWEB_TARGET_MS else "MISSED"
    return "\n".join(
        [
            "| change | median | 90th percentile | trials |",
            "|---|---:|---:|---:|",
            line("protoweb: route replaced (`add_url_rule`)", result.route),
            line("protoweb: template replaced", result.template),
            line("Flask: `flask run --debug`, file rewritten", result.flask),
            "",
            f"- protoweb route replace to new body: {route:.2f} ms median"
            f" (target at most {PROTOWEB_TARGET_MS:.0f} ms: {verdict});"
            f" Flask's reloader {flask:.0f} ms, {flask / max(route, 1e-3):,.0f}x"
            " longer.",
            "- Measured from the replacing call's return (protoweb) or the file's"
            " close (Flask) to the first response with the new body, polling"
            " `GET /` back to back.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reload_latency")
    parser.add_argument("command", nargs="?", default="measure")
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--flask-trials", type=int, default=7)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve()
        return 0
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    print(render(measure(args.trials, args.flask_trials)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
