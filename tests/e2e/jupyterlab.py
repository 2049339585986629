"""A real JupyterLab server for the browser tests: started, awaited, stopped.

The server runs on 127.0.0.1 with a random token, in a temporary root folder, with
its own config, settings, workspace and runtime folders so that nothing from the
machine's Jupyter set-up (or from an earlier run) changes what the browser sees.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.ports import free_port

#: How long JupyterLab may take to answer its first request.
STARTUP_TIMEOUT = 90.0
#: How long a graceful shutdown may take before the process group is killed.
SHUTDOWN_TIMEOUT = 15.0

#: Lab settings: no pop-ups (news, update checks), and every cell of a notebook
#: in the page (no windowing), so that the tests see cells out of view too.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
}


class JupyterLabError(RuntimeError):
    """JupyterLab did not start or did not answer; the message holds its log."""


class JupyterLabServer:
    """``python -m jupyter lab`` in a subprocess, with a token and its own folders.

    :param root_dir: the folder the file browser shows (notebooks are copied here).
    :param state_dir: where config, settings, workspaces, runtime files and the
        server's log go.
    :param env: extra environment for the server and therefore for its kernels
        (``None`` as a value removes that variable).
    """

    def __init__(
        self,
        root_dir: Path,
        state_dir: Path,
        env: dict[str, str | None] | None = None,
    ) -> None:
        self.root_dir = root_dir
        self.state_dir = state_dir
        self.extra_env = dict(env or {})
        self.token = secrets.token_hex(24)
        self.port = 0
        self.log_path = state_dir / "jupyterlab.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path: str) -> str:
        """The URL that opens ``path`` (relative to the root) in JupyterLab."""
        return f"{self.url}/lab/tree/{path}?token={self.token}"

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for name, folder in {
            "JUPYTER_CONFIG_DIR": "config",
            "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "settings",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython",
        }.items():
            path = self.state_dir / folder
            path.mkdir(parents=True, exist_ok=True)
            env[name] = str(path)
        for relative, values in LAB_SETTINGS.items():
            settings_file = self.state_dir / "settings" / relative
            settings_file.parent.mkdir(parents=True, exist_ok=True)
            settings_file.write_text(json.dumps(values))
        env.pop("JUPYTER_TOKEN", None)
        for name, value in self.extra_env.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def command(self) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--ServerApp.allow_root=True")  # CI containers run as root
        return command

    def start(self) -> JupyterLabServer:
        """Start the server; return once ``/api/status`` answers with the token."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        env = self._environment()
        for attempt in range(3):
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self._process = subprocess.Popen(
                    self.command(),
                    cwd=self.root_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                self._wait_until_answering()
                return self
            except JupyterLabError:
                port_lost = "already in use" in self.log()
                self.stop()
                if not port_lost or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _wait_until_answering(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        request = urllib.request.Request(
            f"{self.url}/api/status", headers={"Authorization": f"token {self.token}"}
        )
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise JupyterLabError(
                    f"JupyterLab exited with {self._process.returncode}:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise JupyterLabError(
            f"JupyterLab did not answer within {STARTUP_TIMEOUT:.0f} s:\n{self.log()}"
        )

    def api(self, method: str, path: str, body: object | None = None) -> object:
        """Call the server's REST API with the token; the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"token {self.token}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._process.pid if self._process is not None else None

    def kernel_pids(self) -> list[int]:
        """Processes started for this server's kernels (their connection files are
        in its own runtime folder, so no other program's processes match)."""
        runtime = str(self.state_dir / "runtime") + os.sep
        pids = []
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if runtime.encode() in command and b"kernel-" in command:
                pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        """Shut the server and its kernels down; kill them if that takes too long.

        Kernels run in sessions of their own, so they are found by their
        connection files and killed one by one, by process id.
        """
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                self.api("POST", "/api/shutdown")
            except (urllib.error.URLError, OSError):
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=SHUTDOWN_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for pid in self.kernel_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def __enter__(self) -> JupyterLabServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
