"""What an export starts from: the session's cells, its app and its requests.

``kernel_ext`` builds a :class:`SessionSource` from IPython's history; ``protoweb
export NOTEBOOK.ipynb`` builds one by running the notebook. Nothing here knows
about IPython: cells are plain text, as they were typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import App
    from ..devtools.log import RequestRecord


@dataclass(frozen=True)
class Cell:
    """One cell run, with the text it ran (IPython syntax and all).

    :param execution_count: the ``N`` of ``In [N]``, for messages.
    :param cell_id: the front end's id of the cell; runs of one cell share it,
        which tells the exporter that a later run replaced an earlier one.
    """

    source: str
    execution_count: int | None = None
    cell_id: str | None = None

    @property
    def label(self) -> str:
        """``In [4]``, or ``a cell`` when the run has no number."""
        if self.execution_count is None:
            return "a cell"
        return f"In [{self.execution_count}]"


@dataclass(frozen=True)
class ViewSource:
    """The ordinary Python that a ``%%route`` cell stands for.

    :param source: ``@app.route(rule, methods=[...])`` over a ``def``.
    :param execution_count: the run of the ``%%route`` cell that made it, if known;
        the view is written where that cell ran.
    :param magic: made by ``%%route``. Other views (a decorated function, one
        re-registered by ``%protoweb edit``) are used only when their source is not
        part of the cell that ran, since the cell itself is their source otherwise.
    """

    endpoint: str
    source: str
    execution_count: int | None = None
    cell_id: str | None = None
    magic: bool = True


@dataclass
class SessionSource:
    """Everything an export reads from a session.

    :param app: the live :class:`~protoweb.App`: its endpoints decide which views
        are exported, its templates, static files and config are written out.
    :param cells: the cells in the order they ran: :class:`Cell` objects, plain
        strings, or any object with ``source`` (and optionally
        ``execution_count`` and ``cell_id``) attributes.
    :param definitions: endpoint -> the generated source of each ``%%route`` view,
        as a string, a :class:`ViewSource`, or an object with a ``source`` attribute.
    :param records: the requests made while prototyping
        (:class:`~protoweb.devtools.log.RequestRecord`), oldest first; they become
        the exported tests.
    :param preamble: source that makes the names the notebook extension put in the
        namespace by itself (``from protoweb import request``); it counts as having
        run before the first cell.
    :param app_name: the name the app has in the cells.
    """

    app: App
    cells: Sequence[Any]
    definitions: Mapping[str, Any] = field(default_factory=dict)
    records: Sequence[RequestRecord] = ()
    preamble: Sequence[str] = ()
    app_name: str = "app"

    def cell_runs(self) -> list[Cell]:
        """The cells as :class:`Cell` objects, in the order they ran."""
        return [as_cell(item) for item in self.cells]

    def preamble_cell(self) -> Cell | None:
        """The preamble as one cell, or ``None`` when there is none."""
        text = "\n".join(part.strip("\n") for part in self.preamble if part.strip())
        return Cell(text) if text else None

    def view_sources(self) -> list[ViewSource]:
        """The ``%%route`` views as :class:`ViewSource` objects (empty ones dropped)."""
        views = []
        for endpoint, item in self.definitions.items():
            view = as_view_source(endpoint, item)
            if view is not None:
                views.append(view)
        return views


def as_cell(item: Any) -> Cell:
    """A :class:`Cell` from a string, a :class:`Cell` or a cell-like object."""
    if isinstance(item, Cell):
        return item
    if isinstance(item, str):
        return Cell(item)
    source = getattr(item, "source", None)
    if not isinstance(source, str):
        raise TypeError(
            f"a session cell must be a str or have a 'source', not {item!r}"
        )
    return Cell(
        source,
        getattr(item, "execution_count", None),
        getattr(item, "cell_id", None),
    )


def as_view_source(endpoint: str, item: Any) -> ViewSource | None:
    """A :class:`ViewSource` from a string or a definition-like object."""
    if isinstance(item, ViewSource):
        return item
    if isinstance(item, str):
        return ViewSource(endpoint, item)
    kind = getattr(item, "kind", "route")
    source = getattr(item, "source", None)
    if kind != "route" or not isinstance(source, str):
        return None
    return ViewSource(
        endpoint,
        source,
        getattr(item, "execution_count", None),
        getattr(item, "cell_id", None),
        getattr(item, "magic", True) is not False,
    )


def session_source(session: Any, app_name: str = "app") -> SessionSource:
    """The :class:`SessionSource` of the notebook extension's session.

    ``session`` is a :class:`kernel_ext.session.Session` (read through its
    attributes only: ``app``, ``cells``, ``definitions``, ``preamble``, ``log``).
    """
    log = getattr(session, "log", None)
    preamble = getattr(session, "preamble", None) or {}
    return SessionSource(
        app=session.app,
        cells=list(session.cells),
        definitions=dict(getattr(session, "definitions", {})),
        records=log.records() if log is not None else [],
        preamble=list(preamble.values())
        if isinstance(preamble, Mapping)
        else list(preamble),
        app_name=app_name,
    )
