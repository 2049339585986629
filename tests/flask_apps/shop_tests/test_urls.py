"""A custom converter, and a language code kept in the URL by URL processors."""

import pytest
from werkzeug.routing import BuildError


def test_custom_converter_parses_the_url(client):
    response = client.get("/tags/poetry+classics")
    assert response.json == {
        "tags": ["poetry", "classics"],
        "titles": ["Leaves of Grass"],
        "url": "/tags/poetry+classics",
    }
    assert client.get("/tags/classics").json["titles"] == [
        "Leaves of Grass",
        "The Time Machine",
    ]


def test_custom_converter_builds_urls(app, framework, shop):
    assert app.url_map.converters["list"] is shop.ListConverter
    with app.test_request_context():
        assert framework.url_for("by_tags", tags=["a b", "c"]) == "/tags/a%20b+c"


def test_any_converter(client):
    assert client.get("/theme/dark").status_code == 302
    assert client.get("/theme/blue").status_code == 404


def test_language_code_is_pulled_and_put_back(client, framework):
    with client:
        response = client.get("/fr/welcome")
        assert framework.g.lang_code == "fr"
    assert response.text == '<p>Bienvenue!</p><a href="/fr/welcome">again</a>'
    assert client.get("/en/welcome").text.startswith("<p>Welcome!</p>")


def test_unknown_language_is_a_404(client):
    response = client.get("/de/welcome")
    assert response.status_code == 404
    assert "Nothing at /de/welcome" in response.text


def test_url_for_needs_the_code_outside_a_localized_request(app, framework):
    assert app.url_map.is_endpoint_expecting("welcome", "lang_code")
    with app.test_request_context("/"):
        assert framework.url_for("welcome", lang_code="en") == "/en/welcome"
        with pytest.raises(BuildError):
            framework.url_for("welcome")
    with app.test_request_context("/fr/welcome"):
        assert framework.request.view_args == {"lang_code": "fr"}
        assert app.preprocess_request() is None
        assert framework.request.view_args == {}
        assert framework.g.lang_code == "fr"
        assert framework.url_for("welcome") == "/fr/welcome"
        assert framework.url_for("index") == "/"
