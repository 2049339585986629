"""Live reload: an event stream that says "something changed", and the page script.

The app's change listener calls :meth:`ReloadHub.notify` after every route,
template, static file, hook or error handler change. Each open page holds one
Server-Sent Events connection to :data:`EVENTS_PATH`; the script injected into
full HTML documents reloads the page on the first ``reload`` event.

Each page is served with the hub's *version* (a per-hub token and a change
counter). A page whose version is out of date when its stream connects is told
to reload at once, so a change made between serving the page and the page
connecting is never missed, and a page from before a kernel restart reloads
when the new server answers.

.. code-block:: text

    GET /__protoweb__/events?since=3f9a.12  ->  retry: 1000

                                                event: reload
                                                data: {"kind": "route", "name": "a"}
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator

#: URL paths under this prefix belong to the live server, not the app.
RESERVED_PREFIX = "/__protoweb__/"
EVENTS_PATH = RESERVED_PREFIX + "events"

#: Seconds between keep-alive comments on an idle stream (they also detect a
#: closed page, whose socket then fails to write).
HEARTBEAT_SECONDS = 15.0

_SCRIPT = """<script data-protoweb-reload>
(function () {
  if (!window.EventSource) return;
  var events = new EventSource(%s);
  window.__protoweb_events = events;
  events.addEventListener("reload", function () {
    events.close();
    setTimeout(function () { location.reload(); }, 30);
  });
})();
</script>
"""

_BODY_END = re.compile(rb"</body\s*>")
_DOCUMENT_START = re.compile(rb"<html[\s>]|<!doctype\s+html")


class ReloadHub:
    """Counts changes and streams them to every open page.

    Thread-safe: :meth:`notify` is called from whichever thread changed the app,
    :meth:`stream` runs in one server thread per open page.
    """

    def __init__(self, heartbeat: float = HEARTBEAT_SECONDS) -> None:
        self.heartbeat = heartbeat
        self.token = os.urandom(4).hex()
        self.changes = 0
        self.last_change: tuple[str, str] | None = None
        self.clients = 0
        self._condition = threading.Condition()
        self._closed = False

    @property
    def version(self) -> str:
        """``token.changes``: what a page served now is up to date with."""
        return self.version_at(self.changes)

    def version_at(self, changes: int) -> str:
        """The version of a page served when the change count was ``changes``."""
        return f"{self.token}.{changes}"

    def notify(self, kind: str, name: str) -> None:
        """Tell every open page that ``kind`` ``name`` changed (an app listener)."""
        with self._condition:
            self.changes += 1
            self.last_change = (kind, name)
            self._condition.notify_all()

    def open(self) -> None:
        """Accept streams (again, after :meth:`close`)."""
        with self._condition:
            self._closed = False

    def close(self) -> None:
        """End every stream; pages reconnect when the server is back."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def stream(self, since: str = "") -> Iterator[bytes]:
        """The event stream for one page that was served at version ``since``."""
        with self._condition:
            self.clients += 1
            seen = self.changes
            stale = since != self.version
        try:
            yield b"retry: 1000\n\n"
            if stale:
                yield _event("stale", "")
                return
            while True:
                with self._condition:
                    if self.changes == seen and not self._closed:
                        self._condition.wait(self.heartbeat)
                    if self._closed:
                        return
                    changed = self.changes != seen
                    seen = self.changes
                    last = self.last_change
                if changed and last is not None:
                    yield _event(*last)
                    return
                yield b": ping\n\n"
        finally:
            with self._condition:
                self.clients -= 1

    def script(self, script_name: str = "", changes: int | None = None) -> bytes:
        """The ``<script>`` that reloads a page served when the change count was
        ``changes`` (by default, now), for an app at ``script_name`` (the proxy
        prefix, if any)."""
        since = self.version_at(self.changes if changes is None else changes)
        url = f"{script_name.rstrip('/')}{EVENTS_PATH}?since={since}"
        literal = json.dumps(url).replace("<", "\\u003c")
        return (_SCRIPT % literal).encode()


def _event(kind: str, name: str) -> bytes:
    data = json.dumps({"kind": kind, "name": name})
    return f"event: reload\ndata: {data}\n\n".encode()


def script_position(body: bytes) -> int:
    """Where the reload script goes in ``body``: before its last ``</body>``, or
    ``-1`` when ``body`` is not a full HTML document."""
    head = body[:1024]
    if b"<" not in head:
        return -1
    head = head.lower()
    if b"<html" not in head and b"<!doctype" not in head:
        return -1
    if _DOCUMENT_START.search(head) is None:
        return -1
    lowered = body.lower()
    end = lowered.rfind(b"</body")
    if end < 0:
        return -1
    if _BODY_END.match(lowered, end) is None:
        ends = [match.start() for match in _BODY_END.finditer(lowered, 0, end)]
        return ends[-1] if ends else -1
    return end


def inject(body: bytes, script: bytes) -> bytes | None:
    """``body`` with ``script`` before its last ``</body>``; ``None`` if it is not a
    full HTML document."""
    position = script_position(body)
    if position < 0:
        return None
    return body[:position] + script + body[position:]
