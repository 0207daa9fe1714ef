"""``EmulatorServer``: a threaded HTTP server on 127.0.0.1 speaking E*TRADE's OAuth 1.0a."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from . import pages
from .api import handle_v1
from .context import Context
from .endpoints import AUTHORIZE_PATH, handle_authorize, handle_oauth
from .faults import Failure, Faults
from .messages import Request, Response, data_response, error_body, html_response
from .net import is_loopback
from .ratelimits import RateLimits
from .robot import ROBOT_HEADER
from .signing import parse_authorization_header, parse_form
from .state import (
    DEMO_CONSUMER_KEY,
    DEMO_CONSUMER_SECRET,
    IDLE_LIMIT,
    REQUEST_TOKEN_LIFETIME,
    State,
    Stats,
)

AUTO_APPROVE_VAR = "ETRADE_NB_DEMO_AUTO_APPROVE"  # the client's name too; no code is shared

_log = logging.getLogger(__name__)
MAX_BODY = 1 << 20
IDLE_TIMEOUT = 60.0
"""Seconds a connection may send nothing before it is closed (its thread then ends)."""
UNAVAILABLE = "The requested service is not currently available."
INVALID_SESSION = "Unauthorized request - invalid Consumer key and/or session token"


@dataclass(frozen=True)
class RequestRecord:
    """One answered request. Never holds secrets or signatures (``oauth_signature`` dropped)."""

    method: str
    path: str
    query: dict[str, str]
    status: int  # 0 when the connection was reset by a fault
    oauth_token: str | None
    ignored: tuple[str, ...] = ()  # what the lenient emulator ignored (X-Emulator-Ignored)


def route(req: Request, ctx: Context) -> Response:
    if req.path.startswith("/oauth/"):
        return handle_oauth(req, ctx)
    if req.path == AUTHORIZE_PATH or req.path.startswith(AUTHORIZE_PATH + "/"):
        return handle_authorize(req, ctx)
    if req.path.startswith("/v1/"):
        return handle_v1(req, ctx)
    if req.path == "/" and req.method == "GET":
        return html_response(200, pages.index("http://" + req.headers.get("host", "")))
    return html_response(404, pages.tomcat_error(404, req.path))


def _oauth_param(req: Request, name: str) -> str | None:
    """``name`` from the ``Authorization: OAuth`` header or the query; None if absent or bad."""
    try:
        auth = req.headers.get("authorization", "")
        pairs = parse_authorization_header(auth) if auth[:6].lower() == "oauth " else []
        pairs += parse_form(req.query)
        ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded" and req.body:
            pairs += parse_form(req.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return next((v for k, v in pairs if k == name), None)


def _safe_query(query: str) -> dict[str, str]:
    try:
        return {k: v for k, v in parse_form(query) if k != "oauth_signature"}
    except ValueError:
        return {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: _HTTPServer

    def version_string(self) -> str:
        return "EtradeEmulator/1.0"

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header in the emulator's clock, the one its ``placedTime`` uses."""
        return super().date_time_string(
            self.server.emulator.clock() if timestamp is None else timestamp
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: request lines can carry oauth_signature in the query."""

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.emulator.idle_timeout)  # a stuck client goes
        self.server.connections.add(self.connection)

    def finish(self) -> None:
        self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def _dispatch(self) -> None:
        emu = self.server.emulator
        target = self.path
        if not target.startswith("/"):  # absolute-form request target
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        path, _, query = target.partition("#")[0].partition("?")
        if self.headers.get("Transfer-Encoding"):
            self._send(html_response(411, pages.tomcat_error(411, "Length Required")))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            self._send(html_response(400, pages.tomcat_error(400, "Bad Content-Length")))
            return
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        req = Request(
            self.command, path, query, headers, body, robot=ROBOT_HEADER.lower() in headers
        )
        emu.stats.count_request(req.method, path)
        if emu.rate_limits and not emu._rate.admit(
            _oauth_param(req, "oauth_consumer_key") or "", path
        ):
            emu.stats.bump("rate_limited")
            emu._record(req, 400)
            self._send(html_response(400, pages.rate_limited()))
            return

        delay = emu.faults.take_delay()
        if delay:
            emu._stopping.wait(delay)
        failure = emu.faults.take_failure(path)
        if failure and not failure.after_processing:
            self._fail(req, failure, None)
            return
        try:
            response = route(req, emu._ctx)
        except Exception:  # keep serving; the client sees a bare Tomcat 500
            _log.exception("emulator error on %s %s", req.method, path)  # no query, no headers
            response = html_response(500, pages.tomcat_error(500, "Internal Server Error"))
        if failure:
            self._fail(req, failure, response)
            return
        if path.startswith("/v1/") and response.status == 200:
            kind = emu.faults.take_malformed()
            if kind:
                emu.stats.bump("faults_fired")
                response = _malformed(kind, response)
        # before sending: the client never outruns the log
        emu._record(req, response.status, response.ignored)
        self._send(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    def _send(self, response: Response, cut: bool = False) -> None:
        """Send ``response``; ``cut``: announce the whole body, send half of it, close."""
        declared = max(len(response.body), 1) if cut else len(response.body)
        self.send_response(response.status)
        if response.status != 204:  # RFC 9110 §8.6: no Content-Length on a 204
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(declared))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body[: declared // 2] if cut else response.body)
        if cut:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_WR)  # FIN: the client sees a short body

    def _fail(self, req: Request, failure: Failure, processed: Response | None) -> None:
        """Answer ``req`` as ``failure`` says; ``processed`` is the real answer, if it ran."""
        emu = self.server.emulator
        emu.stats.bump("faults_fired")
        if failure.mode == "reset":
            emu._record(req, 0)
            self.close_connection = True
            try:  # SO_LINGER 0: close() sends RST, the client sees a reset, not a response
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
            except OSError:
                pass
            return
        if failure.mode == "auth_as_500_xml":
            body = f"<Error><message>{INVALID_SESSION}</message></Error>".encode()
            response = Response(failure.status, body, "application/xml")
        elif failure.mode == "cut" and processed is not None:
            response = processed
        elif req.path.startswith("/v1/"):
            response = data_response(failure.status, error_body(100, UNAVAILABLE), req.wants_json)
        else:
            response = html_response(
                failure.status, pages.tomcat_error(failure.status, UNAVAILABLE)
            )
        emu._record(req, response.status)
        self._send(response, cut=failure.mode == "cut")


STRICT_VAR = "ETRADE_NB_EMULATOR_STRICT"


def strict_default() -> bool:
    """The mode when ``EmulatorServer(strict=...)`` is not given: ``$ETRADE_NB_EMULATOR_STRICT``."""
    return os.environ.get(STRICT_VAR, "").strip().lower() in ("1", "true", "yes", "on")


def _malformed(kind: str, response: Response) -> Response:
    if kind == "html":
        return html_response(200, pages.maintenance())
    if kind == "garbage":
        return Response(200, os.urandom(64), response.content_type)
    return Response(200, response.body[: max(1, len(response.body) // 2)], response.content_type)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # SO_REUSEADDR: on POSIX it only lets a restarted emulator bind the port while old
    # connections sit in TIME_WAIT. On Windows it would let another socket take a port in
    # use, so it stays off there.
    allow_reuse_address = os.name == "posix"

    def __init__(self, address: tuple[str, int], emulator: EmulatorServer) -> None:
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about dropped connections (resets, stop()); report anything else."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class EmulatorServer:
    """A local E*TRADE-compatible OAuth 1.0a provider and data API.

    >>> with EmulatorServer() as emu:          # doctest: +SKIP
    ...     os.environ.update(emu.environ())

    Listens on 127.0.0.1 only; ``port=0`` picks a free port (read it back from ``.port``).
    ``rate_limits=True`` enforces E*TRADE's published per-second and hourly request limits
    per consumer key (see :mod:`.ratelimits`); the flag can be flipped while running. Their
    windows slide over ``rate_limit_clock`` (default ``time.monotonic``; set it, also while
    running, to drive the windows from a test). ``request_token_lifetime`` shortens the
    authorize link's 5 minutes (tests of a link that expires); :meth:`environ` then tells
    the client (``ETRADE_NB_LINK_LIFETIME``), so both count down the same.

    ``auto_approve`` lets the demo robot press Accept (``etrade_nb.emulator.approve``); by
    default it follows ``ETRADE_NB_DEMO_AUTO_APPROVE`` (``1``/``true``/``yes``), the switch
    that demos and CI set for the notebook's kernel, so a notebook starts its emulator with
    no argument and a person presses Accept unless that switch is set.

    OAuth problems are reported in the body only, as E*TRADE documents them (Tomcat HTML, or
    JSON ``Error.message`` for ``.json`` calls); ``problem_header=True`` adds a
    ``WWW-Authenticate: OAuth ...,oauth_problem=X`` header too.

    Like E*TRADE, it ignores what it does not use (an unknown query parameter or order
    field, a ``Put`` for ``PUT``, a ``None`` price on a MARKET order, a place whose
    ``clientOrderId`` differs from its preview's) and reports each in the
    ``X-Emulator-Ignored`` response header, ``RequestRecord.ignored`` and the
    ``etrade_nb.emulator`` logger. ``strict=True`` (settable while running) refuses them
    by name with a "did you mean" hint instead; left unset, ``ETRADE_NB_EMULATOR_STRICT=1``
    in the environment turns it on (for an emulator started where no flag can be passed).

    ``idle_timeout``: seconds a connection may send nothing (mid-request, or idle between
    keep-alive requests) before it is closed and its thread ends.
    """

    def __init__(
        self,
        port: int = 0,
        clock: Callable[[], float] | None = None,
        callback_url: str | None = None,
        auto_approve: bool | None = None,
        host: str = "127.0.0.1",
        rate_limits: bool = False,
        rate_limit_clock: Callable[[], float] | None = None,
        problem_header: bool = False,
        strict: bool | None = None,
        request_token_lifetime: float | None = None,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        if not is_loopback(host, ipv4_only=True):
            raise ValueError(f"the emulator listens on loopback only, not {host!r}")
        self.host = host
        self.idle_timeout = idle_timeout
        self._requested_port = port
        self.clock: Callable[[], float] = clock or time.time
        self.state = State(self.clock)
        if request_token_lifetime is not None:
            self.state.request_token_lifetime = request_token_lifetime
        self.stats = Stats()
        if auto_approve is None:  # as the demo/CI switch says; off unless it is set
            robot = os.environ.get(AUTO_APPROVE_VAR, "").strip().lower() in ("1", "true", "yes")
            auto_approve = robot
        self._ctx = Context(
            self.state,
            self.stats,
            auto_approve=auto_approve,
            problem_header=problem_header,
            strict=strict_default() if strict is None else strict,
        )
        self.faults = Faults()
        self.rate_limits = rate_limits
        self._rate = RateLimits(clock=rate_limit_clock or time.monotonic)
        self.log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = port
        self.consumer_key = DEMO_CONSUMER_KEY
        self.consumer_secret = DEMO_CONSUMER_SECRET
        self.state.add_consumer(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, callback_url)

    def __repr__(self) -> str:
        state = "running" if self.is_running else "stopped"
        return f"<EmulatorServer {self.url if self.is_running else ''} {state}>"

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> EmulatorServer:
        """Bind and serve on a daemon thread; returns ``self``."""
        if self.is_running:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self._requested_port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            daemon=True,
            name=f"etrade-emulator-{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        for conn in list(httpd.connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def is_running(self) -> bool:
        return self._httpd is not None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def authorize_url(self) -> str:
        return self.url + AUTHORIZE_PATH

    def proxied_authorize_url(self, proxy_prefix: str) -> str:
        """The authorize page through jupyter-server-proxy under Jupyter's base path.

        ``proxy_prefix`` is the Jupyter server's base URL path (``/user/alice/``, what
        JupyterHub and Binder put in ``JUPYTERHUB_SERVICE_PREFIX``): the result is a path
        on the notebook's own host, which the user's browser can reach.
        """
        base = "/" + "/".join(part for part in proxy_prefix.split("/") if part)
        return f"{base.rstrip('/')}/proxy/{self.port}{AUTHORIZE_PATH}"

    def environ(self, proxy_prefix: str | None = None) -> dict[str, str]:
        """The environment variables that point etrade-nb at this emulator.

        The kernel always calls the API on loopback (``ETRADE_NB_API_BASE``). The browser
        opens ``ETRADE_NB_AUTHORIZE_URL``: ``http://127.0.0.1:PORT/...`` by default, which
        only a browser on this machine reaches. Behind JupyterHub or Binder pass
        ``proxy_prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX")`` to send the browser
        through jupyter-server-proxy instead (see :meth:`proxied_authorize_url`); ``None``
        or ``""`` keeps the loopback URL.
        """
        env = {
            "ETRADE_NB_API_BASE": self.url,
            "ETRADE_NB_AUTHORIZE_URL": (
                self.proxied_authorize_url(proxy_prefix) if proxy_prefix else self.authorize_url
            ),
            "ETRADE_CONSUMER_KEY": self.consumer_key,
            "ETRADE_CONSUMER_SECRET": self.consumer_secret,
        }
        if self.state.request_token_lifetime != REQUEST_TOKEN_LIFETIME:
            # a shortened link lifetime (tests): the client must count down the same
            env["ETRADE_NB_LINK_LIFETIME"] = f"{self.state.request_token_lifetime:g}"
        return env

    # -- test controls ------------------------------------------------------------------

    @property
    def auto_approve(self) -> bool:
        return self._ctx.auto_approve

    @property
    def problem_header(self) -> bool:
        """Whether OAuth problems also go in a ``WWW-Authenticate`` header (off by default)."""
        return self._ctx.problem_header

    @problem_header.setter
    def problem_header(self, value: bool) -> None:
        self._ctx.problem_header = bool(value)

    @property
    def strict(self) -> bool:
        """Whether what E*TRADE ignores is refused by name (off by default; see
        :mod:`.leniency`)."""
        return self._ctx.strict

    @strict.setter
    def strict(self, value: bool) -> None:
        self._ctx.strict = bool(value)

    @property
    def rate_limit_clock(self) -> Callable[[], float]:
        """The monotonic-like clock the rate-limit windows slide over."""
        return self._rate.clock

    @rate_limit_clock.setter
    def rate_limit_clock(self, clock: Callable[[], float]) -> None:
        self._rate.clock = clock

    def register_consumer(self, key: str, secret: str, callback_url: str | None = None) -> None:
        """Add a consumer key; ``callback_url`` is registered the way E*TRADE support does."""
        self.state.add_consumer(key, secret, callback_url)

    def set_price(self, symbol: str, price: float) -> None:
        """Give the emulator ``symbol``'s price from now on its clock: open orders on it (and
        on its options) are checked against it, so a trailing stop follows it and a net
        limit fills when the legs' combined price crosses it."""
        book = self._ctx.orders
        with book.lock:
            book.tape.set(symbol.strip().upper(), float(price), self.clock())

    def approve_token(self, request_token: str) -> str:
        """Do what a person clicking Accept does; return the verifier."""
        return self.state.approve(request_token)

    def expire_request_tokens(self) -> None:
        with self.state.lock:
            for rt in self.state.request_tokens.values():
                rt.forced_expired = True

    def idle_access_tokens(self) -> None:
        """Make every access token inactive (as after 2 h without requests)."""
        with self.state.lock:
            for at in self.state.access_tokens.values():
                at.last_used = min(at.last_used, self.clock() - IDLE_LIMIT - 1)

    def expire_access_tokens(self) -> None:
        """Expire every access token (as after midnight US Eastern)."""
        with self.state.lock:
            for at in self.state.access_tokens.values():
                at.expires_at = min(at.expires_at, self.clock())

    def _record(self, req: Request, status: int, ignored: tuple[str, ...] = ()) -> None:
        record = RequestRecord(
            req.method,
            req.path,
            _safe_query(req.query),
            status,
            _oauth_param(req, "oauth_token"),
            ignored,
        )
        with self._log_lock:
            self.log.append(record)


__all__ = ["EmulatorServer", "RequestRecord", "Stats"]
