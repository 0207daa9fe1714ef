"""Consumers, tokens, verifiers, nonces and the clock: everything the emulator remembers."""

from __future__ import annotations

import base64
import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/New_York")
REQUEST_TOKEN_LIFETIME = 5 * 60  # seconds (E*TRADE: request token valid 5 minutes)
IDLE_LIMIT = 2 * 60 * 60  # seconds without a request before an access token is inactive
TIMESTAMP_WINDOW = 5 * 60  # oauth_timestamp must be within ± this of the server clock
MAX_VERIFIER_ATTEMPTS = 5  # wrong verifiers before a request token is burned

DEMO_CONSUMER_KEY = "5f1d0c8e2b7a4c39a6e0d4b8c1f2e3a7"
DEMO_CONSUMER_SECRET = "9c4e7b2a1d6f8e0b3a5c7d9e1f2a4b6c"


class EmulatorClock:
    """A fake epoch-seconds clock: ``clock()`` reads it, ``advance`` and ``set`` move it."""

    def __init__(self, start: float = 1_780_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward (or back, if negative); return the new time."""
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, t: float) -> None:
        """Jump to epoch seconds ``t``."""
        with self._lock:
            self._now = float(t)

    def __repr__(self) -> str:
        return f"EmulatorClock({self():.1f})"


def next_midnight_eastern(t: float) -> float:
    """The first midnight America/New_York strictly after epoch seconds ``t``."""
    local = datetime.fromtimestamp(t, EASTERN)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), EASTERN)
    return midnight.timestamp()


def new_token() -> str:
    """32 random bytes in base64 (44 chars), always containing ``/`` or ``+`` and ending ``=``.

    E*TRADE tokens look like ``/iQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU=``; forcing the
    special characters makes every test exercise percent-encoding.
    """
    while True:
        token = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        if ("/" in token or "+" in token) and token.endswith("="):
            return token


def new_verifier() -> str:
    """Five uppercase alphanumerics, like E*TRADE's verification code."""
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(5))


@dataclass
class Consumer:
    key: str
    secret: str = field(repr=False)
    callback_url: str | None = None
    name: str = "etrade-nb (emulator demo app)"


@dataclass
class RequestToken:
    token: str
    secret: str = field(repr=False)
    consumer_key: str
    issued_at: float
    verifier: str | None = field(default=None, repr=False)
    failed_attempts: int = 0
    dead: bool = False  # consumed, declined or burned
    forced_expired: bool = False
    lifetime: float = REQUEST_TOKEN_LIFETIME

    def expired(self, now: float) -> bool:
        return self.forced_expired or now >= self.issued_at + self.lifetime


@dataclass
class AccessToken:
    token: str
    secret: str = field(repr=False)
    consumer_key: str
    issued_at: float
    expires_at: float
    last_used: float
    revoked: bool = False

    def expired(self, now: float) -> bool:
        return now >= self.expires_at

    def inactive(self, now: float) -> bool:
        return now - self.last_used > IDLE_LIMIT


class State:
    """Thread-safe store of consumers, tokens and seen nonces. Callers hold ``lock`` to mutate."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.request_token_lifetime: float = REQUEST_TOKEN_LIFETIME  # tests may shorten it
        self.lock = threading.RLock()
        self.consumers: dict[str, Consumer] = {}
        self.request_tokens: dict[str, RequestToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self._nonces: dict[tuple[str, int, str], None] = {}

    def add_consumer(self, key: str, secret: str, callback_url: str | None = None) -> Consumer:
        consumer = Consumer(key, secret, callback_url)
        with self.lock:
            self.consumers[key] = consumer
        return consumer

    def issue_request_token(self, consumer_key: str) -> RequestToken:
        rt = RequestToken(
            new_token(), new_token(), consumer_key, self.clock(),
            lifetime=self.request_token_lifetime,
        )  # fmt: skip
        with self.lock:
            self.request_tokens[rt.token] = rt
        return rt

    def issue_access_token(self, consumer_key: str) -> AccessToken:
        now = self.clock()
        at = AccessToken(
            new_token(), new_token(), consumer_key, now, next_midnight_eastern(now), now
        )
        with self.lock:
            self.access_tokens[at.token] = at
        return at

    def approve(self, request_token: str) -> str:
        """Record the user's Accept; return the verifier (the same one if accepted twice)."""
        with self.lock:
            rt = self.request_tokens.get(request_token)
            if rt is None or rt.dead or rt.expired(self.clock()):
                raise KeyError("unknown, used or expired request token")
            if rt.verifier is None:
                rt.verifier = new_verifier()
            return rt.verifier

    def decline(self, request_token: str) -> None:
        with self.lock:
            rt = self.request_tokens.get(request_token)
            if rt is not None:
                rt.dead = True

    def use_nonce(self, consumer_key: str, timestamp: int, nonce: str) -> bool:
        """Remember a nonce; False if this (key, timestamp, nonce) was already seen."""
        now = self.clock()
        with self.lock:
            stale = [k for k in self._nonces if abs(k[1] - now) > 2 * TIMESTAMP_WINDOW]
            for k in stale:
                del self._nonces[k]
            key = (consumer_key, timestamp, nonce)
            if key in self._nonces:
                return False
            self._nonces[key] = None
            return True


@dataclass
class Stats:
    """Counters for tests. ``requests_by_path`` is keyed ``"METHOD /path"`` (no query)."""

    requests: int = 0
    request_tokens_issued: int = 0
    access_tokens_issued: int = 0
    verifiers_rejected: int = 0
    nonce_reuse_rejected: int = 0
    signatures_rejected: int = 0
    oauth_rejected: int = 0
    orders_previewed: int = 0
    orders_placed: int = 0
    orders_cancelled: int = 0
    renewals: int = 0
    revocations: int = 0
    faults_fired: int = 0
    rate_limited: int = 0  # answered 400 by EmulatorServer(rate_limits=True)
    requests_by_path: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()  # not a field: asdict() and repr() stay clean

    def bump(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)

    def count_request(self, method: str, path: str) -> None:
        key = f"{method} {path}"
        with self._lock:
            self.requests += 1
            self.requests_by_path[key] = self.requests_by_path.get(key, 0) + 1

    def as_dict(self) -> dict[str, object]:
        """A consistent snapshot of every counter."""
        with self._lock:
            return {**asdict(self), "requests_by_path": dict(self.requests_by_path)}
