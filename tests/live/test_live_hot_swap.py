"""Hot swap under load: a route replaced 500 times while 8 clients hammer it.

SPEC section 2 ("A request in flight sees either the old table or the new one,
never a mix"); issue 3 ("Hot swap under load").
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from protoweb import App, LiveServer

CLIENTS = 8
MIN_SECONDS = 5.0
REPLACEMENTS = 500
BODY = re.compile(rb"version (\d+)")


@dataclass
class ClientResult:
    versions: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def view_for(version: int) -> Callable[[], str]:
    def swapped() -> str:
        return f"version {version}"

    return swapped


def keep_alive_client(port: int, stop: threading.Event, result: ClientResult) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    while not stop.is_set():
        try:
            connection.request("GET", "/swapped")
            response = connection.getresponse()
            record(response.status, response.read(), result)
        except Exception as error:  # noqa: BLE001 - every failure is counted
            result.failures.append(f"keep-alive: {error!r}")
            connection.close()
    connection.close()


def one_shot_client(port: int, stop: threading.Event, result: ClientResult) -> None:
    request = b"GET /swapped HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(request)
                data = sock.makefile("rb").read()
            head, _, body = data.partition(b"\r\n\r\n")
            record(int(head.split(b" ", 2)[1]), body, result)
        except Exception as error:  # noqa: BLE001 - every failure is counted
            result.failures.append(f"one-shot: {error!r}")


def record(status: int, body: bytes, result: ClientResult) -> None:
    match = BODY.fullmatch(body)
    if status != 200 or match is None:
        result.failures.append(f"{status} {body[:80]!r}")
    else:
        result.versions.append(int(match.group(1)))


def test_a_route_replaced_500_times_under_load_never_fails() -> None:
    app = App("hot_swap", root_path="/nonexistent")
    app.add_url_rule("/swapped", "swapped", view_for(0))
    server = LiveServer(app).start()
    stop = threading.Event()
    results = [ClientResult() for _ in range(CLIENTS)]
    threads = [
        threading.Thread(
            target=keep_alive_client if index % 2 else one_shot_client,
            args=(server.port, stop, results[index]),
        )
        for index in range(CLIENTS)
    ]
    try:
        for thread in threads:
            thread.start()
        started = time.monotonic()
        interval = MIN_SECONDS / REPLACEMENTS
        for version in range(1, REPLACEMENTS + 1):
            app.add_url_rule("/swapped", "swapped", view_for(version))
            time.sleep(max(0.0, started + version * interval - time.monotonic()))
        time.sleep(0.2)  # every client sees the last version too
        stop.set()
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
        server.stop()
    assert elapsed >= MIN_SECONDS
    failures = [failure for result in results for failure in result.failures]
    assert failures == []
    for result in results:
        assert len(result.versions) > 20
        assert result.versions == sorted(result.versions)  # never back to an old one
        assert all(0 <= version <= REPLACEMENTS for version in result.versions)
        assert result.versions[-1] == REPLACEMENTS
    total = sum(len(result.versions) for result in results)
    seen = {version for result in results for version in result.versions}
    assert len(seen) > REPLACEMENTS / 2, (total, len(seen))
    assert server.request_log.total == total
