"""Flask's ``flask.globals``: the context-local proxies.

``current_app``, ``g``, ``request`` and ``session`` follow the context active in
this thread or asyncio task; ``app_ctx`` and ``request_ctx`` are the contexts
themselves.
"""

from __future__ import annotations

from .context import app_ctx as app_ctx
from .context import current_app as current_app
from .context import g as g
from .context import request as request
from .context import request_ctx as request_ctx
from .context import session as session
