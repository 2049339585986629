"""Templates with the app's filter, test, global and context processor; the 404 page."""

from decimal import Decimal

from .conftest import LEAVES


def test_index_uses_filter_test_global_and_context_processor(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.text
    assert "<title>Books | The Corner Bookshop</title>" in page
    assert '<span class="price">$12.50</span>' in page
    assert page.count("<em>classic</em>") == 2
    assert '<span class="basket">Basket: 0</span>' in page
    assert f'<a href="/books/{LEAVES}">Leaves of Grass</a>' in page


def test_registrations_land_in_the_jinja_environment(app, shop):
    assert app.jinja_env.filters["money"] is shop.money
    assert app.jinja_env.tests["classic"] is shop.is_classic
    assert app.jinja_env.globals["shop_name"] is shop.shop_name


def test_render_template_string_sees_them_too(app, framework):
    with app.test_request_context():
        rendered = framework.render_template_string(
            "{{ shop_name() }}: {{ 1234.5|money }}, basket {{ basket_size }}"
        )
    assert rendered == "The Corner Bookshop: $1,234.50, basket 0"


def test_book_page_uses_current_app_in_a_helper(client):
    page = client.get(f"/books/{LEAVES}").text
    assert "<title>Leaves of Grass | The Corner Bookshop</title>" in page
    assert "$12.50 ($13.19 with VAT)" in page
    assert '<a href="/tags/poetry+classics">poetry, classics</a>' in page


def test_template_rendered_signal(app, client, framework):
    recorded = []

    def record(sender, template, context, **extra):
        recorded.append((sender, template.name, context))

    framework.template_rendered.connect(record, app)
    try:
        client.get(f"/books/{LEAVES}")
    finally:
        framework.template_rendered.disconnect(record, app)

    assert [(sender, name) for sender, name, _ in recorded] == [(app, "book.html")]
    context = recorded[0][2]
    assert context["book"].title == "Leaves of Grass"
    assert context["with_vat"] == Decimal("13.19")
    assert context["basket_size"] == 0


def test_signal_for_another_app_is_not_heard(app, client, framework, shop):
    heard = []
    other = framework.Flask("other")
    framework.template_rendered.connect(heard.append, other)
    try:
        client.get("/")
    finally:
        framework.template_rendered.disconnect(heard.append, other)
    assert heard == []


def test_not_found_page_is_the_apps_template(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Nothing at /no/such/page</h1>" in response.text
    assert "<title>Not found | The Corner Bookshop</title>" in response.text


def test_abort_404_in_a_view_reaches_the_handler(client):
    response = client.get("/books/00000000-0000-0000-0000-000000000001")
    assert response.status_code == 404
    assert "Nothing at /books/" in response.text


def test_app_logger_is_named_for_the_app(app):
    assert app.logger.name == "shop"


def test_stream_template_reads_the_request_while_streaming(client):
    response = client.get("/catalogue?note=signed")
    assert response.status_code == 200
    assert "<h1>Catalogue of The Corner Bookshop</h1>" in response.text
    assert (
        '<li><span class="tag">Leaves of Grass: $12.50</span> (signed)</li>'
        in response.text
    )


def test_get_template_attribute_calls_a_macro(app, shop):
    with app.app_context():
        tag = shop.price_tag(shop.BOOKS[LEAVES])
    assert str(tag) == '<span class="tag">Leaves of Grass: $12.50</span>'
