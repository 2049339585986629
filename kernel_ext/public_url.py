"""The URL a browser uses to reach the live server, which may not be ``localhost``.

Behind JupyterHub or jupyter-server-proxy the browser is on another machine and
reaches the kernel's ports through ``<base>/proxy/PORT/``. In order:

1. ``PROTOWEB_PUBLIC_URL`` (``{port}`` in it is replaced by the port);
2. ``JUPYTERHUB_SERVICE_PREFIX`` (JupyterHub's single-user server):
   ``<JUPYTERHUB_PUBLIC_URL><prefix>proxy/PORT/``;
3. jupyter-server-proxy installed in the Jupyter server that started this kernel
   (found from the server's runtime file): ``<base_url>proxy/PORT/``;
4. otherwise the local URL, ``http://127.0.0.1:PORT/``.

A URL that starts with ``/`` is relative to the notebook page, which is what
the browser needs for links and iframes.
"""

from __future__ import annotations

import glob
import importlib.util
import json
import os
from collections.abc import Mapping
from urllib.parse import urlsplit


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else f"{url}/"


def jupyter_server_info(environ: Mapping[str, str]) -> dict[str, object] | None:
    """The runtime file of the Jupyter server that launched this kernel, if known."""
    parent = environ.get("JPY_PARENT_PID")
    if not parent:
        return None
    try:
        from jupyter_core.paths import jupyter_runtime_dir
    except ImportError:
        return None
    pattern = os.path.join(jupyter_runtime_dir(), f"*server-{parent}.json")
    for path in glob.glob(pattern):
        try:
            with open(path, encoding="utf-8") as file:
                info = json.load(file)
        except (OSError, ValueError):
            continue
        if isinstance(info, dict):
            return info
    return None


def jupyter_server_base_url(environ: Mapping[str, str]) -> str | None:
    """The ``base_url`` of the Jupyter server that launched this kernel, if known."""
    info = jupyter_server_info(environ)
    base_url = info.get("base_url") if info else None
    return _with_slash(base_url) if isinstance(base_url, str) else None


def jupyter_server_hosts(environ: Mapping[str, str] | None = None) -> list[str]:
    """The host names of the Jupyter server that launched this kernel: behind
    jupyter-server-proxy the browser's ``Host`` is the Jupyter server's."""
    info = jupyter_server_info(os.environ if environ is None else environ)
    if not info or not proxy_installed():
        return []
    hosts = []
    for key in ("hostname", "url"):
        value = info.get(key)
        if isinstance(value, str) and value:
            host = urlsplit(value if "//" in value else f"//{value}").hostname
            if host and host not in ("0.0.0.0", "::"):
                hosts.append(host)
    return hosts


def proxy_installed() -> bool:
    return importlib.util.find_spec("jupyter_server_proxy") is not None


def public_url(
    port: int, local_url: str, environ: Mapping[str, str] | None = None
) -> str:
    """The base URL (ending in ``/``) to show and to use for previews."""
    env = os.environ if environ is None else environ
    configured = env.get("PROTOWEB_PUBLIC_URL")
    if configured:
        return _with_slash(configured.replace("{port}", str(port)))
    hub_prefix = env.get("JUPYTERHUB_SERVICE_PREFIX")
    if hub_prefix:
        origin = env.get("JUPYTERHUB_PUBLIC_URL", "").rstrip("/")
        return f"{origin}{_with_slash(hub_prefix)}proxy/{port}/"
    if env.get("JPY_PARENT_PID") and proxy_installed():
        base_url = jupyter_server_base_url(env)
        if base_url is not None:
            return f"{base_url}proxy/{port}/"
    return _with_slash(local_url)


def join(base: str, path: str) -> str:
    """``join("/user/a/proxy/80/", "/hello")`` -> ``/user/a/proxy/80/hello``."""
    return base + path.lstrip("/")
