"""Request and access tokens and E*TRADE's clocks, as pure functions of ``now``.

- a request token lives 5 minutes;
- an access token goes *inactive* after 2 hours without a call (renew revives it);
- an access token *expires* at the next midnight US Eastern after it was issued.

Times are POSIX seconds (``float``); a clock is any ``() -> float`` such as ``time.time``.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

from ..secret import Secret

Clock = Callable[[], float]

REQUEST_TOKEN_LIFETIME = 5 * 60.0
IDLE_LIMIT = 2 * 60 * 60.0


@functools.cache
def eastern() -> ZoneInfo:
    """America/New_York, loaded on first use (the time zone database costs import time)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("America/New_York")


def __getattr__(name: str) -> Any:
    if name == "EASTERN":  # the zone as a constant, for callers that want one
        return eastern()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def next_midnight_eastern(t: float) -> float:
    """The first midnight in America/New_York strictly after ``t``."""
    zone = eastern()
    local = datetime.fromtimestamp(t, zone)
    tomorrow = (local + timedelta(days=1)).date()
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
    return midnight.timestamp()


def format_eastern(t: float) -> str:
    """``t`` as E*TRADE users read it, e.g. ``'23:59 ET'``."""
    return datetime.fromtimestamp(t, eastern()).strftime("%H:%M ET")


def format_valid_until(expires_at: float) -> str:
    """The last minute a token works, e.g. ``'23:59 ET'`` for one that dies at midnight."""
    return format_eastern(expires_at - 60)


def format_duration(seconds: float) -> str:
    """A short human duration: ``'1 h 05 min'``, ``'4 min 10 s'``, ``'expired'``."""
    s = int(seconds)
    if s <= 0:
        return "expired"
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{h} h {m:02d} min"
    if m:
        return f"{m} min {sec:02d} s"
    return f"{sec} s"


@dataclass(frozen=True)
class RequestToken:
    """A temporary token from ``/oauth/request_token``; its secret is a :class:`Secret`."""

    token: str = field(repr=False)
    secret: Secret
    issued_at: float
    callback_confirmed: bool = False
    lifetime: float = REQUEST_TOKEN_LIFETIME

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret", Secret(self.secret))

    @property
    def expires_at(self) -> float:
        return self.issued_at + self.lifetime

    def expired(self, now: float) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True)
class AccessToken:
    """A token pair from ``/oauth/access_token``, valid until midnight US Eastern."""

    token: str = field(repr=False)
    secret: Secret
    issued_at: float
    expires_at: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "secret", Secret(self.secret))
        if not self.expires_at:
            object.__setattr__(self, "expires_at", next_midnight_eastern(self.issued_at))

    def expired(self, now: float) -> bool:
        return now >= self.expires_at


class TokenState(str, enum.Enum):
    """What an access token can do right now."""

    ACTIVE = "active"
    INACTIVE = "inactive"  # idle 2 h: renew revives it
    EXPIRED = "expired"  # past midnight ET: log in again
    REVOKED = "revoked"


def access_token_state(token: AccessToken, last_used: float, now: float) -> TokenState:
    """The state of ``token`` at ``now`` given its last successful call at ``last_used``."""
    if token.expired(now):
        return TokenState.EXPIRED
    if now - last_used >= IDLE_LIMIT:
        return TokenState.INACTIVE
    return TokenState.ACTIVE
