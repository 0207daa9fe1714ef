"""The callback receiver under hostile or careless clients: slow, idle, vanishing, forged."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from etrade_nb.errors import VerifierRejectedError
from etrade_nb.login.callback import CallbackReceiver

pytestmark = pytest.mark.timeout(60)
NAVIGATION = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Finish:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, query: str) -> str:
        self.calls.append(query)
        if "oauth_verifier=BAD" in query:
            raise VerifierRejectedError("E*TRADE did not accept that verification code.")
        return "session"


class SlowClients:
    """``n`` connections that send a request one byte every ``every`` s (bounded: ``until``)."""

    def __init__(self, port: int, n: int, every: float, until: float) -> None:
        self.stop = threading.Event()
        self.socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(n)]
        self.closed_at: dict[int, float] = {}
        self.started = time.monotonic()
        line = b"GET /callback?oauth_verifier=SLOW HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: "
        self.threads = [
            threading.Thread(target=self._trickle, args=(i, s, line, every, until), daemon=True)
            for i, s in enumerate(self.socks)
        ]
        for t in self.threads:
            t.start()

    def _trickle(self, i: int, sock: socket.socket, line: bytes, every: float, until: float):
        end = time.monotonic() + until
        for byte in (line + b"x" * 10_000)[:]:
            if self.stop.is_set() or time.monotonic() > end:
                break
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                self.closed_at[i] = time.monotonic() - self.started
                return
            if self.stop.wait(every):
                break

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(5)
        for s in self.socks:
            s.close()


@pytest.fixture
def finish() -> Finish:
    return Finish()


@pytest.fixture
def slow() -> Iterator[list[SlowClients]]:
    made: list[SlowClients] = []
    yield made
    for clients in made:
        clients.close()


def test_the_redirect_is_answered_within_1s_while_20_slow_connections_are_open(finish, slow):
    with CallbackReceiver(finish).start(lifetime=30) as r:
        slow.append(SlowClients(r.port, 20, every=0.2, until=8))
        time.sleep(0.5)  # the slow ones are connected and trickling
        began = time.monotonic()
        status, _ = get(r.url + "?oauth_verifier=K7Q2M", NAVIGATION, timeout=3)
        assert time.monotonic() - began < 1.0
        assert status == 200 and finish.calls == ["oauth_verifier=K7Q2M"]


def test_a_request_that_never_completes_is_cut_at_its_deadline(finish, slow):
    from etrade_nb.login.callback import REQUEST_DEADLINE

    with CallbackReceiver(finish).start(lifetime=30) as r:
        clients = SlowClients(r.port, 1, every=0.5, until=REQUEST_DEADLINE + 6)
        slow.append(clients)
        idle = socket.create_connection(("127.0.0.1", r.port), timeout=REQUEST_DEADLINE + 5)
        began = time.monotonic()
        assert idle.recv(1) == b""  # closed by the receiver, no answer
        assert time.monotonic() - began < REQUEST_DEADLINE + 2
        idle.close()
        clients.threads[0].join(REQUEST_DEADLINE + 5)
        assert clients.closed_at.get(0, 99) < REQUEST_DEADLINE + 2.5  # well before `until`
    assert finish.calls == []


def test_lifetime_and_stop_hold_while_slow_connections_are_open(finish, slow):
    r = CallbackReceiver(finish).start(lifetime=1.0)
    slow.append(SlowClients(r.port, 5, every=0.2, until=10))
    r._thread.join(3)  # type: ignore[union-attr]
    assert not r.running  # its lifetime ended although clients were still sending

    r2 = CallbackReceiver(finish).start(lifetime=60)
    port = r2.port
    slow.append(SlowClients(port, 5, every=0.2, until=10))
    assert get(r2.url + "?oauth_verifier=K7Q2M", NAVIGATION)[0] == 200  # leaves a closed conn
    time.sleep(0.3)
    began = time.monotonic()
    r2.stop()
    assert time.monotonic() - began < 2.0 and not r2.running
    again = CallbackReceiver(finish, port=port).start(lifetime=5)  # %etrade_callback --port N
    assert again.port == port
    again.stop()


def test_clients_that_leave_early_print_nothing(finish, capfd):
    with CallbackReceiver(finish, expected_token=lambda: "tok").start(lifetime=30) as r:
        for _ in range(20):
            s = socket.create_connection(("127.0.0.1", r.port), timeout=5)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.sendall(b"GET /callback?oauth_verifier=X1&oauth_token=no HTTP/1.0\r\n\r\n")
            s.close()  # RST before the answer is written
        s = socket.create_connection(("127.0.0.1", r.port), timeout=5)
        s.sendall(b"GET /call")
        s.close()
        time.sleep(0.5)
        assert get(r.url + "?oauth_verifier=K7Q2M", NAVIGATION)[0] == 200
    out, err = capfd.readouterr()
    assert err == "" and out == ""


@pytest.mark.parametrize(
    "query",
    [
        "oauth_verifier=&oauth_verifier=REAL1",
        "oauth_verifier=REAL1&oauth_verifier=",
        "oauth_verifier=REAL1&oauth_token=tok&oauth_token=tok",
        "oauth_verifier=%20REAL1",
    ],
)
def test_exactly_one_non_empty_verifier_or_no_exchange(finish, query):
    with CallbackReceiver(finish, expected_token=lambda: "tok").start(lifetime=30) as r:
        assert get(f"{r.url}?{query}", NAVIGATION)[0] == 400
        assert finish.calls == [] and r.exchanges == 0
        assert get(r.url + "?oauth_verifier=REAL1&oauth_token=tok", NAVIGATION)[0] == 200


def test_finish_gets_only_the_fields_that_were_checked(finish):
    with CallbackReceiver(finish, expected_token=lambda: "t/1=").start(lifetime=30) as r:
        url = r.url + "?myapp=1&oauth_verifier=K7Q2M&oauth_token=t%2F1%3D&oauth_verifier_x=9"
        assert get(url, NAVIGATION)[0] == 200
    assert finish.calls == ["oauth_verifier=K7Q2M&oauth_token=t%2F1%3D"]


def test_a_forged_redirect_without_the_token_cannot_use_up_the_real_ones_try(finish):
    with CallbackReceiver(finish, expected_token=lambda: "t/1=").start(lifetime=30) as r:
        assert get(r.url + "?oauth_verifier=BAD", NAVIGATION)[0] == 400  # forged, token-less
        assert get(r.url + "?oauth_verifier=BAD2", NAVIGATION)[0] == 409  # token-less: used
        real = r.url + "?oauth_verifier=K7Q2M&oauth_token=t%2F1%3D"
        assert get(real, NAVIGATION)[0] == 200  # the redirect that carries the token still works
    assert finish.calls == ["oauth_verifier=BAD", "oauth_verifier=K7Q2M&oauth_token=t%2F1%3D"]


def test_once_redirects_carry_the_token_a_token_less_one_is_refused(finish):
    link = ["t/1="]
    with CallbackReceiver(finish, expected_token=lambda: link[0]).start(lifetime=30) as r:
        assert get(r.url + "?oauth_verifier=BAD&oauth_token=t%2F1%3D", NAVIGATION)[0] == 400
        link[0] = "t/2="  # the next link
        assert get(r.url + "?oauth_verifier=K7Q2M", NAVIGATION)[0] == 400
        assert r.exchanges == 1
        assert get(r.url + "?oauth_verifier=K7Q2M&oauth_token=t%2F2%3D", NAVIGATION)[0] == 200


def test_requests_during_a_slow_exchange_are_answered_at_once(slow):
    release = threading.Event()
    calls: list[str] = []

    def slow_finish(query: str) -> None:
        calls.append(query)
        release.wait(10)  # E*TRADE taking its time

    with CallbackReceiver(slow_finish, expected_token=lambda: "t").start(lifetime=30) as r:
        first = threading.Thread(target=get, args=(r.url + "?oauth_verifier=A1", NAVIGATION))
        first.start()
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        began = time.monotonic()
        assert get(r.url + "?oauth_verifier=B2", NAVIGATION, timeout=3)[0] == 409
        assert time.monotonic() - began < 1.0  # not queued behind the exchange
        release.set()
        first.join(5)
    assert calls == ["oauth_verifier=A1"]


def raw(port: int, head: bytes) -> bytes:
    """Send a request head as is; the whole answer (the receiver closes after one)."""
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        # the receiver may answer and close before reading everything (then a reset)
        with contextlib.suppress(ConnectionError):
            sock.sendall(head)
        with contextlib.suppress(ConnectionError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_head_over_64_kib_is_refused_unread(finish):
    with CallbackReceiver(finish).start(lifetime=30) as r:
        pads = b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 30_000) for i in range(6))  # 180 KB
        head = b"GET /callback?oauth_verifier=K7Q2M HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % r.port
        answer = raw(r.port, head + pads + b"\r\n")
        assert answer.startswith(b"HTTP/1.0 431") and finish.calls == []
        line = b"GET /callback?oauth_verifier=K7Q2M&x=" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n"
        assert not raw(r.port, line).startswith(b"HTTP/1.0 200") and finish.calls == []
        status, _ = get(r.url + "?oauth_verifier=K7Q2M", NAVIGATION)  # the real one still works
        assert status == 200 and finish.calls == ["oauth_verifier=K7Q2M"]


def test_two_host_headers_are_refused(finish):
    with CallbackReceiver(finish).start(lifetime=30) as r:
        head = (
            b"GET /callback?oauth_verifier=K7Q2M HTTP/1.1\r\nHost: evil.example\r\n"
            b"Host: 127.0.0.1:%d\r\n\r\n" % r.port
        )
        answer = raw(r.port, head)
        assert answer.startswith(b"HTTP/1.0 400") and b"one Host header" in answer
        assert finish.calls == []
