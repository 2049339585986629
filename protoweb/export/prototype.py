"""What an export starts from: a prototype's cells, its views, its app, its requests.

The caller (``kernel_ext``, for a notebook or a terminal session) builds these
from its cell history; the exporter never sees IPython syntax: each :class:`Cell`
arrives as plain Python, notebook-only lines already turned into calls on
``get_ipython()`` (IPython's own input transformer does that), which the exporter
recognises and leaves out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..app import App
    from ..devtools.log import RequestRecord


@dataclass(frozen=True)
class Cell:
    """One cell run: the text typed and the plain Python it ran as.

    :param source: the cell as typed (IPython syntax and all), for messages.
    :param python: the same cell as Python, line for line where possible; a cell
        that holds no Python (``%%template``) has none.
    :param execution_count: the ``N`` of ``In [N]``, for messages and to place
        the :class:`ViewSource` objects made by the run.
    :param cell_id: the front end's id of the cell; runs of one cell share it,
        which tells the exporter that a later run replaced an earlier one.
    :param name: how messages name the cell when it has no number.
    """

    source: str
    python: str
    execution_count: int | None = None
    cell_id: str | None = None
    name: str = "a cell"

    @property
    def label(self) -> str:
        """``In [4]``, or :attr:`name` when the run has no number."""
        if self.execution_count is None:
            return self.name
        return f"In [{self.execution_count}]"

    def typed_line(self, number: int) -> str | None:
        """Line ``number`` (1-based) as typed, when the typed text lines up with the
        Python."""
        typed, python = self.source.split("\n"), self.python.rstrip("\n").split("\n")
        if len(typed) < len(python) or not 1 <= number <= len(typed):
            return None
        return typed[number - 1]


@dataclass(frozen=True)
class ViewSource:
    """A view whose source is not the text of a cell, as ordinary Python.

    A ``%%route`` cell stands for ``@app.route(rule, methods=[...])`` over a
    ``def``; ``%protoweb edit`` registers the text of a file. The exporter writes
    the view where the run that made it was.

    :param execution_count: that run (``None``: after every cell).
    """

    endpoint: str
    source: str
    execution_count: int | None = None
    cell_id: str | None = None


@dataclass(frozen=True)
class Prototype:
    """Everything an export reads.

    :param app: the live :class:`~protoweb.App`: its endpoints decide which views
        are exported, its templates, static files and config are written out.
    :param cells: the cell runs, in the order they ran (the names the caller put
        in the namespace itself, such as ``app``, made by a first cell).
    :param views: the views whose source is in no cell.
    :param records: the requests made while prototyping
        (:class:`~protoweb.devtools.log.RequestRecord`), oldest first; they become
        the exported tests.
    :param app_name: the name the app has in the cells.
    """

    app: App
    cells: Sequence[Cell]
    views: Sequence[ViewSource] = ()
    records: Sequence[RequestRecord] = ()
    app_name: str = "app"
