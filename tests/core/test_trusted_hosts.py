"""``TRUSTED_HOSTS`` as Flask applies it, for ``app.run()`` and exports (issue 11;
SPEC section 2). The live server's own Host check is in tests/serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time

import flask
import pytest

from protoweb import App
from tests.ports import free_port

HOSTS = ["b.example", "a.example", "x.a.example", "localhost", "a.example:8080"]


@pytest.mark.parametrize(
    "trusted", [None, [], ["a.example"], [".a.example"], [".example", "localhost"]]
)
def test_trusted_hosts_answers_as_flask_does(trusted):
    statuses = []
    for make in (App, flask.Flask):
        app = make("hosts")
        app.add_url_rule("/", "index", lambda: "ok")
        app.config["TRUSTED_HOSTS"] = trusted
        client = app.test_client()
        statuses.append(
            [client.get("/", headers={"Host": host}).status_code for host in HOSTS]
        )
    assert statuses[0] == statuses[1]


def test_an_untrusted_host_gets_400_without_running_the_view():
    calls = []
    app = App("hosts")
    app.add_url_rule("/", "index", lambda: calls.append(1) or "ok")
    app.config["TRUSTED_HOSTS"] = ["a.example"]
    assert app.test_client().get("/", headers={"Host": "b.example"}).status_code == 400
    assert calls == []


def raw_get(port: int, host: str) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize("trusted", [None, ["shop.example"]])
def test_app_run_follows_flask_not_the_live_server(tmp_path, trusted):
    (tmp_path / "trusted_site.py").write_text(
        textwrap.dedent(
            f"""
            import os
            from protoweb import App
            app = App(__name__)
            app.config["TRUSTED_HOSTS"] = {trusted!r}
            app.add_url_rule("/", "index", lambda: "ok")
            app.run(port=int(os.environ["TEST_PORT"]))
            """
        )
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "trusted_site.py"],
        cwd=tmp_path,
        env={**os.environ, "TEST_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                raw_get(port, "localhost")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        foreign = raw_get(port, "attacker.example")
        shop = raw_get(port, "shop.example")
    finally:
        process.terminate()
        process.wait(timeout=10)
    if trusted is None:
        assert foreign.startswith(b"HTTP/1.1 200 ")
    else:
        assert foreign.startswith(b"HTTP/1.1 400 ")
        assert shop.startswith(b"HTTP/1.1 200 ")
