"""The WSGI ``environ`` keys through which the app, the live server and the dev
tools tell each other about one request (a leaf module: it imports nothing)."""

from __future__ import annotations

#: The exception a view raised, for the dev tools' traceback page.
ENVIRON_EXCEPTION = "protoweb.exception"
#: The endpoint that answered, for the request log.
ENVIRON_ENDPOINT = "protoweb.endpoint"
#: The request's parsed headers (an :class:`http.client.HTTPMessage`), set by the
#: live server's handler so the dev tools need not rebuild them.
ENVIRON_REQUEST_HEADERS = "protoweb.request_headers"
#: Set by the live server on a request whose ``Host`` it has allowed.
ENVIRON_HOST_CHECKED = "protoweb.host_checked"
