"""The hook registry: replaced by name, error handlers found by code or class."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import Forbidden, NotFound

from protoweb.hooks import Hooks


def test_a_hook_replaces_its_namesake_and_keeps_order():
    hooks = Hooks()

    def first():
        return 1

    def second():
        return 2

    hooks.add("before_request", first)
    hooks.add("before_request", second)

    def first():  # noqa: F811 - a re-run cell defines it again
        return 3

    hooks.add("before_request", first)
    assert [f() for f in hooks.of("before_request")] == [3, 2]
    hooks.remove("first")
    assert list(hooks.funcs["before_request"]) == ["second"]


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown hook kind 'before'"):
        Hooks().add("before", lambda: None)


def test_error_handlers_by_code_class_and_mro():
    hooks = Hooks()

    def by_code(error):
        return "code"

    def by_class(error):
        return "class"

    assert hooks.add_error_handler(NotFound, by_code) == (404, NotFound)
    hooks.add_error_handler(LookupError, by_class)
    assert hooks.error_handler_for(NotFound()) is by_code
    assert hooks.error_handler_for(KeyError("k")) is by_class
    assert hooks.error_handler_for(Forbidden()) is None
    assert hooks.snapshot()["errorhandler"] == (by_code, by_class)


def test_an_http_error_handler_is_removed_by_its_class_or_its_code():
    hooks = Hooks()
    hooks.add_error_handler(404, lambda error: "code")
    assert hooks.remove_error_handler(NotFound) == (404, NotFound)
    assert hooks.error_handler_for(NotFound()) is None
    hooks.add_error_handler(NotFound, lambda error: "class")
    hooks.remove_error_handler(404)
    assert hooks.error_handler_for(NotFound()) is None


def test_remove_hook_of_one_kind_keeps_its_namesakes_of_other_kinds() -> None:
    from protoweb import App

    app = App(__name__)

    def stamp(response=None):
        return response

    app.before_request(stamp)
    app.after_request(stamp)
    app.remove_hook("stamp", "before_request")
    assert None not in app.before_request_funcs
    assert app.after_request_funcs[None] == (stamp,)
    with pytest.raises(ValueError, match="unknown hook kind"):
        app.remove_hook("stamp", "before")
