"""``app.serve()`` over real HTTP, ``app.run()`` and the ``protoweb`` command."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

import protoweb
from protoweb import PortInUseError
from tests.ports import free_port


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_serve_returns_at_once_and_stops(app):
    app.add_url_rule("/", "index", lambda: "live")
    server = app.serve(port=0)
    try:
        assert app.server is server
        assert server.url.startswith("http://127.0.0.1:")
        assert fetch(server.url + "/") == "live"
        app.add_url_rule("/", "index", lambda: "replaced")
        assert fetch(server.url + "/") == "replaced"
    finally:
        server.stop()
    assert app.server is None
    with pytest.raises(OSError):
        fetch(server.url + "/")


def test_taken_port_is_a_clear_error(app):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port}"):
            app.serve(port=port)


def wait_for(url: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fetch(url)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.mark.parametrize("how", ["run", "cli"])
def test_run_blocks_and_serves(tmp_path, how):
    (tmp_path / "mysite.py").write_text(
        textwrap.dedent(
            """
            import os
            from protoweb import App
            app = App(__name__)
            app.add_url_rule("/", "index", lambda: "ran " + app.root_path)
            if __name__ == "__main__":
                app.run(port=int(os.environ["TEST_PORT"]))
            """
        )
    )
    port = free_port()
    env = {**os.environ, "TEST_PORT": str(port), "PORT": str(port)}
    if how == "run":
        command = [sys.executable, "mysite.py"]
    else:
        command = [sys.executable, "-m", "protoweb", "serve", "mysite:app"]
    process = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/") == f"ran {tmp_path}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_version():
    out = subprocess.run(
        [sys.executable, "-m", "protoweb", "--version"], capture_output=True, text=True
    )
    assert out.stdout.strip() == f"protoweb {protoweb.__version__}"


def test_import_does_not_import_ipython():
    code = (
        "import protoweb, sys; assert 'IPython' not in sys.modules, 'IPython imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
