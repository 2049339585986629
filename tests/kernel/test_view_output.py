"""What a view prints or logs is kept with its request: in the panel and the log.

On ipykernel 7 a print from a server thread used to reach no cell at all; on
ipykernel 6 it landed under whichever cell was running.
"""

from __future__ import annotations

import time

import pytest

from .conftest import Kernel, http, server_url, start_kernel

NOISY_VIEW = """%%route /noisy
import logging, sys, threading
print('printed-by-view')
print('written-to-stderr', file=sys.stderr)
logging.getLogger('notes').warning('logged-by-view')
threading.Timer(0.2, lambda: print('printed-by-a-thread-later')).start()
'ok'
"""
EXPECTED = (
    "printed-by-view",
    "written-to-stderr",
    "logged-by-view",
    "printed-by-a-thread-later",
)
PANEL_OUTPUT = (
    "__import__('kernel_ext.extension').extension.current_extension()"
    ".panel.outputs.value"
)


def wait_for_log(kernel: Kernel, text: str) -> str:
    deadline = time.monotonic() + 10
    log = ""
    while text not in log and time.monotonic() < deadline:
        log = kernel.run("%protoweb log 5").stdout
    return log


def test_view_output_goes_to_the_panel_and_the_log_not_the_running_cell(
    kernel: Kernel,
) -> None:
    assert kernel.eval("__import__('ipykernel').__version__")
    kernel.run(NOISY_VIEW, cell_id="noisy")
    result = kernel.run(
        "import urllib.request, time\n"
        f"urllib.request.urlopen('{server_url(kernel)}/noisy').read()\n"
        "time.sleep(0.5)"
    )
    for text in EXPECTED:
        assert text not in result.stdout + result.stderr
    log = wait_for_log(kernel, "printed-by-a-thread-later")
    request_line = next(line for line in log.splitlines() if "GET /noisy 200" in line)
    after = log[log.index(request_line) :]
    for text in EXPECTED:
        assert f"| {text}" in after, log
    panel = kernel.eval(PANEL_OUTPUT)
    assert "/noisy" in panel
    for text in EXPECTED:
        assert text in panel


def test_a_cells_own_output_still_shows_in_the_cell(kernel: Kernel) -> None:
    result = kernel.run("print('cell output')")
    assert result.stdout == "cell output\n"


@pytest.fixture(scope="module")
def text_kernel(tmp_path_factory: pytest.TempPathFactory):
    started = start_kernel(tmp_path_factory, PROTOWEB_WIDGETS="0")
    started.run("%load_ext protoweb")
    yield started
    started.shutdown()


def test_without_widgets_view_output_is_in_the_log(text_kernel: Kernel) -> None:
    text_kernel.run("%%route /quiet\nprint('printed-without-panel')\n'ok'")
    assert http(f"{server_url(text_kernel)}/quiet").status == 200
    log = wait_for_log(text_kernel, "printed-without-panel")
    assert "| printed-without-panel" in log


def test_favicon_the_app_lacks_is_answered_quietly(kernel: Kernel) -> None:
    response = http(f"{server_url(kernel)}/favicon.ico")
    assert response.status == 204 and response.body == ""
    panel_requests = kernel.eval(
        "__import__('kernel_ext.extension').extension.current_extension()"
        ".panel.requests.value"
    )
    assert "favicon" not in panel_requests


def test_favicon_the_app_serves_is_its_own(kernel: Kernel) -> None:
    kernel.run("%%route /favicon.ico\n'icon'", cell_id="icon")
    assert http(f"{server_url(kernel)}/favicon.ico").body == "icon"
    kernel.run("app.remove_route('favicon_ico')")


def test_a_thread_a_view_starts_and_waits_for_prints_to_the_request(
    kernel: Kernel,
) -> None:
    kernel.run(
        "%%route /joined\nimport threading\n"
        "worker = threading.Thread(target=lambda: print('printed-by-a-joined-thread')"
        ")\n"
        "worker.start(); worker.join()\n'ok'",
        cell_id="joined",
    )
    assert http(f"{server_url(kernel)}/joined").status == 200
    log = wait_for_log(kernel, "printed-by-a-joined-thread")
    assert "| printed-by-a-joined-thread" in log


def test_unloading_gives_the_kernel_its_own_streams_back(kernel: Kernel) -> None:
    layers = (
        "(lambda s: [type(s).__name__, type(getattr(s, '_stream', s)).__name__])"
        "(__import__('sys').stdout)"
    )
    assert kernel.eval(layers) == ["RoutedStream", "OutStream"]
    kernel.run("%reload_ext protoweb")
    assert kernel.eval(layers) == ["RoutedStream", "OutStream"]
    kernel.run("%unload_ext protoweb")
    assert kernel.eval(layers) == ["OutStream", "OutStream"]
    kernel.run("%load_ext protoweb")
