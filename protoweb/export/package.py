"""The files of an exported project, as a mapping from relative path to content.

``pyproject.toml`` lists the framework and the third-party distributions that the
kept imports come from (found with :func:`importlib.metadata.packages_distributions`
and pinned to the versions installed); ``README.md`` says how to run, test and
deploy; ``NAME/`` holds ``app.py``, ``__main__.py`` (``python -m NAME``),
``wsgi.py`` (``gunicorn NAME.wsgi:app``), ``templates/`` and ``static/``.
"""

from __future__ import annotations

import keyword
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from .errors import ExportError
from .names import NOTEBOOK_MODULES
from .replay import credential_variable
from .targets import PROTOWEB, Target

if TYPE_CHECKING:
    from ..app import App

#: Distributions an exported app may never depend on.
NOTEBOOK_DISTRIBUTIONS = frozenset(
    {"ipython", "ipykernel", "ipywidgets", "jupyter-client", "jupyter-core", "notebook"}
)
#: Names a package cannot have without shadowing what it imports.
RESERVED_NAMES = frozenset({"protoweb", "flask", "kernel_ext", "tests", "test"})

Route = tuple[str, tuple[str, ...], str]


def package_name(folder: Path) -> str:
    """DIR's base name made a Python identifier: ``my-app 2`` -> ``my_app_2``."""
    name = re.sub(r"\W+", "_", folder.name).strip("_").lower() or "app_export"
    if name[0].isdigit():
        name = f"app_{name}"
    return check_package_name(name if not keyword.iskeyword(name) else f"{name}_app")


def check_package_name(name: str) -> str:
    """``name`` if it can be the exported package's import name, else an error."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ExportError(
            f"{name!r} cannot be a package name: use letters, digits and underscores"
            " (pass --name)"
        )
    if name in RESERVED_NAMES or name in sys.stdlib_module_names:
        raise ExportError(
            f"a package named {name!r} would shadow the module it is named after;"
            " pass another --name"
        )
    return name


def _version(distribution: str) -> str:
    return metadata.version(distribution)


def _framework_version(target: Target) -> str:
    """The installed version of ``target``'s framework (protoweb's own when it
    runs from a source checkout, as the verifying children allow).

    :raises ExportError: the framework is not installed.
    """
    try:
        return _version(target.distribution)
    except metadata.PackageNotFoundError:
        if target is PROTOWEB:
            return __version__
        raise ExportError(
            f"{target.distribution} is not installed, so the {target.name} export"
            f" cannot depend on it or be verified; pip install {target.distribution}"
            " and export again"
        ) from None


def framework_requirement(target: Target, needs_async: bool = False) -> str:
    """``protoweb-cells~=0.1.0``, or ``Flask[async]==3.1.1`` (``[async]`` when a
    view is a coroutine: Flask runs those only with the extra installed)."""
    version = _framework_version(target)
    if target is PROTOWEB:
        major, minor, *_ = (version.split(".") + ["0", "0"])[:3]
        return f"{target.distribution}~={major}.{minor}.0"
    extra = "[async]" if needs_async else ""
    return f"{target.distribution}{extra}=={version}"


def dependencies(
    modules: Iterable[str], target: Target, needs_async: bool = False
) -> list[str]:
    """Requirement strings for the top-level ``modules`` that ``app.py`` imports.

    :param needs_async: a view is ``async def`` (a Flask export needs
        ``flask[async]``).
    :raises ExportError: a module is neither standard library nor installed, or
        needs IPython.
    """
    requirements = {target.distribution: framework_requirement(target, needs_async)}
    owners = metadata.packages_distributions()
    for module in sorted(set(modules)):
        if module in sys.stdlib_module_names or module in ("__future__", target.module):
            continue
        if module in NOTEBOOK_MODULES:
            raise ExportError(f"app.py would import {module!r}, which needs IPython")
        distributions = owners.get(module)
        if not distributions:
            raise ExportError(
                f"app.py imports {module!r}, which is neither in the standard library"
                " nor an installed distribution, so the exported project cannot"
                " depend on it; install it as a package, or define what the views"
                " need from it in a cell"
            )
        for distribution in distributions:
            if distribution.lower() in NOTEBOOK_DISTRIBUTIONS:
                raise ExportError(
                    f"app.py would import {module!r}, from {distribution}"
                )
            requirements.setdefault(
                distribution, f"{distribution}=={_version(distribution)}"
            )
    first = requirements.pop(target.distribution)
    return [first, *sorted(requirements.values(), key=str.lower)]


def _optional(distribution: str) -> str:
    try:
        return f"{distribution}=={_version(distribution)}"
    except metadata.PackageNotFoundError:
        return distribution


def _folder_files(folder: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if not os.path.isdir(folder):
        return files
    for root, directories, names in os.walk(folder):
        directories[:] = sorted(
            d for d in directories if not d.startswith(".") and d != "__pycache__"
        )
        for file_name in sorted(names):
            if file_name.startswith("."):
                continue
            path = os.path.join(root, file_name)
            relative = os.path.relpath(path, folder).replace(os.sep, "/")
            with open(path, "rb") as handle:
                files[relative] = handle.read()
    return files


def app_templates(app: App) -> dict[str, bytes]:
    """The app's templates: its ``templates/`` folder, then ``app.templates`` on top."""
    folder = app.template_folder
    files = _folder_files(os.path.join(app.root_path, folder)) if folder else {}
    files.update({name: app.templates[name].encode() for name in app.templates})
    return files


def app_static_files(app: App) -> dict[str, bytes]:
    """The app's static files: its ``static/`` folder, then ``app.static_files``."""
    files = _folder_files(app.static_folder) if app.static_folder else {}
    files.update({name: app.static_files[name] for name in app.static_files})
    return files


def _pyproject(name: str, requirements: list[str], description: str) -> str:
    listed = "".join(f'    "{requirement}",\n' for requirement in requirements)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name.replace("_", "-")}"
version = "0.1.0"
description = "{description}"
readme = "README.md"
requires-python = ">={python}"
dependencies = [
{listed}]

[project.optional-dependencies]
test = ["{_optional("pytest")}"]
deploy = ["{_optional("gunicorn")}"]

[tool.setuptools]
packages = ["{name}"]

[tool.setuptools.package-data]
{name} = ["templates/**/*", "static/**/*"]

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
"""


def _credentials_section(credentials: Sequence[str]) -> str:
    """The README's word on the credentials the tests read from the environment."""
    if not credentials:
        return ""
    rows = "".join(
        f"| `{header}` | `{credential_variable(header)}` |\n" for header in credentials
    )
    return f"""
The recorded requests carried credentials, which are not in this project: the
tests send a placeholder instead, or the value of an environment variable when
it is set:

| header | environment variable |
|---|---|
{rows}"""


def _readme(
    name: str,
    target: Target,
    routes: list[Route],
    secret_key: bool,
    credentials: Sequence[str] = (),
    wheel: str | None = None,
) -> str:
    table = "".join(
        f"| {', '.join(methods)} | `{rule}` | `{endpoint}` |\n"
        for rule, methods, endpoint in sorted(routes)
    )
    framework = "Flask" if target is not PROTOWEB else "protoweb"
    secret = (
        "\nSet `SECRET_KEY` in the environment: the app reads it from there only (the"
        " notebook's key is not in this project), and using the session without it"
        " is an error that says so. The tests set a test key of their own.\n"
        if secret_key
        else ""
    )
    if target is not PROTOWEB:
        install = "    pip install -e .\n"
    elif wheel is not None:
        install = f"""It depends on protoweb, published as `{target.distribution}`
(the import name is `protoweb`). The wheel of the protoweb it was exported with is in
`wheels/`, so it installs without PyPI's copy:

    pip install --find-links wheels -e .
"""
    else:
        install = f"""It depends on protoweb, published as `{target.distribution}`
(the import name is `protoweb`; the `protoweb` on PyPI is an unrelated project):

    pip install -e .

Without access to PyPI, install protoweb from a local wheel first (`pip wheel
--no-deps PATH/TO/protoweb`, or export with `--wheel`, which writes it into
`wheels/`), then: `pip install --find-links wheels -e .`
"""
    extra = "--find-links wheels " if wheel is not None else ""
    return f"""# {name}

A {framework} app exported from a protoweb session.

## Install

{install}
## Run

    python -m {name}                 # http://127.0.0.1:5000 (--host, --port, $PORT)

## Test

    pip install {extra}-e ".[test]"
    pytest

`tests/test_app.py` replays the requests made while prototyping, in order, and
checks each answer (status, content type, body).
{_credentials_section(credentials)}
## Deploy

    pip install {extra}-e ".[deploy]"
    gunicorn -w 2 -b 0.0.0.0:8000 {name}.wsgi:app
{secret}
## Routes

| methods | rule | endpoint |
|---|---|---|
{table}"""


_INIT = '''"""{name}: a web app exported from a protoweb session.

The app is ``{name}.app:app``; this module leaves the name ``app`` to that submodule.
"""
'''

_MAIN = '''"""Serve the app: ``python -m {name} [--host H] [--port P]``.

The port is ``$PORT`` when set, else 5000; the host 127.0.0.1 unless told otherwise.
"""

import argparse
import os

from {name}.app import app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m {name}", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5000)))
    arguments = parser.parse_args()
    app.run(host=arguments.host, port=arguments.port)


if __name__ == "__main__":
    main()
'''

_WSGI = '''"""The WSGI entry point for production: ``gunicorn {name}.wsgi:app``."""

from {name}.app import app

__all__ = ["app"]
'''

#: What keeps an otherwise empty ``templates/`` or ``static/`` folder in place.
KEEP_FILE = ".gitkeep"


def project_files(
    *,
    name: str,
    target: Target,
    app_text: str,
    requirements: list[str],
    templates: Mapping[str, bytes],
    static: Mapping[str, bytes],
    routes: list[Route],
    secret_key: bool = False,
    credentials: Sequence[str] = (),
    wheel: str | None = None,
) -> dict[str, bytes]:
    """Every file of the project but its tests, by path relative to DIR.

    ``templates/`` and ``static/`` are always there (an empty one holds
    :data:`KEEP_FILE`).

    :param credentials: names of the credential headers the tests send.
    :param wheel: the file name of protoweb's wheel in ``wheels/``, if one is
        written beside the project: the README then installs from it.
    """
    description = f"The {name} app, exported from a protoweb session."
    files = {
        "pyproject.toml": _pyproject(name, requirements, description),
        "README.md": _readme(name, target, routes, secret_key, credentials, wheel),
        f"{name}/__init__.py": _INIT.format(name=name),
        f"{name}/app.py": app_text,
        f"{name}/__main__.py": _MAIN.format(name=name),
        f"{name}/wsgi.py": _WSGI.format(name=name),
    }
    encoded = {path: text.encode() for path, text in files.items()}
    encoded.update({f"{name}/templates/{n}": data for n, data in templates.items()})
    encoded.update({f"{name}/static/{n}": data for n, data in static.items()})
    for folder, contents in (("templates", templates), ("static", static)):
        if not contents:
            encoded[f"{name}/{folder}/{KEEP_FILE}"] = b""
    return encoded
