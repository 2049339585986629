"""``%protoweb request``: one real HTTP request to the live server, shown like curl -i.

The request goes over a socket to the server the browser talks to, so what is
shown is exactly what a browser would get (redirects are shown, not followed).
"""

from __future__ import annotations

import http.client
import json
import time
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from protoweb.devtools.log import RequestLog, RequestRecord

#: Names each request, so its entry in the request log can be found.
REQUEST_ID_HEADER = "X-Protoweb-Request"


class RequestInputError(ValueError):
    """A header or body given to ``%protoweb request`` cannot be sent."""


@dataclass(frozen=True)
class HttpResult:
    status: int
    reason: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return ""


def parse_header(text: str) -> tuple[str, str]:
    """``"Name: value"`` -> ``("Name", "value")``."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
        raise RequestInputError(f"header {text!r} is not in the form 'Name: value'")
    return name.strip(), value.strip()


def body_content_type(data: str) -> str:
    """JSON for a body that is a JSON object or array, else a form (as curl -d)."""
    if data.lstrip()[:1] in ("{", "["):
        try:
            json.loads(data)
        except ValueError:
            pass
        else:
            return "application/json"
    return "application/x-www-form-urlencoded"


def send(
    base_url: str,
    method: str,
    path: str,
    data: str | None = None,
    headers: list[tuple[str, str]] | None = None,
    timeout: float = 30.0,
    request_id: str | None = None,
) -> HttpResult:
    """Send one request to ``base_url`` + ``path`` and read the whole response."""
    if not path.startswith("/"):
        path = f"/{path}"
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=timeout
    )
    sent = list(headers or [])
    names = {name.lower() for name, _ in sent}
    body = None
    if data is not None:
        body = data.encode("utf-8")
        if "content-type" not in names:
            sent.append(("Content-Type", body_content_type(data)))
    sent.append((REQUEST_ID_HEADER, request_id or uuid.uuid4().hex))
    try:
        connection.putrequest(method.upper(), path, skip_accept_encoding=True)
        for name, value in sent:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        payload = response.read()
        version = "HTTP/1.1" if response.version == 11 else "HTTP/1.0"
        return HttpResult(
            response.status,
            response.reason,
            version,
            list(response.getheaders()),
            payload,
        )
    finally:
        connection.close()


def find_record(
    log: RequestLog | None, request_id: str, wait: float = 0.5
) -> RequestRecord | None:
    """The request log's record of the request sent with ``request_id``, if kept.

    A record may trail the response a little, so it is looked for up to ``wait``
    seconds.
    """
    if log is None:
        return None
    wanted = REQUEST_ID_HEADER.lower()
    deadline = time.monotonic() + wait
    while True:
        for record in reversed(log.records(50)):
            if any(
                name.lower() == wanted and value == request_id
                for name, value in record.request_headers
            ):
                return record
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.01)


def as_the_view_made_it(result: HttpResult, record: RequestRecord | None) -> HttpResult:
    """``result`` with the body and headers the view made, when the dev tools changed
    them on the way out (a live-reload script, a traceback page).

    The request log keeps the response as the app sent it (``record``, found by
    :func:`find_record`).
    """
    if record is None:
        return result
    made = record.response_body
    if made is None or made == result.body or not record.response_headers:
        return result
    return replace(result, headers=list(record.response_headers), body=made)


def error_note(record: RequestRecord | None, cell_label: str | None) -> str:
    """One line under a failed request: what the view raised and where to look."""
    if record is None or not record.error:
        return ""
    lines = record.error.strip().splitlines()
    raised = lines[-1] if lines else record.error_type or "an exception"
    where = f" (defined in {cell_label})" if cell_label else ""
    return (
        f"view {record.endpoint!r}{where} raised {raised}"
        " -- the traceback: %protoweb log 1"
    )


def format_result(result: HttpResult) -> str:
    """Status line, headers, a blank line, the body (JSON pretty-printed)."""
    lines = [f"{result.version} {result.status} {result.reason}"]
    lines.extend(f"{name}: {value}" for name, value in result.headers)
    text = result.body.decode("utf-8", "replace")
    if "json" in result.content_type.lower() and text.strip():
        try:
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return "\n".join(lines) + "\n\n" + text
