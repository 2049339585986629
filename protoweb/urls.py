"""``url_for``: build a URL for an endpoint, in a request or outside one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote as _url_quote

from werkzeug.routing import BuildError

from .context import current_context
from .routing import blueprint_of

if TYPE_CHECKING:
    from .app import App
    from .context import AppContext

#: Characters left as they are in a URL's ``#anchor``, as Flask leaves them.
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: Any,
) -> str:
    """The URL of ``endpoint``, ``values`` filling its variables (the rest: query).

    ``".name"`` is the endpoint ``name`` of the current request's blueprint. In a
    request the URL is relative to the request's root (``SCRIPT_NAME`` and a
    proxy's prefix included); outside one it uses ``SERVER_NAME``,
    ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``, and is external.
    """
    context = current_context()
    return build_url(
        context.app, context, endpoint, values, _anchor, _method, _scheme, _external
    )


def build_url(
    app: App,
    context: AppContext,
    endpoint: str,
    values: dict[str, Any],
    anchor: str | None,
    method: str | None,
    scheme: str | None,
    external: bool | None,
) -> str:
    """What :meth:`App.url_for <protoweb.App.url_for>` does, in ``context``."""
    in_request = context.environ is not None
    if endpoint[:1] == ".":
        blueprint = blueprint_of(getattr(context, "endpoint", None))
        endpoint = f"{blueprint}{endpoint}" if blueprint else endpoint[1:]
    if external is None:
        external = not in_request or scheme is not None
    elif scheme is not None and not external:
        raise ValueError("When specifying '_scheme', '_external' must be True.")
    app.inject_url_defaults(endpoint, values)
    try:
        url = context.url_adapter().build(
            endpoint,
            values,
            method=method,
            url_scheme=scheme,
            force_external=external,
        )
    except BuildError as error:
        values.update(
            _anchor=anchor, _method=method, _scheme=scheme, _external=external
        )
        return app.handle_url_build_error(error, endpoint, values)
    if anchor is not None:
        url = f"{url}#{_url_quote(anchor, safe=ANCHOR_SAFE)}"
    return url
