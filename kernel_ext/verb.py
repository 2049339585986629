"""One ``%protoweb`` verb: its usage, summary, arguments and handler.

A verb is made with :func:`verb` over a ``handler(bench, args)`` that takes the
:class:`~kernel_ext.workbench.Workbench` (what every verb works on) and the parsed
arguments; :data:`kernel_ext.verb_table.VERBS` lists them all. Arguments are
parsed by an IPython :class:`~IPython.core.magic_arguments.MagicArgumentParser`,
so bad input is a ``UsageError``::

    @verb("export", "DIR [--name NAME]", "write the app as a package", arguments=[
        argument("dir"), argument("--name"),
    ])
    def export(bench, args):
        ...
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from IPython.core.magic_arguments import MagicArgumentParser

if TYPE_CHECKING:
    from .workbench import Workbench


@dataclass(frozen=True)
class Argument:
    """One ``add_argument`` call for a verb's parser."""

    args: tuple[str, ...]
    kwargs: dict[str, Any]


def argument(*args: str, **kwargs: Any) -> Argument:
    return Argument(args, kwargs)


VerbHandler = Callable[["Workbench", Any], Any]


@dataclass(frozen=True)
class Verb:
    """A ``%protoweb`` command.

    :param path_argument: the name of the argument that is a URL path, for tab
        completion of known paths.
    """

    name: str
    usage: str
    summary: str
    handler: VerbHandler
    arguments: tuple[Argument, ...] = ()
    path_argument: str | None = None

    def parser(self) -> MagicArgumentParser:
        # argparse's own formatter: IPython's adds a ``::`` and a second ``%``
        parser = MagicArgumentParser(
            prog=f"%protoweb {self.name}",
            description=self.summary,
            formatter_class=argparse.HelpFormatter,
        )
        for item in self.arguments:
            parser.add_argument(*item.args, **item.kwargs)
        return parser

    def run(self, bench: Workbench, words: list[str]) -> Any:
        args = self.parser().parse_args(words)
        return self.handler(bench, args)


def verb(
    name: str,
    usage: str,
    summary: str,
    arguments: list[Argument] | None = None,
    path_argument: str | None = None,
) -> Callable[[VerbHandler], Verb]:
    """Make ``handler(bench, args)`` the verb ``%protoweb NAME``."""

    def decorator(handler: VerbHandler) -> Verb:
        return Verb(
            name, usage, summary, handler, tuple(arguments or ()), path_argument
        )

    return decorator
