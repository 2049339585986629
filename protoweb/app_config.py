"""The app's folders and configuration: the instance folder, ``app.config`` and
its shortcuts (``secret_key``, ``debug``, ``testing``,
``permanent_session_lifetime``)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any, cast

from .config import Config, ConfigAttribute, as_timedelta

if TYPE_CHECKING:
    from .app import App


class ConfigMethods:
    """Instance folder and configuration, mixed into :class:`~protoweb.App`."""

    def auto_find_instance_path(self) -> str:
        """``instance/`` beside the app's module or package (or in the working
        directory in a notebook); for an installed package, ``<prefix>/var``."""
        app = cast("App", self)
        module = sys.modules.get(app.import_name)
        filename = getattr(module, "__file__", None)
        if (
            filename is None
            or app.import_name == "__main__"
            and not os.path.isfile(filename)
        ):
            return os.path.join(app.root_path, "instance")
        folder = os.path.dirname(os.path.abspath(filename))
        if hasattr(module, "__path__"):
            folder = os.path.dirname(folder)
        if os.path.basename(folder) in ("site-packages", "dist-packages"):
            return os.path.join(sys.prefix, "var", f"{app.name}-instance")
        return os.path.join(folder, "instance")

    def make_config(self, instance_relative: bool = False) -> Config:
        """``app.config``: Flask's defaults, paths relative to :attr:`root_path`
        (or to :attr:`instance_path` with ``instance_relative_config``)."""
        from .helpers import get_debug_flag

        app = cast("App", self)
        root = app.instance_path if instance_relative else app.root_path
        defaults = dict(app.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return app.config_class(root, defaults)

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> IO[Any]:
        """Open ``resource`` in :attr:`instance_path` (writing allowed)."""
        path = os.path.join(cast("App", self).instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    #: ``PERMANENT_SESSION_LIFETIME`` as a timedelta (settable, as in Flask).
    permanent_session_lifetime = ConfigAttribute[timedelta | None](
        "PERMANENT_SESSION_LIFETIME", get_converter=as_timedelta
    )

    @property
    def secret_key(self) -> Any:
        return cast("App", self).config.get("SECRET_KEY")

    @secret_key.setter
    def secret_key(self, value: Any) -> None:
        cast("App", self).config["SECRET_KEY"] = value

    @property
    def debug(self) -> bool:
        return bool(cast("App", self).config.get("DEBUG"))

    @debug.setter
    def debug(self, value: bool) -> None:
        cast("App", self).config["DEBUG"] = value

    @property
    def testing(self) -> bool:
        return bool(cast("App", self).config.get("TESTING"))

    @testing.setter
    def testing(self, value: bool) -> None:
        cast("App", self).config["TESTING"] = value
