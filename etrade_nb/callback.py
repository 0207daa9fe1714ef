"""A one-shot loopback receiver for E*TRADE's callback redirect (no IPython here).

When a consumer key has a callback URL registered with E*TRADE, the browser is sent there
with ``oauth_verifier`` appended after the user clicks Accept. :class:`CallbackReceiver`
listens on ``127.0.0.1``, accepts exactly one such request, hands its query to ``finish``
(usually ``OAuthFlow.finish`` or the login widget's ``finish``) and answers the browser::

    receiver = CallbackReceiver(flow.finish, expected_token=lambda: pending_token(flow))
    receiver.start(lifetime=flow.seconds_left() + 60)
    print("register:", receiver.url)       # http://127.0.0.1:PORT/callback

Wrong path, no verifier or another login's ``oauth_token``: 400, nothing happens, it keeps
waiting. After the login succeeded every request gets 410. It stops by itself when its
lifetime ends (extend it with :meth:`CallbackReceiver.extend`) or on :meth:`stop`.

Behind Jupyter Server (JupyterHub, Binder) the browser reaches a kernel port through
jupyter-server-proxy at ``{base_url}proxy/{port}/callback``; :func:`plan_callback` works out
which port and path to listen on and which URL to register.
"""

from __future__ import annotations

import html
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .environments import is_loopback_url
from .errors import ConfigurationError, EtradeError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
HUB_PREFIX_VAR = "JUPYTERHUB_SERVICE_PREFIX"
_BINDER_VARS = ("BINDER_LAUNCH_HOST", "BINDER_REPO_URL", "BINDER_REQUEST", "BINDER_SERVICE_HOST")
_PROXY_PATH = re.compile(r"/proxy/(?:absolute/)?(\d{1,5})(/.*)?$")
_GRACE = 10.0  # seconds of 410 answers after success (the browser may ask for a favicon)


def pending_token(authorize_url: str | None) -> str | None:
    """The request token in an authorize link (``...?key=K&token=T``), or ``None``."""
    if not authorize_url:
        return None
    return (parse_qs(urlsplit(authorize_url).query).get("token") or [None])[0]


def per_session_host(environ: Mapping[str, str] | None = None) -> bool:
    """True on Binder, whose public host changes with every session."""
    env = os.environ if environ is None else environ
    return any(env.get(v) for v in _BINDER_VARS)


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


def _page(title: str, message: str) -> bytes:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title></head><body style='font-family:sans-serif'>"
        f"<h2>{html.escape(title)}</h2><p>{html.escape(message)}</p></body></html>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 5  # a slow client cannot hold the receiver

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request line carries the verifier."""

    def do_GET(self) -> None:
        status, title, message = self.server.receiver._handle(self.path)
        body = _page(title, message)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.do_GET()


class _Server(HTTPServer):
    allow_reuse_address = False
    timeout = 0.2  # handle_request() returns this often to check the deadline

    def __init__(self, address: tuple[str, int], receiver: CallbackReceiver) -> None:
        self.receiver = receiver
        super().__init__(address, _Handler)


class CallbackReceiver:
    """Receives one ``oauth_verifier`` redirect on 127.0.0.1 and calls ``finish(query)``.

    ``finish`` gets the raw query string (``oauth_verifier=...&oauth_token=...``), which
    ``OAuthFlow.finish`` accepts as is; an :class:`EtradeError` from it becomes a 400 page and
    the receiver keeps waiting. ``expected_token`` returns the pending request token (or
    ``None`` to skip the check). ``clock`` is a monotonic clock for the lifetime.
    """

    def __init__(
        self,
        finish: Callable[[str], object],
        *,
        expected_token: Callable[[], str | None] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = CALLBACK_PATH,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._finish = finish
        self._expected = expected_token or (lambda: None)
        self._host, self._port, self.path = host, port, path
        self._clock = clock
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._busy = threading.Lock()
        self._deadline = 0.0
        self.done = threading.Event()
        self.error: EtradeError | None = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, lifetime: float = 360.0) -> CallbackReceiver:
        """Bind and serve on a daemon thread for at most ``lifetime`` seconds."""
        if self._server is not None:
            return self
        try:
            self._server = _Server((self._host, self._port), self)
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot listen on {self._host}:{self._port} for the callback ({exc.strerror}). "
                "Close what uses that port or register a callback URL with another port."
            ) from None
        self._port = self._server.server_address[1]
        self._deadline = self._clock() + lifetime
        self._thread = threading.Thread(
            target=self._serve, daemon=True, name=f"etrade-callback-{self._port}"
        )
        self._thread.start()
        return self

    def extend(self, lifetime: float) -> None:
        """Keep serving for ``lifetime`` more seconds (a new link was shown)."""
        if not self.done.is_set():
            self._deadline = max(self._deadline, self._clock() + lifetime)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving and release the port (idempotent)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for the login; True when it succeeded."""
        return self.done.wait(timeout)

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """The loopback URL this receiver answers at."""
        return f"http://{self._host}:{self._port}{self.path}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "done" if self.done.is_set() else ("waiting" if self.running else "stopped")
        return f"<CallbackReceiver {self.url} {state}>"

    def _serve(self) -> None:
        server = self._server
        assert server is not None
        try:
            while not self._stop.is_set() and self._clock() < self._deadline:
                server.handle_request()
        finally:
            server.server_close()

    # -- one request ---------------------------------------------------------------------
    def _handle(self, target: str) -> tuple[int, str, str]:
        if self.done.is_set():
            return 410, "Already signed in", "This login is complete. You can close this tab."
        parts = urlsplit(target)
        fields = parse_qs(parts.query)
        verifier = (fields.get("oauth_verifier") or [""])[0]
        token = (fields.get("oauth_token") or [None])[0]
        expected = self._expected()
        if parts.path != self.path or not verifier:
            return 400, "Not an E*TRADE callback", "This address only takes E*TRADE's redirect."
        if token is not None and expected is not None and token != expected:
            return 400, "Another login", "This redirect belongs to an earlier login link."
        with self._busy:
            if self.done.is_set():
                return 410, "Already signed in", "You can close this tab."
            try:
                self._finish(parts.query)
            except EtradeError as exc:
                self.error = exc
                return 400, "Not signed in", exc.message
            except Exception:
                log.exception("The callback could not finish the login")
                return 500, "Not signed in", "Something went wrong; see the notebook."
            self.done.set()
            self.error = None
            self._deadline = min(self._deadline, self._clock() + _GRACE)
        return 200, "Signed in to E*TRADE", "You can close this tab and return to the notebook."
