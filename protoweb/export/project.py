"""``export_project``: from a prototype to a package on disk that proves itself.

The steps: read the cells into statements, slice what the app needs, write
``app.py`` and the project's other files into a temporary folder beside DIR,
import it and replay the recorded requests in a fresh interpreter, write the
tests, run them, and only then move the files into DIR. Any failure leaves DIR as
it was.
"""

from __future__ import annotations

import inspect
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType, MethodType
from typing import TYPE_CHECKING, Any

from ..file_names import check_relative_name
from ..routing import rule_methods
from .app_module import render_app_module
from .errors import DestinationNotEmptyError, ExportError
from .history import read_cells
from .package import (
    Route,
    app_static_files,
    app_templates,
    check_package_name,
    dependencies,
    package_name,
    project_files,
)
from .prototype import Prototype
from .replay import ReplayRequest, credential_variable
from .slicing import slice_cells
from .targets import PROTOWEB, get_target
from .tests_gen import LeftOut, render_tests
from .verify import calibrate, choose_cases, run_tests
from .wheel import WHEELS_FOLDER, build_protoweb_wheel

if TYPE_CHECKING:
    from ..app import App
    from ..devtools.log import RequestRecord

TESTS_FILE = "tests/test_app.py"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, and what its verification found.

    :param files: the paths written, relative to :attr:`path`.
    :param left_out: recorded requests that did not become tests, with why.
    :param warnings: what the user should look at (a config value not exported,
        a request whose answer changed since it was made, ...).
    """

    path: Path
    name: str
    target: str
    files: tuple[str, ...]
    endpoints: tuple[str, ...]
    templates: int
    static_files: int
    requirements: tuple[str, ...]
    tests_passed: int
    left_out: tuple[str, ...]
    warnings: tuple[str, ...]
    seconds: float

    def summary(self) -> str:
        """A few lines for the notebook or the shell."""
        lines = [
            f"exported {self.name!r} ({self.target}) to {self.path} in"
            f" {self.seconds:.1f} s: {_count(len(self.endpoints), 'view')},"
            f" {_count(self.templates, 'template')},"
            f" {_count(self.static_files, 'static file')};"
            f" {_count(self.tests_passed, 'test')} passed in a fresh Python",
            f"  serve it: cd {self.path} && python -m {self.name}"
            f"  |  gunicorn {self.name}.wsgi:app",
        ]
        if self.left_out:
            lines.append(
                f"  {len(self.left_out)} recorded requests were left out of the tests;"
                " tests/test_app.py says why"
            )
        lines.extend(f"  warning: {warning}" for warning in self.warnings)
        return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def route_table(app: App) -> list[Route]:
    """``(rule, methods, endpoint)`` for each of the app's rules but ``static``."""
    return sorted(
        (rule.rule, tuple(rule_methods(rule)), name)
        for name, endpoint in app.endpoints.items()
        if name != "static"
        for rule in endpoint.rules
    )


def _check_destination(dest: Path, files: Mapping[str, bytes], force: bool) -> None:
    """Refuse a destination the export cannot write, before anything is written."""
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} is a file; export into a folder")
    if not dest.is_dir() or not any(dest.iterdir()):
        return
    if not force:
        raise DestinationNotEmptyError(
            f"{dest} is not empty; export into a new or empty folder, or pass --force"
            " to replace the files the export writes (other files are left alone)"
        )
    for relative in files:
        target = dest / relative
        if target.is_dir():
            raise ExportError(f"cannot write {relative}: {target} is a folder")
        for folder in target.relative_to(dest).parents:
            if (dest / folder).is_file():
                raise ExportError(f"cannot write {relative}: {dest / folder} is a file")


@contextmanager
def _staging(dest: Path) -> Iterator[Path]:
    """A temporary folder, beside DIR when possible so the final move is a rename."""
    beside = dest.parent if dest.parent.is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix=f".{dest.name}-export-", dir=beside))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def inside(folder: Path, relative: str) -> Path:
    """``folder / relative``, if that path stays inside ``folder``.

    :raises ExportError: ``relative`` is not a plain relative path (``..``, an
        absolute path, a backslash), or resolves (through a link) outside.
    """
    try:
        check_relative_name(relative, "exported file")
    except ValueError as error:
        message = f"the export refuses to write {relative!r}: {error}"
        raise ExportError(message) from None
    path = folder / relative
    root = folder.resolve()
    if not path.resolve().is_relative_to(root):
        raise ExportError(
            f"the export refuses to write {relative!r}: it resolves outside {folder}"
        )
    return path


def _check_paths(folders: Iterable[Path], files: Mapping[str, bytes]) -> None:
    """Every path the export will write stays inside each of ``folders``."""
    for folder in folders:
        for relative in files:
            inside(folder, relative)


def _write(project: Path, files: Mapping[str, bytes]) -> None:
    for relative, data in files.items():
        path = inside(project, relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _move_into_place(project: Path, dest: Path, files: Mapping[str, bytes]) -> None:
    if not dest.exists() or not any(dest.iterdir()):
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            dest.rmdir()
        shutil.move(str(project), str(dest))
        return
    for relative in files:
        target = inside(dest, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(project / relative), str(target))


def recorded_credentials(records: Iterable[RequestRecord]) -> list[str]:
    """The credential headers the recorded requests would send in the tests."""
    names: dict[str, str] = {}
    for record in records:
        for header in ReplayRequest.from_record(record).credentials:
            names.setdefault(header.lower(), header)
    return sorted(names.values(), key=str.lower)


def credentials_note(credentials: Sequence[str]) -> str:
    """The report's line on the credentials left out of the export."""
    variables = ", ".join(credential_variable(header) for header in credentials)
    return (
        f"credentials the recorded requests carried ({', '.join(credentials)}) are"
        f" not in the export: the tests send placeholders, or {variables} when set"
        " (see README.md)"
    )


def _handler_functions(app: App) -> list[Any]:
    """The app's hooks, error handlers, template filters, tests and globals, and
    those of its blueprints."""
    functions: list[Any] = [f for group in app.handlers().values() for f in group]
    for blueprint in app.iter_blueprints():
        functions.extend(f for group in blueprint.handlers().values() for f in group)
        functions.extend(
            f for group in blueprint.app_hooks.snapshot().values() for f in group
        )
        functions.extend(
            f for table in blueprint.app_jinja.values() for f in table.values()
        )
    functions.extend(app.teardown_appcontext_funcs)
    for kind in ("filters", "tests", "globals"):
        functions.extend(
            value
            for value in getattr(app.jinja_env, kind).values()
            if isinstance(value, FunctionType | MethodType)
        )
    return functions


def live_handlers(app: App) -> frozenset[str]:
    """The function names of the app's hooks, error handlers and template
    filters, tests and globals (its blueprints' too)."""
    return frozenset(
        name
        for function in _handler_functions(app)
        if isinstance(name := getattr(function, "__name__", ""), str)
    )


def uses_coroutines(app: App) -> bool:
    """Whether a view, hook or error handler of ``app`` (or of a blueprint of
    it) is ``async def``."""
    functions = [
        endpoint.view for name, endpoint in app.endpoints.items() if name != "static"
    ]
    functions.extend(_handler_functions(app))
    return any(inspect.iscoroutinefunction(function) for function in functions)


def _protoweb_wheel() -> dict[str, bytes]:
    """The wheel of the protoweb in use, by file name."""
    with tempfile.TemporaryDirectory(prefix="protoweb-wheel-") as folder:
        built = build_protoweb_wheel(Path(folder))
        return {built.name: built.read_bytes()}


def export_project(
    prototype: Prototype,
    dest: str | os.PathLike[str],
    *,
    name: str | None = None,
    target: str = "protoweb",
    force: bool = False,
    wheel: bool = False,
) -> ExportResult:
    """Export ``prototype`` as a package in ``dest``, verified.

    :param dest: the project folder; it must be new or empty unless ``force``.
    :param name: the package's import name; by default ``dest``'s base name made
        a Python identifier.
    :param target: ``"protoweb"`` or ``"flask"``.
    :param force: write into a non-empty ``dest``: the files the export writes
        replace theirs, other files are left alone.
    :param wheel: also write the wheel of the protoweb in use into ``wheels/``,
        so the project installs where protoweb is not published.
    :raises ExportError: with a message saying what to fix; ``dest`` is unchanged.
    """
    started = time.perf_counter()
    folder = Path(dest).expanduser().resolve()
    framework = get_target(target)
    package = check_package_name(name) if name else package_name(folder)
    if wheel and framework is not PROTOWEB:
        raise ExportError(
            f"--wheel writes protoweb's wheel, which a {framework.name} export does"
            " not depend on; leave it out"
        )
    _check_destination(folder, {}, force)
    app = prototype.app
    piece = slice_cells(
        read_cells(prototype),
        app.endpoints,
        prototype.app_name,
        live_handlers(app),
    )
    request_views = frozenset(
        getattr(endpoint.view, "__name__", endpoint_name)
        for endpoint_name, endpoint in app.endpoints.items()
        if endpoint_name != "static" and getattr(endpoint, "takes_request", False)
    )
    module = render_app_module(
        piece,
        name=package,
        target=framework,
        config=app.config,
        request_views=request_views,
        app_name=prototype.app_name,
    )
    requirements = dependencies(module.modules, framework, uses_coroutines(app))
    routes = route_table(app)
    templates, static = app_templates(app), app_static_files(app)
    wheels = _protoweb_wheel() if wheel else {}
    secret_key = bool(app.config.get("SECRET_KEY"))
    credentials = recorded_credentials(prototype.records)
    files = project_files(
        name=package,
        target=framework,
        app_text=module.text,
        requirements=requirements,
        templates=templates,
        static=static,
        routes=routes,
        secret_key=secret_key,
        credentials=credentials,
        wheel=next(iter(wheels), None),
    )
    files.update({f"{WHEELS_FOLDER}/{n}": data for n, data in wheels.items()})
    files[TESTS_FILE] = b""
    _check_paths([folder], files)
    _check_destination(folder, files, force)
    try:
        with _staging(folder) as staging:
            project = staging / "project"
            _write(project, files)

            def replay(requests: list[ReplayRequest]) -> list[list[dict[str, Any]]]:
                return calibrate(project, package, framework, requests)

            items, warnings = choose_cases(prototype.records, replay, app.endpoints)
            tests = render_tests(package, items, routes, secret_key=secret_key)
            files[TESTS_FILE] = tests.encode()
            _write(project, {TESTS_FILE: files[TESTS_FILE]})
            passed = run_tests(project, framework)
            _move_into_place(project, folder, files)
    except OSError as error:
        raise ExportError(f"could not write the export to {folder}: {error}") from None
    return ExportResult(
        path=folder,
        name=package,
        target=framework.name,
        files=tuple(sorted(files)),
        endpoints=tuple(sorted({endpoint for _, _, endpoint in routes})),
        templates=len(templates),
        static_files=len(static),
        requirements=tuple(requirements),
        tests_passed=passed,
        left_out=tuple(i.describe() for i in items if isinstance(i, LeftOut)),
        warnings=tuple(
            [*piece.warnings, *module.warnings, *warnings]
            + [credentials_note(credentials)] * bool(credentials)
        ),
        seconds=time.perf_counter() - started,
    )
