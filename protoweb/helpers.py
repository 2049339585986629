"""Flask's helpers (``flask.helpers``): flashed messages and sending files.

:func:`flash` keeps a message in the session for the next request, where
:func:`get_flashed_messages` takes it out. :func:`send_file` and
:func:`send_from_directory` are Werkzeug's, given the current request, the app's
``USE_X_SENDFILE``, its ``root_path`` and ``SEND_FILE_MAX_AGE_DEFAULT``. The
other names of ``flask.helpers`` (``url_for``, ``redirect``, ``abort``, ...) are
here too, from the modules that hold them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import IO, Any

import werkzeug.utils
from werkzeug.wrappers import Response

from . import context as _context_module
from .context import RequestContext, _current, session
from .responses import abort as abort
from .responses import make_response as make_response
from .responses import redirect as redirect
from .scaffold import get_root_path as get_root_path
from .streaming import stream_with_context as stream_with_context
from .templating import get_template_attribute as get_template_attribute
from .urls import url_for as url_for


def get_debug_flag() -> bool:
    """Whether ``FLASK_DEBUG`` asks for debug mode (set, and not 0/false/no)."""
    value = os.environ.get("FLASK_DEBUG")
    return bool(value and value.lower() not in ("0", "false", "no"))


def get_load_dotenv(default: bool = True) -> bool:
    """Whether to load ``.env`` files: ``default``, unless ``FLASK_SKIP_DOTENV``
    says otherwise."""
    value = os.environ.get("FLASK_SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in ("0", "false", "no")


def _context() -> RequestContext:
    context = _current.get(None)
    if not isinstance(context, RequestContext):
        raise RuntimeError(
            "Working outside of request context: this needs a request (call it in a"
            " view, or inside 'with app.test_request_context():')."
        )
    return context


def flash(message: str, category: str = "message") -> None:
    """Keep ``message`` in the session until :func:`get_flashed_messages` shows it.

    :param category: ``"message"``, ``"error"``, ``"info"``, ``"warning"`` or
        any string a template wants to group messages by.
    """
    app = _context().app
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    signals = _context_module.signals
    if signals is not None:
        signals.message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False, category_filter: Iterable[str] = ()
) -> list[str] | list[tuple[str, str]]:
    """The flashed messages, taken out of the session; the same list for every
    call in one request.

    :param with_categories: give ``(category, message)`` pairs.
    :param category_filter: only the messages of these categories.
    """
    context = _context()
    flashes = context.flashes
    if flashes is None:
        flashes = session.pop("_flashes") if "_flashes" in session else []
        context.flashes = flashes
    if category_filter:
        flashes = [pair for pair in flashes if pair[0] in category_filter]
    if with_categories:
        return [(category, message) for category, message in flashes]
    return [message for _, message in flashes]


def _send_file_options(**options: Any) -> dict[str, Any]:
    context = _context()
    app = context.app
    if options.get("max_age") is None:
        options["max_age"] = app.get_send_file_max_age
    options.update(
        environ=context.environ,
        use_x_sendfile=app.config["USE_X_SENDFILE"],
        response_class=app.response_class,
        _root_path=app.root_path,
    )
    return options


def send_file(
    path_or_file: os.PathLike[str] | str | IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: None | int | Callable[[str | None], int | None] = None,
) -> Response:
    """Answer with a file's contents (:func:`werkzeug.utils.send_file`).

    Never pass a path a user chose; use :func:`send_from_directory` for that.

    :param path_or_file: a path, relative to the app's ``root_path``, or a
        binary file object.
    :param mimetype: guessed from the name when not given.
    :param as_attachment: ask the browser to save it (``download_name``).
    :param conditional: answer ``Range`` and ``If-*`` requests (304, 206).
    :param max_age: seconds to cache; ``SEND_FILE_MAX_AGE_DEFAULT`` by default.
    """
    return werkzeug.utils.send_file(
        **_send_file_options(
            path_or_file=path_or_file,
            mimetype=mimetype,
            as_attachment=as_attachment,
            download_name=download_name,
            conditional=conditional,
            etag=etag,
            last_modified=last_modified,
            max_age=max_age,
        )
    )


def send_from_directory(
    directory: os.PathLike[str] | str, path: os.PathLike[str] | str, **kwargs: Any
) -> Response:
    """Answer with the file ``path`` inside ``directory`` (relative to the app's
    ``root_path``); a path that leaves the directory, or a missing file, is a 404.

    :param kwargs: :func:`send_file`'s options.
    """
    return werkzeug.utils.send_from_directory(
        directory, path, **_send_file_options(**kwargs)
    )

