"""``protoweb.signals``: Flask's signals, sent at the same points with the same
arguments (each scenario is recorded on protoweb and on Flask and compared)."""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from typing import Any

import flask.signals
import pytest

import protoweb.signals

NAMES = [
    "template_rendered",
    "before_render_template",
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
]


def describe(value: Any) -> Any:
    """What a signal argument is, in terms both frameworks share."""
    if hasattr(value, "status_code"):
        return f"response {value.status_code}"
    if isinstance(value, BaseException):
        return type(value).__name__
    if hasattr(value, "render") and hasattr(value, "name"):
        return f"template {value.name}"
    if isinstance(value, dict):
        return sorted(key for key in value if key in ("items", "title"))
    return value


def record(fw, app, scenario) -> list[tuple[str, tuple[tuple[str, Any], ...]]]:
    """The signals ``scenario()`` sends for ``app``, in order, with arguments."""
    module = fw.sub("signals")
    seen: list[tuple[str, tuple[tuple[str, Any], ...]]] = []

    def receiver_for(name):
        def receiver(sender, **kwargs):
            assert sender is app
            args = tuple(sorted((k, describe(v)) for k, v in kwargs.items()))
            seen.append((name, args))

        return receiver

    with ExitStack() as stack:
        for name in NAMES:
            signal = getattr(module, name)
            stack.enter_context(signal.connected_to(receiver_for(name), app))
        scenario()
    return seen


def test_a_request_sends_flasks_signals_in_flasks_order(fw, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("{{ title }}")
    app = fw.app(tmp_path)

    @app.route("/")
    def index():
        return fw.render_template("page.html", title="T", items=[])

    @app.route("/boom")
    def boom():
        raise ValueError("boom")

    client = app.test_client()

    def scenario():
        assert client.get("/").text == "T"
        assert client.get("/boom").status_code == 500
        with app.app_context():
            fw.render_template_string("{{ title }}", title="x")

    seen = record(fw, app, scenario)
    started = ("appcontext_pushed", ()), ("request_started", ())
    ended = (
        ("request_tearing_down", (("exc", None),)),
        ("appcontext_tearing_down", (("exc", None),)),
        ("appcontext_popped", ()),
    )
    rendered = (("context", ["items", "title"]), ("template", "template page.html"))
    assert seen[:8] == [
        *started,
        ("before_render_template", rendered),
        ("template_rendered", rendered),
        ("request_finished", (("response", "response 200"),)),
        *ended,
    ]
    failed = (("exc", "ValueError"),)
    assert seen[8:15] == [
        *started,
        ("got_request_exception", (("exception", "ValueError"),)),
        ("request_finished", (("response", "response 500"),)),
        ("request_tearing_down", failed),
        ("appcontext_tearing_down", failed),
        ("appcontext_popped", ()),
    ]
    assert [name for name, _ in seen[15:]] == [
        "appcontext_pushed",
        "before_render_template",
        "template_rendered",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]


def test_async_receivers_are_awaited(fw, tmp_path):
    app = fw.app(tmp_path)
    app.add_url_rule("/", "index", lambda: "ok")
    seen = []

    async def on_finished(sender, response, **extra):
        seen.append(response.status_code)

    with fw.sub("signals").request_finished.connected_to(on_finished, app):
        app.test_client().get("/")
    assert seen == [200]


def test_the_module_has_flasks_signals():
    for name in NAMES:
        ours, flasks = getattr(protoweb.signals, name), getattr(flask.signals, name)
        assert ours.name == flasks.name
        assert ours is not flasks


@pytest.mark.parametrize("statement", ["import protoweb", "import protoweb.testing"])
def test_blinker_is_imported_only_with_the_signals(statement):
    code = f"{statement}, sys; print('blinker' in sys.modules, 'click' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False", "False"]


def test_flash_sends_message_flashed(fw, tmp_path):
    app = fw.app(tmp_path, SECRET_KEY="s")

    @app.route("/")
    def index():
        fw.flash("saved", "info")
        return "ok"

    seen = record(fw, app, lambda: app.test_client().get("/"))
    assert ("message_flashed", (("category", "info"), ("message", "saved"))) in seen


def test_signals_are_sent_from_the_first_receiver_on_not_from_the_import():
    """Importing the module (a Flask extension may) adds nothing to a request; the
    first receiver turns sending on."""
    code = """
import protoweb.signals as signals
from protoweb import App, context
app = App("quiet")
app.add_url_rule("/", "index", lambda: "ok")
app.test_client().get("/")
print(context.signals is None, context.extras)
seen = []
signals.request_started.connect(
    lambda sender, **extra: seen.append(sender), app, weak=False
)
app.test_client().get("/")
print(context.signals is signals, seen == [app])
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "False", "True", "True"]
