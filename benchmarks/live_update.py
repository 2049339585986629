"""Change-to-screen latency of live update in a real browser, against a full reload.

``python -m benchmarks.live_update [--trials N] [--write]``

The live server runs in a process of its own (``python -m benchmarks.live_update
serve``) and serves one page: a template that extends nothing, shows
``<h1 id="text">R{route} / T{template}</h1>`` and links ``/static/site.css``
(``h1 { color: rgb(N, 0, 0) }``). On a command on stdin it replaces the view (a
route change), the template (a template change) or the stylesheet (a CSS
change), and answers with the wall-clock time at which the replacing call
returned.

Headless Chromium (Debian's, through playwright) has the page open. A script in
the page's ``<head>`` notes, with ``performance.timeOrigin + performance.now()``,
when each text first appears in ``#text`` (a ``MutationObserver``, or the parsed
document for a reload) and when each colour is first computed for it (on the
``load`` of a ``<link>`` the observer saw added, or of the reloaded document).
The latency is that time minus the change call's return.

Two ways for each change, ``--trials`` times each (default 20), interleaved:

- **live update**: what protoweb does: the page's stream says "update" (the page
  fetches itself and morphs it in) or "restyle" (the ``<link>`` is swapped);
- **full reload**: the same change, then ``location.reload()`` issued as soon as
  the change call returns (the page's own stream closed first), which is what
  every change cost before.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import BenchmarkError
from .report import machine_info, write_section
from .subprocesses import serve_changes, start_server

CSS_TARGET_MS = 50.0
HTML_TARGET_MS = 100.0
KINDS = ("route", "template", "css")
TITLES = {
    "route": "route changed (`add_url_rule`)",
    "template": "template changed (`app.templates[...]`)",
    "css": "stylesheet changed (`app.static_files[...]`)",
}

OBSERVER = """<script>
window.__seen = window.__seen || {};
(function () {
  function now() { return performance.timeOrigin + performance.now(); }
  function text() {
    var h = document.getElementById("text");
    if (h && !(h.textContent in __seen)) __seen[h.textContent] = now();
  }
  function color() {
    var h = document.getElementById("text");
    if (!h) return;
    var key = "color:" + getComputedStyle(h).color;
    if (!(key in __seen)) __seen[key] = now();
  }
  new MutationObserver(function (records) {
    text();
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.tagName === "LINK") node.addEventListener("load", color);
      });
    });
  }).observe(document, {subtree: true, childList: true, characterData: true});
  document.addEventListener("DOMContentLoaded", text);
  window.addEventListener("load", color);
})();
</script>"""
FILLER = "".join(f"<p>Paragraph {n} of a page of ordinary size.</p>" for n in range(60))


def page_template(version: int) -> str:
    return (
        "<!doctype html><html><head><title>live update</title>"
        '<link rel="stylesheet" href="/static/site.css">'
        f"{OBSERVER}</head><body>"
        f'<h1 id="text">{{{{ text }}}} / T{version}</h1>'
        f"{FILLER}<form><input name=q></form></body></html>"
    )


def stylesheet(version: int) -> str:
    return f"h1 {{ color: rgb({version % 256}, 0, 0) }}"


def serve() -> None:
    """The server process: one page; change it on command, print when done."""
    from protoweb import App

    app = App("live_update_bench", root_path=tempfile.gettempdir())
    app.templates["page.html"] = page_template(0)
    app.static_files["site.css"] = stylesheet(0)

    def make_view(version: int) -> Callable[[], str]:
        def index() -> str:
            return app.render_template("page.html", text=f"R{version}")

        return index

    def change(kind: str, version: int) -> None:
        if kind == "route":
            app.add_url_rule("/", "index", make_view(version))
        elif kind == "template":
            app.templates["page.html"] = page_template(version)
        else:
            app.static_files["site.css"] = stylesheet(version)

    app.add_url_rule("/", "index", make_view(0))
    serve_changes(app, change, time.time)


@dataclass
class Samples:
    """Milliseconds from change to screen, by change kind and way."""

    live: dict[str, list[float]] = field(default_factory=dict)
    reload: dict[str, list[float]] = field(default_factory=dict)


class Bench:
    """The server process, the browser page, and the state both are in."""

    def __init__(self, page: Any) -> None:
        self.process, port = start_server(
            "the live server", "benchmarks.live_update", "serve"
        )
        self.url = f"http://127.0.0.1:{port}/"
        self.page = page
        self.versions = {kind: 0 for kind in KINDS}

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(10)

    def open(self, live: bool) -> None:
        """Load the page; with ``live`` off, close its live-update stream."""
        self.page.goto(self.url)
        self.page.wait_for_function(
            "() => window.__protoweb_events?.readyState === 1", timeout=10_000
        )
        if not live:
            self.page.evaluate("window.__protoweb_events.close()")

    def expected(self, kind: str) -> str:
        if kind == "css":
            return f"color:rgb({self.versions['css'] % 256}, 0, 0)"
        return f"R{self.versions['route']} / T{self.versions['template']}"

    def change(self, kind: str, live: bool) -> float:
        """Make one change; milliseconds until the page showed it."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.versions[kind] += 1
        if kind == "css" and self.versions[kind] % 256 == 0:
            self.versions[kind] += 1
        key = self.expected(kind)
        self.process.stdin.write(f"{kind} {self.versions[kind]}\n")
        self.process.stdin.flush()
        returned = float(self.process.stdout.readline()) * 1000
        if not live:
            self.page.evaluate("setTimeout(function () { location.reload(); }, 0)")
            self.page.wait_for_load_state("load")
        self.page.wait_for_function(
            "key => window.__seen && key in window.__seen", arg=key, timeout=10_000
        )
        seen = float(self.page.evaluate("key => window.__seen[key]", key))
        if not live:
            self.open(live=False)
        return seen - returned


def measure(trials: int, warmup: int = 3) -> Samples:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    samples = Samples({k: [] for k in KINDS}, {k: [] for k in KINDS})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            bench = Bench(page)
            try:
                for live in (True, False):
                    bench.open(live)
                    for trial in range(warmup + trials):
                        for kind in KINDS:
                            time.sleep(0.05)
                            elapsed = bench.change(kind, live)
                            if trial >= warmup:
                                way = samples.live if live else samples.reload
                                way[kind].append(elapsed)
                    if live and page.evaluate("window.__protoweb_live.updates") < 1:
                        raise BenchmarkError("the page was never updated in place")
            finally:
                bench.close()
        finally:
            browser.close()
    return samples


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def render(samples: Samples) -> str:
    lines = [
        machine_info(),
        "",
        "| change | live update: median | p90 | full reload: median | p90 |"
        " target (live) | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for kind in KINDS:
        live, reload = samples.live[kind], samples.reload[kind]
        target = CSS_TARGET_MS if kind == "css" else HTML_TARGET_MS
        median = statistics.median(live)
        lines.append(
            f"| {TITLES[kind]} | {median:.1f} ms | {_p90(live):.1f} ms |"
            f" {statistics.median(reload):.1f} ms | {_p90(reload):.1f} ms |"
            f" ≤ {target:.0f} ms | {'yes' if median <= target else '**no**'} |"
        )
    trials = len(samples.live[KINDS[0]])
    lines += [
        "",
        f"Median of {trials} changes of each kind, each way (the kinds"
        " interleaved; live updates first, then full reloads), after 3 untimed"
        " ones of each. From the change call's return (in the server process) to"
        " the new text in the page (a `MutationObserver`) or the new colour"
        " computed (the new stylesheet's `load`), both on the wall clock. A live"
        " update of a route or template fetches the page again and morphs it"
        " in (Idiomorph); a stylesheet change swaps the `<link>`; the full reload"
        " is `location.reload()` issued when the change call returns.",
        "",
        "Produced by `python -m benchmarks.live_update --write` (headless Chromium"
        f" {_chromium_version()}).",
    ]
    return "\n".join(lines)


def _chromium_version() -> str:
    import re
    import subprocess

    from tests.conftest import CHROMIUM

    try:
        output = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20
        ).stdout
    except OSError:
        return "(version unknown)"
    found = re.search(r"\d+(\.\d+)+", output)
    return found.group(0) if found else "(version unknown)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.live_update", description=__doc__.split("\n")[0]
    )
    parser.add_argument("command", nargs="?", default="measure")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="write into README.md")
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if a target is missed"
    )
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve()
        return 0
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    samples = measure(args.trials)
    markdown = render(samples)
    print(markdown)
    if args.write:
        write_section("live-update", markdown)
    missed = [
        kind
        for kind in KINDS
        if statistics.median(samples.live[kind])
        > (CSS_TARGET_MS if kind == "css" else HTML_TARGET_MS)
    ]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
