"""``tests/test_app.py``: the requests made while prototyping, as pytest tests.

One test per request, in the order they were made, on one app and one client
(so a ``POST`` that adds an item is seen by the ``GET`` after it, as it was in
the session). Each checks the status, the content type and the body; a JSON body
is compared as data, a large one by its SHA-256. A request that could not be
replayed faithfully is left out with a comment that says why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .replay import (
    CREDENTIAL_HELPER,
    ReplayRequest,
    ReplayResponse,
    is_text_type,
    python_literal,
)

#: Bodies longer than this are compared by their SHA-256.
LITERAL_LIMIT = 4096
WIDTH = 88


@dataclass(frozen=True)
class RecordedCase:
    """A recorded request that becomes a test.

    :param number: its place among the session's requests, from 1.
    """

    number: int
    request: ReplayRequest
    expected: ReplayResponse


@dataclass(frozen=True)
class LeftOut:
    """A recorded request that does not become a test, and why."""

    number: int
    request: ReplayRequest
    reason: str

    def describe(self) -> str:
        return f"{self.request.summary()} (request {self.number}): {self.reason}"


def _test_name(case: RecordedCase, taken: set[str]) -> str:
    words = re.sub(r"<[^>]*>|[^0-9A-Za-z]+", "_", case.request.path).strip("_").lower()
    base = f"test_{case.number:02d}_{case.request.method.lower()}_{words or 'index'}"
    base = base[:60].rstrip("_")
    name, suffix = base, 2
    while name in taken:
        name, suffix = f"{base}_{suffix}", suffix + 1
    taken.add(name)
    return name


def _string_pieces(text: str, room: int) -> list[str]:
    """``text`` cut at line ends, then at spaces, into literals of at most ``room``."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True) or [text]:
        current = ""
        for word in re.findall(r"\S*\s*", line):
            if current and len(python_literal(current + word)) > room:
                pieces.append(current)
                current = ""
            current += word
            while len(python_literal(current)) > room and len(current) > 1:
                cut = max(room - 2, 1)
                while cut > 1 and len(python_literal(current[:cut])) > room:
                    cut -= 1
                pieces.append(current[:cut])
                current = current[cut:]
        pieces.append(current)
    return [piece for piece in pieces if piece] or [""]


def format_literal(value: Any, indent: int = 0, used: int = 0) -> str:
    """``value`` (JSON-like data or a string) as Python source within 88 columns.

    :param indent: the indentation of the line the literal starts on.
    :param used: the columns already taken on that line.
    """
    one_line = python_literal(value)
    if used + len(one_line) <= WIDTH:
        return one_line
    inner = " " * (indent + 4)
    room = WIDTH - len(inner)
    if isinstance(value, str):
        pieces = _string_pieces(value, room)
        body = "".join(f"{inner}{python_literal(piece)}\n" for piece in pieces)
    elif isinstance(value, bytes):
        chunks = [value[i : i + 16] for i in range(0, len(value), 16)]
        body = "".join(f"{inner}{chunk!r}\n" for chunk in chunks)
    elif isinstance(value, list | tuple):
        body = "".join(
            f"{inner}{format_literal(item, indent + 4, len(inner) + 1)},\n"
            for item in value
        )
        opening, closing = ("[", "]") if isinstance(value, list) else ("(", ")")
        return f"{opening}\n{body}{' ' * indent}{closing}"
    elif isinstance(value, dict):
        lines = []
        for key, item in value.items():
            head = f"{inner}{python_literal(key)}: "
            lines.append(f"{head}{format_literal(item, indent + 4, len(head) + 1)},\n")
        return "{\n" + "".join(lines) + " " * indent + "}"
    else:
        return one_line
    return f"(\n{body}{' ' * indent})"


def _compared_by_digest(expected: ReplayResponse) -> bool:
    """Whether the test compares the body by its SHA-256: large, and not JSON."""
    body = expected.body
    return (
        body is not None
        and len(body) > LITERAL_LIMIT
        and expected.json_value() is NotImplemented
    )


def _body_assertions(expected: ReplayResponse) -> list[str]:
    body = expected.body
    if body is None:
        return ["# the body was too large to be recorded: not compared"]
    value = expected.json_value()
    if value is not NotImplemented:
        prefix = "assert response.get_json() == "
        return [prefix + format_literal(value, 4, 4 + len(prefix))]
    if _compared_by_digest(expected):
        digest = hashlib.sha256(body).hexdigest()
        return [
            f"# a {len(body):,}-byte body, compared by its SHA-256",
            "digest = hashlib.sha256(response.data).hexdigest()",
            f'assert digest == "{digest}"',
        ]
    if is_text_type(expected.content_type):
        try:
            text = body.decode()
        except UnicodeDecodeError:
            pass
        else:
            prefix = "assert response.get_data(as_text=True) == "
            return [prefix + format_literal(text, 4, 4 + len(prefix))]
    prefix = "assert response.data == "
    return [prefix + format_literal(body, 4, 4 + len(prefix))]


def render_case(case: RecordedCase, name: str) -> str:
    """One test function."""
    expected = case.expected
    lines = [
        f"def {name}(client):",
        f"    response = {case.request.call_source()}",
        f"    assert response.status_code == {expected.status}",
    ]
    if expected.content_type is not None:
        content_type = python_literal(expected.content_type)
        lines.append(f"    assert response.content_type == {content_type}")
    lines.extend(f"    {line}" for line in _body_assertions(expected))
    return "\n".join(lines)


def render_left_out(item: LeftOut) -> str:
    text = (
        f"{item.request.summary()} (request {item.number}) is left out: {item.reason}."
    )
    words, lines, line = text.split(), [], "#"
    for word in words:
        if len(line) + len(word) + 1 > 79:
            lines.append(line)
            line = "#"
        line += f" {word}"
    lines.append(line)
    return "\n".join(lines)


def render_routes_test(routes: Sequence[tuple[str, tuple[str, ...], str]]) -> str:
    """A test that the exported app has the session's route table."""
    expected = format_literal(sorted(routes), 4, len("    assert routes == "))
    return "\n".join(
        [
            "def test_routes():",
            '    hidden = {"HEAD", "OPTIONS"}',
            "    routes = sorted(",
            "        (rule.rule, tuple(sorted(rule.methods - hidden)), rule.endpoint)",
            "        for rule in app.url_map.iter_rules()",
            '        if rule.endpoint != "static"',
            "    )",
            f"    assert routes == {expected}",
        ]
    )


#: The key the generated tests sign sessions with (the app's own comes from the
#: environment, never from the notebook).
TEST_SECRET_KEY = "test-only-key-not-secret"


def render_tests(
    package: str,
    items: Sequence[RecordedCase | LeftOut],
    routes: Sequence[tuple[str, tuple[str, ...], str]],
    *,
    secret_key: bool = False,
) -> str:
    """The text of ``tests/test_app.py`` for ``package``.

    :param secret_key: the app uses ``SECRET_KEY``; the tests set their own.
    """
    cases = [item for item in items if isinstance(item, RecordedCase)]
    uses_hash = any(_compared_by_digest(case.expected) for case in cases)
    uses_environ = any(case.request.credentials for case in cases)
    imports = sorted(
        [*(["import hashlib"] if uses_hash else []),
         *(["import os"] if uses_environ else [])]
    )  # fmt: skip
    header = [
        f'"""The requests made while prototyping {package}, replayed against the app.',
        "",
        "They run in the order they were made, on one app and one client, as in the",
        "session: run the whole file, not one test alone. Each checks the status, the",
        "content type and the body (a JSON body as data).",
        '"""',
        "",
        *([*imports, ""] if imports else []),
        "import pytest",
        "",
        f"from {package}.app import app",
        "",
        "",
        '@pytest.fixture(scope="module")',
        "def client():",
        '    app.config["TESTING"] = True',
        *([f'    app.config["SECRET_KEY"] = "{TEST_SECRET_KEY}"'] * secret_key),
        "    return app.test_client()",
    ]
    blocks = ["\n".join(header), render_routes_test(routes)]
    if uses_environ:
        blocks.insert(1, CREDENTIAL_HELPER)
    taken: set[str] = set()
    for item in items:
        if isinstance(item, LeftOut):
            blocks.append(render_left_out(item))
        else:
            blocks.append(render_case(item, _test_name(item, taken)))
    return "\n\n\n".join(blocks) + "\n"
