"""``async def`` views, hooks and error handlers, awaited for their request in an
event loop of their own (``protoweb.asyncio_bridge``)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from protoweb import App, current_app, g, request
from protoweb.asyncio_bridge import async_to_sync, ensure_sync, run_coroutine


def test_async_view_with_request_and_g_inside(fw, tmp_path):
    app = fw.app(tmp_path)

    @app.before_request
    def load_user():
        fw.g.user = "ann"

    @app.route("/hello/<name>")
    async def hello(name):
        await asyncio.sleep(0.001)
        return f"{name} {fw.request.args['x']} {fw.g.user} {fw.current_app.name}"

    response = app.test_client().get("/hello/bo?x=1")
    assert (response.status_code, response.text) == (200, f"bo 1 ann {app.name}")


def test_async_hooks_and_error_handlers(fw, tmp_path):
    app = fw.app(tmp_path)
    calls = []

    @app.before_request
    async def before():
        await asyncio.sleep(0)
        calls.append("before")

    @app.after_request
    async def after(response):
        await asyncio.sleep(0)
        response.headers["X-After"] = "yes"
        return response

    @app.teardown_request
    async def teardown(error):
        await asyncio.sleep(0)
        calls.append(f"teardown {error}")

    @app.errorhandler(KeyError)
    async def missing(error):
        await asyncio.sleep(0)
        return f"missing {error.args[0]}", 404

    @app.route("/")
    async def index():
        return {}["nothing"]

    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (404, "missing nothing")
    assert response.headers["X-After"] == "yes"
    assert calls == ["before", "teardown None"]  # the handler answered the error


def test_a_before_request_coroutine_can_answer(tmp_path):
    app = App("early", root_path=str(tmp_path))

    @app.before_request
    async def refuse():
        return "refused", 403

    app.add_url_rule("/", "index", lambda: "view")
    response = app.test_client().get("/")
    assert (response.status_code, response.text) == (403, "refused")


def test_async_generator_view_is_streamed(tmp_path):
    app = App("agen", root_path=str(tmp_path))
    closed = []

    @app.route("/count")
    async def count():
        try:
            for n in range(3):
                await asyncio.sleep(0)
                yield f"{n}:{request.args['tag']};"
        finally:
            closed.append(True)

    @app.route("/wrapped")
    async def wrapped():
        async def chunks():
            yield "a"
            yield g.get("missing", "b")

        return chunks()

    client = app.test_client()
    response = client.get("/count?tag=t", buffered=False)
    assert response.is_streamed
    assert response.text == "0:t;1:t;2:t;"
    assert closed == [True]
    assert client.get("/wrapped").text == "ab"


def test_runs_on_the_request_thread_in_a_loop_of_its_own(tmp_path):
    app = App("threads", root_path=str(tmp_path))
    seen = {}

    @app.route("/")
    async def where():
        seen["thread"] = threading.get_ident()
        seen["loop"] = asyncio.get_running_loop()
        return "ok"

    app.test_client().get("/")
    assert seen["thread"] == threading.get_ident()
    assert seen["loop"].is_closed()


def test_works_from_a_thread_that_runs_a_loop(tmp_path):
    """Inside ``asyncio.run`` (as in a Jupyter kernel) the coroutine gets a fresh
    loop on a helper thread, never the caller's, with the request visible."""
    app = App("in_loop", root_path=str(tmp_path))
    seen = {}

    @app.route("/<name>")
    async def hello(name):
        seen["loop"] = asyncio.get_running_loop()
        await asyncio.sleep(0.001)
        return f"{name} {request.path}"

    @app.route("/stream")
    async def stream():
        yield request.path
        yield "!"

    async def main():
        client = app.test_client()
        return (
            asyncio.get_running_loop(),
            client.get("/ann").text,
            client.get("/stream").text,
        )

    outer, text, streamed = asyncio.run(main())
    assert (text, streamed) == ("ann /ann", "/stream!")
    assert seen["loop"] is not outer


def test_ensure_sync_leaves_sync_functions_alone(app):
    def plain():
        return 1

    async def coroutine(x):
        return x + 1

    assert app.ensure_sync(plain) is plain
    assert ensure_sync(plain) is plain
    wrapped = app.ensure_sync(coroutine)
    assert wrapped(1) == 2
    assert wrapped.__name__ == "coroutine"
    assert app.async_to_sync(coroutine)(2) == 3
    assert async_to_sync(coroutine)(3) == 4


def test_registered_views_keep_the_function_the_user_wrote(app):
    @app.route("/")
    async def index():
        return "x"

    assert app.endpoints["index"].view is index


def test_exceptions_come_back_to_the_caller():
    async def fails():
        raise LookupError("nope")

    with pytest.raises(LookupError, match="nope"):
        run_coroutine(fails())

    async def inside_loop():
        with pytest.raises(LookupError, match="nope"):
            run_coroutine(fails())
        return True

    assert asyncio.run(inside_loop())


def test_contextvars_reach_the_coroutine_on_a_helper_thread(tmp_path):
    app = App("ctxvars", root_path=str(tmp_path))

    async def read():
        return current_app.name, request.path

    async def main():
        with app.test_request_context("/p"):
            return run_coroutine(read())

    assert asyncio.run(main()) == ("ctxvars", "/p")


def test_a_stream_closed_early_closes_the_async_generator():
    """A client that goes away mid-stream: the generator's ``finally`` runs."""
    from protoweb.asyncio_bridge import iterate_async

    closed = []

    async def chunks():
        try:
            for n in range(10):
                yield n
        finally:
            await asyncio.sleep(0)
            closed.append(True)

    stream = iterate_async(chunks())
    assert (next(stream), next(stream)) == (0, 1)
    stream.close()
    assert closed == [True]
    with pytest.raises(StopIteration):
        next(stream)
