"""``app.config`` and the request body cap."""

from __future__ import annotations

import pytest

from protoweb import App, request
from protoweb.config import Config


def test_defaults_and_shortcuts(app):
    for key in ("SECRET_KEY", "MAX_CONTENT_LENGTH", "DEBUG", "TESTING"):
        assert key in app.config
    app.secret_key = "s"
    app.debug = True
    app.testing = True
    assert app.config["SECRET_KEY"] == "s"
    assert app.config["DEBUG"] is app.debug is True
    assert app.config["TESTING"] is app.testing is True


def test_from_mapping_and_object(app):
    class Settings:
        GREETING = "hi"
        lower = "ignored"

    app.config.from_object(Settings)
    app.config.from_mapping({"A": 1}, B=2, c=3)
    assert app.config["GREETING"] == "hi"
    assert (app.config["A"], app.config["B"]) == (1, 2)
    assert "lower" not in app.config and "c" not in app.config


def test_max_content_length_gives_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100

    @app.post("/upload")
    def upload():
        return str(len(request.get_data()))

    assert client.post("/upload", data=b"x" * 100).text == "100"
    assert client.post("/upload", data=b"x" * 101).status_code == 413

    @app.post("/form")
    def form():
        return request.form.get("a", "")

    assert client.post("/form", data={"a": "y" * 500}).status_code == 413


def test_defaults_are_flasks():
    import flask

    from protoweb.config import DEFAULT_CONFIG

    assert dict(DEFAULT_CONFIG) == dict(flask.Flask.default_config)
    assert App("x").config.keys() == flask.Flask("x").config.keys()


def both_configs(root):
    """A protoweb Config and a Flask Config over the same folder."""
    import flask.config

    return Config(root, {"KEPT": 1}), flask.config.Config(root, {"KEPT": 1})


def test_from_pyfile_reads_relative_to_root_path(tmp_path):
    (tmp_path / "settings.cfg").write_text("SECRET_KEY = 'dev'\nlower = 1\nN = 2 + 3\n")
    for config in both_configs(tmp_path):
        assert config.from_pyfile("settings.cfg") is True
        assert config["SECRET_KEY"] == "dev" and config["N"] == 5
        assert "lower" not in config and config["KEPT"] == 1


def test_from_pyfile_missing_file_names_it_or_is_silent(tmp_path):
    messages = []
    for config in both_configs(tmp_path):
        with pytest.raises(FileNotFoundError) as caught:
            config.from_pyfile("nope.cfg")
        messages.append(str(caught.value))
        assert config.from_pyfile("nope.cfg", silent=True) is False
    assert messages[0] == messages[1]
    assert "Unable to load configuration file" in messages[0]
    assert str(tmp_path / "nope.cfg") in messages[0]


def test_from_pyfile_with_a_syntax_error_raises_it(tmp_path):
    (tmp_path / "bad.cfg").write_text("X = (\n")
    config = Config(tmp_path)
    with pytest.raises(SyntaxError):
        config.from_pyfile("bad.cfg", silent=True)
    assert "X" not in config


def test_from_object_takes_an_import_string(tmp_path, monkeypatch):
    (tmp_path / "mysettings.py").write_text(
        "class Production:\n    DEBUG = False\n    DATABASE = 'prod.db'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    config = Config(tmp_path)
    config.from_object("mysettings.Production")
    assert config["DATABASE"] == "prod.db" and config["DEBUG"] is False


def test_from_envvar(tmp_path, monkeypatch):
    (tmp_path / "live.cfg").write_text("GREETING = 'from env'\n")
    config = Config(tmp_path)
    monkeypatch.delenv("MYAPP_SETTINGS", raising=False)
    with pytest.raises(RuntimeError, match="'MYAPP_SETTINGS' is not set"):
        config.from_envvar("MYAPP_SETTINGS")
    assert config.from_envvar("MYAPP_SETTINGS", silent=True) is False
    monkeypatch.setenv("MYAPP_SETTINGS", str(tmp_path / "live.cfg"))
    assert config.from_envvar("MYAPP_SETTINGS") is True
    assert config["GREETING"] == "from env"


def test_from_prefixed_env_matches_flask(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "abc")
    monkeypatch.setenv("FLASK_DEBUG", "true")
    monkeypatch.setenv("FLASK_LIMIT", "10")
    monkeypatch.setenv("FLASK_DB__HOST", "db.local")
    monkeypatch.setenv("FLASK_DB__PORT", "5432")
    monkeypatch.setenv("FLASK_LIST", "[1, 2]")
    monkeypatch.setenv("PROTOWEB_ONLY", "x")
    ours, flasks = both_configs(tmp_path)
    ours.from_prefixed_env()
    flasks.from_prefixed_env()
    assert dict(ours) == dict(flasks)
    assert ours["DEBUG"] is True and ours["LIMIT"] == 10 and ours["LIST"] == [1, 2]
    assert ours["DB"] == {"HOST": "db.local", "PORT": 5432}
    assert "ONLY" not in ours
    ours.from_prefixed_env("PROTOWEB", loads=str.upper)
    assert ours["ONLY"] == "X"


def test_from_file_in_text_and_binary_mode(tmp_path):
    import json

    def load_binary(file):
        assert isinstance(file.read(0), bytes)  # opened with text=False
        return json.load(file)

    (tmp_path / "c.json").write_text('{"A": 1, "b": 2}')
    (tmp_path / "d.json").write_text('{"T": "binary"}')
    config = Config(tmp_path)
    assert config.from_file("c.json", load=json.load) is True
    assert config.from_file("d.json", load=load_binary, text=False) is True
    assert (config["A"], config["T"]) == (1, "binary") and "b" not in config
    assert config.from_file("missing.json", load=json.load, silent=True) is False
    with pytest.raises(FileNotFoundError, match="missing.json"):
        config.from_file("missing.json", load=json.load)


def test_get_namespace_matches_flask(tmp_path):
    results = []
    for config in both_configs(tmp_path):
        config.from_mapping(
            IMAGE_STORE_TYPE="fs", IMAGE_STORE_PATH="/tmp", IMAGE_X=1, OTHER=2
        )
        results.append(
            (
                config.get_namespace("IMAGE_STORE_"),
                config.get_namespace("IMAGE_", lowercase=False),
                config.get_namespace("IMAGE_", trim_namespace=False),
            )
        )
    assert results[0] == results[1]
    assert results[0][0] == {"type": "fs", "path": "/tmp"}


def test_instance_relative_config_reads_from_the_instance_folder(tmp_path):
    config = Config(tmp_path / "instance")
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text("DATABASE = 'inst.db'\n")
    assert config.from_pyfile("config.py")
    assert config["DATABASE"] == "inst.db"


def test_config_attribute_reads_and_writes_a_key():
    from protoweb.config import ConfigAttribute

    class Holder:
        secret_key = ConfigAttribute[str]("SECRET_KEY")
        lifetime = ConfigAttribute("SECONDS", get_converter=int)

        def __init__(self):
            self.config = Config(".", {"SECRET_KEY": None, "SECONDS": "5"})

    holder = Holder()
    holder.secret_key = "s"
    assert holder.config["SECRET_KEY"] == "s" == holder.secret_key
    assert holder.lifetime == 5
    assert isinstance(Holder.secret_key, ConfigAttribute)


def test_form_limits_from_the_config_as_flask(app, client):
    import flask

    theirs = flask.Flask("theirs")
    for peer, req in ((app, request), (theirs, flask.request)):
        peer.config.update(MAX_FORM_MEMORY_SIZE=10, MAX_FORM_PARTS=2)

        def form(req=req):
            return str(len(req.form))

        peer.add_url_rule("/form", "form", form, methods=["POST"])
    for peer in (app, theirs):
        test = peer.test_client()
        assert test.post("/form", data={"a": "1", "b": "2"}).text == "2"
        long_field = test.post(
            "/form", data={"a": "x" * 11}, content_type="multipart/form-data"
        )
        assert long_field.status_code == 413
        many = test.post(
            "/form",
            data={"a": "1", "b": "2", "c": "3"},
            content_type="multipart/form-data",
        )
        assert many.status_code == 413
