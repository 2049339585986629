"""Throughput of the live server over loopback, against Flask's development server.

``python -m benchmarks.live_server`` starts each server in a process of its own,
checks that it answers the four benchmark requests (:data:`benchmarks.apps.REQUESTS`)
correctly, then loads it with wrk (``/usr/bin/wrk``) in interleaved rounds, so
that drift in the machine's speed affects every server alike. Two figures per
server and request:

- requests per second as wrk sees them (wrk runs on the same machine);
- the server process's CPU time per request (from ``/proc/PID/stat``), which is
  what the dev tools' cost is judged on: it is not disturbed by wrk or by other
  programs sharing the CPUs.

Servers: ``protoweb`` (``app.serve()``, dev tools on), ``protoweb-nodev``
(``app.serve(dev=False)``), and ``flask`` (Flask's development server, as
``app.run(threaded=True)`` starts it, its console log sent to /dev/null).

``python -m benchmarks.live_server serve NAME`` is one server process (used by the
parent): it prints ``ready PORT`` and serves until its stdin closes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import BenchmarkError
from .apps import REQUESTS, build_app
from .report import write_section
from .subprocesses import start_server

SERVERS = ("protoweb", "protoweb-nodev", "flask")
TITLES = {
    "protoweb": "protoweb `app.serve()` (dev tools on)",
    "protoweb-nodev": "protoweb `app.serve(dev=False)`",
    "flask": "Flask development server",
}
FLASK_RATIO_TARGET = 2.0
DEV_COST_TARGET = 0.10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _wsgi_app(framework: str) -> Any:
    built = build_app(framework)
    return built[0] if isinstance(built, tuple) else built


def serve(name: str) -> None:
    """Serve the benchmark app as server ``name`` until stdin closes."""
    import threading

    if name == "flask":
        import logging

        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.INFO)
        flask_app = _wsgi_app("flask")
        server = make_server("127.0.0.1", 0, flask_app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_port
    else:
        from protoweb.serving import LiveServer

        app = _wsgi_app("protoweb")
        samples = _time_dev_tools(app) if name == "protoweb-timed" else None
        live = LiveServer(app, dev=name != "protoweb-nodev").start()
        port = live.port
    print(f"ready {port}", flush=True)
    sys.stdin.read()
    if samples is not None:
        medians = {
            kind: {path: statistics.median(times) for path, times in by_path.items()}
            for kind, by_path in samples.items()
        }
        print(json.dumps(medians), flush=True)


def _time_dev_tools(app: Any) -> dict[str, dict[str, list[float]]]:
    """Instrument the live server: for every request, the dev tools' own time (the
    middleware's call less the app's) and the whole request's CPU time in its
    thread; returns the samples (µs) by kind, then path, filled as requests come."""
    from protoweb.devtools.middleware import DevTools
    from protoweb.serving.keepalive import KeepAliveRequestHandler

    tools: dict[str, list[float]] = {}
    whole: dict[str, list[float]] = {}
    app_time = threading.local()
    clock = time.perf_counter
    bare = app.wsgi_app

    def timed_app(environ: dict[str, Any], start_response: Any) -> Any:
        started = clock()
        body = bare(environ, start_response)
        app_time.value = clock() - started
        return body

    tools_call = DevTools.__call__

    def timed_tools(
        self: DevTools, environ: dict[str, Any], start_response: Any
    ) -> Any:
        started = clock()
        app_time.value = 0.0
        body = tools_call(self, environ, start_response)
        spent = clock() - started - app_time.value
        tools.setdefault(environ.get("PATH_INFO", ""), []).append(spent * 1e6)
        return body

    handle = KeepAliveRequestHandler.handle_one_request

    def timed_handle(self: KeepAliveRequestHandler) -> None:
        started = time.thread_time()
        handle(self)
        if self.raw_requestline:
            spent = time.thread_time() - started
            whole.setdefault(self.path.split("?")[0], []).append(spent * 1e6)

    app.wsgi_app = timed_app
    DevTools.__call__ = timed_tools  # type: ignore[method-assign]
    KeepAliveRequestHandler.handle_one_request = timed_handle  # type: ignore[method-assign,assignment]
    return {"tools": tools, "whole": whole}


@dataclass
class ServerProcess:
    """One server under test, in its own process."""

    name: str
    process: subprocess.Popen[str]
    port: int

    @classmethod
    def start(cls, name: str) -> ServerProcess:
        process, port = start_server(
            f"server {name}",
            "benchmarks.live_server",
            "serve",
            name,
            stderr=subprocess.DEVNULL,
        )
        return cls(name, process, port)

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def check(self) -> None:
        """Raise :class:`BenchmarkError` unless every request is answered right."""
        for request in REQUESTS:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            try:
                connection.request("GET", request.path)
                response = connection.getresponse()
                body = response.read()
                status = f"{response.status} {response.reason}"
                try:
                    request.check(status, response.getheaders(), body)
                except ValueError as error:
                    raise BenchmarkError(f"{self.name}: {error}") from None
            finally:
                connection.close()

    def stop(self) -> str:
        """End the server; returns what it printed on the way out."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        out = self.process.stdout.read() if self.process.stdout else ""
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return out


@dataclass
class Sample:
    rps: float
    cpu_us: float


@dataclass
class LiveResult:
    """Samples by server, then by request label; round ``i`` of every server was
    measured back to back, so ratios are taken round by round."""

    samples: dict[str, dict[str, list[Sample]]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    #: By request label: the dev tools' own time per request and the request's
    #: whole CPU time in its thread (µs, medians), measured in one server.
    dev_tools_us: dict[str, tuple[float, float]] = field(default_factory=dict)

    def median_rps(self, server: str, label: str) -> float:
        return statistics.median(s.rps for s in self.samples[server][label])

    def median_cpu(self, server: str, label: str) -> float:
        return statistics.median(s.cpu_us for s in self.samples[server][label])

    def rps_ratio(self, server: str, other: str, label: str) -> float:
        """Median over rounds of ``server``'s requests/s over ``other``'s."""
        pairs = zip(
            self.samples[server][label], self.samples[other][label], strict=True
        )
        return statistics.median(a.rps / b.rps for a, b in pairs)

    def cpu_ratio(self, server: str, other: str, label: str) -> float:
        """Median over rounds of ``server``'s CPU per request over ``other``'s."""
        pairs = zip(
            self.samples[server][label], self.samples[other][label], strict=True
        )
        return statistics.median(a.cpu_us / b.cpu_us for a, b in pairs)


_WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_WRK_TOTAL = re.compile(r"(\d+) requests in")


def run_wrk(
    url: str, seconds: int, connections: int, threads: int = 1
) -> tuple[float, int]:
    """wrk's requests per second and request count for ``url``; errors raise."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchmarkError("wrk is not installed (apt-get install wrk)")
    output = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise BenchmarkError(f"wrk saw errors from {url}:\n{output}")
    rps, total = _WRK_RPS.search(output), _WRK_TOTAL.search(output)
    if rps is None or total is None:
        raise BenchmarkError(f"cannot read wrk's output:\n{output}")
    return float(rps.group(1)), int(total.group(1))


def measure(
    servers: tuple[str, ...] = SERVERS,
    rounds: int = 7,
    seconds: int = 1,
    connections: int = 8,
) -> LiveResult:
    """Start every server, check it, then load each with wrk, round by round:
    within a round every server gets the same request back to back (in an order
    that rotates), so a change in the machine's load hits them alike."""
    result = LiveResult(
        settings={"rounds": rounds, "seconds": seconds, "connections": connections}
    )
    processes = [ServerProcess.start(name) for name in servers]
    try:
        for process in processes:
            process.check()
            result.samples[process.name] = {r.label: [] for r in REQUESTS}
            run_wrk(f"http://127.0.0.1:{process.port}/", 1, connections)
        for round_index in range(rounds):
            for request in REQUESTS:
                shift = round_index % len(processes)
                for process in processes[shift:] + processes[:shift]:
                    before = process.cpu_seconds()
                    url = f"http://127.0.0.1:{process.port}{request.path}"
                    rps, total = run_wrk(url, seconds, connections)
                    cpu = process.cpu_seconds() - before
                    sample = Sample(rps, cpu / max(total, 1) * 1e6)
                    result.samples[process.name][request.label].append(sample)
    finally:
        for process in processes:
            process.stop()
    if "protoweb" in servers:
        result.dev_tools_us = time_dev_tools(seconds * 2, connections)
    return result


def time_dev_tools(seconds: int, connections: int) -> dict[str, tuple[float, float]]:
    """The dev tools' own time per request and the request's whole CPU time, by
    request label, from an instrumented server (not one whose throughput is
    reported)."""
    process = ServerProcess.start("protoweb-timed")
    try:
        for request in REQUESTS:
            run_wrk(f"http://127.0.0.1:{process.port}{request.path}", seconds, 1)
    finally:
        printed = process.stop()
    medians = json.loads(printed.strip().splitlines()[-1])
    return {
        r.label: (medians["tools"][r.path], medians["whole"][r.path]) for r in REQUESTS
    }


def render(result: LiveResult) -> str:
    """The markdown table and the two targets."""
    names = list(result.samples)
    header = "| request | " + " | ".join(TITLES[n] for n in names) + " |"
    lines = [header, "|---|" + "---:|" * len(names)]
    for request in REQUESTS:
        cells = [
            f"{result.median_rps(n, request.label):,.0f} req/s"
            f" ({result.median_cpu(n, request.label):.0f} µs CPU)"
            for n in names
        ]
        lines.append(f"| `{request.label}` | " + " | ".join(cells) + " |")
    lines.append("")
    labels = [r.label for r in REQUESTS]
    if "protoweb" in names and "flask" in names:
        ratios = [result.rps_ratio("protoweb", "flask", label) for label in labels]
        verdict = "met" if min(ratios) >= FLASK_RATIO_TARGET else "MISSED"
        lines.append(
            "- Live server (dev tools on) over Flask's development server, in"
            f" requests/s: {', '.join(f'{x:.1f}x' for x in ratios)}"
            f" (target at least {FLASK_RATIO_TARGET:.0f}x: {verdict})."
        )
    if "protoweb" in names and "protoweb-nodev" in names:
        rps_costs = [
            1 - result.rps_ratio("protoweb", "protoweb-nodev", label)
            for label in labels
        ]
        cpu_costs = [
            result.cpu_ratio("protoweb", "protoweb-nodev", label) - 1
            for label in labels
        ]
        verdict = "met" if max(rps_costs) <= DEV_COST_TARGET else "MISSED"
        lines.append(
            "- Cost of the dev tools (dev tools on against off), in requests/s: "
            f"{', '.join(f'{x:+.1%}' for x in rps_costs)}"
            f" (target at most {DEV_COST_TARGET:.0%}: {verdict}); in server CPU"
            f" per request: {', '.join(f'{x:+.1%}' for x in cpu_costs)}."
        )
    if result.dev_tools_us:
        shares = []
        for label in labels:
            tools, whole = result.dev_tools_us[label]
            shares.append(
                f"{tools:.1f} of {whole:.0f} µs ({tools / (whole - tools):+.1%})"
            )
        lines.append(
            "- Measured inside one instrumented server instead (medians over every"
            " request), the dev tools' own time of the request's whole CPU time in"
            " its thread, and in brackets what they add to the request without"
            f" them: {', '.join(shares)}. Both are taken in the same process at"
            " the same moments, so this ratio hardly moves with the load of other"
            " programs on the machine, unlike the two above."
        )
    settings = result.settings
    lines.append(
        f"- wrk, {settings['connections']} connections (keep-alive where the server"
        f" allows it), one thread, {settings['seconds']} s per run,"
        f" {settings['rounds']} rounds; figures are medians over rounds, ratios"
        " are medians of the per-round ratios (servers measured back to back)."
        " CPU is the server process's user+system time per request."
    )
    return "\n".join(lines)


def results_page(throughput: str, latency: str) -> str:
    """The README section: both tables, and where and when they were measured."""
    import platform
    from datetime import datetime, timezone
    from importlib import metadata

    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("werkzeug", "jinja2", "flask")
    )
    return "\n".join(
        [
            "# Live server benchmarks",
            "",
            f"Measured {date} on {platform.system()} {platform.machine()},"
            f" {os.cpu_count()} CPUs (load average {load:.1f} at the end),"
            f" Python {platform.python_version()}, {versions}; wrk"
            " on the same machine. Reproduce with"
            " `python -m benchmarks.live_server --write`.",
            "",
            "## Throughput over loopback",
            "",
            throughput,
            "",
            "## Change-to-live latency",
            "",
            latency,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_server")
    parser.add_argument("command", nargs="?", default="measure")
    parser.add_argument("name", nargs="?", help="server to run (serve only)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--servers", default=",".join(SERVERS))
    parser.add_argument("--json", type=Path, metavar="FILE", help="save raw samples")
    parser.add_argument(
        "--write",
        action="store_true",
        help="also measure change-to-live latency; write both into README.md",
    )
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.name)
        return 0
    result = measure(
        tuple(args.servers.split(",")), args.rounds, args.seconds, args.connections
    )
    table = render(result)
    print(table)
    if args.write:
        from . import reload_latency

        latency = reload_latency.render(reload_latency.measure())
        print(latency)
        write_section("live", results_page(table, latency))
    if args.json:
        raw = {
            server: {label: [vars(s) for s in samples] for label, samples in by.items()}
            for server, by in result.samples.items()
        }
        args.json.write_text(json.dumps({"settings": result.settings, "samples": raw}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
