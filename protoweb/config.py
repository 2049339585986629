"""The app's configuration: a plain dict with Flask's common keys filled in."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "DEBUG": False,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SECRET_KEY": None,
    "MAX_CONTENT_LENGTH": None,
    "SERVER_NAME": None,
    "APPLICATION_ROOT": "/",
    "PREFERRED_URL_SCHEME": "http",
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_SAMESITE": "Lax",
}


class Config(dict[str, Any]):
    """``app.config``: a dict, pre-filled with :data:`DEFAULTS`."""

    def __init__(self, **overrides: Any) -> None:
        super().__init__(DEFAULTS)
        self.update(overrides)

    def from_mapping(
        self, mapping: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        """Take the upper-case keys of ``mapping`` and ``kwargs``, as Flask does."""
        for key, value in {**(mapping or {}), **kwargs}.items():
            if key.isupper():
                self[key] = value

    def from_object(self, obj: object) -> None:
        """Take the upper-case attributes of a module or class."""
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)
