"""In-process WSGI throughput of the same app in protoweb, Falcon, Flask and Bottle.

Each framework lives in a worker process of its own (``python -m
benchmarks.wsgi_throughput FRAMEWORK``) that builds the app, checks every response
once, then times requests when asked. The parent asks one worker at a time, with
rounds interleaved across frameworks and requests, so that drift in the machine's
speed affects every framework alike.

Protocol: one JSON object per line. The worker first says ``{"ready": true}`` or
``{"error": "..."}``; then it answers ``{"cmd": "run", "request": i, "seconds": s}``
with ``{"rps": ...}``, ``{"cmd": "check"}`` with ``{"ok": true}``, and stops on
``{"cmd": "exit"}``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from . import BenchmarkError
from .apps import REQUESTS, BenchRequest, ViewCalls, WSGIApp, build_app
from .subprocesses import start_module
from .wsgi_calls import call, call_and_discard, make_environ

BATCH_SECONDS = 0.01


def check_responses(app: WSGIApp) -> None:
    """Raise :class:`ValueError` unless ``app`` answers every request as expected."""
    for request in REQUESTS:
        request.check(*call(app, make_environ(request.path)))


def requests_per_second(
    app: WSGIApp, calls: ViewCalls, request: BenchRequest, seconds: float
) -> float:
    """Serve ``request`` for about ``seconds`` and return requests per second.

    Requests run in batches sized to ~10 ms, so reading the clock costs nothing
    measurable. Raises :class:`ValueError` unless the view ran once per request.
    """
    base_environ = make_environ(request.path)
    calls_before = calls[request.view]
    batch = 8
    served = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        batch_start = time.perf_counter()
        for _ in range(batch):
            call_and_discard(app, base_environ)
        now = time.perf_counter()
        served += batch
        if now >= deadline:
            view_calls = calls[request.view] - calls_before
            if view_calls != served:
                raise ValueError(
                    f"{request.label}: {served} requests served,"
                    f" but the view ran {view_calls} times"
                )
            return served / (now - start)
        per_request = (now - batch_start) / batch
        batch = max(1, int(BATCH_SECONDS / per_request)) if per_request else batch * 2


def worker_main(framework: str) -> None:
    """Serve the parent's commands for ``framework`` until told to exit."""
    protocol = sys.stdout
    sys.stdout = sys.stderr
    try:
        app, calls = build_app(framework)
        check_responses(app)
    except Exception:
        _send(protocol, {"error": traceback.format_exc()})
        return
    _send(protocol, {"ready": True})
    for line in sys.stdin:
        command = json.loads(line)
        if command["cmd"] == "exit":
            return
        try:
            if command["cmd"] == "run":
                request = REQUESTS[command["request"]]
                rps = requests_per_second(app, calls, request, command["seconds"])
                _send(protocol, {"rps": rps})
            elif command["cmd"] == "check":
                check_responses(app)
                _send(protocol, {"ok": True})
            else:
                raise ValueError(f"unknown command {command['cmd']!r}")
        except Exception:
            _send(protocol, {"error": traceback.format_exc()})


def _send(stream: IO[str], message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


class Worker:
    """The parent's handle on one framework's worker process."""

    def __init__(self, framework: str) -> None:
        self.framework = framework
        self.process = start_module("benchmarks.wsgi_throughput", framework)
        if self.process.stdin is None or self.process.stdout is None:
            raise BenchmarkError(f"{framework} worker started without pipes")
        self.commands: IO[str] = self.process.stdin
        self.answers: IO[str] = self.process.stdout

    def wait_ready(self) -> None:
        self._receive()

    def run(self, request_index: int, seconds: float) -> float:
        self._send({"cmd": "run", "request": request_index, "seconds": seconds})
        return float(self._receive()["rps"])

    def check(self) -> None:
        self._send({"cmd": "check"})
        self._receive()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self._send({"cmd": "exit"})
                self.process.wait(timeout=10)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()

    def _send(self, message: dict[str, Any]) -> None:
        _send(self.commands, message)

    def _receive(self) -> dict[str, Any]:
        line = self.answers.readline()
        if not line:
            code = self.process.wait()
            raise BenchmarkError(f"{self.framework} worker exited with status {code}")
        message: dict[str, Any] = json.loads(line)
        if "error" in message:
            raise BenchmarkError(f"{self.framework} app failed:\n{message['error']}")
        return message


@dataclass
class ThroughputResult:
    """Requests per second, one value per round, by framework and request label."""

    rounds: int
    seconds: float
    rps: dict[str, dict[str, list[float]]] = field(default_factory=dict)


def measure_throughput(
    frameworks: Sequence[str],
    rounds: int,
    seconds: float,
    warmup_seconds: float,
    progress: Callable[[str], None] = lambda message: None,
) -> ThroughputResult:
    """Time every framework on every request, ``rounds`` times, interleaved."""
    result = ThroughputResult(rounds, seconds)
    workers = [Worker(framework) for framework in frameworks]
    try:
        for worker in workers:
            worker.wait_ready()
            result.rps[worker.framework] = {request.label: [] for request in REQUESTS}
        progress("warming up")
        for index in range(len(REQUESTS)):
            for worker in workers:
                worker.run(index, warmup_seconds)
        for round_number in range(rounds):
            progress(f"round {round_number + 1}/{rounds}")
            shift = round_number % len(workers)
            order = workers[shift:] + workers[:shift]
            for index, request in enumerate(REQUESTS):
                for worker in order:
                    rps = worker.run(index, seconds)
                    result.rps[worker.framework][request.label].append(rps)
        for worker in workers:
            worker.check()
    finally:
        for worker in workers:
            worker.stop()
    return result


if __name__ == "__main__":
    worker_main(sys.argv[1])
