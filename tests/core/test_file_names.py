"""Template and static names are paths inside their folder: one rule for both
stores (issue 11, finding 2; SPEC section 2)."""

from __future__ import annotations

import pytest

from protoweb import App

CLIMBING = [
    "../../../../x.txt",
    "../app.py",
    "a/../../x",
    "/etc/passwd",
    "a\\..\\b.html",
    "nul\x00.html",
    "",
    ".",
    "./a/../..",
]


@pytest.fixture
def app() -> App:
    return App("names", root_path="/nonexistent")


@pytest.mark.parametrize("name", CLIMBING)
def test_a_template_name_outside_its_folder_is_refused(app, name):
    app.templates["kept.html"] = "kept"
    with pytest.raises(ValueError, match="template name .* is not allowed"):
        app.templates[name] = "x"
    assert list(app.templates) == ["kept.html"]


@pytest.mark.parametrize("name", CLIMBING)
def test_a_static_name_outside_its_folder_is_refused(app, name):
    with pytest.raises(ValueError, match="static file name .* is not allowed"):
        app.static_files[name] = "x"
    assert len(app.static_files) == 0


@pytest.mark.parametrize("name", ["index.html", "pages/a.html", "a/b/c.txt"])
def test_relative_names_are_kept(app, name):
    app.templates[name] = "ok"
    app.static_files[name] = "ok"
    assert name in app.templates and name in app.static_files
