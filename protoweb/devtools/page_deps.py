"""What each open page used, so that a change updates only the pages it affects.

Every full HTML page the live server serves is a :class:`Page`: its endpoint, the
templates Jinja2 loaded while rendering it (``extends``, ``include`` and
``import`` too: :mod:`protoweb.devtools.template_use`), and what the browser
then fetched from it (requests whose ``Referer`` is the page). :meth:`Pages.action`
says what one change means for one page:

=====================================  ===================================
change                                 page
=====================================  ===================================
its endpoint, a template it rendered   ``update`` (new HTML, morphed in)
a stylesheet it loaded                 ``restyle`` (the ``<link>`` swapped)
another static file or endpoint its    ``reload``
scripts fetched
a hook, error handler, context         ``update`` (every page)
processor, filter, or a route's rules
a route now answering its URL          ``update``
anything, or any cell run, while the   ``update``
page is an error page
=====================================  ===================================
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ..app import ENVIRON_ENDPOINT
from .template_use import ENVIRON_TEMPLATES, TemplateRecorder

if TYPE_CHECKING:
    from ..app import App

RESTYLE, UPDATE, RELOAD = "restyle", "update", "reload"
_STRENGTH = {RESTYLE: 1, UPDATE: 2, RELOAD: 3}
#: Kinds of change that only one page's own dependencies can be affected by.
_LOCAL_KINDS = frozenset({"route", "template", "static", "cell"})
#: Pages kept (the oldest beyond this are forgotten; their streams reload).
PAGE_LIMIT = 256
#: ``Sec-Fetch-Dest`` values of a navigation (a link followed), not a subrequest.
_NAVIGATIONS = frozenset({"document", "iframe", "frame", "embed", "object"})


class Page:
    """One page served with the live-update script, and what it used."""

    __slots__ = (
        "id",
        "method",
        "path_info",
        "url",
        "endpoint",
        "templates",
        "error",
        "stylesheets",
        "assets",
        "fetched",
    )

    def __init__(
        self,
        page_id: str,
        method: str,
        path_info: str,
        url: str,
        endpoint: str | None,
        templates: frozenset[str],
        error: bool,
    ) -> None:
        self.id = page_id
        self.method = method
        self.path_info = path_info
        self.url = url
        self.endpoint = endpoint
        self.templates = templates
        self.error = error
        #: Static stylesheets it loaded: name -> the URL path the browser used.
        self.stylesheets: dict[str, str] = {}
        #: Other static files it loaded (a change reloads the page).
        self.assets: set[str] = set()
        #: Endpoints its scripts fetched (a change reloads the page).
        self.fetched: set[str] = set()


@dataclass(frozen=True)
class Change:
    """One change, as the app's change listener reported it."""

    kind: str
    name: str
    #: It can show on every page (a hook, or a route whose URLs changed).
    everywhere: bool = False


@dataclass
class Action:
    """What a page does about some changes: restyle, update or reload."""

    kind: str
    stylesheets: list[str] = field(default_factory=list)

    def merge(self, other: Action | None) -> Action:
        if other is None:
            return self
        if _STRENGTH[other.kind] > _STRENGTH[self.kind]:
            return other
        if other.kind == self.kind == RESTYLE:
            hrefs = self.stylesheets + other.stylesheets
            return Action(RESTYLE, list(dict.fromkeys(hrefs)))
        return self


class Pages:
    """The pages served with the live-update script, by id, and their dependencies.

    Thread-safe: pages are added from request threads, changes come from the
    thread that changed the app, actions are worked out in the event streams'.
    """

    def __init__(self, limit: int = PAGE_LIMIT) -> None:
        self.limit = limit
        self.app: App | None = None
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._by_url: dict[str, dict[str, None]] = {}
        self._rules: dict[str, frozenset[str]] = {}
        self._recorder: TemplateRecorder | None = None
        self._count = 0
        self._lock = threading.Lock()

    def attach(self, app: App) -> None:
        """Follow ``app``: note its templates and its routes' rules."""
        if self._recorder is not None and self.app is app:
            return
        self.detach()
        self.app = app
        self._recorder = TemplateRecorder(app.jinja_env)
        self._recorder.install()
        self._rules = {name: _rules_of(app, name) for name in app.endpoints}

    def detach(self) -> None:
        if self._recorder is not None:
            self._recorder.uninstall()
            self._recorder = None

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, page_id: str) -> Page | None:
        return self._pages.get(page_id)

    def add(
        self,
        environ: dict[str, Any],
        *,
        error: bool = False,
        page_id: str | None = None,
    ) -> str:
        """Note a page just served (again, when ``page_id`` is given); its id."""
        path_info = environ.get("PATH_INFO", "") or "/"
        url = environ.get("SCRIPT_NAME", "") + path_info
        query = environ.get("QUERY_STRING", "")
        if query:
            url = f"{url}?{query}"
        templates = frozenset(environ.get(ENVIRON_TEMPLATES, ()))
        with self._lock:
            old = self._pages.pop(page_id, None) if page_id else None
            if old is None:
                self._count += 1
            page = Page(
                old.id if old is not None else str(self._count),
                environ.get("REQUEST_METHOD", "GET"),
                path_info,
                url,
                environ.get(ENVIRON_ENDPOINT),
                templates,
                error,
            )
            if old is not None:
                page.stylesheets = old.stylesheets
                page.assets = old.assets
                page.fetched = old.fetched
                if old.url != url:
                    self._unindex(old)
            self._pages[page.id] = page
            self._by_url.setdefault(url, {})[page.id] = None
            while len(self._pages) > self.limit:
                _, oldest = self._pages.popitem(last=False)
                self._unindex(oldest)
        return page.id

    def _unindex(self, page: Page) -> None:
        ids = self._by_url.get(page.url)
        if ids is not None:
            ids.pop(page.id, None)
            if not ids:
                del self._by_url[page.url]

    def note_subrequest(self, environ: dict[str, Any]) -> None:
        """Note what a page's browser fetched (a request with the page as
        ``Referer`` that is no navigation)."""
        referer = environ.get("HTTP_REFERER")
        if not referer or not self._by_url:
            return
        if environ.get("HTTP_SEC_FETCH_DEST", "") in _NAVIGATIONS:
            return
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return
        parts = urlsplit(referer)
        url = unquote_to_bytes(parts.path).decode("latin-1") or "/"
        if parts.query:
            url = f"{url}?{parts.query}"
        ids = self._by_url.get(url)
        if not ids:
            return
        endpoint = environ.get(ENVIRON_ENDPOINT)
        if endpoint is None:
            return
        filename = self._static_name(environ) if endpoint == "static" else None
        href = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        with self._lock:
            for page_id in list(ids):
                page = self._pages.get(page_id)
                if page is None:
                    continue
                if filename is None:
                    page.fetched.add(endpoint)
                elif filename.lower().endswith(".css"):
                    page.stylesheets[filename] = href
                else:
                    page.assets.add(filename)

    def _static_name(self, environ: dict[str, Any]) -> str | None:
        app = self.app
        if app is None:
            return None
        try:
            _, args = app.url_map.bind("localhost").match(
                environ.get("PATH_INFO", ""), "GET"
            )
        except (HTTPException, RequestRedirect):
            return None
        filename = args.get("filename")
        return filename if isinstance(filename, str) else None

    def classify(self, kind: str, name: str) -> Change:
        """The :class:`Change` for the app's change ``kind`` ``name`` (called as
        it happens, to compare a route's rules before and after)."""
        if kind not in _LOCAL_KINDS:
            return Change(kind, name, everywhere=True)
        if kind != "route" or self.app is None:
            return Change(kind, name)
        after = _rules_of(self.app, name)
        before = self._rules.get(name)
        if after:
            self._rules[name] = after
        else:
            self._rules.pop(name, None)
        return Change(kind, name, everywhere=before is not None and before != after)

    def action(self, page_id: str, changes: Iterable[Change]) -> Action | None:
        """What the page ``page_id`` does about ``changes`` (``None``: nothing)."""
        page = self._pages.get(page_id)
        if page is None:
            return Action(RELOAD) if any(True for _ in changes) else None
        result: Action | None = None
        resolved: list[str | None] = []
        for change in changes:
            action = self._action_for(page, change, resolved)
            if action is not None:
                result = action.merge(result)
        return result

    def _action_for(
        self, page: Page, change: Change, resolved: list[str | None]
    ) -> Action | None:
        if page.method not in ("GET", "HEAD"):
            return None
        kind, name = change.kind, change.name
        if kind == "cell":
            return Action(UPDATE) if page.error else None
        if page.error or change.everywhere:
            return Action(UPDATE)
        if kind == "route":
            if name in page.fetched:
                return Action(RELOAD)
            if name == page.endpoint:
                return Action(UPDATE)
            if not resolved:
                resolved.append(self._endpoint_for(page.path_info))
            return Action(UPDATE) if resolved[0] != page.endpoint else None
        if kind == "template":
            return Action(UPDATE) if name in page.templates else None
        if kind == "static":
            if name in page.stylesheets:
                return Action(RESTYLE, [page.stylesheets[name]])
            if name in page.assets or name in page.fetched:
                return Action(RELOAD)
            if page.endpoint == "static" and self._static_path(name) == page.path_info:
                return Action(UPDATE)
        return None

    def _endpoint_for(self, path_info: str) -> str | None:
        app = self.app
        if app is None:
            return None
        try:
            endpoint, _ = app.url_map.bind("localhost").match(path_info, "GET")
        except RequestRedirect:
            return "(redirect)"
        except HTTPException:
            return None
        return str(endpoint)

    def _static_path(self, name: str) -> str | None:
        app = self.app
        if app is None:
            return None
        try:
            adapter = app.url_map.bind("localhost")
            return str(adapter.build("static", {"filename": name}))
        except Exception:
            return None


def _rules_of(app: App, endpoint: str) -> frozenset[str]:
    """``endpoint``'s rules and methods, to tell when its URLs change."""
    try:
        rules = list(app.url_map.iter_rules(endpoint))
    except KeyError:
        return frozenset()
    return frozenset(f"{rule.rule} {sorted(rule.methods or ())}" for rule in rules)
