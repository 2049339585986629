"""The URL shown and used for previews: local, JupyterHub, jupyter-server-proxy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kernel_ext.public_url import join, jupyter_server_hosts, public_url

LOCAL = "http://127.0.0.1:5001"


def test_local_by_default() -> None:
    assert public_url(5001, LOCAL, {}) == "http://127.0.0.1:5001/"


def test_protoweb_public_url_overrides_with_port_placeholder() -> None:
    env = {"PROTOWEB_PUBLIC_URL": "https://x.example/p/{port}", "JPY_PARENT_PID": "1"}
    assert public_url(5001, LOCAL, env) == "https://x.example/p/5001/"


def test_jupyterhub_service_prefix() -> None:
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/ada/"}
    assert public_url(5001, LOCAL, env) == "/user/ada/proxy/5001/"
    env["JUPYTERHUB_PUBLIC_URL"] = "https://hub.example/"
    assert public_url(5001, LOCAL, env) == "https://hub.example/user/ada/proxy/5001/"


def test_jupyter_server_proxy_in_the_server_that_started_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    (tmp_path / "jpserver-4242.json").write_text(json.dumps({"base_url": "/lab/x"}))
    assert public_url(5001, LOCAL, {"JPY_PARENT_PID": "4242"}) == ("/lab/x/proxy/5001/")
    assert public_url(5001, LOCAL, {"JPY_PARENT_PID": "999"}) == (
        "http://127.0.0.1:5001/"
    )


def test_the_jupyter_servers_own_host_is_trusted_by_the_live_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    info = {"base_url": "/", "hostname": "0.0.0.0", "url": "http://devbox.lan:8888/"}
    (tmp_path / "jpserver-4242.json").write_text(json.dumps(info))
    assert jupyter_server_hosts({"JPY_PARENT_PID": "4242"}) == ["devbox.lan"]
    assert jupyter_server_hosts({}) == []


def test_join() -> None:
    assert join("/user/a/proxy/80/", "/hello") == "/user/a/proxy/80/hello"
    assert join("http://h:1/", "x") == "http://h:1/x"
