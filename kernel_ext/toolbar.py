"""The REPL's bottom toolbar: where the app is served and what it answered last.

The toolbar is a callable returning prompt_toolkit formatted text, as in
prompt_toolkit's ``bottom-toolbar`` example. It is redrawn while the prompt waits:
each new request record invalidates the prompt from the server's thread
(:meth:`prompt_toolkit.application.Application.invalidate` is thread safe), and a
slow refresh interval catches what has no event (a server stopped by hand).

Under IPython's ``simple_prompt`` there is no prompt_toolkit session
(``shell.pt_app`` is ``None``); :meth:`ReplToolbar.attach` then does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .render import route_count

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples

    from protoweb.devtools.log import RequestLog, RequestRecord

    from .workbench import Workbench

#: Seconds between redraws when nothing else asks for one.
REFRESH_INTERVAL = 1.0

WorkbenchSource = Callable[[], "Workbench | None"]


def _status_style(status: int) -> str:
    if status >= 500:
        return "class:protoweb-toolbar.error"
    if status >= 400:
        return "class:protoweb-toolbar.warning"
    return "class:protoweb-toolbar.ok"


def toolbar_fragments(bench: Workbench | None) -> StyleAndTextTuples:
    """`` http://127.0.0.1:5000/ | 3 routes | GET /hello/ada 200 1.2 ms``."""
    if bench is None:
        return [("", " protoweb is not loaded (%load_ext protoweb)")]
    fragments: StyleAndTextTuples = []
    if bench.running:
        fragments.append(("class:protoweb-toolbar.url", f" {bench.public_url}"))
    else:
        fragments.append(("class:protoweb-toolbar.error", " stopped (%protoweb start)"))
    count = route_count(bench.app)
    fragments.append(("", f" | {count} route{'' if count == 1 else 's'} | "))
    log = bench.log
    latest = log.latest() if log is not None else None
    if latest is None:
        fragments.append(("", "no requests yet"))
    else:
        fragments.append(("", f"{latest.method} {latest.url} "))
        fragments.append((_status_style(latest.status), str(latest.status)))
        fragments.append(("", f" {latest.duration_ms:.1f} ms"))
        if latest.error_type:
            fragments.append(("class:protoweb-toolbar.error", f" {latest.error_type}"))
    return fragments


class ReplToolbar:
    """The toolbar of one REPL, attached to IPython's prompt_toolkit session.

    :param bench_source: returns the extension's current workbench (a
        ``%reload_ext`` makes a new one), or ``None`` while it is not loaded.
    """

    def __init__(self, bench_source: WorkbenchSource) -> None:
        self.bench_source = bench_source
        self._prompt_session: Any = None
        self._subscribed: RequestLog | None = None
        self._previous: tuple[Any, float] | None = None
        # One bound method, so that unsubscribe finds the one subscribed.
        self._listener = self._on_request

    def __call__(self) -> StyleAndTextTuples:
        bench = self.bench_source()
        self._follow_log(bench)
        return toolbar_fragments(bench)

    def attach(self, prompt_session: Any) -> bool:
        """Show the toolbar under ``prompt_session`` (``shell.pt_app``).

        :returns: ``False`` when there is no prompt_toolkit session (simple prompt).
        """
        if prompt_session is None:
            return False
        self.detach()
        self._previous = (
            prompt_session.bottom_toolbar,
            prompt_session.refresh_interval,
        )
        prompt_session.bottom_toolbar = self
        prompt_session.refresh_interval = REFRESH_INTERVAL
        self._prompt_session = prompt_session
        self._follow_log(self.bench_source())
        return True

    def detach(self) -> None:
        """Remove the toolbar and stop listening to the request log."""
        self._unsubscribe()
        prompt, previous = self._prompt_session, self._previous
        self._prompt_session = self._previous = None
        if prompt is not None and previous is not None:
            prompt.bottom_toolbar, prompt.refresh_interval = previous

    def _follow_log(self, bench: Workbench | None) -> None:
        """Listen to the current log (a restarted server may bring a new one)."""
        log = bench.log if bench is not None else None
        if self._prompt_session is not None and log is not self._subscribed:
            self._unsubscribe()
            if log is not None:
                log.subscribe(self._listener)
                self._subscribed = log

    def _unsubscribe(self) -> None:
        if self._subscribed is not None:
            self._subscribed.unsubscribe(self._listener)
            self._subscribed = None

    def _on_request(self, record: RequestRecord) -> None:
        """Called from a server thread: ask the prompt to redraw."""
        prompt = self._prompt_session
        if prompt is not None:
            prompt.app.invalidate()
