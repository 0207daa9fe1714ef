import threading

import pytest

from etrade_nb.api.ratelimit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0
        self.starts: list[float] = []

    def clock(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


def run(limiter: RateLimiter, ft: FakeTime, n: int) -> list[float]:
    starts = []
    for _ in range(n):
        limiter.acquire()
        starts.append(ft.t)
    return starts


def most_in_any_second(starts: list[float]) -> int:
    return max(sum(1 for t in starts if s <= t < s + 1.0) for s in starts)


def test_never_more_than_rate_calls_in_any_second():
    ft = FakeTime()
    starts = run(RateLimiter(4, clock=ft.clock, sleep=ft.sleep), ft, 12)
    assert starts[:4] == [0.0] * 4
    assert starts[4] == pytest.approx(1.05)
    assert most_in_any_second(starts) == 4


def test_fractional_rates():
    ft = FakeTime()
    starts = run(RateLimiter(0.5, margin=0, clock=ft.clock, sleep=ft.sleep), ft, 3)
    assert starts == [0.0, 2.0, 4.0]
    ft2 = FakeTime()
    starts = run(RateLimiter(2.5, margin=0, clock=ft2.clock, sleep=ft2.sleep), ft2, 6)
    assert starts == [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]  # never 3 within one second


def test_threads_share_the_budget():
    # Time stands still and sleep only records how long each call was told to wait, so the
    # start each thread reserved is exact: 40 calls from 4 threads at 5/s need 8 windows.
    local = threading.local()
    lock = threading.Lock()
    starts: list[float] = []

    def sleep(seconds: float) -> None:
        local.waited = seconds

    limiter = RateLimiter(5, clock=lambda: 0.0, sleep=sleep)

    def work() -> None:
        for _ in range(10):
            local.waited = 0.0
            limiter.acquire()
            with lock:
                starts.append(local.waited)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(starts) == 40
    assert most_in_any_second(starts) == 5  # without the shared budget all 40 start at once
    assert sorted(starts)[-1] == pytest.approx(7 * 1.05)


def test_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
