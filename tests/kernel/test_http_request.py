"""``%protoweb request``'s client: headers, bodies, and what is shown."""

from __future__ import annotations

import pytest

from kernel_ext.http_request import (
    HttpResult,
    RequestInputError,
    body_content_type,
    format_result,
    parse_header,
)


def test_parse_header() -> None:
    assert parse_header("X-Test:  a: b ") == ("X-Test", "a: b")
    with pytest.raises(RequestInputError, match="Name: value"):
        parse_header("no colon")
    with pytest.raises(RequestInputError):
        parse_header("Bad Name: x")


def test_body_content_type_like_curl_but_json_when_json() -> None:
    assert body_content_type("a=1&b=2") == "application/x-www-form-urlencoded"
    assert body_content_type('{"a": 1}') == "application/json"
    assert body_content_type("[1, 2]") == "application/json"
    assert body_content_type("{not json") == "application/x-www-form-urlencoded"


def test_format_result_pretty_prints_json() -> None:
    result = HttpResult(
        201, "CREATED", "HTTP/1.1", [("Content-Type", "application/json")], b'{"a":1}'
    )
    assert format_result(result) == (
        'HTTP/1.1 201 CREATED\nContent-Type: application/json\n\n{\n  "a": 1\n}'
    )
