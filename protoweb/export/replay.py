"""A recorded request as a test client call, and the response it should get.

The same :class:`ReplayRequest` is sent twice while the export verifies itself
(as JSON to a child process) and written into ``tests/test_app.py`` (as Python
source), so what was checked is what the tests do.
"""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..devtools.log import RequestRecord

#: Request headers a replay leaves out: the client, the connection and the proxy
#: set them; cookies come from the test client's own jar as the session goes on.
DROPPED_HEADERS = frozenset(
    {
        "host", "content-length", "content-type", "cookie", "connection",
        "user-agent", "accept-encoding", "accept-language", "cache-control",
        "pragma", "origin", "referer", "dnt", "te", "keep-alive", "priority",
        "upgrade-insecure-requests", "if-none-match", "if-modified-since",
        "if-match", "if-unmodified-since", "if-range", "forwarded",
    }
)  # fmt: skip
_DROPPED_PREFIXES = ("sec-", "x-forwarded-", "x-real-ip", "x-protoweb-")
SHORTCUT_METHODS = frozenset(
    {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}
)
#: Request headers that carry credentials, besides any whose name contains one
#: of :data:`CREDENTIAL_WORDS`; an export never writes their values.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
CREDENTIAL_WORDS = ("key", "token", "secret", "auth")
#: What a test sends for a credential when its environment variable is unset.
PLACEHOLDER = "placeholder-set-the-environment-variable"


def is_credential(header: str) -> bool:
    """Whether the request header ``header`` carries a credential."""
    name = header.lower()
    return name in CREDENTIAL_HEADERS or any(w in name for w in CREDENTIAL_WORDS)


def credential_variable(header: str) -> str:
    """The environment variable a test reads the header's value from:
    ``X-Api-Key`` -> ``TEST_X_API_KEY``."""
    return "TEST_" + re.sub(r"[^0-9A-Za-z]+", "_", header).strip("_").upper()


def is_json_type(content_type: str | None) -> bool:
    """``application/json`` or any ``+json`` type, parameters aside."""
    mimetype = (content_type or "").split(";")[0].strip().lower()
    return mimetype == "application/json" or mimetype.endswith("+json")


def is_text_type(content_type: str | None) -> bool:
    """Whether a body of this type is text (compared as a string in tests)."""
    mimetype = (content_type or "").split(";")[0].strip().lower()
    return (
        mimetype.startswith("text/")
        or "charset=" in (content_type or "").lower()
        or mimetype in ("application/javascript", "application/xml", "image/svg+xml")
        or is_json_type(content_type)
    )


@dataclass(frozen=True)
class ReplayRequest:
    """What the test client sends to repeat one recorded request."""

    method: str
    path: str
    query_string: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = None
    data: bytes = b""
    json_body: Any = None
    has_json: bool = False

    @classmethod
    def from_record(cls, record: RequestRecord) -> ReplayRequest:
        headers = tuple(
            (name, PLACEHOLDER if is_credential(name) else value)
            for name, value in record.request_headers
            if name.lower() not in DROPPED_HEADERS
            and not name.lower().startswith(_DROPPED_PREFIXES)
            and not (name.lower() == "accept" and value.strip() == "*/*")
        )
        content_type = next(
            (v for n, v in record.request_headers if n.lower() == "content-type"), None
        )
        body = record.request_body or b""
        if body and content_type == "application/json":
            try:
                value = json.loads(body)
            except ValueError:
                pass
            else:
                return cls(record.method, record.path, record.query_string, headers,
                           json_body=value, has_json=True)  # fmt: skip
        return cls(
            record.method,
            record.path,
            record.query_string,
            headers,
            content_type if body or content_type else None,
            body,
        )

    def to_json(self) -> dict[str, Any]:
        """The call, for the verifying child process (see ``calibrate.py``)."""
        options: dict[str, Any] = {"method": self.method}
        if self.query_string:
            options["query_string"] = self.query_string
        if self.headers:
            options["headers"] = [
                [name, _credential_value(name) if is_credential(name) else value]
                for name, value in self.headers
            ]
        if self.has_json:
            options["json"] = self.json_body
        elif self.data or self.content_type:
            options["data_b64"] = base64.b64encode(self.data).decode()
            if self.content_type:
                options["content_type"] = self.content_type
        return {"path": self.path, "options": options}

    def call_source(self, client: str = "client") -> str:
        """The test client call as Python: ``client.post("/items", data=...)``."""
        arguments = [python_literal(self.path)]
        method = self.method.upper()
        if method in SHORTCUT_METHODS:
            function = f"{client}.{method.lower()}"
        else:
            function = f"{client}.open"
            arguments.append(f"method={python_literal(method)}")
        if self.query_string:
            arguments.append(f"query_string={python_literal(self.query_string)}")
        if self.has_json:
            arguments.append(f"json={python_literal(self.json_body)}")
        elif self.data:
            try:
                arguments.append(f"data={python_literal(self.data.decode())}")
            except UnicodeDecodeError:
                arguments.append(f"data={self.data!r}")
        if self.content_type and not self.has_json:
            arguments.append(f"content_type={python_literal(self.content_type)}")
        if self.headers:
            pairs = [
                f"{python_literal(n)}: {_value_source(n, v)}" for n, v in self.headers
            ]
            headers = f"headers={{{', '.join(pairs)}}}"
            if len(headers) > 78:
                lines = "".join(f"            {pair},\n" for pair in pairs)
                headers = f"headers={{\n{lines}        }}"
            arguments.append(headers)
        one_line = f"{function}({', '.join(arguments)})"
        if len(one_line) <= 70 and "\n" not in one_line:
            return one_line
        inner = "".join(f"        {argument},\n" for argument in arguments)
        return f"{function}(\n{inner}    )"

    @property
    def credentials(self) -> tuple[str, ...]:
        """The names of the credential headers this request sends."""
        return tuple(name for name, _ in self.headers if is_credential(name))

    def summary(self) -> str:
        """``GET /items?page=2``."""
        query = f"?{self.query_string}" if self.query_string else ""
        return f"{self.method} {self.path}{query}"


@dataclass(frozen=True)
class ReplayResponse:
    """What a request answered: live, or when replayed."""

    status: int
    content_type: str | None
    body: bytes | None

    @classmethod
    def from_record(cls, record: RequestRecord) -> ReplayResponse:
        return cls(record.status, record.content_type, record.response_body)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReplayResponse:
        return cls(
            int(data["status"]),
            data.get("content_type"),
            base64.b64decode(data["body_b64"]),
        )

    def json_value(self) -> Any:
        """The parsed JSON body, or :data:`NotImplemented` when it is not JSON."""
        if self.body is None or not is_json_type(self.content_type):
            return NotImplemented
        try:
            return json.loads(self.body)
        except ValueError:
            return NotImplemented

    def matches(self, other: ReplayResponse) -> bool:
        """Whether ``other`` answers like this one (JSON compared as data)."""
        if self.status != other.status:
            return False
        if self.content_type is not None and self.content_type != other.content_type:
            return False
        if self.body is None:
            return True
        value = self.json_value()
        if value is not NotImplemented:
            return value == other.json_value()
        return self.body == other.body


#: The function the generated tests read credentials with.
CREDENTIAL_HELPER = f'''def credential(variable):
    """A credential the recorded request carried: not in this project, so the
    value of ``variable`` in the environment, or a placeholder."""
    return os.environ.get(variable, "{PLACEHOLDER}")'''


def _credential_value(header: str) -> str:
    """What a test sends for the credential ``header`` (see :func:`_value_source`)."""
    return os.environ.get(credential_variable(header), PLACEHOLDER)


def _value_source(header: str, value: str) -> str:
    """A header's value in a test: a credential is read from the environment by
    the ``credential`` function the tests define (see :data:`CREDENTIAL_HELPER`)."""
    if not is_credential(header):
        return python_literal(value)
    return f"credential({python_literal(credential_variable(header))})"


def python_literal(value: Any) -> str:
    """``value`` as Python source, strings in double quotes where possible."""
    if isinstance(value, str):
        text = repr(value)
        if text.startswith("'") and '"' not in value:
            return f'"{text[1:-1]}"'
        return text
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        items = ", ".join(python_literal(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, dict):
        items = ", ".join(
            f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items()
        )
        return "{" + items + "}"
    return repr(value)
