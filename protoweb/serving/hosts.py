"""The live server's Host check: only names this machine trusts are answered.

A web page the user visits can rebind its own name to 127.0.0.1 and then read
the live server as if it were its own origin (DNS rebinding). Its requests carry
its own name in ``Host``, so the live server answers only

- loopback names and addresses: ``localhost``, ``*.localhost``, ``127.0.0.0/8``,
  ``[::1]``, with any port;
- ``app.config["TRUSTED_HOSTS"]`` (read per request, Flask's syntax: a leading
  dot allows every subdomain);
- ``PROTOWEB_ALLOWED_HOSTS`` (comma-separated, the same syntax; ``*`` allows any);
- the hosts of ``PROTOWEB_PUBLIC_URL`` and of JupyterHub's public URLs
  (``JUPYTERHUB_PUBLIC_URL``, ``JUPYTERHUB_PUBLIC_HUB_URL``, ``JUPYTERHUB_HOST``);
- hosts given to the :class:`~protoweb.LiveServer` (the notebook passes the
  Jupyter server's own address).

Any other ``Host`` gets a 403 page that names it and says how to allow it; the
app, the dev tools and the proxy middleware never see the request.
"""

from __future__ import annotations

import html
import ipaddress
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from werkzeug.sansio.utils import host_is_trusted

from ..environ_keys import ENVIRON_HOST_CHECKED

if TYPE_CHECKING:
    from ..app import App
    from ..responses import StartResponse

ALLOWED_HOSTS_VARIABLE = "PROTOWEB_ALLOWED_HOSTS"
#: Environment variables holding a URL whose host the browser uses.
PUBLIC_URL_VARIABLES = (
    "PROTOWEB_PUBLIC_URL",
    "JUPYTERHUB_PUBLIC_URL",
    "JUPYTERHUB_PUBLIC_HUB_URL",
    "JUPYTERHUB_HOST",
)
_LOOPBACK_CACHE_LIMIT = 256


def split_host(host: str) -> str:
    """The name or address of a ``Host`` value, without port or IPv6 brackets,
    lower-cased: ``[::1]:5000`` -> ``::1``, ``App.Localhost:80`` -> ``app.localhost``.
    """
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[1:end] if end > 0 else host
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit() and ":" not in name:
        return name
    return host


def is_loopback_host(host: str) -> bool:
    """Whether the ``Host`` value names this machine: ``localhost``,
    ``*.localhost``, an address in ``127.0.0.0/8``, or ``::1``."""
    name = split_host(host).rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_host(url: str) -> str | None:
    """The host of ``url`` (``{port}`` placeholders allowed); ``None`` for a path."""
    text = url.replace("{port}", "1").strip()
    if "//" not in text:
        text = f"//{text}" if text and not text.startswith("/") else text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host or None


def environment_hosts(environ: Mapping[str, str]) -> list[str]:
    """The hosts the environment trusts: ``PROTOWEB_ALLOWED_HOSTS`` and the hosts
    of the public URLs (see :data:`PUBLIC_URL_VARIABLES`)."""
    hosts = [
        entry.strip()
        for entry in environ.get(ALLOWED_HOSTS_VARIABLE, "").split(",")
        if entry.strip()
    ]
    for variable in PUBLIC_URL_VARIABLES:
        value = environ.get(variable)
        if value:
            host = url_host(value)
            if host:
                hosts.append(host)
    return hosts


def trusts(host: str, trusted: Iterable[str]) -> bool:
    """Whether ``host`` (a ``Host`` value) matches one of ``trusted``, with Flask's
    ``TRUSTED_HOSTS`` rules (a leading dot matches subdomains; ``*`` matches all)."""
    names = [name for name in trusted if name]
    if not names:
        return False
    if "*" in names:
        return True
    return host_is_trusted(host, names)


class HostCheck:
    """WSGI middleware answering 403 to a request whose ``Host`` is not trusted.

    :param wrapped: what the server calls for a trusted request.
    :param app: the app whose ``config["TRUSTED_HOSTS"]`` is read per request.
    :param extra_hosts: called per untrusted-looking request; more hosts to trust
        (the live server's own list).
    :param environ: where ``PROTOWEB_ALLOWED_HOSTS`` and the public URLs are
        read (per request, so setting them while serving works).
    """

    def __init__(
        self,
        wrapped: Callable[..., Iterable[bytes]],
        app: App,
        extra_hosts: Callable[[], Collection[str]] = tuple,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        self.wrapped = wrapped
        self.app = app
        self.extra_hosts = extra_hosts
        self.environ = environ
        self._loopback: dict[str, bool] = {}

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        host = environ.get("HTTP_HOST")
        if host is None or self._loopback.get(host) or self.allowed(host):
            environ[ENVIRON_HOST_CHECKED] = True
            return self.wrapped(environ, start_response)
        return self.refuse(host, start_response)

    def allowed(self, host: str) -> bool:
        """Whether ``host`` (a ``Host`` header value) may be answered."""
        if is_loopback_host(host):
            if len(self._loopback) < _LOOPBACK_CACHE_LIMIT:
                self._loopback[host] = True
            return True
        configured = self.app.config.get("TRUSTED_HOSTS") or ()
        if isinstance(configured, str):
            configured = (configured,)
        return trusts(
            host,
            [*configured, *self.extra_hosts(), *environment_hosts(self.environ)],
        )

    def refuse(self, host: str, start_response: StartResponse) -> Iterable[bytes]:
        """The 403 page: which host was refused, and the two ways to allow it."""
        name = split_host(host)
        shown = html.escape(host[:200])
        entry = html.escape(repr(name[:200]))
        body = (
            "<!doctype html><html><head><meta charset='utf-8'>"
            "<title>403 Host not allowed</title></head><body>"
            f"<h1>Host not allowed: {shown}</h1>"
            "<p>This protoweb live server answers only loopback names"
            " (localhost, 127.0.0.1, [::1]) and the hosts you trust, so that a web"
            " page cannot reach it by rebinding its own name to this machine.</p>"
            "<p>To allow this host, in the notebook:</p>"
            f'<pre>app.config["TRUSTED_HOSTS"] = [{entry}]</pre>'
            "<p>or in the environment of the kernel, before it starts:</p>"
            f"<pre>{ALLOWED_HOSTS_VARIABLE}={html.escape(name[:200])}</pre>"
            "</body></html>"
        ).encode()
        start_response(
            "403 FORBIDDEN",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
                ("Connection", "close"),
            ],
        )
        return [body]
