"""``url_for``: build a URL for an endpoint, in a request or outside one."""

from __future__ import annotations

from typing import Any

from .context import current_context


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

    In a request the URL is relative to the request's root (``SCRIPT_NAME`` and a
    proxy's prefix included); outside one it uses ``SERVER_NAME``,
    ``APPLICATION_ROOT`` and ``PREFERRED_URL_SCHEME``, and is external.
    """
    context = current_context()
    in_request = context.environ is not None
    if _external is None:
        _external = not in_request or _scheme is not None
    adapter = context.url_adapter()
    url = adapter.build(
        endpoint,
        values,
        method=_method,
        url_scheme=_scheme,
        force_external=_external,
    )
    if _anchor is not None:
        url = f"{url}#{_anchor}"
    return url
