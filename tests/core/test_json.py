"""``app.json``, ``protoweb.json`` and the tagged JSON of session cookies: the same
bytes as Flask's for the same values."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import io
import uuid

import flask
import flask.json.tag
import pytest
from markupsafe import Markup

from protoweb import json
from protoweb.json.provider import DefaultJSONProvider, fast_dumps
from protoweb.json.tag import JSONTag, TaggedJSONSerializer


@dataclasses.dataclass
class Point:
    x: int
    y: float


VALUES = [
    {"b": 1, "a": [1, 2, {"z": None, "y": True}]},
    [3, "é", "日本"],
    {"when": datetime.date(2026, 11, 24)},
    {"at": datetime.datetime(2026, 11, 24, 13, 5, 9)},
    {"at": datetime.datetime(2026, 11, 24, 13, 5, 9, tzinfo=datetime.timezone.utc)},
    {"price": decimal.Decimal("1.50"), "id": uuid.UUID(int=7)},
    {"point": Point(1, 2.5)},
    {"html": Markup("<b>x</b>")},
    "plain",
    None,
    1.5,
]


@pytest.fixture
def flask_app():
    return flask.Flask("peer")


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_response_bytes_equal_flasks(app, flask_app, value):
    ours = app.json.response(value)
    theirs = flask_app.json.response(value)
    assert ours.get_data() == theirs.get_data()
    assert ours.headers["Content-Type"] == theirs.headers["Content-Type"]


@pytest.mark.parametrize("value", VALUES[:2] + VALUES[5:7], ids=range(4))
def test_a_view_returning_json_gives_flasks_bytes(app, flask_app, value):
    app.add_url_rule("/", "v", lambda: value)
    flask_app.add_url_rule("/", "v", lambda: value)
    ours = app.test_client().get("/")
    theirs = flask_app.test_client().get("/")
    assert ours.get_data() == theirs.get_data()
    assert ours.headers["Content-Type"] == theirs.headers["Content-Type"]


def test_debug_mode_indents_as_flask(app, flask_app):
    app.debug = flask_app.debug = True
    value = {"b": [1, 2], "a": {"c": "d"}}
    body = app.json.response(value).get_data()
    assert body == flask_app.json.response(value).get_data()
    assert b'\n  "a": {' in body
    app.json.compact = True
    assert app.json.response(value).get_data() == b'{"a":{"c":"d"},"b":[1,2]}\n'


def test_response_arguments_are_flasks(app, flask_app):
    for args, kwargs in [((1, 2), {}), ((), {"b": 1, "a": 2}), ((), {})]:
        ours = app.json.response(*args, **kwargs).get_data()
        assert ours == flask_app.json.response(*args, **kwargs).get_data()
    with pytest.raises(TypeError):
        app.json.response(1, a=2)


def test_provider_settings_change_the_output(app):
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    assert app.json.dumps({"b": "é", "a": 1}) == '{"b": "é", "a": 1}'
    with pytest.raises(TypeError, match="not JSON serializable"):
        app.json.dumps({1, 2})
    app.json.default = sorted
    assert app.json.dumps({2, 1}) == "[1, 2]"


def test_fast_dumps_only_for_the_untouched_default_provider(app):
    dumps = fast_dumps(app.json)
    assert dumps is not None
    value = {"b": Point(1, 2.0), "a": "ü"}
    assert dumps(value).encode() == app.json.response(value).get_data()
    app.debug = True
    assert fast_dumps(app.json) is None
    app.debug = False
    app.json.sort_keys = False
    assert fast_dumps(app.json) is None

    class Custom(DefaultJSONProvider):
        pass

    assert fast_dumps(Custom(app)) is None


def test_a_custom_provider_is_used_by_jsonify_and_dumps(app):
    class Upper(DefaultJSONProvider):
        def dumps(self, obj, **kwargs):
            return super().dumps(obj, **kwargs).upper()

    app.json = Upper(app)
    app.add_url_rule("/", "v", lambda: json.jsonify(name="ada"))
    assert app.test_client().get("/").get_data() == b'{"NAME":"ADA"}\n'
    with app.app_context():
        assert json.dumps({"a": "b"}) == '{"A": "B"}'


def test_module_functions_outside_an_app_context():
    assert json.dumps({"b": 1, "a": datetime.date(2000, 1, 1)}) == (
        '{"b": 1, "a": "Sat, 01 Jan 2000 00:00:00 GMT"}'
    )
    assert json.loads(b'{"a": [1]}') == {"a": [1]}
    out = io.StringIO()
    json.dump([1], out)
    assert json.load(io.StringIO(out.getvalue())) == [1]
    assert json.jsonify(b=1, a=2).get_data() == b'{"a":2,"b":1}\n'


def test_loads_and_load_through_the_app(app):
    with app.app_context():
        assert json.loads('{"x": 1}') == {"x": 1}
        assert json.load(io.BytesIO(b"[true]")) == [True]
        out = io.StringIO()
        json.dump({"b": 1, "a": 2}, out)
        assert out.getvalue() == '{"a": 2, "b": 1}'


TAGGED = {
    "t": (1, (2, "x")),
    "b": b"\x00\xffbytes",
    "m": Markup("<i>hi</i>"),
    "u": uuid.UUID(int=99),
    "d": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
    "di": {" t": "not a tuple"},
    "nested": [{"a": (1,)}, {}],
}


def test_tagged_json_round_trips_and_matches_flask(app, flask_app):
    ours = TaggedJSONSerializer()
    with app.app_context():
        text = ours.dumps(TAGGED)
        assert ours.loads(text) == TAGGED
    with flask_app.app_context():
        theirs = flask.json.tag.TaggedJSONSerializer()
        assert theirs.dumps(TAGGED) == text
        assert theirs.loads(text) == TAGGED


def test_a_registered_tag_is_used():
    class TagComplex(JSONTag):
        key = " c"

        def check(self, value):
            return isinstance(value, complex)

        def to_json(self, value):
            return [value.real, value.imag]

        def to_python(self, value):
            return complex(*value)

    serializer = TaggedJSONSerializer()
    serializer.register(TagComplex)
    assert serializer.loads(serializer.dumps({"z": 1 + 2j})) == {"z": 1 + 2j}
    with pytest.raises(KeyError, match="already registered"):
        serializer.register(TagComplex)
    serializer.register(TagComplex, force=True, index=0)


def test_a_changed_provider_applies_to_dict_returns_at_once(app, client):
    app.add_url_rule("/", "v", lambda: {"b": 1, "a": "é"})
    assert client.get("/").data == b'{"a":"\\u00e9","b":1}\n'
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    assert client.get("/").data == '{"b":1,"a":"é"}\n'.encode()
    app.json = DefaultJSONProvider(app)
    app.debug = True
    assert client.get("/").data == b'{\n  "a": "\\u00e9",\n  "b": 1\n}\n'


def test_fast_dumps_notices_a_changed_class_attribute(app, monkeypatch):
    monkeypatch.setattr(DefaultJSONProvider, "sort_keys", False)
    assert fast_dumps(app.json) is None
