"""The REPL toolbar: its text, and its redraw while a prompt waits (pipe input)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from IPython.core.interactiveshell import InteractiveShell
from prompt_toolkit.formatted_text import fragment_list_to_text
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.shortcuts import PromptSession

from kernel_ext import current_workbench, toolbar
from kernel_ext.toolbar import ReplToolbar, toolbar_fragments
from kernel_ext.workbench import Workbench

from .conftest import get, status_of

T = TypeVar("T")


def text(bench: Workbench | None) -> str:
    return fragment_list_to_text(toolbar_fragments(bench))


def served(shell: InteractiveShell) -> Workbench:
    bench = current_workbench(shell)
    assert bench is not None and bench.running
    return bench


def test_the_toolbar_shows_url_route_count_and_the_last_request(
    shell: InteractiveShell,
) -> None:
    bench = served(shell)
    url = bench.public_url
    assert text(bench) == f" {url} | 0 routes | no requests yet"
    shell.run_cell("%%route GET /hello/<name>\nf'Hello {name}!'")
    assert get(f"{url}hello/ada") == "Hello ada!"
    shown = text(bench)
    assert shown.startswith(f" {url} | 1 route | GET /hello/ada 200 ")
    assert shown.endswith(" ms")


def test_a_failing_view_shows_its_status_and_error_type(
    shell: InteractiveShell,
) -> None:
    bench = served(shell)
    shell.run_cell("%%route /boom\n1 / 0")
    assert status_of(f"{bench.public_url}boom") == 500
    fragments = toolbar_fragments(bench)
    assert ("class:protoweb-toolbar.error", "500") in fragments
    assert fragment_list_to_text(fragments).endswith(" ms ZeroDivisionError")


def test_a_stopped_server_says_how_to_start_it(shell: InteractiveShell) -> None:
    shell.run_line_magic("protoweb", "stop")
    assert text(current_workbench(shell)).startswith(" stopped (%protoweb start)")
    assert "not loaded" in text(None)


def test_attach_does_nothing_under_simple_prompt() -> None:
    assert ReplToolbar(lambda: None).attach(None) is False


def test_without_widgets_no_panel_listens_to_the_request_log(
    shell: InteractiveShell,
) -> None:
    log = served(shell).log
    assert log is not None
    assert not log.has_subscribers


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_detach_restores_the_prompt_and_stops_listening(
    shell: InteractiveShell,
) -> None:
    bench = served(shell)
    log = bench.log
    assert log is not None
    with create_pipe_input() as pipe:
        prompt: PromptSession[str] = PromptSession(
            input=pipe, output=DummyOutput(), refresh_interval=0
        )
        redraws: list[str] = []
        prompt.app.invalidate = lambda: redraws.append("redraw")  # type: ignore
        bar = ReplToolbar(lambda: current_workbench(shell))
        assert bar.attach(prompt)
        assert prompt.bottom_toolbar is bar
        assert prompt.refresh_interval == toolbar.REFRESH_INTERVAL
        status_of(f"{bench.public_url}one")
        wait_until(lambda: bool(redraws))
        bar.detach()
        assert prompt.bottom_toolbar is None
        assert prompt.refresh_interval == 0
        seen = len(redraws)
        status_of(f"{bench.public_url}two")
        wait_until(lambda: [record.path for record in log.records(1)] == ["/two"])
        assert len(redraws) == seen


def _redraws_while_waiting(
    shell: InteractiveShell,
    request_path: str,
    after_attach: Callable[[], object] = lambda: None,
) -> list[str]:
    """Run a prompt on pipe input; request ``request_path`` while it waits.

    Returns the toolbar text seen at each redraw.
    """
    seen: list[str] = []
    with create_pipe_input() as pipe:
        prompt = PromptSession(input=pipe, output=DummyOutput())
        bar = ReplToolbar(lambda: current_workbench(shell))
        assert bar.attach(prompt)
        after_attach()
        url = served(shell).public_url

        def redrawn(_app: object) -> None:
            seen.append(fragment_list_to_text(bar()))

        prompt.app.after_render += redrawn

        def user() -> None:
            deadline = time.monotonic() + 5
            while not seen and time.monotonic() < deadline:
                time.sleep(0.01)
            status_of(f"{url}{request_path.lstrip('/')}")
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                if any(request_path in line for line in seen):
                    break
                time.sleep(0.01)
            pipe.send_text("done\r")

        thread = threading.Thread(target=user)
        thread.start()
        try:
            assert run_in_own_loop(prompt.prompt_async) == "done"
        finally:
            thread.join()
            bar.detach()
    return seen


def test_a_request_redraws_the_toolbar_while_the_prompt_waits(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(toolbar, "REFRESH_INTERVAL", 60.0)
    seen = _redraws_while_waiting(shell, "/while-waiting")
    assert "no requests yet" in seen[0]
    assert any("GET /while-waiting 404" in line for line in seen)


def test_a_restarted_server_is_still_followed(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(toolbar, "REFRESH_INTERVAL", 60.0)
    seen = _redraws_while_waiting(
        shell, "/after-restart", lambda: shell.run_line_magic("protoweb", "restart")
    )
    assert any("GET /after-restart 404" in line for line in seen)


def test_a_reloaded_extension_is_still_followed(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(toolbar, "REFRESH_INTERVAL", 60.0)
    before = current_workbench(shell)
    seen = _redraws_while_waiting(
        shell, "/after-reload", lambda: shell.run_line_magic("reload_ext", "protoweb")
    )
    assert current_workbench(shell) is not before
    assert any("GET /after-reload 404" in line for line in seen)


def run_in_own_loop(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine in a thread of its own, so that no event loop left running
    in this thread (a browser test's, say) is in the way."""
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(asyncio.run(make_coroutine()))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)
    if errors:
        raise errors[0]
    return results[0]
