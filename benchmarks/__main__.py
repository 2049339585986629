"""``python -m benchmarks``: measure, print a markdown report, optionally save it."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import BenchmarkError
from .apps import FRAMEWORKS
from .import_time import measure_import_time
from .report import Results, render, targets, write_results
from .route_replace import measure_route_replace
from .wsgi_throughput import measure_throughput

#: The frameworks that are modules of their own (not variants of one).
IMPORTABLE = ("protoweb", "falcon", "flask", "bottle")

README = Path(__file__).with_name("README.md")
PARTS = ("throughput", "replace", "import")


@dataclass(frozen=True)
class Settings:
    """How long to measure; ``--quick`` trades precision for time."""

    rounds: int
    seconds: float
    warmup_seconds: float
    replacements: int
    import_runs: int


DEFAULT = Settings(
    rounds=5, seconds=0.5, warmup_seconds=0.2, replacements=200, import_runs=15
)
QUICK = Settings(
    rounds=3, seconds=0.2, warmup_seconds=0.1, replacements=100, import_runs=7
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Benchmark protoweb against Falcon, Flask and Bottle; print markdown."
        ),
    )
    parser.add_argument(
        "--quick", action="store_true", help="shorter, noisier run (~15-30 s)"
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"also replace the results section of {README.name}",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 if a target is missed"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="save raw samples")
    parser.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help="comma-separated subset of %(default)s",
    )
    parser.add_argument(
        "--only", action="append", choices=PARTS, help="run only this part (repeatable)"
    )
    parser.add_argument("--rounds", type=int, help="throughput rounds")
    parser.add_argument("--seconds", type=float, help="seconds per request and round")
    args = parser.parse_args(argv)
    args.frameworks = [name.strip() for name in args.frameworks.split(",") if name]
    unknown = set(args.frameworks) - set(FRAMEWORKS)
    if unknown:
        parser.error(f"unknown framework(s): {', '.join(sorted(unknown))}")
    if args.write and (args.only or set(args.frameworks) != set(FRAMEWORKS)):
        parser.error("--write needs a full run: drop --only and --frameworks")
    return args


def settings_for(args: argparse.Namespace) -> Settings:
    settings = QUICK if args.quick else DEFAULT
    if args.rounds is not None:
        settings = dataclasses.replace(settings, rounds=args.rounds)
    if args.seconds is not None:
        settings = dataclasses.replace(settings, seconds=args.seconds)
    return settings


def run(args: argparse.Namespace, settings: Settings) -> Results:
    started = time.perf_counter()

    def progress(message: str) -> None:
        elapsed = time.perf_counter() - started
        print(f"[{elapsed:5.1f} s] {message}", file=sys.stderr, flush=True)

    parts = args.only or PARTS
    results = Results()
    if args.quick:
        results.notes.append("Quick run (`--quick`): fewer, shorter samples.")
    if "throughput" in parts:
        progress("WSGI throughput")
        results.throughput = measure_throughput(
            args.frameworks,
            settings.rounds,
            settings.seconds,
            settings.warmup_seconds,
            progress,
        )
    if "replace" in parts and "protoweb" in args.frameworks:
        progress("route replacement")
        results.replace = measure_route_replace(settings.replacements)
    if "import" in parts:
        progress("import time")
        # Werkzeug alone: the floor under protoweb's and Flask's import times.
        results.imports = measure_import_time(
            [*(name for name in args.frameworks if name in IMPORTABLE), "werkzeug"],
            settings.import_runs,
            progress,
        )
    progress("done")
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = run(args, settings_for(args))
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    markdown = render(results)
    print(markdown)
    if args.json is not None:
        args.json.write_text(json.dumps(dataclasses.asdict(results), indent=2) + "\n")
    if args.write:
        write_results(README, markdown)
        print(f"results written to {README}", file=sys.stderr)
    if args.check and not all(target.met for target in targets(results)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
