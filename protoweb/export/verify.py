"""An export proves itself: fresh interpreters import it and run its tests.

Both checks run the current interpreter (``sys.executable``) as a child, in the
project's temporary folder, with the project first on ``PYTHONPATH`` and no
bytecode written. protoweb comes from the interpreter's environment, as it would
for a user who installed it; the export itself is never installed.

1. :func:`calibrate` imports the package and replays the recorded requests twice
   on freshly imported apps (``calibrate.py``);
2. :func:`choose_cases` turns each recorded request into a test, or leaves it out
   with a reason (the view raised live, its answer changes from run to run, ...);
3. :func:`run_tests` runs the written tests with pytest (``run_tests.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..devtools.recording import LIVE_UPDATE
from .errors import VerificationError
from .replay import ReplayRequest, ReplayResponse, is_text_type
from .targets import PROTOWEB, Target
from .tests_gen import LeftOut, RecordedCase

if TYPE_CHECKING:
    from ..devtools.log import RequestRecord

MARKER = "@@protoweb-export@@"
#: Seconds a check may take before the export gives up on it.
CHILD_TIMEOUT = 300
_HERE = Path(__file__).resolve().parent
#: Why a request whose answer changes from run to run is left out: the one
#: reason of :func:`choose_cases` that is not also a warning.
VARIES = (
    "it answered differently each time it was replayed (it depends on time"
    " or randomness)"
)


def child_environment(project: Path, target: Target) -> dict[str, str]:
    """The environment of a checking child: the project first on the path."""
    environment = dict(os.environ)
    paths = [str(project)]
    if target is PROTOWEB and not _installed(target.distribution):
        paths.append(str(_HERE.parent.parent))
    if environment.get("PYTHONPATH"):
        paths.append(environment["PYTHONPATH"])
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    environment["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    # The exported app reads its key from the environment only; the check is no
    # deployment, so it signs with a key of its own when none is set.
    environment.setdefault("SECRET_KEY", "export-check-only-key")
    for name in ("PYTHONSTARTUP", "PYTEST_ADDOPTS", "PYTHONINSPECT"):
        environment.pop(name, None)
    return environment


def _installed(distribution: str) -> bool:
    try:
        metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return False
    return True


def _run_child(
    script: str,
    arguments: Sequence[str],
    project: Path,
    target: Target,
    stdin: str = "",
) -> tuple[dict[str, Any] | None, str]:
    """Run ``script`` (a file beside this one) with ``python -c``.

    The child works in a scratch folder beside the project, so that files the app
    makes as it runs (a SQLite database, say) never end up in the export.

    :returns: the report it printed (``None`` if none) and its other output.
    """
    code = (_HERE / script).read_text()
    scratch = project.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    try:
        completed = subprocess.run(
            [sys.executable, "-c", code, *arguments],
            cwd=scratch,
            env=child_environment(project, target),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        # what was captured comes as bytes even with text=True, and may end
        # in the middle of a character
        output = "".join(
            part.decode(errors="replace") if isinstance(part, bytes) else part or ""
            for part in (error.stdout, error.stderr)
        )
        raise VerificationError(
            f"checking the export took more than {CHILD_TIMEOUT} s (a view that never"
            " returns?)",
            _tail(output),
        ) from None
    output = completed.stdout + completed.stderr
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(MARKER):
            report: dict[str, Any] = json.loads(line[len(MARKER) :])
            shown = "\n".join(
                x for x in output.splitlines() if not x.startswith(MARKER)
            )
            return report, shown
    return None, output


def _tail(output: str, lines: int = 40) -> str:
    return "\n".join(output.strip().splitlines()[-lines:])


def _forbidden(target: Target) -> str:
    return "-" if target is PROTOWEB else "protoweb"


def _check_loaded(loaded: Sequence[str], during: str) -> None:
    if loaded:
        raise VerificationError(
            f"{during} imported {', '.join(loaded)}; an exported app must run without"
            " them (look for an import of it in app.py)"
        )


def calibrate(
    project: Path, package: str, target: Target, requests: Sequence[ReplayRequest]
) -> list[list[dict[str, Any]]]:
    """Import the package in a fresh interpreter and replay ``requests`` twice.

    :returns: two lists of answers (``status``, ``content_type``, ``body_b64``, or
        ``error``), one per pass, each on a freshly imported app.
    :raises VerificationError: the package does not import, or imports IPython.
    """
    stdin = json.dumps([request.to_json() for request in requests])
    report, output = _run_child(
        "calibrate.py", [package, _forbidden(target)], project, target, stdin
    )
    if report is None:
        raise VerificationError(
            f"the exported package {package!r} does not import in a fresh Python:",
            _tail(output),
        )
    _check_loaded(report["loaded"], f"importing {package}")
    passes: list[list[dict[str, Any]]] = report["passes"]
    return passes


#: Methods whose identical requests, answered alike, make one test.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def choose_cases(
    records: Sequence[RequestRecord],
    replay: Any,
    endpoints: Mapping[str, Any],
) -> tuple[list[RecordedCase | LeftOut], list[str]]:
    """Which recorded requests become tests, in order, and warnings for the user.

    The live-update script's own requests never do; a safe request repeated with
    the same answer (a page reloaded) makes one test.

    :param replay: called with the requests to try (even none: it is also the
        import check); returns the two passes of answers (see :func:`calibrate`).
    """
    items: dict[int, RecordedCase | LeftOut | None] = {}
    tried: list[tuple[int, ReplayRequest, ReplayResponse]] = []
    seen: list[tuple[ReplayRequest, ReplayResponse]] = []
    for number, record in enumerate(records, start=1):
        if record.extra.get(LIVE_UPDATE):
            continue  # the live-update script's own request, not the user's
        request = ReplayRequest.from_record(record)
        if request.method in _SAFE_METHODS:
            exchange = (request, ReplayResponse.from_record(record))
            if exchange in seen:
                continue  # an identical request answered alike: one test
            seen.append(exchange)
        reason = _never_replayed(record, endpoints)
        if reason is not None:
            items[number] = LeftOut(number, request, reason)
        else:
            items[number] = None
            tried.append((number, request, ReplayResponse.from_record(record)))
    passes = replay([request for _, request, _ in tried])
    warnings: list[str] = []
    warned: set[str] = set()
    for (number, request, expected), first, second in zip(tried, *passes, strict=True):
        item = _judge(number, request, expected, first, second)
        if (
            isinstance(item, LeftOut)
            and item.reason != VARIES
            and request.path not in warned
        ):
            warned.add(request.path)
            warnings.append(f"left out of the tests: {item.describe()}")
        items[number] = item
    return [item for item in items.values() if item is not None], warnings


def _never_replayed(record: RequestRecord, endpoints: Mapping[str, Any]) -> str | None:
    if record.error:
        kind = record.error_type or "an error"
        return f"its view raised {kind} while prototyping"
    if getattr(record, "request_body_truncated", False):
        return "its request body was too large to be recorded"
    if record.status == 304:
        return "a conditional request, answered from the live server's cache validators"
    if record.endpoint and record.endpoint not in endpoints:
        return f"its view {record.endpoint!r} is no longer in the app"
    return None


def _judge(
    number: int,
    request: ReplayRequest,
    expected: ReplayResponse,
    first: dict[str, Any],
    second: dict[str, Any],
) -> RecordedCase | LeftOut:
    if "error" in first or "error" in second:
        error = first.get("error") or second.get("error")
        return LeftOut(
            number, request, f"the exported app raised {error} when replayed"
        )
    one, two = ReplayResponse.from_json(first), ReplayResponse.from_json(second)
    if not one.matches(two):
        return LeftOut(number, request, VARIES)
    if expected.matches(one):
        return RecordedCase(number, request, expected)
    return LeftOut(
        number,
        request,
        f"{difference(expected, one)} (the app or its data changed after the request)",
    )


def _describe(response: ReplayResponse) -> str:
    body = response.body
    size = "an unrecorded body" if body is None else f"{len(body)} bytes"
    return f"{response.status} {response.content_type or ''} with {size}".replace(
        "  ", " "
    )


def difference(live: ReplayResponse, exported: ReplayResponse) -> str:
    """What differs between the session's answer and the export's, in a line.

    When status, type and size agree, it names the first differing line of a text
    body, or the offset of the first differing byte.
    """
    summary_live, summary_exported = _describe(live), _describe(exported)
    if summary_live != summary_exported or live.body is None or not exported.body:
        return (
            f"the exported app answers {summary_exported} where the session"
            f" answered {summary_live}"
        )
    lines_live = live.body.split(b"\n")
    lines_exported = exported.body.split(b"\n")
    if is_text_type(live.content_type):
        for number, (was, now) in enumerate(
            zip(lines_live, lines_exported, strict=False), start=1
        ):
            if was != now:
                return (
                    f"the exported app answers {summary_exported} like the session,"
                    f" but line {number} differs: the session sent"
                    f" {_shown(was)}, the export {_shown(now)}"
                )
    offset = next(
        (i for i, (a, b) in enumerate(zip(live.body, exported.body, strict=True))
         if a != b),
        0,
    )  # fmt: skip
    return (
        f"the exported app answers {summary_exported} like the session: same size,"
        f" different bytes at offset {offset}"
    )


def _shown(line: bytes, limit: int = 60) -> str:
    text = line.decode("utf-8", "replace").strip()
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def run_tests(project: Path, target: Target) -> int:
    """Run the project's tests with pytest in a fresh interpreter.

    :returns: how many tests passed.
    :raises VerificationError: a test failed, or IPython was imported.
    """
    report, output = _run_child(
        "run_tests.py", [str(project / "tests"), _forbidden(target)], project, target
    )
    if report is None:
        if "No module named 'pytest'" in output:
            raise VerificationError(
                "the exported tests could not be run: pytest is not installed in"
                f" this Python ({sys.executable}); install it with"
                f" `{sys.executable} -m pip install pytest` (in a notebook:"
                " `%pip install pytest`), then export again"
            )
        raise VerificationError("the exported tests could not be run:", _tail(output))
    if report["status"] != 0 or report["failed"]:
        raise VerificationError("the exported tests failed:", _tail(output, 80))
    _check_loaded(report["loaded"], "running the exported tests")
    passed: int = report["passed"]
    return passed
