"""Opt-in request rate limits per consumer key (``EmulatorServer(rate_limits=True)``).

E*TRADE's legacy API docs published these limits per consumer key and user; the v1 docs
publish none, so the emulator enforces them only when asked:

=========  ===========  =============
API        per second   per hour
=========  ===========  =============
Accounts   2            7000
Market     4            14000
Order      2            7000
=========  ===========  =============

A request over either limit is answered HTTP 400 with a small HTML page saying "Number of
requests exceeded the rate limit set" (the legacy docs' wording) and is not counted against
the windows: a client that slows down gets through again.

The windows slide over their own monotonic-like ``clock``, not the emulator's POSIX
``clock``: by default real ``time.monotonic()``, since a client paces its calls by real time
while tests hold the emulator's ``EmulatorClock`` still. Tests that drive the windows pass
``EmulatorServer(rate_limit_clock=...)`` (or set ``RateLimits.clock``) and move it by hand.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

SECOND, HOUR = 1.0, 3600.0
LIMITS: Mapping[str, tuple[int, int]] = {
    "accounts": (2, 7000),
    "market": (4, 14000),
    "order": (2, 7000),
}


def api_of(path: str) -> str | None:
    """``accounts``, ``market`` or ``order`` for a ``/v1`` path; ``None`` for the rest."""
    if path.startswith("/v1/market/"):
        return "market"
    if path.startswith("/v1/accounts/"):
        return "order" if "/orders" in path else "accounts"
    return None


class RateLimits:
    """Sliding one-second and one-hour windows per (consumer key, API); thread-safe."""

    def __init__(
        self,
        limits: Mapping[str, tuple[int, int]] = LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = dict(limits)
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], deque[float]] = {}

    def admit(self, consumer_key: str, path: str) -> bool:
        """Record one request; False (and not recorded) when it is over a limit."""
        api = api_of(path)
        if api is None:
            return True
        per_second, per_hour = self.limits[api]
        with self._lock:
            now = self.clock()
            stamps = self._seen.setdefault((consumer_key, api), deque())
            while stamps and now - stamps[0] >= HOUR:
                stamps.popleft()
            last_second = 0
            for stamp in reversed(stamps):  # newest first; stops at the first older one
                if now - stamp >= SECOND:
                    break
                last_second += 1
            if last_second >= per_second or len(stamps) >= per_hour:
                return False
            stamps.append(now)
            return True

    def reset(self) -> None:
        """Forget every request seen so far."""
        with self._lock:
            self._seen.clear()
