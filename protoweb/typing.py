"""Type aliases for what views, hooks and handlers take and return (Flask's names).

.. code-block:: python

    from protoweb.typing import ResponseReturnValue

    def index() -> ResponseReturnValue:
        return {"ok": True}, 201
"""

# Union[...] rather than X | Y: these aliases are evaluated at run time, and some
# members are forward references (strings), which "|" cannot join.
# ruff: noqa: UP007

from __future__ import annotations

from collections.abc import (
    AsyncIterable,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
    Sequence,
)
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication  # noqa: F401
    from werkzeug.datastructures import Headers  # noqa: F401
    from werkzeug.wrappers import Response  # noqa: F401

#: What a view may return as a body.
ResponseValue = Union[
    "Response",
    str,
    bytes,
    list[Any],
    Mapping[str, Any],
    Iterator[str],
    Iterator[bytes],
    AsyncIterable[str],
    AsyncIterable[bytes],
]
#: One header's value.
HeaderValue = Union[str, list[str], tuple[str, ...]]
#: Headers, in any form a view may return them.
HeadersValue = Union[
    "Headers",
    Mapping[str, HeaderValue],
    Sequence[tuple[str, HeaderValue]],
]
#: Everything a view may return: a body, a tuple with status and/or headers, or a
#: WSGI application.
ResponseReturnValue = Union[
    ResponseValue,
    tuple[ResponseValue, HeadersValue],
    tuple[ResponseValue, int],
    tuple[ResponseValue, int, HeadersValue],
    "WSGIApplication",
]
#: The key of hook tables: ``None`` for the app, else a blueprint's name.
AppOrBlueprintKey = Union[str, None]

RouteCallable = Union[
    Callable[..., ResponseReturnValue],
    Callable[..., Awaitable[ResponseReturnValue]],
]
BeforeRequestCallable = Union[
    Callable[[], Union[ResponseReturnValue, None]],
    Callable[[], Awaitable[Union[ResponseReturnValue, None]]],
]
AfterRequestCallable = Union[
    Callable[[Any], Any],
    Callable[[Any], Awaitable[Any]],
]
TeardownCallable = Union[
    Callable[[Union[BaseException, None]], None],
    Callable[[Union[BaseException, None]], Awaitable[None]],
]
TemplateContextProcessorCallable = Union[
    Callable[[], dict[str, Any]],
    Callable[[], Awaitable[dict[str, Any]]],
]
TemplateFilterCallable = Callable[..., Any]
TemplateGlobalCallable = Callable[..., Any]
TemplateTestCallable = Callable[..., bool]
URLDefaultCallable = Callable[[str, dict[str, Any]], None]
URLValuePreprocessorCallable = Callable[
    [Union[str, None], Union[dict[str, Any], None]], None
]
ErrorHandlerCallable = Union[
    Callable[[Any], ResponseReturnValue],
    Callable[[Any], Awaitable[ResponseReturnValue]],
]
ShellContextProcessorCallable = Callable[[], dict[str, Any]]
#: Flask keeps this name although ``before_first_request`` is gone.
BeforeFirstRequestCallable = Union[Callable[[], None], Callable[[], Awaitable[None]]]
