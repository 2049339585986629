"""``send_file`` and ``send_from_directory``, side by side with Flask."""

from __future__ import annotations

import io
from datetime import timedelta

import flask
import pytest

from protoweb import App
from protoweb.helpers import send_file, send_from_directory


@pytest.fixture
def pair(tmp_path):
    """protoweb and Flask apps rooted in the same folder, with files in it."""
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "notes.txt").write_text("public notes")
    (tmp_path / "files" / "sub").mkdir()
    (tmp_path / "files" / "sub" / "page.html").write_text("<p>sub</p>")
    (tmp_path / "secret.txt").write_text("SECRET")
    ours = App("ours", root_path=str(tmp_path))
    theirs = flask.Flask("theirs", root_path=str(tmp_path))
    for app, send, send_dir in (
        (ours, send_file, send_from_directory),
        (theirs, flask.send_file, flask.send_from_directory),
    ):
        app.add_url_rule("/notes", "notes", lambda send=send: send("files/notes.txt"))
        app.add_url_rule(
            "/files/<path:name>",
            "files",
            lambda name, send_dir=send_dir: send_dir("files", name),
        )
        app.add_url_rule(
            "/download",
            "download",
            lambda send=send: send(
                io.BytesIO(b"a,b\n"), download_name="report.csv", as_attachment=True
            ),
        )
        app.add_url_rule(
            "/cached",
            "cached",
            lambda send=send: send("files/notes.txt", max_age=120),
        )
    return ours, theirs


def same_answer(pair, path, **kwargs):
    """The status, body and headers (but the date) both apps give for ``path``."""
    answers = []
    for app in pair:
        response = app.test_client().get(path, **kwargs)
        headers = {k: v for k, v in response.headers.items() if k != "Date"}
        answers.append((response.status_code, response.get_data(), headers))
    assert answers[0] == answers[1]
    return answers[0]


def test_send_file_reads_relative_to_root_path(pair):
    status, body, headers = same_answer(pair, "/notes")
    assert (status, body) == (200, b"public notes")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "ETag" in headers and "Last-Modified" in headers


def test_conditional_and_range_requests(pair):
    etag = pair[0].test_client().get("/notes").headers["ETag"]
    status, body, _ = same_answer(pair, "/notes", headers={"If-None-Match": etag})
    assert (status, body) == (304, b"")
    status, body, _ = same_answer(pair, "/notes", headers={"Range": "bytes=0-5"})
    assert (status, body) == (206, b"public")


def test_a_file_object_as_an_attachment(pair):
    status, body, headers = same_answer(pair, "/download")
    assert body == b"a,b\n"
    assert headers["Content-Disposition"] == "attachment; filename=report.csv"


def test_max_age_from_the_argument_and_the_config(pair):
    assert "max-age=120" in same_answer(pair, "/cached")[2]["Cache-Control"]
    assert "max-age" not in same_answer(pair, "/notes")[2].get("Cache-Control", "")
    for app in pair:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = timedelta(minutes=5)
    assert "max-age=300" in same_answer(pair, "/notes")[2]["Cache-Control"]
    for app in pair:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 7
    assert "max-age=7" in same_answer(pair, "/files/notes.txt")[2]["Cache-Control"]


def test_use_x_sendfile_hands_the_file_to_the_server(pair, tmp_path):
    for app in pair:
        app.config["USE_X_SENDFILE"] = True
    _, body, headers = same_answer(pair, "/notes")
    assert body == b""
    assert headers["X-Sendfile"] == str(tmp_path / "files" / "notes.txt")


def test_send_from_directory_serves_inside_it(pair):
    assert same_answer(pair, "/files/sub/page.html")[:2] == (200, b"<p>sub</p>")
    assert same_answer(pair, "/files/missing.txt")[0] == 404


@pytest.mark.parametrize(
    "name",
    [
        "../secret.txt",
        "sub/../../secret.txt",
        "%2e%2e/secret.txt",
        "..%2fsecret.txt",
        "%2fetc%2fpasswd",
        "..\\secret.txt",
        "sub/..%5c..%5csecret.txt",
        "notes.txt%00.png",
        "/" + "x" * 300,
    ],
)
def test_no_path_leaves_the_directory(pair, name):
    status, body, _ = same_answer(pair, f"/files/{name}")
    assert status in (404, 308) and b"SECRET" not in body  # 308: merged slashes


def test_hostile_names_given_directly_are_refused(tmp_path, pair):
    app = pair[0]
    for name in ("../secret.txt", "/etc/passwd", str(tmp_path / "secret.txt")):
        with app.test_request_context("/"):
            with pytest.raises(Exception) as caught:
                send_from_directory("files", name)
            assert getattr(caught.value, "code", None) == 404


def test_outside_a_request_it_says_so(pair):
    with pytest.raises(RuntimeError, match="request context"):
        send_file("files/notes.txt")


def test_helpers_has_flask_helpers_names(monkeypatch):
    import flask.helpers

    import protoweb.helpers

    missing = [
        name
        for name in (
            "url_for",
            "redirect",
            "abort",
            "make_response",
            "stream_with_context",
            "get_template_attribute",
            "get_root_path",
            "get_debug_flag",
            "get_load_dotenv",
            "flash",
            "get_flashed_messages",
            "send_file",
            "send_from_directory",
        )  # fmt: skip
        if not hasattr(protoweb.helpers, name) or not hasattr(flask.helpers, name)
    ]
    assert missing == []
    for value in (None, "", "0", "false", "No", "1", "yes"):
        if value is None:
            monkeypatch.delenv("FLASK_DEBUG", raising=False)
            monkeypatch.delenv("FLASK_SKIP_DOTENV", raising=False)
        else:
            monkeypatch.setenv("FLASK_DEBUG", value)
            monkeypatch.setenv("FLASK_SKIP_DOTENV", value)
        assert protoweb.helpers.get_debug_flag() == flask.helpers.get_debug_flag()
        for default in (True, False):
            assert protoweb.helpers.get_load_dotenv(
                default
            ) == flask.helpers.get_load_dotenv(default)
