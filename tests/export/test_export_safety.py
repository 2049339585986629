"""An export writes only inside DIR and never a credential (issue 11, findings 2
and 3; SPEC section 5)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from protoweb.export import ExportError, export_project

from .conftest import Notebook, fresh_python

SECRETS = ("Bearer s3cr3t-bearer-token", "k3y-value-123", "sess10n=c00kie", "nb-key-42")


def tree(folder: Path) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*")}


def test_a_climbing_template_name_is_refused_in_the_notebook(notebook: Notebook):
    with pytest.raises(ValueError, match="not allowed"):
        notebook.run("%%template ../../../../x.txt\nowned")
    with pytest.raises(ValueError, match="not allowed"):
        notebook.run("%%template ../app.py\nowned")
    with pytest.raises(ValueError, match="not allowed"):
        notebook.run("%%static ../../x.css\nowned")


@pytest.mark.parametrize("name", ["../../../../x.txt", "../app.py", "/tmp/x.txt"])
def test_an_export_writes_nothing_outside_dir_even_for_a_name_that_slipped_in(
    notebook: Notebook, tmp_path: Path, name: str
) -> None:
    notebook.run("@app.route('/')\ndef index():\n    return 'ok'")
    # A store filled around the check (as an older protoweb allowed).
    notebook.app.templates._sources[name] = "owned"  # type: ignore[attr-defined]
    before = tree(tmp_path)
    dest = tmp_path / "missing-parent" / "out"
    with pytest.raises(ExportError, match="refuses to write"):
        export_project(notebook.source(), dest)
    assert tree(tmp_path) == before
    assert not Path("/x.txt").exists() and not Path("/tmp/x.txt").exists()


def test_no_credential_is_written_and_the_tests_read_them_from_the_environment(
    notebook: Notebook, tmp_path: Path
) -> None:
    notebook.run("app.config['SECRET_KEY'] = 'nb-key-42'\nfrom protoweb import session")
    notebook.run(
        "@app.route('/me')\ndef me():\n"
        "    session['seen'] = True\n"
        "    return {'signed_in': bool(request.headers.get('Authorization'))}"
    )
    record = notebook.request("GET", "/me")
    credentials = (
        ("Authorization", SECRETS[0]),
        ("X-Api-Key", SECRETS[1]),
        ("Cookie", SECRETS[2]),
        ("Proxy-Authorization", "Basic cHJveHk6cHc="),
    )
    answer = notebook.client.get("/me", headers=list(credentials))
    notebook.records[-1] = dataclasses.replace(
        record,
        request_headers=(*record.request_headers, *credentials),
        response_body=answer.get_data(),
    )
    dest = tmp_path / "out"
    result = export_project(notebook.source(), dest)
    for path in dest.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (*SECRETS, "cHJveHk6cHc="):
                assert secret.encode() not in data, (path, secret)
    test_text = (dest / "tests" / "test_app.py").read_text()
    assert 'credential("TEST_AUTHORIZATION")' in test_text
    assert 'credential("TEST_X_API_KEY")' in test_text
    assert 'app.config["SECRET_KEY"] = "test-only-key-not-secret"' in test_text
    readme = (dest / "README.md").read_text()
    assert "`TEST_AUTHORIZATION`" in readme and "`TEST_X_API_KEY`" in readme
    assert "`TEST_PROXY_AUTHORIZATION`" in readme
    assert any("TEST_AUTHORIZATION" in warning for warning in result.warnings)
    assert result.tests_passed >= 2

    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    code = (
        "from out.app import app\n"
        "client = app.test_client()\n"
        "try:\n"
        "    client.get('/me')\n"
        "except Exception as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    os.environ.pop("SECRET_KEY", None)
    try:
        completed = fresh_python(code, dest)
    finally:
        os.environ.update(environment)
    assert "SECRET_KEY" in completed.stdout + completed.stderr
