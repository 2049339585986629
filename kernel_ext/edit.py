"""``%protoweb edit ENDPOINT_OR_PATH``: a view's source in ``$EDITOR``, then live.

The view's source (as the session recorded it, else :func:`inspect.getsource`)
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
from urllib.parse import urlsplit

from IPython.core.error import TryNext, UsageError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from protoweb import App

from .compiler import register_cell_text
from .history import function_source, route_definition
from .ownership import BUILTIN_ENDPOINTS, format_diff, snapshot, table_diff
from .verbs import argument, verb

if TYPE_CHECKING:
    from .extension import Extension
    from .session import Session

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
    adapter = app.url_map.bind("localhost")
    path, method = target, "GET"
    for _ in range(3):
        try:
            endpoint, _values = adapter.match(path, method=method)
        except RequestRedirect as redirect:
            path = urlsplit(redirect.new_url).path or "/"
        except MethodNotAllowed as error:
            allowed = sorted(error.valid_methods or ())
            named = [m for m in allowed if m not in ("HEAD", "OPTIONS")]
            if not allowed:
                break
            method = (named or allowed)[0]
        except HTTPException:
            break
        else:
            if endpoint not in BUILTIN_ENDPOINTS:
                return str(endpoint)
            break
    raise ViewEditError(f"no view answers {target!r}; %protoweb routes lists them")


def view_source(app: App, endpoint: str, session: Session | None) -> str:
    """The view's source as decorated Python, from the session or the code object.

    :raises ViewEditError: the source is not known (a lambda, a view built by code).
    """
    definition = session.definitions.get(endpoint) if session else None
    if definition is not None and definition.source:
        return definition.source
    view = app.endpoints[endpoint].view
    try:
        source = inspect.getsource(view)
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
    """Edits the views of one session.

    A file whose edit failed stays in :func:`drafts_folder` as the view's draft,
    and the next edit of that view opens it again, so no typing is lost.

    :param session: the extension's session (its app, namespace and history).
    :param editor: opens a file and waits; IPython's ``shell.hooks.editor``.
    """

    def __init__(self, session: Session, editor: Editor) -> None:
        self.session = session
        self.editor = editor

    def draft_path(self, endpoint: str) -> str:
        return os.path.join(drafts_folder(self.session.app), f"{endpoint}.py")

    def edit(self, target: str) -> EditResult:
        """Open the view for ``target`` in the editor and register what comes back.

        :raises ViewEditError: the view cannot be found or its source is unknown,
            the editor failed, or the edited file does not compile or run; the old
            view keeps serving in every case.
        """
        app = self.session.app
        endpoint = resolve_endpoint(app, target)
        path = self.draft_path(endpoint)
        is_draft = os.path.exists(path)
        if not is_draft:
            source = view_source(app, endpoint, self.session)
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
        app = self.session.app
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
            namespace = self.session.shell.user_ns
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
            self._record(name, source, filename)
        return table_diff(before, snapshot(app))

    def _record(self, endpoint: str, source: str, filename: str) -> None:
        """Keep the edited source as the endpoint's definition, for the exporter.

        It is ordinary Python (``magic`` false) made by the ``%protoweb edit`` run,
        so an export places it there, after the definition it replaces.
        """
        run = self.session.run
        self.session.record_definition(
            route_definition(
                self.session.app.endpoints[endpoint],
                source,
                run.cell_id if run else None,
                run.execution_count if run else None,
                filename,
            )
        )


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
def edit(ext: Extension, args: Any) -> None:
    session = ext.session

    def open_in_editor(path: str) -> None:
        ipython_editor(ext.shell)(path)

    try:
        result = ViewEditor(session, open_in_editor).edit(args.target)
    except ViewEditError as error:
        raise UsageError(f"%protoweb edit: {error}") from None
    if not result.changed:
        print(f"{result.endpoint}: no change")
    elif session.run is None:
        print(format_diff(result.changes))
