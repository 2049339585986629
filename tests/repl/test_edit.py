"""``%protoweb edit``: a view's source in ``$EDITOR``, re-registered when it closes.

A real IPython shell in this process, a real editor process (a script run
through IPython's editor hook) and the app's test client.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kernel_ext import current_workbench
from kernel_ext.edit import ViewEditError, resolve_endpoint

from .conftest import editor_script

HELLO_CELL = "%%route GET /hello/<name>\ngreeting = f'Hello {name}!'\ngreeting"


def body(shell: InteractiveShell, path: str) -> str:
    return str(shell.user_ns["app"].test_client().get(path).get_data(as_text=True))


def use_editor(shell: InteractiveShell, tmp_path: Path, script: str) -> None:
    """``$EDITOR`` is a script that runs ``script`` on the file's ``text``.

    The shell here is a kernel's kind (no terminal, no ``editor`` setting), so
    ``$EDITOR`` is what opens files; the terminal's editor hook is covered by the
    pseudo-terminal tests.
    """
    os.environ["EDITOR"] = editor_script(tmp_path, script)


def edit(shell: InteractiveShell, target: str) -> BaseException | None:
    result = shell.run_cell(f"%protoweb edit {target}", store_history=True)
    return result.error_in_exec


def test_editing_a_route_cell_serves_the_new_body(
    shell: InteractiveShell, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    use_editor(shell, tmp_path, "text = text.replace('Hello', 'Howdy')\n")
    assert edit(shell, "hello") is None
    assert body(shell, "/hello/ada") == "Howdy ada!"
    assert "~GET /hello/<name>" in capsys.readouterr().out
    assert "hello" not in shell.user_ns, "a %%route view stays out of the namespace"


def test_the_edited_source_is_what_the_session_keeps_for_export(
    shell: InteractiveShell, tmp_path: Path
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    use_editor(shell, tmp_path, "text = text.replace('Hello', 'Howdy')\n")
    edit(shell, "hello")
    view = current_workbench(shell).history.views["hello"]
    assert "Howdy" in view.source
    assert view.source.startswith('@app.route("/hello/<name>"')


def test_a_path_finds_its_view(shell: InteractiveShell, tmp_path: Path) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    shell.run_cell("%%route POST /items\n'made', 201", store_history=True)
    app = shell.user_ns["app"]
    assert resolve_endpoint(app, "/hello/bob") == "hello"
    assert resolve_endpoint(app, "/items") == "post_items"
    shell.run_cell("%%route /docs/\n'docs'", store_history=True)
    assert resolve_endpoint(app, "/docs") == "docs", "the redirect is followed"
    with pytest.raises(ViewEditError, match="no view answers '/nowhere'"):
        resolve_endpoint(app, "/nowhere")
    with pytest.raises(ViewEditError, match=r"endpoints: docs, hello, post_items"):
        resolve_endpoint(app, "nope")
    use_editor(shell, tmp_path, "text = text.replace('Hello', 'Hi')\n")
    assert edit(shell, "/hello/bob") is None
    assert body(shell, "/hello/bob") == "Hi bob!"


def test_a_syntax_error_keeps_the_old_view_and_the_draft(
    shell: InteractiveShell, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    use_editor(shell, tmp_path, "text = text.replace('greeting =', 'greeting ==  (')\n")
    error = edit(shell, "hello")
    assert error is not None
    message = capsys.readouterr().err
    assert "line 3" in message and "the old view 'hello' is still serving" in message
    assert body(shell, "/hello/ada") == "Hello ada!"
    # The next edit opens the draft (the user's broken text), not the old source.
    use_editor(
        shell,
        tmp_path,
        "assert '==  (' in text\ntext = text.replace('greeting ==  (', 'greeting =')"
        ".replace('Hello', 'Fixed')\n",
    )
    assert edit(shell, "hello") is None
    assert body(shell, "/hello/ada") == "Fixed ada!"


def test_an_editor_that_fails_changes_nothing(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    os.environ["EDITOR"] = f"{sys.executable} -c 'raise SystemExit(3)'"
    assert edit(shell, "hello") is not None
    assert "view 'hello' is unchanged" in capsys.readouterr().err
    assert body(shell, "/hello/ada") == "Hello ada!"


def test_closing_the_editor_without_a_change_says_so(
    shell: InteractiveShell, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    view = shell.user_ns["app"].endpoints["hello"].view
    use_editor(shell, tmp_path, "")
    assert edit(shell, "hello") is None
    assert "hello: no change" in capsys.readouterr().out
    assert shell.user_ns["app"].endpoints["hello"].view is view


def test_a_decorated_view_is_edited_in_place_in_the_namespace(
    shell: InteractiveShell, tmp_path: Path
) -> None:
    shell.run_cell(
        "SUFFIX = '!'\n\n@app.route('/shout/<word>')\ndef shout(word):\n"
        "    return word.upper() + SUFFIX\n",
        store_history=True,
    )
    assert body(shell, "/shout/hey") == "HEY!"
    use_editor(shell, tmp_path, "text = text.replace('upper()', 'upper() * 2')\n")
    assert edit(shell, "shout") is None
    assert body(shell, "/shout/hey") == "HEYHEY!"
    assert shell.user_ns["shout"]("a") == "AA!"


def test_renaming_the_view_leaves_no_orphan_route(
    shell: InteractiveShell, tmp_path: Path
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    use_editor(shell, tmp_path, "text = text.replace('def hello', 'def greet')\n")
    assert edit(shell, "hello") is None
    endpoints = shell.user_ns["app"].endpoints
    assert "greet" in endpoints and "hello" not in endpoints
    assert body(shell, "/hello/ada") == "Hello ada!"
    assert "greet" in current_workbench(shell).history.views


def test_removing_the_decorator_keeps_the_old_view(
    shell: InteractiveShell, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    use_editor(shell, tmp_path, "text = text.split('\\n', 1)[1]\n")
    assert edit(shell, "hello") is not None
    assert "registers no route" in capsys.readouterr().err
    assert body(shell, "/hello/ada") == "Hello ada!"


def test_without_a_terminal_or_editor_edit_says_what_to_do(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell(HELLO_CELL, store_history=True)
    assert edit(shell, "hello") is not None
    assert "set $EDITOR to an editor that waits" in capsys.readouterr().err
    assert body(shell, "/hello/ada") == "Hello ada!"


def test_a_view_without_source_cannot_be_edited(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("app.add_url_rule('/l', 'l', lambda: 'x')", store_history=True)
    assert edit(shell, "l") is not None
    assert "the source of view 'l' is not known" in capsys.readouterr().err


def test_edit_is_listed_in_the_verbs(shell: InteractiveShell) -> None:
    shell.run_line_magic("protoweb", "help edit")
    from kernel_ext.verb_table import VERBS, help_text

    assert "edit" in VERBS
    assert "%protoweb edit ENDPOINT_OR_PATH" in help_text()


def test_an_export_writes_the_edited_views(
    shell: InteractiveShell, tmp_path: Path
) -> None:
    from protoweb.export import export_project

    shell.run_cell(HELLO_CELL, store_history=True)
    shell.run_cell(
        "SUFFIX = '!'\n\n@app.route('/shout/<word>')\ndef shout(word):\n"
        "    return 'Hello ' + word.upper() + SUFFIX\n",
        store_history=True,
    )
    use_editor(shell, tmp_path, "text = text.replace('Hello', 'Howdy')\n")
    assert edit(shell, "hello") is None
    assert edit(shell, "shout") is None
    result = export_project(current_workbench(shell).prototype(), tmp_path / "greeter")
    app_py = (tmp_path / "greeter" / result.name / "app.py").read_text()
    assert "Hello" not in app_py
    assert app_py.count("def hello(") == 1 and app_py.count("def shout(") == 1
    assert "Howdy {name}!" in app_py and "'Howdy ' + word.upper()" in app_py


def test_editing_a_blueprint_route_cell_keeps_it_in_the_blueprint(
    shell: InteractiveShell, tmp_path: Path
) -> None:
    shell.run_cell(
        "from protoweb import Blueprint\n"
        "admin_bp = Blueprint('admin', __name__, url_prefix='/admin')\n"
        "app.register_blueprint(admin_bp)",
        store_history=True,
    )
    shell.run_cell("%%route GET /users --blueprint admin\n'users'", store_history=True)
    use_editor(shell, tmp_path, "text = text.replace(\"'users'\", \"'people'\")\n")
    assert edit(shell, "/admin/users") is None
    assert body(shell, "/admin/users") == "people"
    view = current_workbench(shell).history.views["admin.users"]
    assert view.source.startswith('@admin_bp.route("/users"')
    assert "people" in view.source
