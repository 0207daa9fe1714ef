import pytest

from etrade_nb.ratelimit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s


def test_bursts_then_paces_at_the_rate():
    ft = FakeTime()
    limiter = RateLimiter(4, clock=ft.clock, sleep=ft.sleep)
    for _ in range(8):
        limiter.acquire()
    assert ft.slept[:0] == [] and len(ft.slept) == 4
    assert ft.t == pytest.approx(1.0)  # 4 at once, then one every 0.25 s


def test_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
