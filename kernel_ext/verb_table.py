"""Every ``%protoweb`` verb, in the order ``%protoweb?`` lists them, and the line
that runs one."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from . import edit, export_verb, verbs
from .verb import Verb, argument, verb

if TYPE_CHECKING:
    from .workbench import Workbench


def help_text() -> str:
    """The text of ``%protoweb?``: each verb's usage and what it does."""
    lines = [
        "Control the live server and inspect the app: %protoweb VERB [ARGUMENTS].",
        "With no verb, %protoweb shows the status.",
        "",
    ]
    for item in VERBS.values():
        lines.append(f"%protoweb {item.name} {item.usage}".rstrip())
        lines.append(f"    {item.summary}")
    lines += [
        "",
        "Cell magics: %%route [METHODS] RULE [--name ENDPOINT], %%template NAME,",
        "%%static NAME. See %%route? and the Notebook guide.",
    ]
    return "\n".join(lines)


@verb(
    "help",
    "[VERB]",
    "this list, or one verb's arguments",
    arguments=[argument("name", nargs="?", metavar="VERB")],
)
def help_(bench: Workbench, args: Any) -> None:
    if args.name is None:
        print(help_text())
        return
    found = VERBS.get(args.name)
    if found is None:
        raise UsageError(f"%protoweb help: unknown verb {args.name!r}")
    print(found.parser().format_help().rstrip())


#: Every verb by name, in the order ``%protoweb?`` lists them.
VERBS: dict[str, Verb] = {
    item.name: item
    for item in (
        verbs.status,
        verbs.routes,
        verbs.log,
        verbs.show,
        verbs.open_,
        verbs.request,
        verbs.stop,
        verbs.start,
        verbs.restart,
        verbs.panel,
        help_,
        edit.edit,
        export_verb.export,
    )
}


def run_line(bench: Workbench, line: str) -> Any:
    """Run one ``%protoweb`` line."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise UsageError(f"%protoweb: cannot read {line!r}: {error}") from None
    if not words:
        words = ["status"]
    name, rest = words[0], words[1:]
    found = VERBS.get(name)
    if found is None:
        known = ", ".join(VERBS)
        raise UsageError(f"%protoweb: unknown verb {name!r}; the verbs are: {known}")
    return found.run(bench, rest)
