"""``app.config``: Flask's :class:`Config`, a dict with loaders, and its defaults.

Keys and loaders mean what Flask 3.1's documentation says. Environment variables
are read with Flask's default prefix, ``FLASK_``, so a Flask app's settings carry
over unchanged (``app.config.from_prefixed_env("PROTOWEB")`` reads ``PROTOWEB_*``).
"""

from __future__ import annotations

import errno
import json
import os
import types
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import IO, Any, Generic, TypeVar, overload

from werkzeug.utils import import_string

T = TypeVar("T")

#: Flask 3.1's default configuration; ``App.config`` starts from a copy of it.
DEFAULT_CONFIG: Mapping[str, Any] = types.MappingProxyType(
    {
        "DEBUG": None,
        "TESTING": False,
        "PROPAGATE_EXCEPTIONS": None,
        "SECRET_KEY": None,
        "SECRET_KEY_FALLBACKS": None,
        "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
        "USE_X_SENDFILE": False,
        "TRUSTED_HOSTS": None,
        "SERVER_NAME": None,
        "APPLICATION_ROOT": "/",
        "SESSION_COOKIE_NAME": "session",
        "SESSION_COOKIE_DOMAIN": None,
        "SESSION_COOKIE_PATH": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_PARTITIONED": False,
        "SESSION_COOKIE_SAMESITE": None,
        "SESSION_REFRESH_EACH_REQUEST": True,
        "MAX_CONTENT_LENGTH": None,
        "MAX_FORM_MEMORY_SIZE": 500_000,
        "MAX_FORM_PARTS": 1_000,
        "SEND_FILE_MAX_AGE_DEFAULT": None,
        "TRAP_BAD_REQUEST_ERRORS": None,
        "TRAP_HTTP_EXCEPTIONS": False,
        "EXPLAIN_TEMPLATE_LOADING": False,
        "PREFERRED_URL_SCHEME": "http",
        "TEMPLATES_AUTO_RELOAD": None,
        "MAX_COOKIE_SIZE": 4093,
        "PROVIDE_AUTOMATIC_OPTIONS": True,
    }
)

#: Missing-file errors that ``silent=True`` ignores.
_MISSING = (errno.ENOENT, errno.EISDIR, errno.ENOTDIR)


class ConfigAttribute(Generic[T]):
    """An attribute that reads and writes one config key (``app.secret_key``)."""

    def __init__(
        self, name: str, get_converter: Callable[[Any], T] | None = None
    ) -> None:
        self.__name__ = name
        self.get_converter = get_converter

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> ConfigAttribute[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T: ...

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.config[self.__name__]
        if self.get_converter is not None:
            value = self.get_converter(value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.config[self.__name__] = value


def as_timedelta(value: timedelta | int | float | None) -> timedelta | None:
    """A config duration as a timedelta (numbers are seconds), as Flask reads
    ``PERMANENT_SESSION_LIFETIME``."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


class Config(dict[str, Any]):
    """A dict filled from objects, Python files, data files and the environment.

    Only upper-case keys are taken by the loaders, so a config module may use
    lower-case names for its own temporary values.

    :param root_path: the folder relative file names are read from (the app's
        ``root_path``, or its ``instance_path`` with ``instance_relative_config``).
    :param defaults: the initial values.
    """

    def __init__(
        self,
        root_path: str | os.PathLike[str],
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(defaults or {})
        self.root_path = root_path

    def from_envvar(self, variable_name: str, silent: bool = False) -> bool:
        """Load the Python file named by the environment variable ``variable_name``.

        :returns: whether a file was loaded.
        :raises RuntimeError: the variable is not set (unless ``silent``).
        """
        filename = os.environ.get(variable_name)
        if not filename:
            if silent:
                return False
            raise RuntimeError(
                f"The environment variable {variable_name!r} is not set and as such"
                " configuration could not be loaded. Set this variable and make it"
                " point to a configuration file"
            )
        return self.from_pyfile(filename, silent=silent)

    def from_prefixed_env(
        self, prefix: str = "FLASK", *, loads: Callable[[str], Any] = json.loads
    ) -> bool:
        """Take every environment variable named ``PREFIX_KEY`` as ``KEY``.

        Values go through ``loads`` (JSON by default: ``FLASK_DEBUG=true`` gives
        ``True``) and stay strings when it fails. ``__`` in a name sets a key of a
        nested dict (``FLASK_DB__HOST``), made empty if missing. Keys are read in
        sorted order.
        """
        start = f"{prefix}_"
        for name in sorted(os.environ):
            if not name.startswith(start):
                continue
            raw = os.environ[name]
            try:
                value = loads(raw)
            except Exception:
                value = raw
            *parents, key = name[len(start) :].split("__")
            target: dict[str, Any] = self
            for parent in parents:
                target = target.setdefault(parent, {})
            target[key] = value
        return True

    def from_pyfile(
        self, filename: str | os.PathLike[str], silent: bool = False
    ) -> bool:
        """Run a Python file (relative to :attr:`root_path`) and take its upper-case
        names, as :meth:`from_object` does with a module.

        :param silent: return ``False`` instead of raising when the file is missing.
        :raises OSError: the file cannot be read; the message names the file.
        """
        path = os.path.join(self.root_path, filename)
        module = types.ModuleType("config")
        module.__file__ = path
        try:
            with open(path, "rb") as file:
                source = file.read()
        except OSError as error:
            if silent and error.errno in _MISSING:
                return False
            error.strerror = f"Unable to load configuration file ({error.strerror})"
            raise
        exec(compile(source, path, "exec"), module.__dict__)
        self.from_object(module)
        return True

    def from_object(self, obj: object | str) -> None:
        """Take the upper-case attributes of a module or class (or of the object
        an import string such as ``"myapp.settings.Production"`` names)."""
        if isinstance(obj, str):
            obj = import_string(obj)
        for key in dir(obj):
            if key.isupper():
                self[key] = getattr(obj, key)

    def from_file(
        self,
        filename: str | os.PathLike[str],
        load: Callable[[IO[Any]], Mapping[str, Any]],
        silent: bool = False,
        text: bool = True,
    ) -> bool:
        """Load a data file with ``load`` (``json.load``, ``tomllib.load`` with
        ``text=False``, ...) and take its upper-case keys.

        :param silent: return ``False`` instead of raising when the file is missing.
        """
        path = os.path.join(self.root_path, filename)
        try:
            with open(path, "r" if text else "rb") as file:
                data = load(file)
        except OSError as error:
            if silent and error.errno in _MISSING:
                return False
            error.strerror = f"Unable to load configuration file ({error.strerror})"
            raise
        return self.from_mapping(data)

    def from_mapping(
        self, mapping: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> bool:
        """Update like :meth:`dict.update`, taking only upper-case keys."""
        for key, value in {**(mapping or {}), **kwargs}.items():
            if key.isupper():
                self[key] = value
        return True

    def get_namespace(
        self, namespace: str, lowercase: bool = True, trim_namespace: bool = True
    ) -> dict[str, Any]:
        """The keys starting with ``namespace``: ``get_namespace("IMAGE_STORE_")``
        gives ``{"type": ..., "path": ...}`` for ``IMAGE_STORE_TYPE``, ...."""
        found: dict[str, Any] = {}
        for key, value in self.items():
            if not key.startswith(namespace):
                continue
            if trim_namespace:
                key = key[len(namespace) :]
            found[key.lower() if lowercase else key] = value
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
