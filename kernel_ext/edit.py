"""``%protoweb edit ENDPOINT_OR_PATH``: a view's source in ``$EDITOR``, then live.

The view's source (as the workbench kept it, else :func:`inspect.getsource`)
is written to a temporary ``.py`` file and opened with IPython's editor hook,
which runs ``$EDITOR``. When the editor closes, the file runs in the view's own
namespace, so its ``@app.route`` registers the new view by endpoint, atomically.
A file that does not compile or fails to run leaves the old view serving; the
text is kept as a draft, and the next edit of that view reopens it.
"""

from __future__ import annotations

import atexit
import inspect
import os
import shlex
import shutil
import subprocess
import tempfile
import textwrap
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from IPython.core.error import TryNext, UsageError

from protoweb import App

from .compiler import register_cell_text
from .history import CellHistory, function_source
from .ownership import BUILTIN_ENDPOINTS, format_diff, snapshot, table_diff
from .verb import argument, verb

if TYPE_CHECKING:
    from .workbench import Workbench

#: Opens ``path`` in an editor and returns when it closes; raises if it failed.
Editor = Callable[[str], None]


class ViewEditError(Exception):
    """The edit could not be made; the message says why and what was kept."""


@dataclass(frozen=True)
class EditResult:
    """What an edit changed: the endpoint edited and the route table diff."""

    endpoint: str
    changes: list[str]
    path: str

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def resolve_endpoint(app: App, target: str) -> str:
    """The endpoint named by ``target``: an endpoint name, or a path it serves.

    ``/hello/ada`` finds the view that answers it (for any method, GET first).

    :raises ViewEditError: nothing matches.
    """
    if not target.startswith("/"):
        if target in app.endpoints and target not in BUILTIN_ENDPOINTS:
            return target
        known = ", ".join(sorted(set(app.endpoints) - BUILTIN_ENDPOINTS)) or "none"
        raise ViewEditError(
            f"no view with endpoint {target!r} (endpoints: {known});"
            " give an endpoint or a path such as /hello/ada"
        )
    endpoint = app.endpoint_for_path(target)
    if endpoint is None or endpoint in BUILTIN_ENDPOINTS:
        raise ViewEditError(f"no view answers {target!r}; %protoweb routes lists them")
    return endpoint


def view_source(app: App, endpoint: str, history: CellHistory | None) -> str:
    """The view's source as decorated Python: the one kept for it (``%%route``,
    an earlier edit), else its code object's (a view defined in a cell).

    :raises ViewEditError: the source is not known (a lambda, a view built by code).
    """
    kept = history.views.get(endpoint) if history is not None else None
    if kept is not None:
        return kept.source
    view = app.endpoints[endpoint].view
    try:
        source = inspect.getsource(view) if view is not None else ""
    except (OSError, TypeError):
        source = ""
    source = textwrap.dedent(source)
    if not source.startswith(("@", "def ", "async def ")):
        raise ViewEditError(
            f"the source of view {endpoint!r} is not known (a lambda, or a view"
            " built by code); redefine it in a cell instead"
        )
    return source


_draft_folders: weakref.WeakKeyDictionary[App, str] = weakref.WeakKeyDictionary()


def drafts_folder(app: App) -> str:
    """The folder of ``app``'s files being edited; removed when the process exits."""
    folder = _draft_folders.get(app)
    if folder is None:
        folder = tempfile.mkdtemp(prefix="protoweb-edit-")
        atexit.register(shutil.rmtree, folder, True)
        _draft_folders[app] = folder
    return folder


class ViewEditor:
    """Edits the views of one workbench.

    A file whose edit failed stays in :func:`drafts_folder` as the view's draft,
    and the next edit of that view opens it again, so no typing is lost.

    :param bench: the workbench (its app, namespace and history).
    :param editor: opens a file and waits; IPython's ``shell.hooks.editor``.
    """

    def __init__(self, bench: Workbench, editor: Editor) -> None:
        self.bench = bench
        self.editor = editor

    def draft_path(self, endpoint: str) -> str:
        return os.path.join(drafts_folder(self.bench.app), f"{endpoint}.py")

    def edit(self, target: str) -> EditResult:
        """Open the view for ``target`` in the editor and register what comes back.

        :raises ViewEditError: the view cannot be found or its source is unknown,
            the editor failed, or the edited file does not compile or run; the old
            view keeps serving in every case.
        """
        app = self.bench.app
        endpoint = resolve_endpoint(app, target)
        path = self.draft_path(endpoint)
        is_draft = os.path.exists(path)
        if not is_draft:
            source = view_source(app, endpoint, self.bench.history)
            with open(path, "w", encoding="utf-8") as file:
                file.write(source)
        before_text = _read(path)
        try:
            self.editor(path)
        except Exception as error:
            kept = f", your file is kept at {path}"
            if _read(path) == before_text and not is_draft:
                os.unlink(path)
                kept = ""
            if isinstance(error, ViewEditError):
                raise
            raise ViewEditError(
                f"the editor did not finish cleanly ({error or type(error).__name__});"
                f" view {endpoint!r} is unchanged{kept}"
            ) from None
        text = _read(path)
        if text == before_text and not is_draft:
            os.unlink(path)
            return EditResult(endpoint, [], path)
        changes = self.apply(endpoint, text, path)
        os.unlink(path)
        return EditResult(endpoint, changes, path)

    def apply(self, endpoint: str, text: str, filename: str) -> list[str]:
        """Run ``text`` as the new source of ``endpoint``; return the table diff.

        :raises ViewEditError: it does not compile, fails to run, or registers no
            route; routes it did not register are left as they were.
        """
        app = self.bench.app
        old = app.endpoints[endpoint]
        try:
            code = compile(text, filename, "exec")
        except SyntaxError as error:
            raise ViewEditError(
                f"{filename}, line {error.lineno}: {error.msg}; the old view"
                f" {endpoint!r} is still serving (run %protoweb edit {endpoint}"
                " again to fix the file)"
            ) from None
        namespace = getattr(old.view, "__globals__", None)
        if not isinstance(namespace, dict):
            namespace = self.bench.shell.user_ns
        view_name = getattr(old.view, "__name__", endpoint)
        missing = object()
        shadowed = namespace.get(view_name, missing)
        # A view the namespace holds by name (a def in a cell or module) is
        # replaced there too; a %%route view never was in it, so nothing changes.
        keep_name = shadowed is not old.view
        # Tracebacks keep showing the edited lines after the file is removed.
        register_cell_text(filename, text)
        before = snapshot(app)
        views_before = {name: e.view for name, e in app.endpoints.items()}
        try:
            exec(code, namespace)
        except Exception as error:
            raise ViewEditError(
                f"running the edited {endpoint!r} failed: {type(error).__name__}:"
                f" {error}; the old view is still serving unless the file"
                " re-registered it"
            ) from None
        finally:
            if keep_name:
                if shadowed is missing:
                    namespace.pop(view_name, None)
                else:
                    namespace[view_name] = shadowed
        registered = [
            name
            for name, current in app.endpoints.items()
            if views_before.get(name) is not current.view
        ]
        if not registered:
            raise ViewEditError(
                f"the edited file registers no route (keep its @app.route line);"
                f" the old view {endpoint!r} is still serving"
            )
        if endpoint not in registered:
            app.remove_route(endpoint)
        primary = endpoint if endpoint in registered else registered[0]
        for name in registered:
            view = app.endpoints[name].view
            source = text
            if name != primary:
                source = function_source(text, getattr(view, "__name__", name)) or text
            self.bench.record_view(name, source)
        return table_diff(before, snapshot(app))


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def ipython_editor(shell: Any) -> Editor:
    """The editor of ``shell``, waiting for it to close.

    In the terminal that is IPython's editor hook (its ``editor`` setting, from
    ``$EDITOR``, else ``vi``). A kernel has no terminal, so there only an
    ``$EDITOR`` set on purpose (a GUI editor that waits, ``code --wait``) is used.

    :raises ViewEditError: no editor can be used here.
    """
    if getattr(shell, "editor", None):

        def open_with_hook(path: str) -> None:
            try:
                shell.hooks.editor(path)
            except TryNext:
                raise RuntimeError(f"{shell.editor!r} exited with an error") from None

        return open_with_hook
    command = os.environ.get("EDITOR", "").strip()
    if not command:
        raise ViewEditError(
            "there is no terminal here to run an editor in; set $EDITOR to an editor"
            " that waits (e.g. EDITOR='code --wait'), or edit the view's cell and run"
            " it again"
        )

    def open_with_command(path: str) -> None:
        status = subprocess.call(f"{command} {shlex.quote(path)}", shell=True)
        if status != 0:
            raise RuntimeError(f"{command!r} exited with status {status}")

    return open_with_command


@verb(
    "edit",
    "ENDPOINT_OR_PATH",
    "open a view's source in $EDITOR; re-register it when the editor closes",
    arguments=[argument("target", metavar="ENDPOINT_OR_PATH")],
    path_argument="target",
)
def edit(bench: Workbench, args: Any) -> None:
    def open_in_editor(path: str) -> None:
        ipython_editor(bench.shell)(path)

    try:
        result = ViewEditor(bench, open_in_editor).edit(args.target)
    except ViewEditError as error:
        raise UsageError(f"%protoweb edit: {error}") from None
    if not result.changed:
        print(f"{result.endpoint}: no change")
    elif bench.runs.run is None:
        print(format_diff(result.changes))
