"""``protoweb.typing`` has Flask's type aliases."""

from __future__ import annotations

import flask.typing

import protoweb.typing


def test_flasks_aliases_exist():
    flask_names = {
        name
        for name in vars(flask.typing)
        if name[0].isupper() and name != "ResponseClass"
    }
    missing = flask_names - set(vars(protoweb.typing))
    assert missing == set()
