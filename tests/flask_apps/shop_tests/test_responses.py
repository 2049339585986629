"""Cookies, the session, files, a stream, an async view and per-request callbacks."""

import io

from .conftest import LEAVES, TIME_MACHINE


def test_make_response_sets_a_cookie(client):
    response = client.get("/theme/dark")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("theme=dark;")
    assert "Max-Age=3600" in cookie
    assert "SameSite=Lax" in cookie
    assert client.get_cookie("theme").value == "dark"
    assert '<body class="dark">' in client.get("/").text


def test_after_this_request_and_the_permanent_session(client, framework):
    response = client.post(f"/basket/{LEAVES}")
    assert response.status_code == 302
    assert response.headers["X-Basket-Size"] == "1"
    session_cookie = response.headers["Set-Cookie"]
    assert session_cookie.startswith("session=")
    assert "Expires=" in session_cookie
    assert "HttpOnly" in session_cookie
    assert response.headers["Vary"] == "Cookie"

    response = client.post(f"/basket/{TIME_MACHINE}")
    assert response.headers["X-Basket-Size"] == "2"
    assert "X-Basket-Size" not in client.get("/").headers
    assert '<span class="basket">Basket: 2</span>' in client.get("/").text

    with client.session_transaction() as session:
        assert session.permanent
        assert session["basket"] == [str(LEAVES), str(TIME_MACHINE)]


def test_session_transaction_fills_the_basket(client, framework):
    with client.session_transaction() as session:
        session["basket"] = ["x", "y", "z"]
    with client:
        page = client.get("/").text
        assert framework.session["basket"] == ["x", "y", "z"]
        assert not framework.session.permanent
        assert framework.g.visited_at.tzinfo is not None
    assert '<span class="basket">Basket: 3</span>' in page


def test_adding_an_unknown_book_is_a_404(client):
    response = client.post("/basket/00000000-0000-0000-0000-000000000001")
    assert response.status_code == 404
    assert "X-Basket-Size" not in response.headers


def test_send_file_from_memory(client):
    response = client.get(f"/books/{LEAVES}/label.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=label-{LEAVES}.txt"
    )
    assert response.text == "Leaves of Grass\n$13.19\n"


def test_send_from_directory(client):
    response = client.get("/downloads/hours.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.text.startswith("Opening hours:")
    etag = response.headers["ETag"]
    assert "Last-Modified" in response.headers
    again = client.get("/downloads/hours.txt", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_send_from_directory_stays_in_its_folder(client):
    assert client.get("/downloads/../shop.py").status_code == 404
    assert client.get("/downloads/missing.txt").status_code == 404


def test_stream_with_context_reads_the_request_while_streaming(client):
    response = client.get("/export.csv?sep=;")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.text == (
        "title;price\nLeaves of Grass;12.50\nThe Time Machine;8.00\n"
    )


def test_async_view(client):
    response = client.get("/api/stock")
    assert response.status_code == 200
    assert response.json == {"async": True, "books": 2}


def test_copy_current_request_context_in_a_thread(client, shop):
    response = client.post("/contact", data={"email": "a@example.org", "message": "Hi"})
    assert response.status_code == 202
    assert response.text == "Thanks, we will write back."
    assert shop.OUTBOX == ["a@example.org: Hi"]


def test_upload_with_secure_filename(app, client, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "covers")
    response = client.post(
        "/covers",
        data={"cover": (io.BytesIO(b"\x89PNG fake"), "../../my cover.png")},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/covers/my_cover.png"
    assert (tmp_path / "covers" / "my_cover.png").read_bytes() == b"\x89PNG fake"
    cover = client.get("/covers/my_cover.png")
    assert cover.mimetype == "image/png"
    assert cover.data == b"\x89PNG fake"


def test_upload_without_a_file_is_a_400_with_the_reason(client):
    response = client.post("/covers", data={})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.text


def test_max_content_length(app, client, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post(
        "/covers", data={"cover": (io.BytesIO(b"x" * 1000), "big.png")}
    )
    assert response.status_code == 413
    assert not (tmp_path / "big.png").exists()


def test_teardown_request_runs_after_each_request(client, shop):
    client.get("/")
    client.get("/no/such/page")
    assert shop.STATS["requests"] == 2
