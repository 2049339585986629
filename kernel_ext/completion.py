"""Tab completion for ``%protoweb``: verbs, HTTP methods and known paths.

A matcher in IPython's v2 API, added to ``IPCompleter.custom_matchers`` on load
and removed on unload.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.completer import SimpleCompletion, completion_matcher

from .ownership import user_endpoints
from .rules import KNOWN_METHODS
from .verb_table import VERBS

if TYPE_CHECKING:
    from .workbench import Workbench


def known_paths(bench: Workbench) -> list[str]:
    """Rules without variables, static files, and paths requested so far."""
    paths: set[str] = set()
    for _, endpoint in user_endpoints(bench.app):
        for rule in endpoint.rules:
            if not rule.arguments:
                paths.add(rule.rule)
    paths.update(f"/static/{name}" for name in bench.app.static_files)
    log = bench.log
    if log is not None:
        paths.update(record.path for record in log.records())
    return sorted(paths)


def candidates(line: str, bench: Workbench) -> tuple[str, list[str]]:
    """The token being completed on a ``%protoweb`` line, and its completions."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if line.endswith(" ") or not words:
        words.append("")
    words = words[1:] if words and words[0].lstrip("%") == "protoweb" else words
    token = words[-1] if words else ""
    if len(words) <= 1:
        return token, [name for name in VERBS if name.startswith(token)]
    verb = VERBS.get(words[0])
    if verb is None or token.startswith("-"):
        return token, []
    position = len(words) - 1
    if verb.name == "request" and position == 1:
        methods = [m for m in KNOWN_METHODS if m.startswith(token.upper())]
        return token, methods
    path_position = 2 if verb.name == "request" else 1
    if verb.path_argument and position == path_position:
        return token, [p for p in known_paths(bench) if p.startswith(token)]
    if verb.name == "help" and position == 1:
        return token, [name for name in VERBS if name.startswith(token)]
    return token, []


def make_matcher(bench_of: Callable[[], Workbench | None]) -> Any:
    """A matcher completing ``%protoweb`` lines for the current workbench."""

    @completion_matcher(identifier="protoweb", priority=1, api_version=2)
    def protoweb_matcher(context: Any) -> dict[str, Any]:
        line = context.text_until_cursor
        stripped = line.lstrip()
        bench = bench_of()
        if bench is None or not stripped.startswith("%protoweb "):
            return {"completions": [], "suppress": False}
        token, found = candidates(stripped, bench)
        offset = len(token) - len(context.token)
        if offset > 0 and token.endswith(context.token):
            found = [item[offset:] for item in found]
        return {
            "completions": [SimpleCompletion(text, type="protoweb") for text in found],
            "suppress": bool(found),
        }

    return protoweb_matcher
