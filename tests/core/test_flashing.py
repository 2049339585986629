"""``flash`` and ``get_flashed_messages``, side by side with Flask."""

from __future__ import annotations

import flask
import pytest

import protoweb
from protoweb import App
from protoweb.helpers import flash, get_flashed_messages

PAGE = (
    "{% for category, message in get_flashed_messages(with_categories=true) %}"
    "[{{ category }}:{{ message }}]{% endfor %}"
    "|{{ get_flashed_messages(category_filter=['error'])|join(',') }}"
    "|{{ get_flashed_messages()|join(',') }}"
)


def build(app, framework):
    """The same login flow, written with ``framework``'s names."""
    app.secret_key = "k"

    def login():
        if framework.request.form.get("user") != "ada":
            framework.flash("Unknown user <b>x</b>", "error")
            framework.flash("Try again")
        else:
            framework.flash("Welcome")
        return framework.redirect("/")

    def index():
        return framework.render_template_string(PAGE)

    def twice():
        first = framework.get_flashed_messages()
        return repr((first, framework.get_flashed_messages()))

    app.add_url_rule("/login", "login", login, methods=["POST"])
    app.add_url_rule("/", "index", index)
    app.add_url_rule("/twice", "twice", twice)
    return app


@pytest.fixture
def pair(tmp_path):
    return (
        build(App("ours", root_path=str(tmp_path)), protoweb),
        build(flask.Flask("theirs"), flask),
    )


def test_messages_show_once_on_the_next_request_as_in_flask(pair):
    pages = []
    for app in pair:
        client = app.test_client()
        client.post("/login", data={"user": "bob"})
        first = client.get("/").text
        again = client.get("/").text
        client.post("/login", data={"user": "ada"})
        pages.append((first, again, client.get("/").text))
    assert pages[0] == pages[1]
    first, again, welcome = pages[0]
    assert first == (
        "[error:Unknown user &lt;b&gt;x&lt;/b&gt;][message:Try again]"
        "|Unknown user &lt;b&gt;x&lt;/b&gt;"
        "|Unknown user &lt;b&gt;x&lt;/b&gt;,Try again"
    )
    assert again == "||"
    assert welcome == "[message:Welcome]||Welcome"


def test_the_same_messages_for_every_call_in_a_request(pair):
    answers = []
    for app in pair:
        client = app.test_client()
        client.post("/login", data={"user": "bob"})
        answers.append(client.get("/twice").text)
    assert answers[0] == answers[1]
    assert answers[0] == repr((["Unknown user <b>x</b>", "Try again"],) * 2)


def test_flash_is_kept_in_the_session_under_flashes(app):
    app.secret_key = "k"
    with app.test_request_context("/"):
        from protoweb import session

        flash("one")
        flash("two", "warning")
        assert session["_flashes"] == [("message", "one"), ("warning", "two")]
        assert get_flashed_messages(with_categories=True) == [
            ("message", "one"),
            ("warning", "two"),
        ]
        assert get_flashed_messages(category_filter=["warning"]) == ["two"]
        assert "_flashes" not in session


def test_flash_outside_a_request_says_so(app):
    with pytest.raises(RuntimeError, match="request context"):
        flash("x")
    with app.app_context(), pytest.raises(RuntimeError, match="request context"):
        get_flashed_messages()


def test_flash_without_a_secret_key_names_it(app, client):
    app.testing = True
    app.add_url_rule("/", "v", lambda: flash("x") or "no")
    with pytest.raises(RuntimeError, match="secret_key"):
        client.get("/")


def test_message_flashed_signal_as_flask(pair):
    import flask.signals

    import protoweb.signals

    received = []
    for app, signal in (
        (pair[0], protoweb.signals.message_flashed),
        (pair[1], flask.signals.message_flashed),
    ):

        def record(sender, message, category, app=app):
            received.append((sender is app, message, category))

        with signal.connected_to(record, sender=app):
            app.test_client().post("/login", data={"user": "bob"})
    half = len(received) // 2
    assert received[:half] == received[half:]
    assert received[:half] == [
        (True, "Unknown user <b>x</b>", "error"),
        (True, "Try again", "message"),
    ]
