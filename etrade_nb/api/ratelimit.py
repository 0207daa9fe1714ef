"""Client-side pacing: at most ``rate`` calls start in any one-second window.

E*TRADE counts requests per second per consumer key (its published market-data limit was 4/s)
and refuses the excess with HTTP 400. A token bucket lets a burst plus a steady stream overlap
inside one second, so this is a sliding window over the last ``rate`` call starts, with a small
margin for the jitter between leaving here and arriving there.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """Blocks in :meth:`acquire` until a call may start without exceeding ``rate`` per second."""

    def __init__(
        self,
        rate: float,
        *,
        margin: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive (calls per second)")
        self.rate = rate
        # 4/s: 4 calls per second; 3.5/s: 3 per second (never 4); 0.5/s: 1 call per 2 s.
        self.calls = math.floor(rate) if rate >= 1 else 1
        self.window = (1.0 if rate >= 1 else 1.0 / rate) + margin
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque(maxlen=self.calls)  # reserved start times
        self._lock = threading.Lock()

    def acquire(self) -> None:
        """Reserve the earliest start that keeps the window within budget, and wait for it."""
        with self._lock:
            now = self._clock()
            start = now
            if len(self._starts) == self.calls:
                start = max(now, self._starts[0] + self.window, self._starts[-1])
            self._starts.append(start)
        if start > now:
            self._sleep(start - now)

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self.rate})"
