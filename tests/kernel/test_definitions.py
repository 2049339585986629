"""What a cell can own besides routes: found, compared and removed."""

from __future__ import annotations

from kernel_ext.definitions import (
    changed,
    definitions,
    remove_definition,
    still_named,
)
from protoweb import App, Blueprint


def test_definitions_lists_app_and_blueprint_items() -> None:
    app = App("t")
    bp = Blueprint("admin", __name__)

    @app.template_filter("shout")
    def shout(text: str) -> str:
        return text.upper()

    @bp.route("/users")
    def users() -> str:
        return "u"

    @bp.before_app_request
    def guard() -> None:
        return None

    @app.errorhandler(404)
    def missing(error: Exception) -> str:
        return "m"

    found = definitions(app, {"bp": bp})
    assert found[("template_filters", "shout")] is shout
    assert ("bp_route", "admin.users") in found
    assert found[("bp_hook", "admin.app_before_request guard")] is guard
    assert found[("errorhandler", "404")] is missing
    assert ("template_filters", "upper") not in changed(found, definitions(app, {}))


def test_a_redefined_function_is_changed_and_removal_uses_public_methods() -> None:
    app = App("t")
    bp = Blueprint("admin", __name__)
    app.register_blueprint(bp)
    bp.add_url_rule("/a", "a", lambda: "a")
    before = definitions(app, {"bp": bp})
    bp.add_url_rule("/a", "a", lambda: "a2")
    assert changed(before, definitions(app, {"bp": bp})) == {("bp_route", "admin.a")}
    remove_definition(app, {"bp": bp}, "bp_route", "admin.a")
    assert "admin.a" not in app.endpoints


def test_still_named_needs_the_name_and_a_hooks_kind() -> None:
    assert still_named(("template_filters", "money"), "filters['money'] = money")
    assert not still_named(
        ("template_filters", "shout"), "@app.template_filter('yell')"
    )
    hook = ("hook", "before_request check")
    assert still_named(hook, "app.before_request(check)")
    assert not still_named(hook, "@app.after_request\ndef check(r): ...")
    bp_hook = ("bp_hook", "admin.app_before_request guard")
    assert still_named(bp_hook, "@bp.before_app_request\ndef guard(): ...")
