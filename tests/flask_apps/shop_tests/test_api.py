"""The JSON API: method views, Flask's JSON provider, ``jsonify``."""

import dataclasses
import uuid
from datetime import date
from decimal import Decimal

from .conftest import LEAVES

LEAVES_JSON = (
    '{"id":"6f1c1a52-3f4e-4d5b-9a7e-0c2d5e8f9a10","price":"12.50",'
    '"published":"Wed, 04 Jul 1855 00:00:00 GMT","tags":["poetry","classics"],'
    '"title":"Leaves of Grass"}'
)


def test_list_is_json_with_sorted_keys_and_flasks_encodings(client):
    response = client.get("/api/books/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["X-Api-Version"] == "1"
    assert response.text.startswith("[" + LEAVES_JSON + ",")
    assert response.text.endswith("}]\n")


def test_a_dataclass_returned_through_app_json(client):
    response = client.get(f"/api/books/{LEAVES}")
    assert response.status_code == 200
    assert response.text == LEAVES_JSON + "\n"
    assert response.headers["X-Api-Version"] == "1"


def test_post_creates_and_get_finds(client):
    response = client.post(
        "/api/books/",
        json={"title": "Walden", "price": "9.90", "published": "1854-08-09"},
    )
    assert response.status_code == 201
    created = response.json
    assert response.headers["Location"] == f"/api/books/{created['id']}"
    assert created["published"] == "Wed, 09 Aug 1854 00:00:00 GMT"
    assert client.get(response.headers["Location"]).json == created
    assert len(client.get("/api/books/").json) == 3


def test_async_method_deletes(client):
    response = client.delete(f"/api/books/{LEAVES}")
    assert response.status_code == 204
    assert response.data == b""
    assert client.get(f"/api/books/{LEAVES}").status_code == 404


def test_methods_come_from_the_class(app, client, shop):
    assert shop.BookListAPI.methods == {"GET", "POST"}
    assert shop.BookAPI.methods == {"GET", "DELETE"}
    assert app.view_functions["books"].view_class is shop.BookListAPI
    response = client.put("/api/books/")
    assert response.status_code == 405
    assert sorted(response.allow) == ["GET", "HEAD", "OPTIONS", "POST"]


def test_jsonify_keyword_arguments(client):
    about = client.get("/api/about").json
    assert about["name"] == "The Corner Bookshop"
    assert about["url"] == "http://localhost/api/about"
    assert about["vat"] == "0.055"
    assert about["request_id"] == "00000000-0000-0000-0000-000000000000"
    assert about["visited_at"].endswith(" GMT")


def test_sort_keys_can_be_turned_off(app, client):
    app.json.sort_keys = False
    assert list(client.get("/api/about").json) == [
        "name",
        "url",
        "vat",
        "visited_at",
        "request_id",
    ]


def test_app_json_dumps_and_loads(app, shop):
    book = shop.Book(uuid.UUID(int=1), "T", Decimal("1.5"), date(2000, 1, 2), [])
    assert app.json.dumps({"b": 1, "a": book}) == (
        '{"a": {"id": "00000000-0000-0000-0000-000000000001", "price": "1.5",'
        ' "published": "Sun, 02 Jan 2000 00:00:00 GMT", "tags": [], "title": "T"},'
        ' "b": 1}'
    )
    assert app.json.loads('{"a": [1, 2]}') == {"a": [1, 2]}
    assert dataclasses.is_dataclass(book)


def test_jsonify_outside_a_view(app, framework):
    with app.app_context():
        response = framework.jsonify([1, {"z": 2, "a": 1}])
    assert response.mimetype == "application/json"
    assert response.data == b'[1,{"a":1,"z":2}]\n'


def test_cli_command_runs_in_the_app_context(runner, shop):
    result = runner.invoke(args=["add-book", "Walden", "9.5"])
    assert result.exit_code == 0, result.output
    assert result.output == "Added Walden at $9.50 to The Corner Bookshop.\n"
    assert [book.title for book in shop.BOOKS.values()][-1] == "Walden"


def test_an_error_handler_for_an_exception_class(client):
    response = client.post(
        "/api/books/", json={"title": "X", "price": "cheap", "published": "2000-01-01"}
    )
    assert response.status_code == 400
    assert response.json == {"error": "prices are decimal numbers like 9.90"}


def test_a_dict_and_a_status(client):
    response = client.post("/api/books/", json={"price": "1"})
    assert response.status_code == 400
    assert response.json == {"error": "a book needs a title"}
    assert response.headers["X-Api-Version"] == "1"
