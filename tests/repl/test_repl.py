"""SPEC section 4: ``protoweb repl`` under a real pseudo-terminal.

Each test starts the REPL as a user would, types at its prompt, looks at the
screen it draws (the bottom toolbar included) and checks the live server over
real HTTP.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.ports import free_port, port_is_free

from .conftest import TOOLBAR, editor_script, get, repl_env, status_of
from .terminal import Terminal

HELLO_CELL = ("%%route GET /hello/<name>", "f'Hello {name}!'", "", "")


def ready(terminal: Terminal) -> str:
    """Wait for the first prompt and the toolbar; return the server's URL."""
    terminal.wait_for(r"In \[1\]:")
    return terminal.wait_for(TOOLBAR).group(1)


def test_a_route_cell_typed_at_the_prompt_is_served(
    start_repl: Callable[..., Terminal],
) -> None:
    repl = start_repl("--port", "0")
    url = ready(repl)
    repl.type_lines(*HELLO_CELL)
    repl.wait_for(r"\+GET /hello/<name>")
    repl.wait_for(r"In \[2\]:")
    assert get(f"{url}hello/ada") == "Hello ada!"


def test_the_toolbar_shows_the_url_then_each_request_as_it_arrives(
    start_repl: Callable[..., Terminal],
) -> None:
    repl = start_repl("--port", "0")
    url = ready(repl)
    assert status_of(f"{url}nothing-here") == 404
    repl.wait_for(r"\| 0 routes \| GET /nothing-here 404 [\d.]+ ms")
    repl.type_lines(*HELLO_CELL)
    repl.wait_for(r"\| 1 route \| ")
    assert get(f"{url}hello/bob") == "Hello bob!"
    toolbar = repl.wait_for(TOOLBAR + r"GET /hello/bob 200").group(0)
    assert toolbar.startswith(url)
    assert repl.screen.lines()[-1].strip().startswith(url)


def test_ctrl_c_at_the_prompt_does_not_stop_the_server(
    start_repl: Callable[..., Terminal],
) -> None:
    repl = start_repl("--port", "0")
    url = ready(repl)
    repl.type_lines(*HELLO_CELL)
    repl.wait_for(r"In \[2\]:")
    repl.send("1 + ")
    repl.send("\x03")
    repl.pump(0.3)
    assert get(f"{url}hello/ann") == "Hello ann!"
    repl.type_lines("40 + 2")
    repl.wait_for(r"Out\[2\]: 42")
    assert get(f"{url}hello/bea") == "Hello bea!"


def test_exit_stops_the_server_and_frees_the_port(
    start_repl: Callable[..., Terminal],
) -> None:
    port = free_port()
    repl = start_repl("--port", str(port))
    url = ready(repl)
    assert url == f"http://127.0.0.1:{port}/"
    assert not port_is_free(port)
    repl.type_lines("exit")
    assert repl.wait_for_exit() == 0
    assert port_is_free(port)


def test_ctrl_d_leaves_and_frees_the_port(start_repl: Callable[..., Terminal]) -> None:
    port = free_port()
    repl = start_repl("--port", str(port))
    ready(repl)
    repl.send("\x04")
    repl.wait_for(r"Do you really want to exit")
    repl.type_lines("y")
    assert repl.wait_for_exit() == 0
    assert port_is_free(port)


def test_edit_opens_editor_and_serves_the_new_body_when_it_closes(
    start_repl: Callable[..., Terminal], tmp_path: Path
) -> None:
    editor = editor_script(tmp_path, "text = text.replace('Hello', 'Howdy')\n")
    repl = start_repl("--port", "0", EDITOR=editor)
    url = ready(repl)
    repl.type_lines(*HELLO_CELL)
    repl.wait_for(r"In \[2\]:")
    repl.type_lines("%protoweb edit hello")
    repl.wait_for(r"~GET /hello/<name>")
    repl.wait_for(r"In \[3\]:")
    assert get(f"{url}hello/cy") == "Howdy cy!"


def test_app_option_adopts_an_existing_app_and_edits_its_module_views(
    start_repl: Callable[..., Terminal], tmp_path: Path
) -> None:
    (tmp_path / "site_app.py").write_text(
        "from protoweb import App\n"
        "\n"
        "app = App(__name__)\n"
        "GREETING = 'welcome'\n"
        "\n"
        "@app.route('/')\n"
        "def index():\n"
        "    return GREETING\n"
    )
    editor = editor_script(
        tmp_path, "text = text.replace('GREETING', 'GREETING.upper()')\n"
    )
    port = free_port()
    repl = start_repl("--app", "site_app:app", "--port", str(port), EDITOR=editor)
    url = ready(repl)
    assert url == f"http://127.0.0.1:{port}/"
    repl.wait_for(r"\| 1 route \| ")
    assert get(url) == "welcome"
    repl.type_lines("import site_app; app is site_app.app")
    repl.wait_for(r"Out\[1\]: True")
    repl.type_lines("%protoweb edit /")
    repl.wait_for(r"~GET /")
    assert get(url) == "WELCOME"
    repl.type_lines("site_app.index()")
    repl.wait_for(r"Out\[3\]: 'WELCOME'")


def test_simple_prompt_runs_without_a_toolbar(
    start_repl: Callable[..., Terminal],
) -> None:
    repl = start_repl("--port", "0", "--", "--simple-prompt")
    repl.wait_for(r"In \[1\]:")
    repl.type_lines("%protoweb status")
    url = repl.wait_for(r"protoweb: serving 0 routes at (http://\S+/)").group(1)
    assert repl.wait_for(r"In \[2\]:")
    assert " | 0 routes | " not in repl.screen.transcript()
    assert status_of(f"{url}missing") == 404
    repl.type_lines("exit")
    assert repl.wait_for_exit() == 0


def test_host_moves_the_server_to_that_interface(
    start_repl: Callable[..., Terminal],
) -> None:
    repl = start_repl("--host", "localhost", "--port", "0")
    url = ready(repl)
    assert url.startswith("http://localhost:")
    assert status_of(f"{url}missing") == 404
    repl.wait_for(r"GET /missing 404")


def test_the_command_imports_ipython_only_when_the_repl_runs(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from protoweb.cli import cli\n"
        "repl = cli.commands['repl']\n"
        "args = repl.make_context('repl', ['--port', '0', '--', '-i']).params\n"
        "assert args['ipython_args'] == ('-i',), args\n"
        "leaked = {'IPython', 'kernel_ext', 'prompt_toolkit'} & set(sys.modules)\n"
        "assert not leaked, leaked\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=repl_env(tmp_path), capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()


def test_without_ipython_the_command_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "sys.modules['IPython'] = None\n"
        "from protoweb.cli import main\n"
        "main(['repl'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=repl_env(tmp_path), capture_output=True
    )
    assert result.returncode == 1
    assert 'pip install "protoweb-cells[jupyter]"' in result.stderr.decode()


def test_a_port_that_is_taken_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "protoweb", "repl", "--port", str(port)],
            env=repl_env(tmp_path),
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1
    assert f"protoweb repl: port {port} on 127.0.0.1 is already in use" in result.stderr


def test_routes_name_the_prompt_the_cell_was_typed_at(
    start_repl: Callable[..., Terminal],
) -> None:
    repl = start_repl("--port", "0")
    ready(repl)
    repl.type_lines(*HELLO_CELL)
    repl.wait_for(r"In \[2\]:")
    repl.type_lines("%protoweb routes")
    repl.wait_for(r"GET\s+/hello/<name>\s+hello\s+In \[1\]")
