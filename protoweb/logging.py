"""The app's logger, as Flask makes it (:attr:`App.logger <protoweb.App.logger>`)."""

from __future__ import annotations

import logging
import sys
from typing import IO, TYPE_CHECKING, Any

from werkzeug.local import LocalProxy

if TYPE_CHECKING:
    from .app import App


def _errors_stream() -> IO[str]:
    """The current request's ``wsgi.errors`` if there is one, else stderr."""
    from .context import _current

    context = _current.get(None)
    environ = getattr(context, "environ", None)
    if environ is not None and "wsgi.errors" in environ:
        stream: IO[str] = environ["wsgi.errors"]
        return stream
    return sys.stderr


#: Where :data:`default_handler` writes: ``wsgi.errors`` in a request, else stderr.
wsgi_errors_stream: IO[str] = LocalProxy(_errors_stream)  # type: ignore[assignment]

#: The handler an app logger gets when no handler handles its level.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def has_level_handler(logger: logging.Logger) -> bool:
    """Whether a handler on ``logger`` or its ancestors handles its level."""
    level = logger.getEffectiveLevel()
    current: Any = logger
    while current:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            break
        current = current.parent
    return False


def create_logger(app: App) -> logging.Logger:
    """``logging.getLogger(app.name)``: DEBUG level when the app is in debug mode
    (and no level is set), with :data:`default_handler` if nothing handles it."""
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
