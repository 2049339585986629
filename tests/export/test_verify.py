"""What an export's check says when a replayed answer differs from the live one."""

from __future__ import annotations

import pytest

from protoweb.export.replay import ReplayResponse
from protoweb.export.verify import difference


@pytest.mark.parametrize(
    ("live", "exported", "said"),
    [
        (
            ReplayResponse(200, "text/css", b"h1 {}"),
            ReplayResponse(404, "text/html", b"missing"),
            "the exported app answers 404 text/html with 7 bytes where the session"
            " answered 200 text/css with 5 bytes",
        ),
        (
            ReplayResponse(200, "text/css", b"body {}\nh1 { color: teal }\n"),
            ReplayResponse(200, "text/css", b"body {}\nh1 { color: navy }\n"),
            "the exported app answers 200 text/css with 27 bytes like the session,"
            " but line 2 differs: the session sent 'h1 { color: teal }', the export"
            " 'h1 { color: navy }'",
        ),
        (
            ReplayResponse(200, "image/png", b"\x89PNG\x00\x01"),
            ReplayResponse(200, "image/png", b"\x89PNG\x00\x02"),
            "the exported app answers 200 image/png with 6 bytes like the session:"
            " same size, different bytes at offset 5",
        ),
    ],
    ids=["numbers", "first-differing-line", "first-differing-byte"],
)
def test_a_difference_is_said_in_one_line(
    live: ReplayResponse, exported: ReplayResponse, said: str
) -> None:
    assert difference(live, exported) == said
