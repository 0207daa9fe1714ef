"""A one-shot loopback receiver for E*TRADE's callback redirect (no IPython here).

When a consumer key has a callback URL registered with E*TRADE, the browser is sent there
with ``oauth_verifier`` appended after the user clicks Accept. :class:`CallbackReceiver`
listens on ``127.0.0.1``, hands the query of such a request to ``finish`` (usually
``OAuthFlow.finish`` or the login widget's ``finish``) and answers the browser::

    pending = lambda: flow.pending_token
    receiver = CallbackReceiver(flow.finish, expected_token=pending)
    receiver.start(lifetime=flow.seconds_left() + 60)
    print("register:", receiver.url)       # http://127.0.0.1:PORT/callback

Anything can send a request to a local port: another process, or any web page the user
opens (``<img src="http://127.0.0.1:PORT/callback?oauth_verifier=X">``). Each exchange of a
wrong verifier counts against the request token (E*TRADE, like the emulator, may burn it),
so a request reaches ``finish`` only when all of these hold:

- it is a ``GET`` of the receiver's path with exactly one ``oauth_verifier`` of 1-64
  letters/digits and at most one ``oauth_token``, which must be the pending one; ``finish``
  gets just these checked fields, re-encoded;
- ``Host`` is the receiver's own (``127.0.0.1:PORT``, ``localhost:PORT``), the registered
  URL's host, or (``proxied=True``) the request was relayed by jupyter-server-proxy, which
  keeps the browser's ``Host`` and adds ``X-Forwarded-Context``: this stops DNS rebinding;
- started under a hub (``relay_prefix``, e.g. ``/user/alice/``), only requests that
  jupyter-server-proxy relayed under this server's own ``{relay_prefix}proxy/{port}``
  (its ``X-Forwarded-Context``): every user server of a local spawner shares the host's
  loopback, so bob's ``/user/bob/proxy/{alice's port}/callback`` would otherwise reach
  alice's receiver and use up her one exchange;
- if the request has ``Sec-Fetch-*`` headers (every current browser sends them), it is a
  top-level navigation: ``Sec-Fetch-Mode: navigate`` and ``Sec-Fetch-Dest: document``. An
  ``<img>``, ``<iframe>``, ``fetch()`` or script from a web page is refused. Requests without
  them (Safari before 16.4, curl, the emulator's robot) are accepted: a local process can
  forge every header anyway, so refusing them would only break old browsers;
- and, the bound that holds whatever the headers say: **one exchange per login link**. After
  a failed exchange the receiver stops exchanging for that request token (409) and asks the
  user to paste the redirect's address (it holds the code) into the notebook instead; the
  code box and ``%etrade_verify`` keep working. A new link (new request token) gets one more.
  A redirect that carries the pending ``oauth_token`` has a try of its own, so a forged
  request without it cannot use that up; once one has carried it, token-less requests are
  refused.

What remains possible: E*TRADE documents its redirect with ``oauth_verifier`` only. Then a
web page open in the user's browser during the 5-minute login can navigate the tab to this
address with a made-up code (a top-level navigation, which the user sees). That uses the
link's one try here, and E*TRADE may refuse the link after a wrong code: the user pastes the
code or starts a new link. It cannot sign anyone in, nor learn a token or the code.

Each connection has its own daemon thread and must deliver its whole request within
:data:`REQUEST_DEADLINE` seconds, so idle or slow clients cannot delay the real redirect
(see :mod:`.callback_server`); clients that leave early are not reported.

Refused requests get 400/403/405 and nothing happens. After the login succeeded every request
gets 410. It stops by itself when its lifetime ends (extend it with
:meth:`CallbackReceiver.extend`) or on :meth:`stop`.

Because E*TRADE needs the callback URL registered before the login, a receiver can also start
with no login yet (``finish=None``, what ``%etrade_callback`` does): it binds its port at once,
so its URL is known and no other process can take the port, and answers 503 until
:meth:`CallbackReceiver.bind` hands it a login. It waits at most :data:`WAIT_FOR_LOGIN`
(15 minutes) for that; ``bind`` then gives it the link's lifetime, as above::

    receiver = CallbackReceiver(None).start(lifetime=WAIT_FOR_LOGIN)
    print("register:", receiver.url)       # before any login
    receiver.bind(flow.finish, expected_token=pending, lifetime=flow.seconds_left() + 60)

Behind Jupyter Server (JupyterHub, Binder) the browser reaches a kernel port through
jupyter-server-proxy at ``{base_url}proxy/{port}/callback``; ``callback_urls.plan_callback``
works out which port and path to listen on and which URL to register.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from urllib.parse import SplitResult, parse_qs, urlencode, urlsplit

from ..errors import ConfigurationError, EtradeError
from ..hosts import notebook_host
from .callback_server import REQUEST_DEADLINE, LoopbackServer
from .callback_urls import CALLBACK_PATH

log = logging.getLogger(__name__)

__all__ = ["REQUEST_DEADLINE", "WAIT_FOR_LOGIN", "CallbackReceiver"]

WAIT_FOR_LOGIN = 15 * 60.0
"""Seconds a receiver started before any login (``%etrade_callback``) waits to be bound."""
_GRACE = 10.0  # seconds of 410 answers after success (the browser may ask for a favicon)
_VERIFIER = re.compile(r"[A-Za-z0-9]{1,64}")  # E*TRADE shows ~5; OAuthFlow accepts up to 64
_NAVIGATION = ("navigate", "document")  # Sec-Fetch-Mode, Sec-Fetch-Dest of a top-level load
RECEIVER_GAVE_UP = (
    "This address tries only one code per login link and will not try again. Copy this "
    "page's full address from the address bar (it holds the code) and paste it into the "
    "notebook's login box, or give it to %etrade_verify."
)
NO_LOGIN_YET = (
    "No login is waiting at this address yet. Run %etrade_login --callback in the notebook, "
    "open the link it shows and click Accept there."
)
WIDGET_PASTE_INSTEAD = (
    "The callback receiver will not try again for this link: paste the address your browser "
    "was sent to (it holds the code), or the code, here instead."
)


def _no_token() -> str | None:
    return None


def _callback_fields(query: str) -> tuple[str, str | None] | None:
    """``(verifier, oauth_token or None)`` when ``query`` has exactly one non-empty, well-formed
    ``oauth_verifier`` and at most one ``oauth_token``; else ``None``."""
    try:
        fields = parse_qs(query, keep_blank_values=True, strict_parsing=False)
    except ValueError:
        return None
    verifiers = fields.get("oauth_verifier", [])
    tokens = fields.get("oauth_token", [])
    if len(verifiers) != 1 or len(tokens) > 1 or not _VERIFIER.fullmatch(verifiers[0]):
        return None
    if tokens and not tokens[0]:
        return None
    return verifiers[0], (tokens[0] if tokens else None)


class CallbackReceiver:
    """Receives one ``oauth_verifier`` redirect on 127.0.0.1 and calls ``finish(query)``.

    ``finish`` (``None``: no login yet, see :meth:`bind`) gets the raw query string
    (``oauth_verifier=...&oauth_token=...``), which ``OAuthFlow.finish`` accepts as is. It is
    called at most once per pending request token (``expected_token()``, or once in all when
    that is ``None``): on an error from it the browser gets the message and the advice to
    paste the address instead, ``on_refused`` gets the same text (the login widget shows it),
    and later requests for that token get 409.
    ``public_host``: the registered URL's ``host[:port]`` when it is not loopback;
    ``proxied``: also accept requests relayed by jupyter-server-proxy (any ``Host``, unless
    ``public_host`` is known). ``relay_prefix``: the Jupyter server's path on a hub
    (``/user/alice/``); then only requests relayed under ``{relay_prefix}proxy/{port}`` are
    taken (it implies ``proxied``). A ``proxied`` receiver started under a hub
    (``JUPYTERHUB_SERVICE_PREFIX`` set) without one uses that server's prefix. ``clock`` is
    a monotonic clock for the lifetime.

    :meth:`bind` hands a running receiver to another login (thread-safe): the port, and so
    the registered URL, stay the same.
    """

    def __init__(
        self,
        finish: Callable[[str], object] | None,
        *,
        expected_token: Callable[[], str | None] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        path: str = CALLBACK_PATH,
        public_host: str | None = None,
        proxied: bool = False,
        relay_prefix: str | None = None,
        on_refused: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._finish = finish
        self._expected = expected_token or _no_token
        self._host, self._port, self.path = host, port, path
        self._public_host = public_host.lower() if public_host else None
        if relay_prefix is None and proxied:
            relay_prefix = notebook_host().prefix or None
        self._proxied = proxied or relay_prefix is not None
        self._relay_prefix = relay_prefix
        self._on_refused = on_refused
        self._clock = clock
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._busy = threading.Lock()  # one exchange at a time
        # Guards the binding, deadline and closing; never held while calling out (``finish``
        # may wait for the widget's lock, whose timer calls ``extend``).
        self._state = threading.Lock()
        self._binding = 0  # bumped by every bind(): an older exchange cannot mark a newer done
        self._closing = False
        self._deadline = 0.0
        # (request token, callback carried it) whose one exchange was used: a redirect that
        # carries the pending token keeps its try whatever token-less requests did before.
        self._spent: set[tuple[str | None, bool]] = set()
        self._token_seen = False  # a redirect carried the pending token: require it from now
        self.exchanges = 0  # calls of ``finish`` so far
        self.done = threading.Event()
        self.error: EtradeError | None = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self, lifetime: float = 360.0) -> CallbackReceiver:
        """Bind and serve on a daemon thread for at most ``lifetime`` seconds."""
        if self._server is not None:
            return self
        try:
            self._server = LoopbackServer((self._host, self._port), self._handle)
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot listen on {self._host}:{self._port} for the callback ({exc.strerror}). "
                "Close what uses that port or register a callback URL with another port."
            ) from None
        self._port = self._server.server_address[1]
        with self._state:
            self._deadline = self._clock() + lifetime
        self._thread = threading.Thread(
            target=self._serve, daemon=True, name=f"etrade-callback-{self._port}"
        )
        self._thread.start()
        return self

    def extend(self, lifetime: float) -> bool:
        """Keep serving for ``lifetime`` more seconds (a new link was shown).

        False when it does not serve (not started, stopped, or its lifetime ran out).
        After a successful login it stays on its short grace period, unless re-bound.
        """
        with self._state:
            if self._closing or self._stop.is_set():
                return False
            if not self.done.is_set():
                self._deadline = max(self._deadline, self._clock() + lifetime)
            return self._server is not None

    def bind(
        self,
        finish: Callable[[str], object],
        *,
        expected_token: Callable[[], str | None] | None = None,
        on_refused: Callable[[str], object] | None = None,
        lifetime: float | None = None,
        public_host: str | None = None,
    ) -> bool:
        """Hand the next redirect to ``finish`` (a new login); False if it no longer serves.

        Thread-safe, and safe while an exchange is running: that exchange finishes against
        its own login and cannot mark this one done. A receiver that was done (its login
        succeeded) takes a new login again. The one-exchange-per-link rule carries over:
        a request token that had its try gets no other. ``lifetime``: serve that many
        seconds from now (the link's lifetime), replacing the wait for a login.
        ``public_host``: also accept the registered URL's host (``Host`` rules stay).
        """
        with self._state:
            if self._closing or self._server is None or self._stop.is_set():
                return False
            self._binding += 1
            self._finish = finish
            self._expected = expected_token or _no_token
            self._on_refused = on_refused
            if public_host:
                self._public_host = public_host.lower()
            if lifetime is not None:
                self._deadline = self._clock() + lifetime
            self.done.clear()
            self.error = None
            return True

    def unbind(self) -> None:
        """Forget the login (it was replaced); requests get 503 until the next :meth:`bind`."""
        with self._state:
            self._binding += 1
            self._finish, self._expected, self._on_refused = None, _no_token, None
            self.done.clear()
            self.error = None

    @property
    def bound(self) -> bool:
        """True when a login will get the next redirect."""
        return self._finish is not None

    def stop(self, timeout: float = 2.0) -> None:
        """Stop serving and release the port within about 0.2 s (idempotent).

        Connections still sending their request are cut; an exchange in flight finishes on
        its own daemon thread, but the port is free when this returns.
        """
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
        if not self.running:
            state = "stopped"
        else:
            state = "done" if self.done.is_set() else ("waiting" if self.bound else "unbound")
        return f"<CallbackReceiver {self.url} {state}>"

    def _serve(self) -> None:
        server = self._server
        assert server is not None

        def finished() -> bool:
            with self._state:  # decided under the lock: bind() never revives a closing one
                if self._stop.is_set() or self._clock() >= self._deadline:
                    self._closing = True
            return self._closing

        try:
            server.serve_until(finished)
        finally:
            with self._state:
                self._closing = True

    # -- one request ---------------------------------------------------------------------
    def _hosts(self) -> set[str]:
        hosts = {f"127.0.0.1:{self._port}", f"localhost:{self._port}", f"{self._host}:{self._port}"}
        if self._public_host:
            hosts.add(self._public_host)
        return hosts

    def _refusal(
        self,
        parts: SplitResult,
        headers: Mapping[str, str],
        expected_token: Callable[[], str | None],
    ) -> tuple[int, str, str] | None:
        """Why this request must not reach ``finish`` (status, title, message), or ``None``."""
        fields = _callback_fields(parts.query)
        if parts.path != self.path or fields is None:
            return 400, "Not an E*TRADE callback", "This address only takes E*TRADE's redirect."
        token = fields[1]
        expected = expected_token()
        if token is not None and expected is not None and token != expected:
            return 400, "Another login", "This redirect belongs to an earlier login link."
        if token is None and self._token_seen:
            return 400, "Not an E*TRADE callback", "E*TRADE's redirect carries the login's token."
        host = headers.get("host", "").strip().lower()
        relayed = self._proxied and bool(headers.get("x-forwarded-context"))
        if host not in self._hosts() and not (relayed and self._public_host is None):
            return 403, "Not an E*TRADE callback", "This address was reached under another name."
        if not self._relayed_here(headers.get("x-forwarded-context")):
            return 403, "Not an E*TRADE callback", "This address was reached via another server."
        fetch = {k: v.strip().lower() for k, v in headers.items() if k.startswith("sec-fetch-")}
        if fetch and (fetch.get("sec-fetch-mode"), fetch.get("sec-fetch-dest")) != _NAVIGATION:
            return 403, "Not an E*TRADE callback", "Only the browser's redirect is taken here."
        return None

    def _relayed_here(self, context: str | None) -> bool:
        """True unless a hub receiver got a request not relayed by its own server."""
        if self._relay_prefix is None:
            return True
        own = f"/{self._relay_prefix.strip('/')}/proxy/".replace("//", "/")
        allowed = {f"{own}{self._port}", f"{own}127.0.0.1:{self._port}"}
        return (context or "").strip().rstrip("/") in allowed

    def _handle(
        self, target: str, headers: Mapping[str, str] | None = None
    ) -> tuple[int, str, str]:
        """The answer to ``GET target``; calls ``finish`` only for an acceptable redirect."""
        if self.done.is_set():
            return 410, "Already signed in", "This login is complete. You can close this tab."
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        parts = urlsplit(target)
        with self._state:  # one consistent binding for this request
            binding, finish = self._binding, self._finish
            expected, on_refused = self._expected, self._on_refused
        refused = self._refusal(parts, lowered, expected)
        if refused is not None:
            return refused
        if finish is None:
            return 503, "Not signed in", NO_LOGIN_YET
        verifier, token = _callback_fields(parts.query) or ("", None)
        pending = expected()
        with self._state:  # claim the try at once: no other request waits for this one
            if self.done.is_set():
                return 410, "Already signed in", "You can close this tab."
            if token is not None and token == pending:
                self._token_seen = True
            if (pending, token is not None) in self._spent:
                return 409, "Not signed in", RECEIVER_GAVE_UP
            self._spent.add((pending, token is not None))
            self.exchanges += 1
        checked = [("oauth_verifier", verifier)] + ([("oauth_token", token)] if token else [])
        with self._busy:  # at most two tries per link (with and without the token), in turn
            if self.done.is_set():
                return 410, "Already signed in", "You can close this tab."
            try:
                finish(urlencode(checked))  # exactly what was checked, nothing else
            except EtradeError as exc:
                self.error = exc
                return 400, "Not signed in", self._gave_up(exc.message, on_refused)
            except Exception:
                log.exception("The callback could not finish the login")
                reason = "Something went wrong; see the notebook."
                return 500, "Not signed in", self._gave_up(reason, on_refused)
            with self._state:
                if binding == self._binding:  # else a newer login was bound meanwhile
                    self.done.set()
                    self.error = None
                    self._deadline = min(self._deadline, self._clock() + _GRACE)
        return 200, "Signed in to E*TRADE", "You can close this tab and return to the notebook."

    @staticmethod
    def _gave_up(reason: str, on_refused: Callable[[str], object] | None) -> str:
        if on_refused is not None:
            try:
                on_refused(f"{reason} {WIDGET_PASTE_INSTEAD}")
            except Exception:
                log.debug("on_refused failed", exc_info=True)
        return f"{reason} {RECEIVER_GAVE_UP}"
