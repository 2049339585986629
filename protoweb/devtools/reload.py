"""Live update: an event stream per open page, and the script that acts on it.

The app's change listener calls :meth:`ReloadHub.notify` after every route,
template, static file, hook or error handler change (and the notebook calls
:meth:`ReloadHub.cell_ran` after every cell). Each open page holds one
Server-Sent Events connection to :data:`EVENTS_PATH`; the hub sends it only the
changes that page used (:mod:`protoweb.devtools.page_deps`), each as the least
update that shows it: ``restyle``, ``update`` or ``reload``.

Each page is served with its id and the hub's *version* (a per-hub token and a
change counter). A page whose version is out of date when its stream connects
is sent what it missed, so a change made between serving the page and the page
connecting is never lost, and a page from before a kernel restart reloads when
the new server answers.

.. code-block:: text

    GET /__protoweb__/events?since=3f9a.12&page=7  ->  retry: 1000

                                                       event: change
                                                       data: {"action": "update",
                                                              "kind": "template", ...}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import deque
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from ..digits import is_ascii_digits
from .page_deps import RELOAD, Action, Change, Pages

#: URL paths under this prefix belong to the live server, not the app.
RESERVED_PREFIX = "/__protoweb__/"
EVENTS_PATH = RESERVED_PREFIX + "events"
SCRIPT_PATH = RESERVED_PREFIX + "live.js"

#: Seconds between keep-alive comments on an idle stream (they also detect a
#: closed page, whose socket then fails to write).
HEARTBEAT_SECONDS = 15.0
#: Changes remembered for pages that connect late (older ones reload).
HISTORY_LIMIT = 512

_TAG = (
    '<script src="%s" data-protoweb-live data-events="%s" data-page="%s"'
    ' data-since="%s" async></script>\n'
)
_BODY_END = re.compile(rb"</body\s*>")
_DOCUMENT_START = re.compile(rb"<html[\s>]|<!doctype\s+html")


@lru_cache(maxsize=1)
def script_source() -> tuple[bytes, str]:
    """The page script served at :data:`SCRIPT_PATH` (Idiomorph and ours, in one
    function scope), and a hash of it for cache busting."""
    folder = Path(__file__).parent
    morph = (folder / "idiomorph.min.js").read_text(encoding="utf-8")
    ours = (folder / "live_update.js").read_text(encoding="utf-8")
    source = f"(function () {{\n{morph}\n{ours}}})();\n".encode()
    return source, hashlib.sha256(source).hexdigest()[:12]


class ReloadHub:
    """Counts changes and streams each open page the ones it used.

    Thread-safe: :meth:`notify` is called from whichever thread changed the app,
    :meth:`stream` runs in one server thread per open page.
    """

    def __init__(self, heartbeat: float = HEARTBEAT_SECONDS) -> None:
        self.heartbeat = heartbeat
        self.token = os.urandom(4).hex()
        self.changes = 0
        self.last_change: tuple[str, str] | None = None
        self.clients = 0
        #: The pages served with the script, and what each used.
        self.pages = Pages()
        self._history: deque[tuple[int, Change]] = deque(maxlen=HISTORY_LIMIT)
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
        """Tell the open pages that ``kind`` ``name`` changed (an app listener)."""
        change = self.pages.classify(kind, name)
        with self._condition:
            self.changes += 1
            self.last_change = (kind, name)
            self._history.append((self.changes, change))
            self._condition.notify_all()

    def cell_ran(self) -> None:
        """A notebook cell ran: error pages fetch themselves again (the fix may be
        in a helper their view calls)."""
        self.notify("cell", "")

    def open(self) -> None:
        """Accept streams (again, after :meth:`close`)."""
        with self._condition:
            self._closed = False

    def close(self) -> None:
        """End every stream; pages reconnect when the server is back."""
        self.pages.detach()
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def stream(self, since: str = "", page: str = "") -> Iterator[bytes]:
        """The event stream for the page ``page``, served at version ``since``."""
        token, _, count = since.partition(".")
        with self._condition:
            self.clients += 1
            current = token == self.token and is_ascii_digits(count)
            seen = int(count) if current else 0
            if seen > self.changes:
                current = False
        try:
            yield b"retry: 1000\n\n"
            if not current:
                yield _event(Action(RELOAD), "stale", "", self.version)
                return
            while True:
                with self._condition:
                    if self.changes == seen and not self._closed:
                        self._condition.wait(self.heartbeat)
                    if self._closed:
                        return
                    pending = self._changes_after(seen)
                    seen = self.changes
                if pending is None:
                    yield _event(Action(RELOAD), "stale", "", self.version_at(seen))
                    return
                if not pending:
                    yield b": ping\n\n"
                    continue
                action = self.pages.action(page, pending)
                if action is None:
                    continue
                last = pending[-1]
                yield _event(action, last.kind, last.name, self.version_at(seen))
                if action.kind == RELOAD:
                    return
        finally:
            with self._condition:
                self.clients -= 1

    def _changes_after(self, seen: int) -> list[Change] | None:
        """The changes after number ``seen`` (lock held); ``None`` if forgotten."""
        if seen == self.changes:
            return []
        history = self._history
        if not history or history[0][0] > seen + 1:
            return None
        return [change for number, change in history if number > seen]

    def script(
        self, script_name: str = "", changes: int | None = None, page: str = ""
    ) -> bytes:
        """The ``<script>`` tag for the page ``page`` served when the change count
        was ``changes`` (by default, now), for an app at ``script_name`` (the proxy
        prefix, if any)."""
        since = self.version_at(self.changes if changes is None else changes)
        root = script_name.rstrip("/")
        _, digest = script_source()
        return (
            _TAG
            % (
                _attribute(f"{root}{SCRIPT_PATH}?v={digest}"),
                _attribute(f"{root}{EVENTS_PATH}"),
                _attribute(page),
                _attribute(since),
            )
        ).encode()


def _attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def _event(action: Action, kind: str, name: str, version: str) -> bytes:
    data = json.dumps(
        {
            "action": action.kind,
            "kind": kind,
            "name": name,
            "version": version,
            "stylesheets": action.stylesheets,
        }
    )
    return f"event: change\ndata: {data}\n\n".encode()


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
