"""What an export's check says when a replayed answer differs from the live one."""

from __future__ import annotations

from protoweb.export.replay import ReplayResponse
from protoweb.export.verify import difference


def test_a_different_size_or_status_is_shown_as_numbers() -> None:
    live = ReplayResponse(200, "text/css", b"h1 {}")
    exported = ReplayResponse(404, "text/html", b"missing")
    assert difference(live, exported) == (
        "the exported app answers 404 text/html with 7 bytes where the session"
        " answered 200 text/css with 5 bytes"
    )


def test_same_size_text_names_the_first_differing_line() -> None:
    live = ReplayResponse(200, "text/css", b"body {}\nh1 { color: teal }\n")
    exported = ReplayResponse(200, "text/css", b"body {}\nh1 { color: navy }\n")
    assert difference(live, exported).endswith(
        "line 2 differs: the session sent 'h1 { color: teal }',"
        " the export 'h1 { color: navy }'"
    )


def test_same_size_binary_names_the_first_differing_byte() -> None:
    live = ReplayResponse(200, "image/png", b"\x89PNG\x00\x01")
    exported = ReplayResponse(200, "image/png", b"\x89PNG\x00\x02")
    assert difference(live, exported) == (
        "the exported app answers 200 image/png with 6 bytes like the session:"
        " same size, different bytes at offset 5"
    )
