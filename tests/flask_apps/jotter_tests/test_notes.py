"""Notes: reading is open, writing needs a login, and only the author may edit."""

import pytest


def count_notes(app, jotter):
    with app.app_context():
        return jotter.db.get_db().execute("SELECT COUNT(id) FROM note").fetchone()[0]


def test_index(client, auth):
    response = client.get("/")
    assert b"Log in" in response.data
    assert b"Register" in response.data

    auth.login()
    response = client.get("/")
    assert b"Log out" in response.data
    assert b"test title" in response.data
    assert b"by test on 2026-01-01" in response.data
    assert b"test\nbody" in response.data
    assert b'href="/1/edit"' in response.data
    assert b'href="/new"' in response.data


def test_index_escapes_what_users_wrote(client, auth):
    auth.login()
    client.post("/new", data={"title": "<script>x</script>", "body": ""})
    assert b"&lt;script&gt;x&lt;/script&gt;" in client.get("/").data


@pytest.mark.parametrize("path", ["/new", "/1/edit", "/1/delete"])
def test_login_required(client, path):
    response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next={path}"


def test_login_required_flashes_a_warning(client):
    response = client.get("/new", follow_redirects=True)
    assert b'<p class="flash warning">Log in to see that page.</p>' in response.data


def test_author_required(app, client, auth, jotter):
    with app.app_context():
        db = jotter.db.get_db()
        db.execute("UPDATE note SET author_id = 2 WHERE id = 1")
        db.commit()

    auth.login()
    assert client.post("/1/edit").status_code == 403
    assert client.post("/1/delete").status_code == 403
    assert b'href="/1/edit"' not in client.get("/").data


@pytest.mark.parametrize("path", ["/2/edit", "/2/delete"])
def test_exists_required(client, auth, path):
    auth.login()
    response = client.post(path)
    assert response.status_code == 404
    assert b"There is no note 2." in response.data


def test_show_is_open_to_everyone(client):
    response = client.get("/1")
    assert response.status_code == 200
    assert b"<h1>test title</h1>" in response.data
    assert b"<title>test title - Jotter</title>" in response.data


def test_create(client, auth, app, jotter):
    auth.login()
    assert client.get("/new").status_code == 200
    response = client.post("/new", data={"title": "created", "body": ""})
    assert response.headers["Location"] == "/"
    assert count_notes(app, jotter) == 2


def test_update(client, auth, app, jotter):
    auth.login()
    assert b'value="test title"' in client.get("/1/edit").data
    response = client.post("/1/edit", data={"title": "updated", "body": "new"})
    assert response.headers["Location"] == "/1"

    with app.app_context():
        note = jotter.db.get_db().execute("SELECT * FROM note WHERE id = 1").fetchone()
    assert (note["title"], note["body"]) == ("updated", "new")
    assert b"Saved." in client.get("/1").data


@pytest.mark.parametrize("path", ["/new", "/1/edit"])
def test_create_update_validate(client, auth, path):
    auth.login()
    response = client.post(path, data={"title": "  ", "body": "kept"})
    assert b"A note needs a title." in response.data
    assert b">kept</textarea>" in response.data


def test_delete(client, auth, app, jotter):
    auth.login()
    response = client.post("/1/delete")
    assert response.headers["Location"] == "/"
    assert count_notes(app, jotter) == 0


def test_delete_only_takes_post(client, auth):
    auth.login()
    response = client.get("/1/delete")
    assert response.status_code == 405
    assert sorted(response.allow) == ["OPTIONS", "POST"]
