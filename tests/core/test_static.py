"""Static files: memory and folder, ETags and 304s, and no escape from the folder."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protoweb import App, url_for


@pytest.fixture
def static_app(tmp_path):
    root = tmp_path / "root"
    (root / "static" / "css").mkdir(parents=True)
    (root / "static" / "css" / "site.css").write_text("body { color: red }")
    (root / "static" / "app.js").write_text("console.log(1)")
    (root / "secret.txt").write_text("SECRET")
    (tmp_path / "outside.txt").write_text("SECRET")
    return App("static_app", root_path=str(root))


def test_folder_files_with_mimetypes(static_app):
    client = static_app.test_client()
    css = client.get("/static/css/site.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert css.data == b"body { color: red }"
    assert "javascript" in client.get("/static/app.js").mimetype


def test_memory_files_win_and_update(static_app):
    client = static_app.test_client()
    static_app.static_files["css/site.css"] = "body { color: blue }"
    assert client.get("/static/css/site.css").data == b"body { color: blue }"
    static_app.static_files["logo.svg"] = b"<svg/>"
    assert client.get("/static/logo.svg").mimetype == "image/svg+xml"


@pytest.mark.parametrize("name", ["css/site.css", "mem.css"])
def test_etag_and_not_modified(static_app, name):
    static_app.static_files["mem.css"] = "x"
    client = static_app.test_client()
    first = client.get(f"/static/{name}")
    etag = first.headers["ETag"]
    assert etag
    again = client.get(f"/static/{name}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_url_for_static(static_app):
    with static_app.test_request_context("/"):
        assert url_for("static", filename="css/site.css") == "/static/css/site.css"


@pytest.mark.parametrize(
    "name", ["../x.css", "/abs.css", "a/../../x", "", ".", "a\\b.css", "nul\x00.css"]
)
def test_unsafe_memory_names_are_refused(static_app, name):
    with pytest.raises(ValueError, match="not allowed"):
        static_app.static_files[name] = "x"


HOSTILE_PARTS = st.sampled_from(
    [
        "..",
        "%2e%2e",
        "%2E%2E",
        "..%2f",
        "%2f",
        "/",
        "\\",
        "..\\",
        "%5c",
        "%00",
        "secret.txt",
        "outside.txt",
        "static",
        "css",
        "site.css",
        ".",
        "//",
        "%252e%252e",
        "\x00",
        "~",
        "C:",
        "..;",
        "etc",
        "passwd",
        "\u2025",
        "%c0%ae",
    ]
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(parts=st.lists(HOSTILE_PARTS, min_size=1, max_size=8))
def test_no_path_escapes_the_static_folder(static_app, parts):
    # The app is read-only here, so sharing it between examples is sound.
    client = static_app.test_client()
    path = "/static/" + "/".join(parts)
    response = client.get(path)
    assert b"SECRET" not in response.data
    assert response.status_code in (200, 301, 308, 400, 404)
    if response.status_code == 200:
        assert response.data in (b"body { color: red }", b"console.log(1)")
