"""Fixtures for the one-module shop: ``app``, ``client``, ``runner``, and two books.

Each runs once on Flask and once on protoweb (see ``tests/flask_apps/conftest.py``).
"""

import uuid

import pytest

LEAVES = uuid.UUID("6f1c1a52-3f4e-4d5b-9a7e-0c2d5e8f9a10")
TIME_MACHINE = uuid.UUID("0b8e2f7d-1c3a-4e5f-8a9b-7c6d5e4f3a21")


@pytest.fixture
def shop(import_app):
    """The app's module, imported afresh for this test's framework."""
    return import_app("shop")


@pytest.fixture
def app(shop):
    shop.app.config.update(TESTING=True)
    return shop.app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
