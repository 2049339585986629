"""Which templates a request rendered: Jinja2's own loading, noted per request.

Compiled ``extends``, ``include`` and ``import`` load their templates through the
environment's ``get_template`` and ``select_template`` (cached ones too), so
wrapping those two sees every template a page used. Each name is noted in the
request's environ (:data:`ENVIRON_TEMPLATES`): a request that renders nothing
pays nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..context import current_context

if TYPE_CHECKING:
    from jinja2 import Environment

#: environ key: the templates Jinja2 loaded while the request was answered.
ENVIRON_TEMPLATES = "protoweb.templates"


class TemplateRecorder:
    """Notes the templates ``environment`` loads while a request is answered;
    :meth:`uninstall` gives the environment its own methods back."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self._installed = False

    def install(self) -> None:
        environment = self.environment
        if self._installed or getattr(
            environment.get_template, "__protoweb_recorder__", False
        ):
            return
        load_one = environment.get_template
        load_first = environment.select_template

        def get_template(name: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(name, str):
                _note_templates((name,))
            return load_one(name, *args, **kwargs)

        def select_template(names: Any, *args: Any, **kwargs: Any) -> Any:
            if not isinstance(names, str):
                names = list(names)
                _note_templates(name for name in names if isinstance(name, str))
            return load_first(names, *args, **kwargs)

        get_template.__protoweb_recorder__ = True  # type: ignore[attr-defined]
        environment.get_template = get_template  # type: ignore[method-assign]
        environment.select_template = select_template  # type: ignore[method-assign]
        self._installed = True

    def uninstall(self) -> None:
        if self._installed:
            del self.environment.get_template
            del self.environment.select_template
            self._installed = False


def _note_templates(names: Iterable[str]) -> None:
    """Add ``names`` to the current request's :data:`ENVIRON_TEMPLATES`."""
    try:
        environ = current_context().environ
    except RuntimeError:
        return
    if environ is not None:
        used = environ.get(ENVIRON_TEMPLATES)
        if used is None:
            used = environ[ENVIRON_TEMPLATES] = set()
        used.update(names)
