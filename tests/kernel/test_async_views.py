"""Async views in a real kernel: the kernel's main thread runs its own asyncio
loop, and an ``async def`` view still answers (in a loop of its own), both over
real HTTP to the live server and through ``app.test_client()`` in a cell."""

from __future__ import annotations

import pytest

from .conftest import Kernel, http, server_url


@pytest.fixture(scope="module")
def url(kernel: Kernel) -> str:
    return server_url(kernel)


CELL = """\
import asyncio
from protoweb import request, g

@app.before_request
async def mark():
    g.mark = "async hook"

@app.route('/slow/<name>')
async def slow(name):
    await asyncio.sleep(0.01)
    return f"{name} {request.args.get('q')} {g.mark}"

@app.route('/ticks')
async def ticks():
    for n in range(3):
        await asyncio.sleep(0)
        yield f"{n};"
"""


def test_async_view_over_http(kernel: Kernel, url: str) -> None:
    result = kernel.run(CELL, cell_id="async")
    assert "+GET /slow/<name>" in result.stdout
    response = http(f"{url}/slow/ann?q=1")
    assert (response.status, response.body) == (200, "ann 1 async hook")
    assert http(f"{url}/ticks").body == "0;1;2;"


def test_async_view_through_the_test_client_on_the_kernels_thread(
    kernel: Kernel, url: str
) -> None:
    kernel.run(CELL, cell_id="async")
    assert kernel.eval("asyncio.get_running_loop() is not None") is True
    body = kernel.eval("app.test_client().get('/slow/bo?q=2').text")
    assert body == "bo 2 async hook"
    assert kernel.eval("app.test_client().get('/ticks').text") == "0;1;2;"
