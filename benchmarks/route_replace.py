"""How long protoweb takes to replace one route of an app with 100 routes.

Replacing means registering the same endpoint again with a new view function, as
re-running a notebook cell does. Two times are taken for each replacement: the
``add_url_rule`` call alone, and the call plus the next request to that route (so a
table rebuilt lazily on the next request is counted too). Each replacement is checked:
the next response must come from the new view.

Runs in a fresh process (``python -m benchmarks.route_replace N``), which prints one
JSON object.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import BenchmarkError
from .subprocesses import REPO_ROOT, python_env
from .wsgi_calls import call, make_environ

ROUTE_COUNT = 100
REPLACED = 50
WARMUP_REPLACEMENTS = 20


def rule_for(index: int) -> str:
    """A mix of static and variable rules, as a real app has."""
    kind = index % 3
    if kind == 0:
        return f"/page{index}"
    if kind == 1:
        return f"/items{index}/<int:item_id>"
    return f"/users{index}/<name>/posts"


def path_for(index: int) -> str:
    return rule_for(index).replace("<int:item_id>", "7").replace("<name>", "ann")


def make_view(index: int, version: int) -> Callable[..., str]:
    """A view for :func:`rule_for` ``(index)``, taking that rule's variables."""
    text = f"route {index} version {version}"

    def static_view() -> str:
        return text

    def item_view(item_id: int) -> str:
        return text

    def user_view(name: str) -> str:
        return text

    return (static_view, item_view, user_view)[index % 3]


def _check(status: str, body: bytes, index: int, version: int) -> None:
    expected = f"route {index} version {version}"
    if not status.startswith("200") or body.decode() != expected:
        raise BenchmarkError(
            f"after replacing route {index}: got {status} {body[:100]!r},"
            f" expected 200 {expected!r}"
        )


def time_replacements(replacements: int) -> dict[str, list[float]]:
    """Replace one route ``replacements`` times; return the times in seconds."""
    from protoweb import App

    app = App("replace")
    for index in range(ROUTE_COUNT):
        app.add_url_rule(rule_for(index), f"route{index}", make_view(index, 0))
    for index in range(ROUTE_COUNT):
        status, _, body = call(app, make_environ(path_for(index)))
        _check(status, body, index, 0)

    rule, endpoint = rule_for(REPLACED), f"route{REPLACED}"
    environ = make_environ(path_for(REPLACED))
    replace_times: list[float] = []
    live_times: list[float] = []
    for version in range(1, WARMUP_REPLACEMENTS + replacements + 1):
        view = make_view(REPLACED, version)
        start = time.perf_counter()
        app.add_url_rule(rule, endpoint, view)
        replaced = time.perf_counter()
        status, _, body = call(app, environ)
        served = time.perf_counter()
        _check(status, body, REPLACED, version)
        if version > WARMUP_REPLACEMENTS:
            replace_times.append(replaced - start)
            live_times.append(served - start)

    status, _, body = call(app, make_environ(path_for(REPLACED + 1)))
    _check(status, body, REPLACED + 1, 0)
    return {"replace": replace_times, "replace_and_serve": live_times}


@dataclass
class ReplaceResult:
    """Median times in seconds over ``replacements`` replacements."""

    replacements: int
    replace: float
    replace_and_serve: float


def measure_route_replace(replacements: int) -> ReplaceResult:
    """Run :func:`time_replacements` in a fresh process and summarize it."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.route_replace", str(replacements)],
        cwd=REPO_ROOT,
        env=python_env(),
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise BenchmarkError(f"route replacement failed:\n{completed.stderr}")
    times = json.loads(completed.stdout)
    return ReplaceResult(
        replacements,
        statistics.median(times["replace"]),
        statistics.median(times["replace_and_serve"]),
    )


def _main(replacements: int) -> None:
    """Write the times as JSON to stdout; anything the app prints goes to stderr."""
    output = sys.stdout
    sys.stdout = sys.stderr
    output.write(json.dumps(time_replacements(replacements)) + "\n")


if __name__ == "__main__":
    _main(int(sys.argv[1]))
