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
from typing import TYPE_CHECKING, Any, NoReturn

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


class AccessToken:
    """A token pair from ``/oauth/access_token``, valid until midnight US Eastern.

    Both halves are :class:`Secret`: the token signs calls as much as its secret does, so
    reprs, debuggers (which expand an object by ``dir()``) and ``inspect.getmembers`` see
    ``Secret('***')``; :attr:`token` gives the plain value to the code that needs it.
    Immutable, compared and hashed by value.
    """

    __slots__ = ("_token", "expires_at", "issued_at", "secret")
    _token: Secret
    secret: Secret
    issued_at: float
    expires_at: float

    def __init__(
        self,
        token: str | Secret,
        secret: str | Secret,
        issued_at: float,
        expires_at: float = 0.0,
    ) -> None:
        put = object.__setattr__
        put(self, "_token", Secret(token))
        put(self, "secret", Secret(secret))
        put(self, "issued_at", issued_at)
        put(self, "expires_at", expires_at or next_midnight_eastern(issued_at))

    @property
    def token(self) -> str:
        """The plain ``oauth_token``: for signing, the private token file and comparisons."""
        return self._token.reveal()

    def expired(self, now: float) -> bool:
        return now >= self.expires_at

    def _key(self) -> tuple[Secret, Secret, float, float]:
        return (self._token, self.secret, self.issued_at, self.expires_at)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AccessToken):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"AccessToken(secret={self.secret!r}, issued_at={self.issued_at!r}, "
            f"expires_at={self.expires_at!r})"
        )

    def __dir__(self) -> list[str]:
        return [name for name in super().__dir__() if name != "token"]

    def __getstate__(self) -> str:
        return "***"

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("an AccessToken cannot be changed")

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "an AccessToken cannot be pickled: it would leave the process in clear. Save it "
            "with a TokenStore, which writes a private file."
        )


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
