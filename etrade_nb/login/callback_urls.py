"""Callback URLs: which one to register with E*TRADE and where the receiver listens.

E*TRADE sends the browser to the callback URL registered for the consumer key. On a laptop
that is ``http://127.0.0.1:PORT/callback``; behind JupyterHub the browser reaches a kernel
port through jupyter-server-proxy at ``https://HUB{JUPYTERHUB_SERVICE_PREFIX}proxy/PORT/callback``
(the kernel knows the full URL when the hub sets ``JUPYTERHUB_PUBLIC_URL``, which already ends
in the prefix); Binder's host changes every session, so a registered URL cannot follow it.

The registered URL must be a full URL: since 4.5, jupyter-server-proxy prefixes a path-only
``Location`` with its own context, so a redirect to a bare path lands on a 404.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from ..environments import is_loopback_url
from ..errors import ConfigurationError
from ..hosts import notebook_host

CALLBACK_PATH = "/callback"
_PROXY_PATH = re.compile(r"/proxy/(absolute/)?(\d{1,5})(/.*)?$")


def pending_token(authorize_url: str | None) -> str | None:
    """The request token in an authorize link (``...?key=K&token=T``), or ``None``."""
    if not authorize_url:
        return None
    tokens = parse_qs(urlsplit(authorize_url).query).get("token")
    return tokens[0] if tokens else None


@dataclass(frozen=True)
class CallbackPlan:
    """Where the receiver listens and the callback URL to register with E*TRADE.

    ``relay_prefix``: the Jupyter server's path (``/user/alice/``) when the browser reaches
    the receiver through jupyter-server-proxy: the receiver then takes only requests relayed
    under ``{relay_prefix}proxy/{port}`` (other users' servers share the host's loopback).
    """

    port: int  # 0: any free port (the registered URL is known once bound)
    path: str
    registered_url: str | None  # None: derived from the bound port, see ``url_for``
    via_hub: bool = False
    relay_prefix: str | None = None

    def url_for(self, port: int, environ: Mapping[str, str] | None = None) -> str:
        """The URL to register for a receiver bound to ``port``."""
        if self.registered_url:
            return self.registered_url
        return suggested_callback_url(port, environ)

    @property
    def public_host(self) -> str | None:
        """The registered URL's ``host[:port]`` (the ``Host`` its requests carry), if known."""
        if not self.registered_url:
            return None
        return urlsplit(self.registered_url).netloc.rpartition("@")[2].lower() or None


def suggested_callback_url(port: int, environ: Mapping[str, str] | None = None) -> str:
    """The callback URL to register for a receiver on ``port``.

    - behind JupyterHub with a known public URL: ``https://hub.example/user/alice/proxy/PORT/callback``;
    - behind JupyterHub without one: the path ``/user/alice/proxy/PORT/callback``, to be put
      after the hub's address (the one in the browser's address bar), see :func:`is_full_url`;
    - else ``http://127.0.0.1:PORT/callback``.
    """
    host = notebook_host(environ)
    if host.public_url:
        return f"{host.public_url.rstrip('/')}/proxy/{port}{CALLBACK_PATH}"
    if host.prefix:
        return f"{host.prefix}proxy/{port}{CALLBACK_PATH}"
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}"


def is_full_url(url: str) -> bool:
    """True for ``http(s)://host/...``; False for a bare path that still needs the hub's host."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def plan_callback(
    url: str | None = None, *, port: int = 0, environ: Mapping[str, str] | None = None
) -> CallbackPlan:
    """Work out port and path from the registered callback ``url`` (or none yet).

    - no ``url``: listen on ``port`` (0 = any) at ``/callback``; register what ``url_for`` says;
    - ``https://hub.example/user/alice/proxy/8765/callback`` (also on a loopback hub such as
      ``http://127.0.0.1:8000/...``): jupyter-server-proxy strips ``/user/alice/proxy/8765``,
      so listen on 8765 at ``/callback`` and take only requests relayed under ``/user/alice/``;
    - ``.../proxy/absolute/8765/cb``: off a hub, listen on 8765 at the whole path; on a hub
      it is refused up front with the ``/proxy/8765/cb`` form that works (the absolute form
      carries no ``X-Forwarded-Context``, so a hub receiver could never accept it);
    - ``http://127.0.0.1:8765/cb``: listen on 8765 at ``/cb``;
    - any other URL (your own reverse proxy): listen on ``port`` at the URL's path.
    """
    host = notebook_host(environ)
    if not url:
        prefix = host.prefix or None
        return CallbackPlan(port, CALLBACK_PATH, None, via_hub=bool(prefix), relay_prefix=prefix)
    parts = urlsplit(url)
    if not is_full_url(url):
        raise ConfigurationError(
            f"--callback {url!r} is not a full http(s) URL. Give the exact callback URL "
            "registered with E*TRADE (https://host/...), or no URL to get one to register."
        )
    # The proxy rule comes first: a hub served on loopback (http://127.0.0.1:8000/user/...)
    # must not make the receiver listen on the hub's own port.
    proxied = _PROXY_PATH.search(parts.path)
    if proxied:
        prefix = parts.path[: proxied.start()] + "/"
        if host.prefix and prefix != host.prefix:
            raise ConfigurationError(
                f"The callback {url} goes through the Jupyter server at {prefix}, but this "
                f"kernel runs under {host.prefix}. Register a URL under {host.prefix}proxy/"
                "PORT/callback (run %etrade_callback to get one)."
            )
        listen = int(proxied.group(2))
        if proxied.group(1) and host.prefix:
            working = f"{parts.scheme}://{parts.netloc}{prefix}proxy/{listen}"
            working += proxied.group(3) or CALLBACK_PATH
            raise ConfigurationError(
                f"The callback {url} uses jupyter-server-proxy's /proxy/absolute/PORT/ form, "
                "which cannot sign you in on a hub: in that form the proxy does not say which "
                "user's server relayed the redirect, so the receiver must refuse it (another "
                f"user's server reaches the same port that way). Register {working} with "
                "E*TRADE instead and pass that URL (or run %etrade_callback to get one)."
            )
        if proxied.group(1):  # /proxy/absolute/PORT/...: the server gets the whole path
            return CallbackPlan(listen, parts.path, url, via_hub=True)
        path = proxied.group(3) or "/"
        return CallbackPlan(listen, path, url, via_hub=True, relay_prefix=prefix)
    if is_loopback_url(url):
        if not parts.port:
            raise ConfigurationError(
                f"The callback {url} has no port. Register a URL with an explicit port, such "
                "as http://127.0.0.1:8765/callback."
            )
        return CallbackPlan(parts.port, parts.path or "/", url)
    if not port:
        raise ConfigurationError(
            f"The callback {url} does not say which local port it reaches. Add "
            "--callback-port PORT (the port your proxy forwards to)."
        )
    return CallbackPlan(port, parts.path or "/", url)
