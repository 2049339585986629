"""Register, log in, log out; ``g.user`` and the session seen from the test."""

import pytest


def test_register(client, app, jotter):
    assert client.get("/auth/register").status_code == 200
    response = client.post("/auth/register", data={"username": "a", "password": "a"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"

    with app.app_context():
        account = (
            jotter.db.get_db()
            .execute("SELECT * FROM account WHERE username = 'a'")
            .fetchone()
        )
    assert account is not None
    assert account["password"] != "a"


def test_register_then_the_flash_shows_on_the_next_page(client):
    response = client.post(
        "/auth/register",
        data={"username": "a", "password": "a"},
        follow_redirects=True,
    )
    assert response.request.path == "/auth/login"
    assert b'<p class="flash info">Your account is ready: log in.</p>' in response.data
    assert b"Your account is ready" not in client.get("/auth/login").data


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", b"Choose a username."),
        ("a", "", b"Choose a password."),
        ("test", "test", b"The username test is taken."),
    ],
)
def test_register_validates_input(client, username, password, message):
    response = client.post(
        "/auth/register", data={"username": username, "password": password}
    )
    assert response.status_code == 200
    assert b'<p class="flash error">' + message in response.data


def test_login(client, auth, framework):
    assert client.get("/auth/login").status_code == 200
    response = auth.login()
    assert response.headers["Location"] == "/"

    with client:
        client.get("/")
        assert framework.session["account_id"] == 1
        assert framework.g.user["username"] == "test"
        assert framework.request.path == "/"


def test_login_follows_next(client, auth):
    response = client.post(
        "/auth/login?next=/new", data={"username": "test", "password": "test"}
    )
    assert response.headers["Location"] == "/new"


@pytest.mark.parametrize(
    ("username", "password"), [("nobody", "test"), ("test", "wrong")]
)
def test_login_validates_input(auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert b"Wrong username or password." in response.data


def test_logout(client, auth, framework):
    auth.login()

    with client:
        response = auth.logout()
        assert "account_id" not in framework.session
        assert response.headers["Location"] == "/"
    assert b"You are logged out." in client.get("/").data


def test_session_transaction_logs_in_without_a_form(client, framework):
    with client.session_transaction() as session:
        session["account_id"] = 2
    with client:
        response = client.get("/")
        assert framework.g.user["username"] == "other"
    assert b'<span class="who">other</span>' in response.data
    with client.session_transaction() as session:
        assert session["account_id"] == 2


def test_login_clears_the_old_session(client, auth):
    with client.session_transaction() as session:
        session["left_over"] = "x"
    auth.login()
    with client.session_transaction() as session:
        assert "left_over" not in session
        assert session["account_id"] == 1
