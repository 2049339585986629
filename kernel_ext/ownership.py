"""Which cell defined what, and how a run changed the route table.

A cell owns the routes, templates and static files it registered on its last
successful run. When it runs again, whatever it no longer defines is stale and
gets removed, so a renamed view leaves no orphan route behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from protoweb.routing import rule_methods

if TYPE_CHECKING:
    from protoweb import App
    from protoweb.routing import Endpoint

#: ``("route", endpoint)``, ``("template", name)`` or ``("static", name)``.
Item = tuple[str, str]
#: ``(method, rule) -> (endpoint, view)``.
TableSnapshot = dict[tuple[str, str], tuple[str, object]]

#: Endpoints the app makes for itself; not shown in tables or diffs.
BUILTIN_ENDPOINTS = frozenset({"static"})


def user_endpoints(app: App) -> Iterator[tuple[str, Endpoint]]:
    """The app's endpoints by name, without those it makes for itself."""
    for name, endpoint in app.endpoints.items():
        if name not in BUILTIN_ENDPOINTS:
            yield name, endpoint


def snapshot(app: App) -> TableSnapshot:
    """The route table as ``(method, rule) -> (endpoint, view)``."""
    table: TableSnapshot = {}
    for name, endpoint in user_endpoints(app):
        for rule in endpoint.rules:
            for method in rule_methods(rule):
                table[(method, rule.rule)] = (name, endpoint.view)
    return table


def table_diff(before: TableSnapshot, after: TableSnapshot) -> list[str]:
    """``["+GET /a", "~POST /b", "-GET /old"]``: added, replaced, removed."""
    changes: list[tuple[str, str, str]] = []
    for key in after.keys() | before.keys():
        method, rule = key
        if key not in before:
            changes.append((rule, method, "+"))
        elif key not in after:
            changes.append((rule, method, "-"))
        elif after[key] != before[key]:
            changes.append((rule, method, "~"))
    order = {"+": 0, "~": 1, "-": 2}
    changes.sort(key=lambda c: (order[c[2]], c[0], c[1]))
    return [f"{sign}{method} {rule}" for rule, method, sign in changes]


def format_diff(changes: list[str]) -> str:
    """``+GET /a  ~POST /b  -GET /old``."""
    return "  ".join(changes)


class CellOwnership:
    """Items by the cell that owns them, and what a run leaves stale."""

    def __init__(self) -> None:
        self.owned: dict[str, set[Item]] = {}
        self.owner: dict[Item, str] = {}

    def claim(self, cell_id: str, item: Item) -> None:
        """``cell_id`` now defines ``item`` (another cell's claim moves here)."""
        previous = self.owner.get(item)
        if previous is not None and previous != cell_id:
            self.owned.get(previous, set()).discard(item)
        self.owner[item] = cell_id
        self.owned.setdefault(cell_id, set()).add(item)

    def settle(self, cell_id: str, defined: set[Item]) -> set[Item]:
        """A successful run of ``cell_id`` defined ``defined``; return what is stale.

        Stale items were defined by this cell's previous run, not by this one, and
        no other cell has claimed them since.
        """
        stale = {
            item
            for item in self.owned.get(cell_id, set()) - defined
            if self.owner.get(item) == cell_id
        }
        for item in stale:
            del self.owner[item]
        self.owned[cell_id] = {
            item for item in self.owned.get(cell_id, set()) if item not in stale
        }
        for item in defined:
            self.claim(cell_id, item)
        return stale

    def forget(self, item: Item) -> None:
        """``item`` was removed by hand: no cell owns it any more."""
        cell_id = self.owner.pop(item, None)
        if cell_id is not None:
            self.owned.get(cell_id, set()).discard(item)

    def cell_of(self, item: Item) -> str | None:
        return self.owner.get(item)
