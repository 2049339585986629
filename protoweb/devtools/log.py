"""The request log: a bounded ring buffer of what the live server answered.

The notebook panel, the REPL toolbar and ``%protoweb log`` read it; the exporter
turns its records into tests. Subscribers are called from the server's threads.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from ..listeners import Listeners

logger = logging.getLogger("protoweb.devtools")

#: Bodies longer than this are not kept (the record says so).
BODY_LIMIT = 64 * 1024
#: A record keeps at most this many bytes of request headers (names and values);
#: the value that crosses it is cut, and the headers after it are dropped.
HEADER_BYTES_LIMIT = 16 * 1024

Headers = tuple[tuple[str, str], ...]


def capped_headers(headers: Iterable[tuple[str, str]]) -> Headers:
    """``headers`` up to :data:`HEADER_BYTES_LIMIT` bytes, so that a request with
    megabytes of headers leaves a small record."""
    kept = tuple(headers)
    total = 0
    for index, (name, value) in enumerate(kept):
        total += len(name) + len(value)
        if total > HEADER_BYTES_LIMIT:
            room = max(0, len(value) - (total - HEADER_BYTES_LIMIT))
            cut = sum(len(n) + len(v) for n, v in kept[index:]) - len(name) - room
            return (*kept[:index], (name, f"{value[:room]}... ({cut:,} bytes cut)"))
    return kept


@dataclass(frozen=True)
class RequestRecord:
    """One request and what the app answered."""

    time: float
    method: str
    path: str
    query_string: str
    status: int
    duration_ms: float
    endpoint: str | None = None
    request_headers: tuple[tuple[str, str], ...] = ()
    request_body: bytes = b""
    content_type: str | None = None
    response_body: bytes | None = None
    error: str | None = None
    error_type: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    #: The response's headers as the app sent them (no live-reload changes).
    response_headers: tuple[tuple[str, str], ...] = ()
    #: The request had a body that was not kept (longer than the limit, or chunked).
    request_body_truncated: bool = False

    @property
    def url(self) -> str:
        """The path with its query string."""
        return f"{self.path}?{self.query_string}" if self.query_string else self.path

    @classmethod
    def make(cls, **values: Any) -> RequestRecord:
        """``RequestRecord(**values)``, in a fraction of the time (a frozen
        dataclass's ``__init__`` sets each field through ``object.__setattr__``).
        Fields left out take their defaults."""
        record = object.__new__(cls)
        attributes = record.__dict__
        attributes.update(_FIELD_DEFAULTS)
        attributes["extra"] = {}
        attributes.update(values)
        return record

    def summary(self) -> str:
        """``GET /hello 200 1.2 ms`` (and the error's type when there was one)."""
        line = f"{self.method} {self.url} {self.status} {self.duration_ms:.1f} ms"
        return f"{line} {self.error_type}" if self.error_type else line


_FIELD_DEFAULTS = {
    f.name: f.default for f in fields(RequestRecord) if f.default is not MISSING
}

Subscriber = Callable[[RequestRecord], None]


class RequestLog:
    """The latest ``capacity`` records, and callbacks told of each new one.

    The live server adds its records with :meth:`append_later`: while nobody
    listens, a record is kept as the little it was made from and becomes a
    :class:`RequestRecord` when first read (then stays that same object), so a
    request pays for almost none of its log entry.
    """

    def __init__(self, capacity: int = 200) -> None:
        self._records: deque[RequestRecord | tuple[Any, Any]] = deque(maxlen=capacity)
        self._subscribers: Listeners[[RequestRecord]] = Listeners(_subscriber_failed)
        self._lock = threading.Lock()
        self.total = 0

    def append(self, record: RequestRecord) -> None:
        """Add ``record`` and tell the subscribers."""
        self.keep(record)
        self.notify(record)

    def keep(self, record: RequestRecord) -> None:
        """Add ``record`` without telling the subscribers (see :meth:`notify`)."""
        with self._lock:
            self._records.append(record)
            self.total += 1

    def notify(self, record: RequestRecord) -> None:
        """Tell every subscriber of ``record``; one that fails is logged, not raised."""
        self._subscribers.notify(record)

    def append_later(
        self, make: Callable[[Any], RequestRecord], data: Any
    ) -> RequestRecord | None:
        """Add the record ``make(data)``, made only when first read.

        When someone subscribed, it is made now and returned, for the caller to
        :meth:`notify` them (the live server does once the response is sent).
        ``data`` must not change afterwards.
        """
        if self._subscribers:
            record = make(data)
            self.keep(record)
            return record
        with self._lock:
            self._records.append((make, data))
            self.total += 1
        return None

    def records(self, last: int | None = None) -> list[RequestRecord]:
        """The records kept, oldest first (only the ``last`` N if given)."""
        with self._lock:
            records = self._materialize()
        return records[-last:] if last else records

    def _materialize(self) -> list[RequestRecord]:
        """Every record as a :class:`RequestRecord`, made once (lock held)."""
        kept = self._records
        records = []
        for index, item in enumerate(kept):
            if type(item) is tuple:
                item = kept[index] = item[0](item[1])
            records.append(item)
        return records  # type: ignore[return-value]

    def errors(self) -> list[RequestRecord]:
        """The records whose view raised."""
        return [record for record in self.records() if record.error]

    def latest(self) -> RequestRecord | None:
        with self._lock:
            if not self._records:
                return None
            item = self._records[-1]
            if type(item) is tuple:
                item = self._records[-1] = item[0](item[1])
            return item  # type: ignore[return-value]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    @property
    def has_subscribers(self) -> bool:
        """Whether anyone is told of new records."""
        return bool(self._subscribers)

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber(record)`` (from a server thread) for each new record."""
        self._subscribers.add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.remove(subscriber)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)


def _subscriber_failed(subscriber: Callable[..., object], error: Exception) -> None:
    logger.error("request log subscriber %r failed", subscriber, exc_info=error)
