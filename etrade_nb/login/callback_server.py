"""The callback receiver's HTTP plumbing: no single client can hold it.

- every connection gets its own (daemon) thread, so an idle or slow connection cannot delay
  the browser's redirect;
- a whole request must arrive within :data:`REQUEST_DEADLINE` seconds, whatever its pace
  (the per-read socket timeout alone lets a client that sends a byte every few seconds stay
  forever); past it, the serving loop shuts the connection down;
- at most :data:`MAX_WAITING` connections may be sending their request at once: a new one
  pushes out the oldest, so a flood cannot exhaust threads or lock out the redirect;
- clients that leave early (``BrokenPipeError``, ``ConnectionResetError``) are not reported:
  in a kernel a traceback on stderr would land in the cell and the saved notebook.

Nothing here knows about OAuth: ``route(target, headers)`` decides the answer.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)

REQUEST_DEADLINE = 5.0
"""Seconds a client has to send its whole request line and headers."""
MAX_WAITING = 32
"""Connections allowed to be still sending their request; the oldest goes beyond that."""
MAX_HEADER_BYTES = 64 * 1024
"""Request line and headers together (a redirect and a browser's cookies fit many times);
past it the request is answered 431 unread, so a flood of big headers cannot fill memory."""
POLL = 0.2
"""How often the serving loop checks its lifetime, ``stop()`` and request deadlines."""

Route = Callable[[str, Mapping[str, str]], tuple[int, str, str]]


def page(title: str, message: str) -> bytes:
    """A minimal HTML page (no script, nothing loaded from elsewhere)."""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title></head><body style='font-family:sans-serif'>"
        f"<h2>{html.escape(title)}</h2><p>{html.escape(message)}</p></body></html>"
    ).encode()


class _CappedReader:
    """``readline`` of a request's head, raising past :data:`MAX_HEADER_BYTES` in total."""

    def __init__(self, raw: Any) -> None:
        self._raw, self._left = raw, MAX_HEADER_BYTES

    def readline(self, limit: int = -1) -> bytes:
        want = self._left + 1 if limit < 0 else min(limit, self._left + 1)
        line: bytes = self._raw.readline(want)
        self._left -= len(line)
        if self._left < 0:
            raise http.client.LineTooLong(f"request head over {MAX_HEADER_BYTES} bytes")
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackServer
    timeout = REQUEST_DEADLINE  # per read; LoopbackServer.reap bounds the whole request

    def setup(self) -> None:
        super().setup()
        self.rfile = _CappedReader(self.rfile)  # type: ignore[assignment]

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request line carries the verifier."""

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except http.client.LineTooLong:  # the request line alone (headers: parse_request)
            self.close_connection = True
            self.request_version = "HTTP/1.0"  # not parsed: answer in plain HTTP/1.0
            self.requestline, self.command = "", ""
            self.send_error(414, "Request-URI Too Long")

    def parse_request(self) -> bool:
        ok = super().parse_request()
        self.server.request_read(self.request)  # the deadline covered reading it
        return ok

    def _answer(self, status: int, title: str, message: str) -> None:
        body = page(title, message)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        if status == 405:
            self.send_header("Allow", "GET")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if len(self.headers.get_all("Host") or ()) > 1:  # which one a check reads is a guess
            self._answer(400, "Not an E*TRADE callback", "A request has one Host header.")
            return
        self._answer(*self.server.route(self.path, dict(self.headers.items())))

    def _not_get(self) -> None:
        # E*TRADE redirects with GET; a POST can only come from some page's form.
        self._answer(405, "Not an E*TRADE callback", "This address only takes E*TRADE's redirect.")

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_get


class LoopbackServer(ThreadingHTTPServer):
    """A threaded HTTP server whose requests have a deadline; see the module docstring."""

    # POSIX SO_REUSEADDR only lets a new listener bind past TIME_WAIT connections (so
    # ``--port N`` works right after stop()); it never shares a live port. On Windows it would.
    allow_reuse_address = os.name == "posix"
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64
    timeout = POLL

    def __init__(self, address: tuple[str, int], route: Route) -> None:
        self.route = route
        self._waiting: dict[socket.socket, float] = {}  # still reading: deadline
        self._lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            if len(self._waiting) >= MAX_WAITING:
                oldest = min(self._waiting, key=self._waiting.__getitem__)
                del self._waiting[oldest]
                _cut(oldest)
            self._waiting[request] = time.monotonic() + REQUEST_DEADLINE
        super().process_request(request, client_address)

    def request_read(self, request: socket.socket) -> None:
        with self._lock:
            self._waiting.pop(request, None)

    def shutdown_request(self, request: Any) -> None:
        self.request_read(request)
        super().shutdown_request(request)

    def reap(self, *, everything: bool = False) -> None:
        """Cut connections past their request deadline (all still reading, if ``everything``)."""
        now = time.monotonic()
        with self._lock:
            late = [s for s, end in self._waiting.items() if everything or now >= end]
            for sock in late:
                del self._waiting[sock]
        for sock in late:
            _cut(sock)

    def serve_until(self, finished: Callable[[], bool]) -> None:
        """Serve until ``finished()``; then release the port and cut waiting connections."""
        try:
            while not finished():
                self.handle_request()
                self.reap()
        finally:
            self.server_close()
            self.reap(everything=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            log.debug("callback client went away: %s", type(exc).__name__)
        else:  # no traceback: it would print into the notebook
            log.warning(
                "The callback receiver could not answer a request (%s).", type(exc).__name__
            )


def _cut(sock: socket.socket) -> None:
    """End a connection another thread is reading from (its read returns at once)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
