"""The switch from Flask to protoweb changes the apps' import lines and nothing else."""

from __future__ import annotations

import pytest

from .framework_switch import SOURCE, copy_apps, switch_imports

APP_SOURCES = sorted(SOURCE.rglob("*.py"))


def test_there_are_apps_to_switch() -> None:
    names = {path.relative_to(SOURCE).as_posix() for path in APP_SOURCES}
    assert {"shop.py", "jotter/__init__.py", "jotter/auth.py"} <= names


@pytest.mark.parametrize(
    "path", APP_SOURCES, ids=lambda path: path.relative_to(SOURCE).as_posix()
)
def test_only_import_lines_change(path) -> None:
    source = path.read_text()
    switched = switch_imports(source, "protoweb")
    changed = [
        (before, after)
        for before, after in zip(
            source.splitlines(), switched.splitlines(), strict=True
        )
        if before != after
    ]
    assert changed, f"{path.name} imports nothing from flask"
    for before, after in changed:
        assert before.startswith("from flask")
        assert after == before.replace("from flask", "from protoweb", 1)
    assert "from flask" not in switched


def test_submodules_and_indented_imports_switch() -> None:
    source = "from flask.views import MethodView\ndef f():\n    from flask import g\n"
    assert switch_imports(source, "protoweb") == (
        "from protoweb.views import MethodView\ndef f():\n    from protoweb import g\n"
    )
    assert switch_imports("from flask_sqlalchemy import X\n", "protoweb") == (
        "from flask_sqlalchemy import X\n"
    )


def test_flask_keeps_the_source_as_written() -> None:
    source = (SOURCE / "shop.py").read_text()
    assert switch_imports(source, "flask") == source


def test_import_flask_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="'from flask import NAME'"):
        switch_imports("import flask\napp = flask.Flask(__name__)\n", "protoweb")
    with pytest.raises(ValueError, match="framework must be one of"):
        switch_imports("", "django")


def test_copy_brings_templates_and_data_along(tmp_path) -> None:
    root = copy_apps(tmp_path / "apps", "protoweb")
    assert (root / "jotter" / "templates" / "base.html").is_file()
    assert (root / "jotter" / "schema.sql").is_file()
    assert (root / "templates" / "404.html").is_file()
    assert (root / "downloads" / "hours.txt").is_file()
    assert "from protoweb import" in (root / "shop.py").read_text()
    assert not list(root.rglob("__pycache__"))
