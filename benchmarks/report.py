"""Turning measurements into markdown tables, target checks and the README section."""

from __future__ import annotations

import os
import platform
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from . import BenchmarkError
from .apps import FRAMEWORK_TITLES, REQUESTS
from .import_time import ImportResult
from .route_replace import ROUTE_COUNT, ReplaceResult
from .wsgi_throughput import ThroughputResult

RESULTS_START = "<!-- results:start -->"
RESULTS_END = "<!-- results:end -->"
DISTRIBUTIONS = ("protoweb", "werkzeug", "jinja2", "flask", "bottle", "falcon")
FLASK_RATIO_TARGET = 2.0
BOTTLE_RATIO_TARGET = 1.0
FALCON_RATIO_TARGET = 1.0
#: On the template page Jinja2 does the work: protoweb must add (almost) nothing.
TEMPLATE_PEER_TARGET = 0.95
IMPORT_RATIO_TARGET = 0.6
#: Noise between two runs of the same code here is a few percent.
EXTRAS_RATIO_TARGET = 0.95
PEERS = ("falcon", "flask", "bottle")
REPLACE_TARGET_SECONDS = 0.001


@dataclass
class Results:
    """Everything one run measured; a part left out is ``None``."""

    throughput: ThroughputResult | None = None
    replace: ReplaceResult | None = None
    imports: ImportResult | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Target:
    name: str
    measured: str
    met: bool | None


def machine_info() -> str:
    """One paragraph: date, machine, Python and the versions of what is compared."""
    versions = ", ".join(f"{name} {_version(name)}" for name in DISTRIBUTIONS)
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"Measured {date} on {platform.system()} {platform.machine()}"
        f" ({_cpu_model()}, {cpus} CPUs, {usable} usable),"
        f" {platform.python_implementation()} {platform.python_version()};"
        f" {versions}."
    )


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "(source checkout)" if distribution == "protoweb" else "(not installed)"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def ratio(result: ThroughputResult, label: str, other: str) -> float | None:
    """protoweb's median requests/s over ``other``'s, if both were measured."""
    if "protoweb" not in result.rps or other not in result.rps:
        return None
    return _median(result, "protoweb", label) / _median(result, other, label)


def _median(result: ThroughputResult, framework: str, label: str) -> float:
    return statistics.median(result.rps[framework][label])


def throughput_table(result: ThroughputResult) -> str:
    frameworks = list(result.rps)
    header = ["request", *(FRAMEWORK_TITLES[name] for name in frameworks)]
    ratios = [name for name in PEERS if name in frameworks]
    if "protoweb" in frameworks:
        header += [f"protoweb/{FRAMEWORK_TITLES[name]}" for name in ratios]
    rows = []
    for request in REQUESTS:
        row = [f"`{request.label}`"]
        row += [f"{_median(result, name, request.label):,.0f}" for name in frameworks]
        if "protoweb" in frameworks:
            row += [
                _format_ratio(ratio(result, request.label, name)) for name in ratios
            ]
        rows.append(row)
    title = (
        f"WSGI throughput, requests/s (median of {result.rounds} rounds"
        f" of {result.seconds:g} s each, one process per framework)"
    )
    return _section(title, _table(header, rows, numeric_from=1))


def replace_table(result: ReplaceResult) -> str:
    rows = [
        ["`add_url_rule` replacing one endpoint", _format_ms(result.replace)],
        [
            "replacement plus the next request to it",
            _format_ms(result.replace_and_serve),
        ],
    ]
    title = (
        f"Route replacement in protoweb, app with {ROUTE_COUNT} routes"
        f" (median of {result.replacements})"
    )
    return _section(title, _table(["measure", "time"], rows, numeric_from=1))


def import_table(result: ImportResult) -> str:
    rows = [
        [f"`import {module}`", _format_ms(seconds)]
        for module, seconds in result.imports.items()
    ]
    rows.append(["(interpreter start-up, subtracted)", _format_ms(result.startup)])
    title = (
        f"Import time in a fresh interpreter, start-up subtracted"
        f" (median of {result.runs} interleaved runs)"
    )
    return _section(title, _table(["statement", "time"], rows, numeric_from=1))


def targets(results: Results) -> list[Target]:
    """The issue's targets, each with what was measured and whether it is met."""
    found: list[Target] = []
    throughput = results.throughput
    if throughput is not None:
        for request in REQUESTS:
            value = ratio(throughput, request.label, "flask")
            found.append(
                Target(
                    f"`{request.label}`: protoweb ≥ {FLASK_RATIO_TARGET:g}x Flask",
                    _format_ratio(value),
                    None if value is None else value >= FLASK_RATIO_TARGET,
                )
            )
        for peer, goal in (
            ("bottle", BOTTLE_RATIO_TARGET),
            ("falcon", FALCON_RATIO_TARGET),
        ):
            for request in REQUESTS:
                if request.uses_template:
                    continue
                value = ratio(throughput, request.label, peer)
                found.append(
                    Target(
                        f"`{request.label}`: protoweb ≥ {FRAMEWORK_TITLES[peer]}",
                        _format_ratio(value),
                        None if value is None else value >= goal,
                    )
                )
        for request in REQUESTS:
            if not request.uses_template:
                continue
            peers = [name for name in PEERS if name in throughput.rps]
            if "protoweb" not in throughput.rps or not peers:
                continue
            fastest = max(
                peers, key=lambda name: _median(throughput, name, request.label)
            )
            value = ratio(throughput, request.label, fastest)
            found.append(
                Target(
                    f"`{request.label}`: protoweb ≥ {TEMPLATE_PEER_TARGET:g}x the"
                    f" fastest peer ({FRAMEWORK_TITLES[fastest]})",
                    _format_ratio(value),
                    None if value is None else value >= TEMPLATE_PEER_TARGET,
                )
            )
    if throughput is not None and "protoweb-extras" in throughput.rps:
        label = REQUESTS[0].label
        value = _median(throughput, "protoweb-extras", label) / _median(
            throughput, "protoweb", label
        )
        found.append(
            Target(
                f"`{label}`: unused blueprint, URL processors and signals cost"
                f" nothing (≥ {EXTRAS_RATIO_TARGET:g}x protoweb without them)",
                _format_ratio(value),
                value >= EXTRAS_RATIO_TARGET,
            )
        )
    if results.replace is not None:
        for name, seconds in (
            ("route replacement ≤ 1 ms", results.replace.replace),
            (
                "route replacement plus next request ≤ 1 ms",
                results.replace.replace_and_serve,
            ),
        ):
            found.append(
                Target(name, _format_ms(seconds), seconds <= REPLACE_TARGET_SECONDS)
            )
    imports = results.imports
    if imports is not None and {"protoweb", "flask"} <= imports.imports.keys():
        protoweb, flask = imports.imports["protoweb"], imports.imports["flask"]
        found.append(
            Target(
                f"`import protoweb` ≤ {IMPORT_RATIO_TARGET:g}x `import flask`",
                f"{_format_ms(protoweb)} vs {_format_ms(flask)}"
                f" ({protoweb / flask:.2f}x)",
                protoweb <= IMPORT_RATIO_TARGET * flask,
            )
        )
    return found


def targets_table(found: list[Target]) -> str:
    marks = {True: "yes", False: "**no**", None: "not measured"}
    rows = [[target.name, target.measured, marks[target.met]] for target in found]
    return _section("Targets", _table(["target", "measured", "met"], rows))


def render(results: Results) -> str:
    """The whole results section as markdown."""
    parts = [machine_info(), *results.notes]
    if results.throughput is not None:
        parts.append(throughput_table(results.throughput))
    if results.replace is not None:
        parts.append(replace_table(results.replace))
    if results.imports is not None:
        parts.append(import_table(results.imports))
    parts.append(targets_table(targets(results)))
    return "\n\n".join(parts) + "\n"


def write_results(readme: Path, markdown: str, section: str | None = None) -> None:
    """Replace what lies between the results markers in ``readme``.

    :param section: another benchmark's own section, marked
        ``<!-- results:SECTION:start -->`` ... ``<!-- results:SECTION:end -->``.
    """
    start_marker, end_marker = RESULTS_START, RESULTS_END
    if section is not None:
        start_marker = f"<!-- results:{section}:start -->"
        end_marker = f"<!-- results:{section}:end -->"
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(start_marker), text.find(end_marker)
    if start == -1 or end < start:
        raise BenchmarkError(
            f"{readme} has no results section: add the lines {start_marker}"
            f" and {end_marker} where the results belong"
        )
    before = text[: start + len(start_marker)]
    readme.write_text(f"{before}\n\n{markdown}\n{text[end:]}", encoding="utf-8")


def _section(title: str, body: str) -> str:
    return f"#### {title}\n\n{body}"


def _table(header: list[str], rows: list[list[str]], numeric_from: int = 99) -> str:
    align = [
        "---:" if column >= numeric_from else "---" for column in range(len(header))
    ]
    lines = [header, align, *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def _format_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _format_ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    if milliseconds >= 10:
        return f"{milliseconds:.0f} ms"
    if milliseconds >= 1:
        return f"{milliseconds:.1f} ms"
    return f"{milliseconds:.3f} ms"


README = Path(__file__).with_name("README.md")


def write_section(section: str, markdown: str) -> None:
    """Put another benchmark's ``markdown`` in its section of the README, less its
    own ``# title`` line (the README has the heading), its headings one level down."""
    lines = markdown.strip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    lines = [f"#{line}" if line.startswith("## ") else line for line in lines]
    write_results(README, "\n".join(lines).strip() + "\n", section=section)
