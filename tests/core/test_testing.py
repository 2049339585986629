"""``app.test_client()`` and ``protoweb.testing``: Flask's test client, with the
same scenarios run on Flask."""

from __future__ import annotations

import pytest

from protoweb import App
from protoweb.testing import FlaskClient, TestClient


def make_app(fw, tmp_path):
    app = fw.app(tmp_path, SECRET_KEY="test key")

    @app.route("/login/<name>", methods=["POST"])
    def login(name):
        fw.session["user"] = name
        fw.g.user = name
        return "logged in"

    @app.route("/whoami")
    def whoami():
        return fw.session.get("user", "nobody")

    @app.route("/echo", methods=["POST"])
    def echo():
        return {"got": fw.request.get_json(), "type": fw.request.content_type}

    @app.route("/old")
    def old():
        return fw.redirect("/whoami")

    return app


def test_with_client_keeps_the_last_requests_context(fw, tmp_path):
    app = make_app(fw, tmp_path)
    client = app.test_client()
    with client:
        client.post("/login/ann?next=home")
        assert fw.request.path == "/login/ann"
        assert fw.request.args["next"] == "home"
        assert fw.session["user"] == "ann"
        assert fw.g.user == "ann"
        client.get("/whoami")
        assert fw.request.path == "/whoami"
        assert "user" not in fw.g
    assert not fw.has_request_context()
    assert not fw.has_app_context()


def test_without_with_nothing_is_kept(fw, tmp_path):
    app = make_app(fw, tmp_path)
    app.test_client().post("/login/ann")
    assert not fw.has_request_context()


def test_with_blocks_do_not_nest(fw, tmp_path):
    client = make_app(fw, tmp_path).test_client()
    with client:
        with pytest.raises(RuntimeError, match="Cannot nest"):
            with client:
                pass


def test_session_transaction_reads_and_writes_the_cookie(fw, tmp_path):
    app = make_app(fw, tmp_path)
    client = app.test_client()
    client.post("/login/ann")
    with client.session_transaction() as session:
        assert session["user"] == "ann"
        session["user"] = "bob"
    assert client.get("/whoami").text == "bob"
    with client.session_transaction() as session:
        session.clear()
    assert client.get("/whoami").text == "nobody"


def test_session_transaction_needs_cookies(fw, tmp_path):
    client = make_app(fw, tmp_path).test_client(use_cookies=False)
    with pytest.raises(TypeError, match="Cookies are disabled"):
        with client.session_transaction():
            pass


def test_session_transaction_needs_a_secret_key(fw, tmp_path):
    client = fw.app(tmp_path).test_client()
    with pytest.raises(RuntimeError, match="Session backend did not open a session"):
        with client.session_transaction():
            pass


def test_follow_redirects(fw, tmp_path):
    client = make_app(fw, tmp_path).test_client()
    client.post("/login/ann")
    response = client.get("/old", follow_redirects=True)
    assert response.text == "ann"
    assert response.request.path == "/whoami"
    assert [r.status_code for r in response.history] == [302]


def test_json_argument_and_json_response(fw, tmp_path):
    client = make_app(fw, tmp_path).test_client()
    response = client.post("/echo", json={"a": [1, 2]})
    assert response.json == {"got": {"a": [1, 2]}, "type": "application/json"}


def test_default_environ_names_the_client(fw, tmp_path):
    app = fw.app(tmp_path)

    @app.route("/")
    def index():
        return f"{fw.request.remote_addr} {fw.request.user_agent.string[:9]}"

    assert app.test_client().get("/").text == "127.0.0.1 Werkzeug/"


def test_test_request_context_uses_the_apps_url_settings(fw, tmp_path):
    app = fw.app(
        tmp_path,
        SERVER_NAME="example.org",
        APPLICATION_ROOT="/shop",
        PREFERRED_URL_SCHEME="https",
    )
    with app.test_request_context("/cart?x=1", method="POST"):
        assert fw.request.url == "https://example.org/shop/cart?x=1"
        assert fw.request.method == "POST"
    with app.test_request_context("/", subdomain="api"):
        assert fw.request.host == "api.example.org"
    with app.test_request_context("/", json={"k": 1}):
        assert fw.request.get_json() == {"k": 1}


def test_test_client_class(fw, tmp_path):
    app = fw.app(tmp_path)
    base = fw.sub("testing").FlaskClient

    class Custom(base):
        def __init__(self, *args, token, **kwargs):
            super().__init__(*args, **kwargs)
            self.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    app.test_client_class = Custom

    @app.route("/")
    def index():
        return fw.request.headers["Authorization"]

    client = app.test_client(token="abc")
    assert isinstance(client, Custom)
    assert client.get("/").text == "Bearer abc"


def test_testing_propagates_exceptions(fw, tmp_path):
    app = fw.app(tmp_path, TESTING=True)

    @app.route("/")
    def index():
        raise LookupError("visible in the test")

    with pytest.raises(LookupError, match="visible"):
        app.test_client().get("/")


def test_the_client_is_a_werkzeug_client_named_as_flasks(app):
    from werkzeug.test import Client

    client = app.test_client()
    assert isinstance(client, TestClient) and isinstance(client, Client)
    assert FlaskClient is TestClient


def test_teardown_still_runs_for_a_kept_context(tmp_path):
    app = App("kept", root_path=str(tmp_path))
    closed = []
    app.teardown_appcontext(lambda error: closed.append(True))
    app.add_url_rule("/", "index", lambda: "ok")
    client = app.test_client()
    with client:
        client.get("/")
        assert closed
    assert closed


def test_cli_runner_invokes_app_cli_commands_in_an_app_context(fw, tmp_path):
    app = fw.app(tmp_path)
    import click

    @app.cli.command("init-db")
    @click.option("--name", default="app.db")
    def init_db(name):
        click.echo(f"initialised {name} for {fw.current_app.name}")

    runner = app.test_cli_runner()
    assert isinstance(runner, fw.sub("testing").FlaskCliRunner)
    result = runner.invoke(args=["init-db", "--name", "test.db"])
    assert result.exit_code == 0, result.output
    assert result.output == f"initialised test.db for {app.name}\n"
    result = runner.invoke(init_db, ["--name", "x.db"])
    assert result.output == f"initialised x.db for {app.name}\n"
