"""Static files: an in-memory dict first, then the ``static/`` folder.

Both are served under ``/static/<path>`` with an ETag and conditional (304)
responses. A path can never leave the folder: Werkzeug's ``safe_join`` refuses
``..``, absolute paths and drive letters, and the in-memory dict is a plain lookup.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.utils import send_from_directory
from werkzeug.wrappers import Response

from .file_names import check_relative_name


class StaticFile:
    """One in-memory static file, with its type and ETag worked out once."""

    __slots__ = ("data", "mimetype", "etag")

    def __init__(self, name: str, data: bytes) -> None:
        self.data = data
        self.mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.etag = hashlib.sha1(data, usedforsecurity=False).hexdigest()


def check_static_name(name: str) -> str:
    """Refuse a name that could point outside the static folder."""
    return check_relative_name(name, "static file")


class StaticStore(MutableMapping[str, bytes]):
    """``app.static_files``: file contents by name (str is stored as UTF-8)."""

    def __init__(self, on_change: Callable[[str], None]) -> None:
        self._files: dict[str, StaticFile] = {}
        self._on_change = on_change

    def __setitem__(self, name: str, data: bytes | str) -> None:
        name = check_static_name(name)
        if isinstance(data, str):
            data = data.encode()
        self._files[name] = StaticFile(name, bytes(data))
        self._on_change(name)

    def __getitem__(self, name: str) -> bytes:
        return self._files[name].data

    def __delitem__(self, name: str) -> None:
        del self._files[name]
        self._on_change(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def get_file(self, name: str) -> StaticFile | None:
        return self._files.get(name)


def serve_static(
    store: StaticStore,
    folder: str,
    filename: str,
    environ: dict[str, Any],
    max_age: int | None = None,
) -> Response:
    """The response for ``/static/<filename>``: memory first, then the folder.

    :param max_age: ``Cache-Control: max-age`` (``None``: conditional only).
    """
    memory = store.get_file(filename)
    if memory is not None:
        response = Response(memory.data, mimetype=memory.mimetype)
        response.set_etag(memory.etag)
        if max_age is not None:
            response.cache_control.public = True
            response.cache_control.max_age = max_age
        return response.make_conditional(environ)
    try:
        return send_from_directory(folder, filename, environ, max_age=max_age)
    except (NotFound, OSError, ValueError):
        raise NotFound() from None
