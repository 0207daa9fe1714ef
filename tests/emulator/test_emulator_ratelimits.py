"""``EmulatorServer(rate_limits=True)``: E*TRADE's legacy per-key limits, and the client."""

from __future__ import annotations

import itertools
import string
import threading
import time

import pytest

from etrade_nb import ApiError, RetryPolicy
from etrade_nb.api.ratelimit import RateLimiter
from etrade_nb.emulator import EmulatorServer
from etrade_nb.emulator.__main__ import _parser
from etrade_nb.emulator.ratelimits import RateLimits, api_of

QUOTE = "/v1/market/quote/AAPL.json"
OVER = "Number of requests exceeded the rate limit set"


class FrozenClock:
    """A monotonic-like clock that moves only when told to, or when someone ``sleep``s on it."""

    def __init__(self) -> None:
        self.now = 100.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(0.0, seconds)


# -- the windows ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "api"),
    [
        ("/v1/accounts/list", "accounts"),
        ("/v1/accounts/K/balance", "accounts"),
        ("/v1/accounts/K/portfolio.json", "accounts"),
        ("/v1/accounts/K/orders", "order"),
        ("/v1/accounts/K/orders/preview", "order"),
        ("/v1/market/quote/AAPL", "market"),
        ("/oauth/request_token", None),
        ("/e/t/etws/authorize", None),
    ],
)
def test_paths_map_to_the_published_apis(path, api):
    assert api_of(path) == api


def test_per_second_window_slides_per_key_and_api():
    clock = FrozenClock()
    limits = RateLimits(clock=clock)
    assert [limits.admit("k", QUOTE) for _ in range(5)] == [True] * 4 + [False]
    assert limits.admit("other-key", QUOTE)  # per consumer key
    assert limits.admit("k", "/v1/accounts/list")  # per API
    assert limits.admit("k", "/oauth/request_token")  # OAuth is never limited
    clock.now += 0.999
    assert not limits.admit("k", QUOTE)  # refused requests do not extend the window
    clock.now += 0.001  # one second after the first four
    assert [limits.admit("k", QUOTE) for _ in range(5)] == [True] * 4 + [False]


def test_accounts_and_orders_allow_two_per_second():
    limits = RateLimits(clock=FrozenClock())
    assert [limits.admit("k", "/v1/accounts/list") for _ in range(3)] == [True, True, False]
    assert [limits.admit("k", "/v1/accounts/K/orders") for _ in range(3)] == [True, True, False]


def test_hourly_window():
    clock = FrozenClock()
    limits = RateLimits({"market": (100, 3)}, clock=clock)
    assert [limits.admit("k", QUOTE) for _ in range(4)] == [True, True, True, False]
    clock.now += 3599.9
    assert not limits.admit("k", QUOTE)
    clock.now += 0.1
    assert limits.admit("k", QUOTE)


def test_concurrent_requests_never_exceed_the_limit():
    limits = RateLimits(clock=FrozenClock())  # all 64 arrive in the same instant
    barrier = threading.Barrier(64)
    results: list[bool] = []

    def hit() -> None:
        barrier.wait()
        results.append(limits.admit("k", QUOTE))

    threads = [threading.Thread(target=hit) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(results) == [False] * 60 + [True] * 4


# -- over HTTP --------------------------------------------------------------------------


def test_off_by_default(logged_in, emu):
    assert emu.rate_limits is False
    assert [logged_in.get(QUOTE).status for _ in range(8)] == [200] * 8
    assert emu.stats.rate_limited == 0


def test_over_the_limit_answers_400_html_counted_in_stats(logged_in, emu, make_client):
    window = FrozenClock()
    emu.rate_limit_clock = window
    assert emu.rate_limit_clock is window
    emu.rate_limits = True
    replies = [logged_in.get(QUOTE) for _ in range(5)]
    assert [r.status for r in replies] == [200] * 4 + [400]
    over = replies[-1]
    assert over.headers["content-type"].startswith("text/html")
    assert OVER in over.text and "<html>" in over.text
    assert "oauth_problem" not in over.text + over.headers.get("www-authenticate", "")
    assert emu.stats.rate_limited == 1
    assert emu.stats.as_dict()["rate_limited"] == 1
    assert emu.log[-1].status == 400

    emu.register_consumer("k2" * 16, "s2" * 16)  # another consumer key has its own budget
    other = make_client(emu, "k2" * 16, "s2" * 16)
    other.login(emu)
    assert other.get(QUOTE).status == 200
    assert logged_in.get("/v1/accounts/list.json").status == 200  # and so has another API

    window.now += 0.999
    assert logged_in.get(QUOTE).status == 400
    window.now += 0.001  # one second after the first four
    assert logged_in.get(QUOTE).status == 200
    emu.rate_limits = False
    assert [logged_in.get(QUOTE).status for _ in range(6)] == [200] * 6


def test_cli_flag():
    assert _parser().parse_args(["--rate-limits"]).rate_limits is True
    assert _parser().parse_args([]).rate_limits is False


# -- the etrade-nb client under the limits -----------------------------------------------

SYMBOLS = ["".join(s) for s in itertools.product(string.ascii_uppercase, repeat=3)][:500]


@pytest.fixture
def window() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def limited(emulator: EmulatorServer, window: FrozenClock) -> EmulatorServer:
    """Rate limits on, their windows driven by ``window`` (the client's sleeps move it)."""
    emulator.rate_limit_clock = window
    emulator.rate_limits = True
    return emulator


def test_rate_limit_clock_argument(clock):
    window = FrozenClock()
    with EmulatorServer(clock=clock, rate_limits=True, rate_limit_clock=window) as emu:
        assert emu.rate_limit_clock is window
    assert EmulatorServer().rate_limit_clock is time.monotonic


def test_tight_loop_of_single_quotes_gets_a_slow_down_error(limited, session):
    # The fixture's retry policy does not really sleep and the window clock stands still,
    # so the client's retries of a refused GET are refused too; then it gives up.
    with pytest.raises(ApiError) as error:
        for symbol in SYMBOLS:
            session.get(f"/v1/market/quote/{symbol}")
    assert error.value.status == 400
    assert "rate limit" in str(error.value) and "Slow down" in str(error.value)
    statuses = [r.status for r in limited.log if r.path.startswith("/v1/")]
    assert statuses == [200] * 4 + [400] * 4  # the refused GET and its 3 retries
    assert limited.stats.rate_limited == 4


def test_a_refused_get_goes_through_after_the_clients_wait(limited, session, window):
    session.retry = RetryPolicy(retries=1, sleep=window.sleep)  # waits 1 s on the window clock
    for symbol in SYMBOLS[:6]:
        session.get(f"/v1/market/quote/{symbol}")
    statuses = [r.status for r in limited.log if r.path.startswith("/v1/")]
    assert statuses == [200] * 4 + [400] + [200] * 2
    assert limited.stats.rate_limited == 1
    assert window.now == 101.0


@pytest.mark.parametrize("rate", [4.0, 3.5])  # 4.0: the Session default
def test_paced_quotes_stay_under_the_limit(limited, session, window, rate):
    assert session.market_limiter is not None and session.market_limiter.rate == 4.0
    session.market_limiter = RateLimiter(rate, clock=window, sleep=window.sleep)
    quotes = session.quotes(SYMBOLS, max_workers=1)  # 10 calls of 50 symbols
    assert len(quotes) + len(quotes.messages) == 500
    assert limited.stats.rate_limited == 0
    assert [r.status for r in limited.log if r.path.startswith("/v1/")] == [200] * 10
    assert window.now > 102.0  # the pacing, not luck: the calls spread over > 2 s


def test_unpaced_quotes_are_refused(limited, session):
    session.market_limiter = None
    with pytest.raises(ApiError):
        session.quotes(SYMBOLS, max_workers=1)
    assert limited.stats.rate_limited > 0


def test_gently_paced_quotes_stay_under_real_time_limits(emulator, session):
    """End to end on real time: 2 calls/s against the 4/s limit, far from tight."""
    emulator.rate_limits = True
    session.market_limiter = RateLimiter(2.0)
    quotes = session.quotes(SYMBOLS[:250])  # 5 calls of 50 symbols, two workers, ~2 s
    assert len(quotes) + len(quotes.messages) == 250
    assert emulator.stats.rate_limited == 0
