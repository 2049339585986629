"""``TRUSTED_HOSTS`` as Flask applies it: with a list set, a request for another
``Host`` is a 400 (Werkzeug's :func:`~werkzeug.wsgi.get_host`).

The live server checks hosts itself, before the app (loopback names and the
trusted hosts, see :mod:`protoweb.serving.hosts`), and marks the request with
:data:`ENVIRON_HOST_CHECKED` so the app does not check it again with Flask's
stricter rule. ``app.run()`` and any other WSGI server get Flask's rule.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from werkzeug.wsgi import get_host

from .environ_keys import ENVIRON_HOST_CHECKED


def check_trusted_host(environ: dict[str, Any], trusted: Collection[str]) -> None:
    """Raise :class:`~werkzeug.exceptions.SecurityError` (a 400) when the
    request's host is not in ``trusted`` (an empty list trusts every host)."""
    if ENVIRON_HOST_CHECKED not in environ:
        get_host(environ, trusted)
