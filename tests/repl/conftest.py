"""``protoweb repl`` under a real pseudo-terminal; a real IPython shell in-process."""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from .terminal import Terminal

#: Settings a developer's shell may have that would change what tests see.
OUTSIDE_SETTINGS = ("PROTOWEB_PORT", "PROTOWEB_PUBLIC_URL", "PROTOWEB_WIDGETS")
#: The bottom toolbar: `` http://127.0.0.1:PORT/ | N routes | last request``.
TOOLBAR = r"(http://\S+/) \| (\d+) routes? \| (.*)"


def repl_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_SETTINGS}
    ipython_dir = tmp_path / "ipython"
    ipython_dir.mkdir(exist_ok=True)
    env.update(TERM="xterm", IPYTHONDIR=str(ipython_dir), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def editor_script(tmp_path: Path, body: str) -> str:
    """An ``$EDITOR`` command: a Python script that rewrites the file it is given."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[-1]\n"
        "text = open(path).read()\n" + body + "open(path, 'w').write(text)\n"
    )
    return f"{sys.executable} {script}"


@pytest.fixture
def start_repl(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    """Start ``protoweb repl ARGS`` in ``tmp_path``; it is killed after the test."""
    started: list[Terminal] = []

    def start(*args: str, **env: str) -> Terminal:
        argv = [sys.executable, "-m", "protoweb", "repl", *args]
        terminal = Terminal(argv, repl_env(tmp_path, **env), cwd=str(tmp_path))
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close()


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def status_of(url: str) -> int:
    """The status the server answers ``GET url`` with."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def shell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InteractiveShell]:
    """A real IPython shell in this process, with protoweb loaded."""
    for name in (*OUTSIDE_SETTINGS, "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    ipython = InteractiveShell.instance(config=config, ipython_dir=str(tmp_path))
    ipython.run_line_magic("load_ext", "protoweb")
    yield ipython
    ipython.run_line_magic("unload_ext", "protoweb")
    ipython.history_manager.end_session()
    InteractiveShell.clear_instance()
