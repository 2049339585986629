"""Shop: a one-module app in the style of Flask's quickstart and patterns pages.

A small bookshop: pages rendered with filters, globals and a context processor, a
JSON API as method views, an async view, downloads, a streamed CSV, a basket in the
session, and a language code in the URL.
"""

import asyncio
import dataclasses
import io
import os
import threading
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import click
from flask import (
    Flask,
    abort,
    after_this_request,
    copy_current_request_context,
    current_app,
    g,
    get_template_attribute,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    session,
    stream_template,
    stream_with_context,
    url_for,
)
from flask.views import MethodView
from werkzeug.routing import BaseConverter
from werkzeug.utils import secure_filename


class ListConverter(BaseConverter):
    """``/tags/poetry+classics`` gives ``["poetry", "classics"]``, and back."""

    def to_python(self, value):
        return value.split("+")

    def to_url(self, value):
        return "+".join(super(ListConverter, self).to_url(part) for part in value)


app = Flask(__name__)
app.config.from_mapping(
    SECRET_KEY="dev",
    SHOP_NAME="The Corner Bookshop",
    VAT_RATE=Decimal("0.055"),
    LANGUAGES={"en": "Welcome", "fr": "Bienvenue"},
    PERMANENT_SESSION_LIFETIME=timedelta(days=7),
    UPLOAD_FOLDER=os.path.join(os.path.dirname(__file__), "covers"),
    MAX_CONTENT_LENGTH=64 * 1024,
)
app.url_map.converters["list"] = ListConverter


@dataclasses.dataclass
class Book:
    id: uuid.UUID
    title: str
    price: Decimal
    published: date
    tags: list


STATS = {"requests": 0}
OUTBOX = []

BOOKS = {
    book.id: book
    for book in [
        Book(
            uuid.UUID("6f1c1a52-3f4e-4d5b-9a7e-0c2d5e8f9a10"),
            "Leaves of Grass",
            Decimal("12.50"),
            date(1855, 7, 4),
            ["poetry", "classics"],
        ),
        Book(
            uuid.UUID("0b8e2f7d-1c3a-4e5f-8a9b-7c6d5e4f3a21"),
            "The Time Machine",
            Decimal("8.00"),
            date(1895, 5, 7),
            ["novel", "classics"],
        ),
    ]
}


def price_with_vat(price):
    """A price with the shop's VAT added, rounded to cents."""
    rate = current_app.config["VAT_RATE"]
    return (price * (1 + rate)).quantize(Decimal("0.01"))


def find_book(book_id):
    book = BOOKS.get(book_id)
    if book is None:
        abort(404)
    return book


@app.template_filter("money")
def money(value):
    return f"${value:,.2f}"


@app.template_test("classic")
def is_classic(book):
    return "classics" in book.tags


@app.template_global()
def shop_name():
    return current_app.config["SHOP_NAME"]


@app.context_processor
def inject_basket():
    return {"basket_size": len(session.get("basket", [])), "year": date.today().year}


@app.before_request
def remember_visit():
    g.visited_at = datetime.now(timezone.utc)


@app.teardown_request
def count_request(error=None):
    STATS["requests"] += 1


@app.url_value_preprocessor
def pull_lang_code(endpoint, values):
    g.lang_code = values.pop("lang_code", None) if values else None


@app.url_defaults
def add_lang_code(endpoint, values):
    if "lang_code" in values or not g.get("lang_code"):
        return
    if app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        values["lang_code"] = g.lang_code


@app.route("/")
def index():
    theme = request.cookies.get("theme", "light")
    return render_template("index.html", books=BOOKS.values(), theme=theme)


@app.route("/<lang_code>/welcome")
def welcome():
    greeting = current_app.config["LANGUAGES"].get(g.lang_code)
    if greeting is None:
        abort(404)
    return f'<p>{greeting}!</p><a href="{url_for("welcome")}">again</a>'


@app.route("/books/<uuid:book_id>")
def book_page(book_id):
    book = find_book(book_id)
    return render_template("book.html", book=book, with_vat=price_with_vat(book.price))


@app.route("/tags/<list:tags>")
def by_tags(tags):
    titles = [b.title for b in BOOKS.values() if set(tags) <= set(b.tags)]
    return jsonify(tags=tags, titles=titles, url=url_for("by_tags", tags=tags))


@app.route("/theme/<any(light, dark):name>")
def set_theme(name):
    response = make_response(redirect(url_for("index")))
    response.set_cookie("theme", name, max_age=3600, samesite="Lax")
    return response


@app.post("/basket/<uuid:book_id>")
def add_to_basket(book_id):
    find_book(book_id)
    session.permanent = True
    session.setdefault("basket", []).append(str(book_id))
    session.modified = True

    @after_this_request
    def count_in_header(response):
        response.headers["X-Basket-Size"] = str(len(session["basket"]))
        return response

    return redirect(url_for("index"))


@app.route("/books/<uuid:book_id>/label.txt")
def label(book_id):
    book = find_book(book_id)
    text = f"{book.title}\n{money(price_with_vat(book.price))}\n"
    return send_file(
        io.BytesIO(text.encode()),
        mimetype="text/plain",
        as_attachment=True,
        download_name=f"label-{book.id}.txt",
    )


@app.route("/downloads/<path:name>")
def download(name):
    return send_from_directory(os.path.join(app.root_path, "downloads"), name)


@app.route("/catalogue")
def catalogue():
    return stream_template("catalogue.html", books=BOOKS.values())


@app.post("/contact")
def contact():
    @copy_current_request_context
    def send_message():
        OUTBOX.append(f"{request.form['email']}: {request.form['message']}")

    sender = threading.Thread(target=send_message)
    sender.start()
    sender.join()
    return "Thanks, we will write back.", 202


@app.post("/covers")
def upload_cover():
    cover = request.files.get("cover")
    if cover is None or cover.filename == "":
        abort(400, "Choose a file to upload.")
    name = secure_filename(cover.filename)
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    cover.save(os.path.join(app.config["UPLOAD_FOLDER"], name))
    return redirect(url_for("cover", name=name), code=303)


@app.route("/covers/<name>")
def cover(name):
    return send_from_directory(app.config["UPLOAD_FOLDER"], name)


@app.route("/export.csv")
def export_csv():
    def rows():
        separator = request.args.get("sep", ",")
        yield separator.join(["title", "price"]) + "\n"
        for book in BOOKS.values():
            yield separator.join([book.title, str(book.price)]) + "\n"

    return stream_with_context(rows()), {"Content-Type": "text/csv; charset=utf-8"}


@app.route("/api/stock")
async def stock():
    await asyncio.sleep(0.01)
    return {"books": len(BOOKS), "async": True}


def json_api(view):
    """Mark API answers; applied to every method view below through ``decorators``."""

    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["X-Api-Version"] = "1"
        return response

    return wrapped


class BookListAPI(MethodView):
    decorators = [json_api]
    init_every_request = False

    def get(self):
        return jsonify([dataclasses.asdict(book) for book in BOOKS.values()])

    def post(self):
        data = request.get_json()
        if not data.get("title"):
            return {"error": "a book needs a title"}, 400
        book = Book(
            id=uuid.uuid4(),
            title=data["title"],
            price=Decimal(data["price"]),
            published=date.fromisoformat(data["published"]),
            tags=data.get("tags", []),
        )
        BOOKS[book.id] = book
        return (
            app.json.response(book),
            201,
            {"Location": url_for("book", book_id=book.id)},
        )


class BookAPI(MethodView):
    decorators = [json_api]

    def get(self, book_id):
        return app.json.response(find_book(book_id))

    async def delete(self, book_id):
        await asyncio.sleep(0)
        find_book(book_id)
        del BOOKS[book_id]
        return "", 204


app.add_url_rule("/api/books/", view_func=BookListAPI.as_view("books"))
app.add_url_rule("/api/books/<uuid:book_id>", view_func=BookAPI.as_view("book"))


@app.route("/api/about")
def about():
    return jsonify(
        name=shop_name(),
        url=url_for("about", _external=True),
        vat=current_app.config["VAT_RATE"],
        visited_at=g.visited_at,
        request_id=uuid.UUID(int=0),
    )


@app.errorhandler(404)
def page_not_found(error):
    return render_template("404.html", path=request.path), 404


@app.errorhandler(InvalidOperation)
def bad_number(error):
    return {"error": "prices are decimal numbers like 9.90"}, 400


def price_tag(book):
    """The ``price_tag`` macro of ``macros.html``, callable from Python."""
    return get_template_attribute("macros.html", "price_tag")(book)


@app.cli.command("add-book")
@click.argument("title")
@click.argument("price")
def add_book_command(title, price):
    """Add a book to the shelf."""
    book = Book(uuid.uuid4(), title, Decimal(price), date.today(), [])
    BOOKS[book.id] = book
    click.echo(f"Added {title} at {money(book.price)} to {shop_name()}.")
