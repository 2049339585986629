"""The JupyterLab server the browser tests run against: token, start and stop."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

from .jupyterlab import JupyterLabServer


def wait_for(condition: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout:.0f} s: {condition}")
        time.sleep(0.1)


def test_server_wants_its_token_and_stops_with_its_kernels(tmp_path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    server = JupyterLabServer(root, tmp_path / "state").start()
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.url}/api/kernels", timeout=5)
        assert refused.value.code == 403
        server.api("POST", "/api/kernels", {"name": "python3"})
        wait_for(server.kernel_pids)
    finally:
        server.stop()
    assert server.pid is None
    assert server.kernel_pids() == []
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", server.port))  # nothing listens there any more
