"""The generated tests read like hand-written ones and stay within 88 columns."""

from __future__ import annotations

from protoweb.export.replay import ReplayRequest, ReplayResponse
from protoweb.export.tests_gen import (
    LeftOut,
    RecordedCase,
    format_literal,
    render_tests,
)


def test_short_values_stay_on_one_line() -> None:
    assert format_literal({"items": ["milk"], "n": 1, "ok": True}) == (
        '{"items": ["milk"], "n": 1, "ok": True}'
    )


def test_long_values_break_like_black() -> None:
    value = {"items": [f"item number {n}" for n in range(8)], "count": 8}
    text = format_literal(value, 4, 34)
    assert text.startswith('{\n        "items": [\n            "item number 0",\n')
    assert text.endswith('        "count": 8,\n    }')
    assert all(len(line) <= 88 for line in text.splitlines())


def test_long_text_is_cut_at_line_ends_and_spaces() -> None:
    text = format_literal("<h1>Title</h1>\n" + "word " * 30, 4, 46)
    lines = text.splitlines()
    assert lines[0] == "(" and lines[1] == '        "<h1>Title</h1>\\n"'
    assert all(len(line) <= 88 for line in lines)
    assert eval(text) == "<h1>Title</h1>\n" + "word " * 30


def test_a_test_file_replays_in_order_and_explains_what_it_left_out() -> None:
    items: list[RecordedCase | LeftOut] = [
        RecordedCase(
            1,
            ReplayRequest(
                "POST",
                "/items",
                data=b"text=tea",
                content_type="application/x-www-form-urlencoded",
            ),
            ReplayResponse(200, "application/json", b'{"count": 1}\n'),
        ),  # fmt: skip
        LeftOut(2, ReplayRequest("GET", "/now"), "it answered differently each time"),
        RecordedCase(
            3,
            ReplayRequest("GET", "/", query_string="page=2"),
            ReplayResponse(200, "text/html; charset=utf-8", b"<p>tea</p>"),
        ),  # fmt: skip
    ]
    text = render_tests("shop", items, [("/", ("GET",), "index")])
    assert "from shop.app import app" in text
    assert (
        "def test_01_post_items(client):\n"
        "    response = client.post(\n"
        '        "/items",\n'
        '        data="text=tea",\n'
        '        content_type="application/x-www-form-urlencoded",\n'
        "    )\n"
        "    assert response.status_code == 200\n"
        '    assert response.content_type == "application/json"\n'
        '    assert response.get_json() == {"count": 1}\n'
    ) in text
    assert (
        "# GET /now (request 2) is left out: it answered differently each time." in text
    )
    assert 'response = client.get("/", query_string="page=2")' in text
    assert text.index("test_01") < text.index("request 2") < text.index("test_03")
    compile(text, "test_app.py", "exec")
