"""Where E*TRADE lives: OAuth host, data host and authorize page for sandbox and live.

OAuth runs on ``https://api.etrade.com`` for both environments; only the data host differs.
Two documented environment variables point everything elsewhere (the built-in emulator, a test):

- ``ETRADE_NB_API_BASE`` replaces both the OAuth host and the data host;
- ``ETRADE_NB_AUTHORIZE_URL`` replaces the authorize page. It may be a path such as
  ``/user/alice/proxy/8765/e/t/etws/authorize``: the browser then opens it on the Jupyter
  server's own host (jupyter-server-proxy on Binder or JupyterHub), which the kernel cannot know.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit

from .errors import ConfigurationError

OAUTH_BASE = "https://api.etrade.com"
SANDBOX_API_BASE = "https://apisb.etrade.com"
LIVE_API_BASE = "https://api.etrade.com"
AUTHORIZE_PAGE = "https://us.etrade.com/e/t/etws/authorize"

API_BASE_VAR = "ETRADE_NB_API_BASE"
AUTHORIZE_URL_VAR = "ETRADE_NB_AUTHORIZE_URL"

EnvironmentName = Literal["sandbox", "live"]
Target = Literal["sandbox", "live", "unknown"]
"""Where API calls actually go: E*TRADE's sandbox, E*TRADE's production (LIVE), or a host
etrade_nb does not know (neither: order calls need the same opt-in as LIVE)."""

SANDBOX_HOSTS = frozenset({"apisb.etrade.com", "etwssandbox.etrade.com"})
"""E*TRADE's sandbox data hosts; every other ``etrade.com`` host is production."""


@dataclass(frozen=True)
class Environment:
    """The hosts of one E*TRADE environment."""

    name: EnvironmentName
    oauth_base: str
    api_base: str
    authorize_page: str
    overridden: bool = False

    @property
    def target(self) -> Target:
        """Where calls go, judged by the data host, not by :attr:`name`.

        Any E*TRADE production host is ``live`` whatever the name says (an override of
        ``ETRADE_NB_API_BASE`` cannot make real money look like the sandbox); a loopback host
        (the built-in emulator) follows the name; any other host is ``unknown``.
        """
        return host_target(self.api_base, self.name)

    @property
    def sandbox(self) -> bool:
        """True when order calls cannot touch real money (no opt-in needed)."""
        return self.target == "sandbox"

    @property
    def label(self) -> str:
        """What badges and status lines say: ``sandbox``, ``live`` or ``unknown host H``."""
        if self.target == "unknown":
            return f"unknown host {urlsplit(self.api_base).hostname or self.api_base}"
        return self.target

    @property
    def local(self) -> bool:
        """True when every host is a loopback address (the built-in emulator)."""
        return all(is_loopback_url(u) for u in (self.oauth_base, self.api_base))

    def authorize_url(self, consumer_key: str, request_token: str) -> str:
        """The page where the user approves the request token."""
        return authorize_url(consumer_key, request_token, page=self.authorize_page)


def authorize_url(consumer_key: str, request_token: str, *, page: str = AUTHORIZE_PAGE) -> str:
    """E*TRADE's authorize link, ``{page}?key={consumer_key}&token={request_token}``.

    Both values are percent-encoded: request tokens are base64 and contain ``/``, ``+``, ``=``.

    >>> authorize_url("282683cc", "/iQRgQCRGPo7X+6G8QDSEzX0=")
    'https://us.etrade.com/e/t/etws/authorize?key=282683cc&token=%2FiQRgQCRGPo7X%2B6G8QDSEzX0%3D'
    """
    sep = "&" if "?" in page else "?"
    return f"{page}{sep}key={quote(consumer_key, safe='')}&token={quote(request_token, safe='')}"


def is_loopback_url(url: str) -> bool:
    """True when ``url`` points at this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        import ipaddress  # only for a host that is not 'localhost'

        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_target(url: str, name: str = "sandbox") -> Target:
    """``live`` for any E*TRADE production host, ``sandbox`` for its sandbox hosts, ``name``
    for a loopback host (the emulator), ``unknown`` for anything else.

    >>> host_target("https://API.etrade.com."), host_target("https://apisb.etrade.com", "live")
    ('live', 'sandbox')
    >>> host_target("http://127.0.0.1:8765", "live"), host_target("https://proxy.example")
    ('live', 'unknown')
    """
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "etrade.com" or host.endswith(".etrade.com"):
        return "sandbox" if host in SANDBOX_HOSTS else "live"
    if is_loopback_url(url):
        return "live" if name == "live" else "sandbox"
    return "unknown"


def _checked_base(url: str, var: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"{var}={url!r} is not an http(s) URL. Set it to a base such as "
            "'http://127.0.0.1:8765' (the emulator) or unset it to use E*TRADE."
        )
    base_only = var == API_BASE_VAR  # paths are appended to it; the page takes a query
    if "@" in parts.netloc or (base_only and ("?" in url or "#" in url)):
        raise ConfigurationError(
            f"{var} must be a plain base such as 'https://host' or 'http://127.0.0.1:8765', "
            "without user info ('@'), '?' or '#': those change which host or path is reached. "
            "Fix the value or unset it to use E*TRADE."
        )
    if parts.scheme == "http" and not is_loopback_url(url):
        raise ConfigurationError(
            f"{var} points at {parts.hostname} over plain http, which would send your keys "
            "unencrypted. Use https, or a loopback address for the built-in emulator."
        )
    return url.rstrip("/")


def resolve_environment(
    *, sandbox: bool = True, environ: Mapping[str, str] | None = None
) -> Environment:
    """The hosts for sandbox (default) or live, with the documented overrides applied."""
    if not isinstance(sandbox, bool):  # None or 0 must not mean real money
        raise ConfigurationError(
            f"sandbox must be True or False, not {sandbox!r}. Leave it out for the sandbox; "
            "pass sandbox=False only to use your real (live) account."
        )
    env = os.environ if environ is None else environ
    name: EnvironmentName = "sandbox" if sandbox else "live"
    base = env.get(API_BASE_VAR, "").strip()
    page = env.get(AUTHORIZE_URL_VAR, "").strip()
    oauth_base = api_base = _checked_base(base, API_BASE_VAR) if base else ""
    if not base:
        oauth_base = OAUTH_BASE
        api_base = SANDBOX_API_BASE if sandbox else LIVE_API_BASE
    if page.startswith("/") and not page.startswith("//"):
        authorize_page = page.rstrip("/")  # same host as the notebook page
    else:
        authorize_page = _checked_base(page, AUTHORIZE_URL_VAR) if page else AUTHORIZE_PAGE
    return Environment(
        name=name,
        oauth_base=oauth_base,
        api_base=api_base,
        authorize_page=authorize_page,
        overridden=bool(base or page),
    )
