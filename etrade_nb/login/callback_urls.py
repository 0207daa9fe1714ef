"""Callback URLs: which one to register with E*TRADE and where the receiver listens.

E*TRADE sends the browser to the callback URL registered for the consumer key. On a laptop
that is ``http://127.0.0.1:PORT/callback``; behind JupyterHub the browser reaches a kernel
port through jupyter-server-proxy at ``{JUPYTERHUB_SERVICE_PREFIX}proxy/PORT/callback``;
Binder's host changes every session, so a registered URL cannot follow it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from ..environments import is_loopback_url, on_binder
from ..errors import ConfigurationError

CALLBACK_PATH = "/callback"
HUB_PREFIX_VAR = "JUPYTERHUB_SERVICE_PREFIX"
_PROXY_PATH = re.compile(r"/proxy/(?:absolute/)?(\d{1,5})(/.*)?$")


def pending_token(authorize_url: str | None) -> str | None:
    """The request token in an authorize link (``...?key=K&token=T``), or ``None``."""
    if not authorize_url:
        return None
    tokens = parse_qs(urlsplit(authorize_url).query).get("token")
    return tokens[0] if tokens else None


def per_session_host(environ: Mapping[str, str] | None = None) -> bool:
    """True on Binder, whose public host changes with every session."""
    return on_binder(environ)


@dataclass(frozen=True)
class CallbackPlan:
    """Where the receiver listens and the callback URL to register with E*TRADE."""

    port: int  # 0: any free port (the registered URL is known once bound)
    path: str
    registered_url: str | None  # None: derived from the bound port, see ``url_for``
    via_hub: bool = False

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
    """``/user/alice/proxy/PORT/callback`` behind JupyterHub, else ``http://127.0.0.1:PORT/callback``.

    The kernel knows the hub's path prefix, not its public host: prefix the hub URL's
    ``https://host`` when registering.
    """
    env = os.environ if environ is None else environ
    prefix = env.get(HUB_PREFIX_VAR, "").strip()
    if prefix:
        return f"/{prefix.strip('/')}/proxy/{port}{CALLBACK_PATH}"
    return f"http://127.0.0.1:{port}{CALLBACK_PATH}"


def plan_callback(
    url: str | None = None, *, port: int = 0, environ: Mapping[str, str] | None = None
) -> CallbackPlan:
    """Work out port and path from the registered callback ``url`` (or none yet).

    - no ``url``: listen on ``port`` (0 = any) at ``/callback``; register what ``url_for`` says;
    - ``http://127.0.0.1:8765/cb``: listen on 8765 at ``/cb``;
    - ``https://hub.example/user/alice/proxy/8765/callback``: jupyter-server-proxy strips the
      prefix, so listen on 8765 at ``/callback``;
    - any other URL (your own reverse proxy): listen on ``port`` at the URL's path.
    """
    env = os.environ if environ is None else environ
    if not url:
        return CallbackPlan(port, CALLBACK_PATH, None, via_hub=bool(env.get(HUB_PREFIX_VAR)))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"--callback {url!r} is not an http(s) URL. Give the exact callback URL registered "
            "with E*TRADE, or no URL to get one to register."
        )
    if is_loopback_url(url):
        if not parts.port:
            raise ConfigurationError(
                f"The callback {url} has no port. Register a URL with an explicit port, such "
                "as http://127.0.0.1:8765/callback."
            )
        return CallbackPlan(parts.port, parts.path or "/", url)
    proxied = _PROXY_PATH.search(parts.path)
    if proxied:
        return CallbackPlan(int(proxied.group(1)), proxied.group(2) or "/", url, via_hub=True)
    if not port:
        raise ConfigurationError(
            f"The callback {url} does not say which local port it reaches. Add "
            "--callback-port PORT (the port your proxy forwards to)."
        )
    return CallbackPlan(port, parts.path or "/", url)
