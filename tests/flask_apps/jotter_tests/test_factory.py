"""The application factory, the instance folder and the config loaders."""

import os

from werkzeug.routing import BuildError


def test_config(jotter):
    assert not jotter.create_app().testing
    assert jotter.create_app({"TESTING": True}).testing


def test_instance_folder_is_beside_the_package_and_made(jotter):
    app = jotter.create_app()
    package_parent = os.path.dirname(os.path.dirname(jotter.__file__))
    assert app.instance_path == os.path.join(package_parent, "instance")
    assert os.path.isdir(app.instance_path)
    assert app.config["DATABASE"] == os.path.join(app.instance_path, "jotter.sqlite")


def test_instance_config_py_is_read(jotter):
    instance_path = jotter.create_app().instance_path
    with open(os.path.join(instance_path, "config.py"), "w") as config:
        config.write("SECRET_KEY = 'from the instance'\nlowercase = 'ignored'\n")
    app = jotter.create_app()
    assert app.config["SECRET_KEY"] == "from the instance"
    assert "lowercase" not in app.config
    assert app.config["NOTES_PER_PAGE"] == 20


def test_test_config_wins_over_instance_config(jotter):
    app = jotter.create_app({"SECRET_KEY": "test"})
    assert app.config["SECRET_KEY"] == "test"


def test_ping(client):
    response = client.get("/ping")
    assert response.status_code == 200
    assert response.data == b"pong"


def test_index_endpoint_names_the_notes_index(app, client, framework):
    with app.test_request_context():
        assert framework.url_for("index") == "/"
        assert framework.url_for("notes.index") == "/"
        assert framework.url_for("auth.login") == "/auth/login"
    assert b"test title" in client.get("/").data


def test_unknown_endpoint_fails_to_build(app, framework):
    with app.test_request_context():
        try:
            framework.url_for("notes.nowhere")
        except BuildError as error:
            assert "notes.nowhere" in str(error)
        else:
            raise AssertionError("url_for built an unknown endpoint")


def test_static_file_from_the_package(client):
    response = client.get("/static/jotter.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert b"font-family" in response.data
