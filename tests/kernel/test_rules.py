"""The ``%%route`` line: methods, rule and the default endpoint name."""

from __future__ import annotations

import pytest

from kernel_ext.rules import (
    RouteLineError,
    endpoint_for,
    parse_route_line,
    rule_variables,
)


@pytest.mark.parametrize(
    ("rule", "methods", "endpoint"),
    [
        ("/", ("GET",), "index"),
        ("/api/items/<int:id>", ("GET",), "api_items"),
        ("/my-page", ("GET",), "my_page"),
        ("/items", ("POST",), "post_items"),
        ("/items", ("GET", "POST"), "get_post_items"),
        ("/items", ("POST", "GET"), "get_post_items"),
        ("/", ("POST",), "post_index"),
        ("/<name>", ("GET",), "name"),
        ("/2024/report.csv", ("GET",), "_2024_report_csv"),
        ("/class", ("GET",), "class_"),
        ("/Users/<id>/Edit", ("GET",), "users_edit"),
    ],
)
def test_default_endpoint(rule: str, methods: tuple[str, ...], endpoint: str) -> None:
    assert endpoint_for(rule, methods) == endpoint


def test_parse_methods_rule_and_name() -> None:
    spec = parse_route_line("get,Post /items/<int:item_id>/<name>")
    assert spec.methods == ("GET", "POST")
    assert spec.rule == "/items/<int:item_id>/<name>"
    assert spec.endpoint == "get_post_items"
    assert spec.variables == ("item_id", "name")
    assert parse_route_line("/x", name="custom").endpoint == "custom"
    assert parse_route_line("/x").methods == ("GET",)


def test_rule_variables_with_converter_arguments() -> None:
    assert rule_variables("/a/<string(length=2):code>/<path:rest>") == ("code", "rest")


@pytest.mark.parametrize(
    ("line", "name", "message"),
    [
        ("FETCH /x", None, "unknown HTTP method 'FETCH'"),
        ("x", None, "must start with '/'"),
        ("GET /x extra", None, "usage: %%route"),
        ("/x", "not-valid", "not a valid Python name"),
        ("/x", "class", "not a valid Python name"),
        ("/x/<request>", None, "cannot be a parameter name"),
        ("/x/<a>/<a>", None, "is not a valid rule"),
        ('GET "/x', None, "cannot read"),
    ],
)
def test_bad_lines(line: str, name: str | None, message: str) -> None:
    with pytest.raises(RouteLineError, match=message.replace("%", "%")) as info:
        parse_route_line(line, name)
    assert message in str(info.value)
