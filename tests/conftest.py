"""Fixtures shared by every test: a fresh app and its test client."""

from __future__ import annotations

import pytest
from werkzeug.test import Client

from protoweb import App


@pytest.fixture
def app(tmp_path) -> App:
    """An empty app rooted in a temporary folder (for templates/ and static/)."""
    return App("test_app", root_path=str(tmp_path))


@pytest.fixture
def client(app: App) -> Client:
    return app.test_client()
