"""Loading, reloading and unloading the extension; settings; kernel shutdown."""

from __future__ import annotations

import socket

import pytest

from tests.ports import free_port, port_is_free

from .conftest import Kernel, http, server_url, start_kernel

HOOK_COUNTS = """(lambda ip, ext: {
    "pre_run_cell": sum(
        type(getattr(cb, "__self__", None)).__name__ == "CellRunTracker"
        for cb in ip.events.callbacks["pre_run_cell"]
    ),
    "post_run_cell": sum(
        type(getattr(cb, "__self__", None)).__name__ == "CellRunTracker"
        for cb in ip.events.callbacks["post_run_cell"]
    ),
    "app listeners": sum(
        type(getattr(cb, "__self__", None)).__name__ == "CellRunTracker"
        for cb in app._listeners
    ),
    "log subscribers": sum(
        type(getattr(cb, "__self__", None)).__name__ == "Panel"
        for cb in app.server.request_log._subscribers
    ),
    "completers": sum(
        getattr(m, "matcher_identifier", "") == "protoweb"
        for m in ip.Completer.custom_matchers
    ),
    "magics": sum(
        type(m).__name__ == "ProtowebMagics"
        for m in ip.magics_manager.registry.values()
    ),
    "route magic is current": ip.magics_manager.magics["cell"]["route"].__self__
    is ext.magics,
    "log handlers": len(__import__("logging").getLogger("protoweb.app").handlers),
    "wsgi wrappers": 1 + hasattr(
        getattr(app.wsgi_app, "__protoweb_thread_output__", None),
        "__protoweb_thread_output__",
    ),
    "exit hooks": sum(getattr(f, "__self__", None) is ext for f in exit_hooks),
})(get_ipython(), __import__("kernel_ext.extension").extension.current_extension())
"""

#: Counts what is registered with atexit from now on, net of what is unregistered.
COUNT_EXIT_HOOKS = """
import atexit
exit_hooks = []
_register, _unregister = atexit.register, atexit.unregister

def _counting_register(function, *args, **kwargs):
    exit_hooks.append(function)
    return _register(function, *args, **kwargs)

def _counting_unregister(function):
    if function in exit_hooks:
        exit_hooks.remove(function)
    return _unregister(function)

atexit.register, atexit.unregister = _counting_register, _counting_unregister
"""


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory):
    started = start_kernel(tmp_path_factory)
    started.run("%load_ext protoweb")
    yield started
    started.shutdown()


def test_reload_keeps_app_routes_port_and_one_set_of_hooks(kernel: Kernel) -> None:
    kernel.run("%%route /kept\n'kept'", cell_id="kept")
    url = server_url(kernel)
    assert http(f"{url}/kept?before=reload").status == 200
    kernel.run(COUNT_EXIT_HOOKS)
    for _ in range(2):
        kernel.run("%reload_ext protoweb")
    after = kernel.eval(HOOK_COUNTS)
    assert kernel.eval("len(exit_hooks)") == 1
    assert after == {
        "pre_run_cell": 1,
        "post_run_cell": 1,
        "app listeners": 1,
        "log subscribers": 1,
        "completers": 1,
        "magics": 1,
        "route magic is current": True,
        "log handlers": 1,
        "wsgi wrappers": 1,
        "exit hooks": 1,
    }
    assert server_url(kernel) == url
    assert http(f"{url}/kept").body == "kept"
    assert "GET /kept?before=reload 200" in kernel.run("%protoweb log").stdout
    source = kernel.eval(
        "__import__('kernel_ext').current_workbench().history.views['kept'].source"
    )
    assert source.startswith('@app.route("/kept"')
    result = kernel.run("%%route /kept\n'rerun after reload'", cell_id="kept")
    assert result.stdout.strip() == "~GET /kept"
    assert http(f"{url}/kept").body == "rerun after reload"


def test_unload_stops_the_server_and_load_takes_the_port_again(
    kernel: Kernel,
) -> None:
    url = server_url(kernel)
    port = int(url.rsplit(":", 1)[1])
    kernel.run("%unload_ext protoweb")
    assert port_is_free(port)
    assert kernel.eval("len(app.endpoints) > 1") is True
    unloaded = kernel.execute("%%route /x\n'x'")
    assert unloaded.status == "error"
    assert "protoweb is not loaded" in unloaded.stderr + str(unloaded.error)
    kernel.run("%load_ext protoweb")
    assert server_url(kernel) == url
    assert http(f"{url}/kept").status == 200


def test_an_app_variable_that_is_not_an_app_is_refused(kernel: Kernel) -> None:
    url = server_url(kernel)
    kernel.run("%unload_ext protoweb")
    kernel.run("saved_app, app = app, 'not an app'")
    result = kernel.execute("%load_ext protoweb")
    assert "UsageError" in result.stderr
    assert "'app' exists and is not a protoweb App" in result.stderr
    kernel.run("app = saved_app")
    kernel.run("%load_ext protoweb")
    assert server_url(kernel) == url
    assert http(f"{url}/kept").status == 200


def test_without_cell_ids_redefinition_replaces_and_nothing_is_removed(
    kernel: Kernel,
) -> None:
    url = server_url(kernel)
    kernel.run("%%route /plain --name plain\n'one'")
    result = kernel.run("%%route /plain-two --name plain\n'two'")
    assert result.stdout.strip() == "+GET /plain-two  -GET /plain"
    kernel.run("%%route /other\n'other'")
    assert http(f"{url}/plain-two").body == "two"
    assert http(f"{url}/other").body == "other"


def test_settings_text_fallback_and_shutdown_frees_the_port(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    port = free_port()
    public = "https://hub.example/user/ada/proxy/{port}/"
    configured = start_kernel(
        tmp_path_factory,
        PROTOWEB_PORT=str(port),
        PROTOWEB_PUBLIC_URL=public,
        PROTOWEB_WIDGETS="0",
    )
    try:
        shown = public.format(port=port)
        loaded = configured.run("%load_ext protoweb")
        panel = loaded.displays[0]
        assert "application/vnd.jupyter.widget-view+json" not in panel
        assert panel["text/plain"].splitlines()[0] == (
            f"protoweb: serving 0 routes at {shown}"
        )
        assert server_url(configured) == f"http://127.0.0.1:{port}"
        configured.run("%%route /here\n'here'", cell_id="here")
        assert http(f"http://127.0.0.1:{port}/here").body == "here"
        status = configured.run("%protoweb status").stdout.splitlines()
        assert status[0] == f"protoweb: serving 1 routes at {shown}"
        assert status[1].split() == ["local:", f"http://127.0.0.1:{port}/"]
        iframe = configured.run("%protoweb show /here").displays[0]["text/html"]
        assert f'src="{shown}here"' in iframe
    finally:
        configured.shutdown()
    assert port_is_free(port)


def test_a_taken_port_falls_back_to_a_free_one(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        configured = start_kernel(tmp_path_factory, PROTOWEB_PORT=str(port))
        try:
            result = configured.run("%load_ext protoweb")
            assert "warning: port" in result.stdout
            assert server_url(configured) != f"http://127.0.0.1:{port}"
        finally:
            configured.shutdown()
