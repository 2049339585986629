"""The fast matcher gives Werkzeug's answers: same rule, same arguments, or it defers.

The differential test builds rule sets and paths with hypothesis and matches each
path with both Werkzeug's ``MapAdapter.match`` and :class:`FastMatcher`.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, Map, RequestRedirect, Rule

from protoweb.matching import FastMatcher

WORDS = ["a", "b", "user", "x", "page", "ä"]
SIMPLE_VARIABLES = [
    "<v{i}>",
    "<int:v{i}>",
    "<float:v{i}>",
    "<uuid:v{i}>",
    "<any(a, b, user):v{i}>",
    "<string(length=2):v{i}>",
    "<int(signed=True):v{i}>",
    "<int(max=99):v{i}>",
    "x-<v{i}>.txt",
]
PATH_VARIABLE = "<path:v{i}>"
SAMPLE_UUID = "a8098c1a-f86e-11da-bd1a-00112444be1e"
PATH_PIECES = [
    *WORDS,
    "1",
    "42",
    "123",
    "-5",
    "1.5",
    "²",
    "ab",
    "x-1.txt",
    "x-.txt",
    SAMPLE_UUID,
    "",
]


class ListConverter(BaseConverter):
    """A custom converter: the fast path must leave its rules to Werkzeug."""

    def to_python(self, value: str) -> list[str]:
        return value.split(",")


@st.composite
def rule_strings(draw: Any, slash_after_path: bool) -> str:
    count = draw(st.integers(0, 4))
    segments = []
    for i in range(count):
        kind = draw(st.sampled_from(["static", "static", "variable", "path"]))
        if kind == "static":
            segments.append(draw(st.sampled_from(WORDS)))
        elif kind == "variable":
            segments.append(draw(st.sampled_from(SIMPLE_VARIABLES)).format(i=i))
        else:
            segments.append(PATH_VARIABLE.format(i=i))
            break
    rule = "/" + "/".join(segments)
    if segments and draw(st.booleans()) and (slash_after_path or "path:" not in rule):
        rule += "/"
    return rule


@st.composite
def rule_sets(draw: Any, exotic: bool) -> list[Rule]:
    rules = []
    for n, string in enumerate(
        draw(st.lists(rule_strings(exotic), min_size=1, max_size=8))
    ):
        methods = draw(st.sampled_from([None, ["GET"], ["POST"], ["GET", "POST"]]))
        options: dict[str, Any] = {}
        if exotic:
            options["strict_slashes"] = draw(st.sampled_from([None, False]))
            if draw(st.integers(0, 5)) == 0:
                options["redirect_to"] = "/a"
            if draw(st.integers(0, 5)) == 0 and "<" not in string:
                options["defaults"] = {"page": 1}
        endpoint = draw(st.sampled_from([f"e{n}", "shared"]))
        rules.append(Rule(string, endpoint=endpoint, methods=methods, **options))
    if exotic and draw(st.booleans()):
        rules.append(Rule("/l/<list:items>", endpoint="custom"))
    return rules


paths = st.lists(st.sampled_from(PATH_PIECES), min_size=0, max_size=5).map(
    lambda pieces: "/" + "/".join(pieces)
) | st.sampled_from(["//a", "/a//b", "//", "/user//x", "///"])


def werkzeug_answer(url_map: Map, path: str, method: str) -> Any:
    try:
        return url_map.bind("localhost").match(path, method, return_rule=True)
    except (HTTPException, RequestRedirect) as error:
        return type(error)


def check(rules: list[Rule], path: str, method: str, must_answer: bool) -> None:
    url_map = Map(rules, converters={"list": ListConverter})
    expected = werkzeug_answer(url_map, path, method)
    fast = FastMatcher.build(url_map)
    assert fast is not None
    got = fast.match(path, method)
    if got is not None:
        assert isinstance(expected, tuple), (path, method, got, expected)
        assert got[0] is expected[0], (path, method, got, expected)
        assert got[1] == expected[1]
    elif must_answer:
        assert not isinstance(expected, tuple), (path, method, expected)


@settings(
    max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(rule_sets(exotic=False), paths, st.sampled_from(["GET", "POST", "HEAD"]))
def test_common_rules_answer_exactly_as_werkzeug(
    rules: list[Rule], path: str, method: str
) -> None:
    """Without exotic features, every path Werkzeug matches is matched, identically."""
    check(rules, path, method, must_answer=True)


@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(rule_sets(exotic=True), paths, st.sampled_from(["GET", "POST"]))
def test_exotic_rules_never_answer_differently(
    rules: list[Rule], path: str, method: str
) -> None:
    """With redirects, defaults, lenient slashes and custom converters, the fast
    path may defer to Werkzeug but never gives a different answer."""
    check(rules, path, method, must_answer=False)


def test_werkzeug_layout_is_understood() -> None:
    """Fails loudly if a Werkzeug upgrade changes the internals the fast path reads."""
    url_map = Map([Rule("/user/<name>", endpoint="user")])
    fast = FastMatcher.build(url_map)
    assert fast is not None, "werkzeug's matcher internals changed: update matching.py"
    rule, arguments = fast.match("/user/alice", "GET")  # type: ignore[misc]
    assert rule.endpoint == "user" and arguments == {"name": "alice"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/user/alice", ("user", {"name": "alice"})),
        ("/page/7", ("page", {"n": 7})),
        ("/files/a/b.txt", ("files", {"p": "a/b.txt"})),
        ("/page/x", None),  # Werkzeug: 404
        ("/dir", None),  # Werkzeug: redirect to /dir/
        ("/custom/a,b", None),  # custom converter: Werkzeug decides
    ],
)
def test_answers_or_defers(path: str, expected: Any) -> None:
    url_map = Map(
        [
            Rule("/user/<name>", endpoint="user"),
            Rule("/page/<int:n>", endpoint="page"),
            Rule("/files/<path:p>", endpoint="files"),
            Rule("/dir/", endpoint="dir"),
            Rule("/custom/<list:items>", endpoint="custom"),
        ],
        converters={"list": ListConverter},
    )
    fast = FastMatcher.build(url_map)
    assert fast is not None
    got = fast.match(path, "GET")
    if expected is None:
        assert got is None
    else:
        assert got is not None and (got[0].endpoint, got[1]) == expected


def test_maps_that_depend_on_the_host_get_no_fast_path() -> None:
    assert FastMatcher.build(Map([Rule("/", endpoint="i")], host_matching=True)) is None
    subdomain = Map([Rule("/", endpoint="i", subdomain="api")])
    assert FastMatcher.build(subdomain) is None
