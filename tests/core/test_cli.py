"""The ``protoweb`` command and ``protoweb.cli``: the app named by ``--app``,
``app.cli`` commands in an app context, ``routes`` as ``flask routes`` prints it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import flask
import flask.cli
import pytest
from click.testing import CliRunner

import protoweb
from protoweb import App
from protoweb.cli import (
    AppGroup,
    ScriptInfo,
    cli,
    with_appcontext,
)
from tests.commands import protoweb_environment, run_protoweb


@pytest.fixture(autouse=True)
def restore_environment():
    """Flask's ``run`` command sets ``FLASK_RUN_FROM_CLI`` in this process, which
    would make a later ``app.run()`` of Flask's (an exported app's) return at once."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def write(folder: Path, name: str, source: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))


FLASKR = """
    import click
    from protoweb import App, url_for

    def create_app(test_config=None):
        app = App(__name__)
        app.config.from_mapping(DATABASE="flaskr.sqlite")

        @app.route("/")
        def index():
            return "blog"

        @app.cli.command("init-db")
        @click.option("--drop", is_flag=True)
        def init_db(drop):
            click.echo(f"Initialized {app.config['DATABASE']} drop={drop}")
            click.echo(url_for("index"))  # needs the app context

        return app
"""


def test_an_app_cli_command_runs_from_the_shell(tmp_path):
    write(tmp_path, "flaskr/__init__.py", FLASKR)
    result = run_protoweb("--app", "flaskr", "init-db", "--drop", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["Initialized flaskr.sqlite drop=True", "http://localhost/"]
    listed = run_protoweb("--app", "flaskr", "--help", cwd=tmp_path).stdout
    assert "init-db" in listed and "serve" in listed and "repl" in listed


def test_an_unknown_command_and_a_missing_app_say_so(tmp_path):
    write(tmp_path, "flaskr/__init__.py", FLASKR)
    result = run_protoweb("--app", "flaskr", "nope", cwd=tmp_path)
    assert result.returncode == 2 and "No such command 'nope'" in result.stderr
    result = run_protoweb("init-db", cwd=tmp_path)
    assert result.returncode == 2
    assert "Could not locate a protoweb application" in result.stderr
    result = run_protoweb("--app", "nosuchmodule", "init-db", cwd=tmp_path)
    assert "Could not import 'nosuchmodule'" in result.stderr


def test_import_protoweb_imports_neither_click_nor_blinker():
    code = (
        "import sys, protoweb\n"
        "app = protoweb.App('x')\n"
        "assert not {'click', 'blinker'} & set(sys.modules), 'imported eagerly'\n"
        "app.cli\n"
        "assert 'click' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=protoweb_environment())


def make_route_apps(root: Path) -> tuple[App, flask.Flask]:
    (root / "static").mkdir(exist_ok=True)
    ours = App("ours", root_path=str(root))
    theirs = flask.Flask("theirs", root_path=str(root))
    for app in (ours, theirs):
        app.add_url_rule("/", "index", lambda: "")
        app.add_url_rule("/posts/<int:id>", "post", lambda id: "", methods=["GET"])
        app.add_url_rule(
            "/posts/<int:id>/edit",
            "edit_post_long_endpoint",
            lambda id: "",
            methods=["GET", "POST"],
        )
    return ours, theirs


@pytest.mark.parametrize(
    "options", [[], ["--sort", "rule"], ["-s", "methods"], ["--all-methods"]]
)
def test_routes_prints_what_flask_routes_prints(tmp_path, options):
    ours, theirs = make_route_apps(tmp_path)
    runner = CliRunner()
    mine = runner.invoke(
        cli, ["routes", *options], obj=ScriptInfo(create_app=lambda: ours)
    )
    flask_group = flask.cli.FlaskGroup(create_app=lambda: theirs)
    flasks = runner.invoke(flask_group, ["routes", *options])
    assert mine.exit_code == 0, mine.output
    assert mine.output == flasks.output
    assert "edit_post_long_endpoint  GET, " in mine.output


def test_routes_of_an_app_without_any():
    empty = App("empty")
    empty.remove_route("static")
    result = CliRunner().invoke(
        cli, ["routes"], obj=ScriptInfo(create_app=lambda: empty)
    )
    assert result.output == "No routes were registered.\n"


def test_with_appcontext_loads_the_app_for_a_plain_command():
    app = App("ctx")
    seen = []

    @click.command()
    @with_appcontext
    def show():
        seen.append(protoweb.url_for("static", filename="a.css"))

    result = CliRunner().invoke(show, obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert seen == ["http://localhost/static/a.css"]


def test_app_group_commands_get_a_context_unless_told_not_to():
    app = App("grouped")
    group = AppGroup("tools")

    @group.command()
    def inside():
        click.echo(protoweb.url_for("static", filename="x"))

    @group.command(with_appcontext=False)
    def outside():
        protoweb.url_for("static", filename="x")

    sub = group.group("db")(lambda: None)
    assert isinstance(sub, AppGroup)
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    assert runner.invoke(group, ["inside"], obj=info).output.endswith("/static/x\n")
    failed = runner.invoke(group, ["outside"], obj=info)
    assert isinstance(failed.exception, RuntimeError)


def test_debug_option_sets_the_app_debug(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "0")  # restored (unset) after the test
    app = App("dbg")

    @app.cli.command()
    def mode():
        click.echo(f"debug={app.debug}")

    runner = CliRunner()
    result = runner.invoke(
        cli, ["--debug", "mode"], obj=ScriptInfo(create_app=lambda: app)
    )
    assert result.output == "debug=True\n"


def test_version_and_help_without_an_app(tmp_path):
    assert run_protoweb("--version", cwd=tmp_path).stdout == (
        f"protoweb {protoweb.__version__}\n"
    )
    helped = run_protoweb("--help", cwd=tmp_path)
    assert helped.returncode == 0 and helped.stderr == ""
    for name in ("serve", "run", "shell", "routes", "repl", "export"):
        assert f"  {name} " in helped.stdout


def test_app_cli_commands_through_the_test_cli_runner():
    app = App("runner")
    app.config["DATABASE"] = "x.db"

    @app.cli.command("init-db")
    @click.argument("name", default="main")
    def init_db(name):
        from protoweb import current_app

        click.echo(f"{name} {current_app.config['DATABASE']}")

    result = app.test_cli_runner().invoke(args=["init-db", "extra"])
    assert result.exit_code == 0, result.output
    assert result.output == "extra x.db\n"
    result = app.test_cli_runner().invoke(cli, ["routes"])
    assert "static" in result.output


def test_shell_runs_python_in_the_app_context(tmp_path):
    write(
        tmp_path,
        "blogsite.py",
        """
        from protoweb import App
        app = App(__name__)

        @app.shell_context_processor
        def extra():
            return {"answer": 42}
        """,
    )
    result = run_protoweb(
        "--app",
        "blogsite:app",
        "shell",
        input="print(app.name, answer, g is not None)\n",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "blogsite 42 True" in result.stdout
    assert "App: blogsite" in result.stderr


def test_run_serves_with_flasks_options(tmp_path):
    from tests.core.test_serve import wait_for
    from tests.ports import free_port

    write(
        tmp_path,
        "runsite.py",
        """
        from protoweb import App
        app = App(__name__)
        app.add_url_rule("/", "index", lambda: "ran")
        """,
    )
    port = free_port()
    command = [sys.executable, "-m", "protoweb", "--app", "runsite", "run"]
    process = subprocess.Popen(
        [*command, "--debug", "-p", str(port), "--without-threads", "--no-reload"],
        cwd=tmp_path,
        env=protoweb_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert wait_for(f"http://127.0.0.1:{port}/") == "ran"
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert " * Serving protoweb app 'runsite'" in out
    assert " * Debug mode: on" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--key", "KEYFILE"],
        ["--cert", "CERTFILE"],
        ["--cert", "no.such.module:context"],
        ["--cert", "adhoc", "--key", "KEYFILE"],
    ],
)
def test_run_rejects_bad_tls_options_as_flask(tmp_path, args):
    (tmp_path / "cert.pem").write_text("cert")
    (tmp_path / "key.pem").write_text("key")
    args = [
        {
            "KEYFILE": str(tmp_path / "key.pem"),
            "CERTFILE": str(tmp_path / "cert.pem"),
        }.get(arg, arg)
        for arg in args
    ]
    runner = CliRunner()
    ours = runner.invoke(cli, ["run", *args], obj=ScriptInfo(create_app=App))
    theirs = runner.invoke(
        flask.cli.FlaskGroup(create_app=lambda: flask.Flask("x")), ["run", *args]
    )
    assert ours.exit_code == theirs.exit_code == 2
    last = ours.output.strip().splitlines()[-1]
    assert last == theirs.output.strip().splitlines()[-1]
    assert last.startswith("Error: Invalid value for")


def test_separated_paths_and_cert_types(tmp_path):
    from protoweb.cli import CertParamType, SeparatedPathType

    (tmp_path / "a").write_text("")
    (tmp_path / "b").write_text("")
    paths = SeparatedPathType(exists=True).convert(
        f"{tmp_path / 'a'}{os.pathsep}{tmp_path / 'b'}", None, None
    )
    assert paths == [str(tmp_path / "a"), str(tmp_path / "b")]
    (tmp_path / "c.pem").write_text("")
    assert CertParamType().convert(str(tmp_path / "c.pem"), None, None) == str(
        tmp_path / "c.pem"
    )
    with pytest.raises(click.BadParameter, match="cryptography"):
        CertParamType().convert("adhoc", None, None)


def test_env_files_need_python_dotenv(tmp_path):
    (tmp_path / ".env").write_text("GREETING=hi\n")
    write(tmp_path, "app.py", "from protoweb import App\napp = App('envapp')\n")
    result = run_protoweb("routes", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Install python-dotenv to use them" in result.stderr
    result = run_protoweb("-e", ".env", "routes", cwd=tmp_path)
    assert result.returncode == 2
    assert "python-dotenv must be installed to load an env file" in result.stderr
    quiet = run_protoweb("routes", cwd=tmp_path, FLASK_SKIP_DOTENV="1")
    assert "python-dotenv" not in quiet.stderr
