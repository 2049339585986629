"""Cell ownership and the one-line route table diff."""

from __future__ import annotations

from kernel_ext.ownership import CellOwnership, format_diff, snapshot, table_diff
from protoweb import App


def test_diff_added_replaced_removed() -> None:
    app = App("t")
    app.add_url_rule("/b", "b", lambda: "b", methods=["POST"])
    app.add_url_rule("/old", "old", lambda: "o")
    before = snapshot(app)
    app.add_url_rule("/a", "a", lambda: "a")
    app.add_url_rule("/b", "b", lambda: "b2", methods=["POST"])
    app.remove_route("old")
    assert format_diff(table_diff(before, snapshot(app))) == (
        "+GET /a  ~POST /b  -GET /old"
    )


def test_snapshot_leaves_out_the_static_route_head_and_options() -> None:
    app = App("t")
    app.add_url_rule("/x", "x", lambda: "x")
    assert list(snapshot(app)) == [("GET", "/x")]


def test_settle_returns_what_the_cell_no_longer_defines() -> None:
    owners = CellOwnership()
    assert owners.settle("c1", {("route", "a"), ("route", "b")}) == set()
    assert owners.settle("c1", {("route", "a")}) == {("route", "b")}
    assert owners.cell_of(("route", "a")) == "c1"


def test_an_item_claimed_by_another_cell_is_not_removed() -> None:
    owners = CellOwnership()
    owners.settle("c1", {("route", "a")})
    owners.settle("c2", {("route", "a")})
    assert owners.settle("c1", set()) == set()
    assert owners.cell_of(("route", "a")) == "c2"


def test_forget() -> None:
    owners = CellOwnership()
    owners.settle("c1", {("template", "t.html")})
    owners.forget(("template", "t.html"))
    assert owners.settle("c1", set()) == set()
