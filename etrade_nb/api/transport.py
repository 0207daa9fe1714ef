"""Send one signed request: bounded retries for idempotent calls, none for the rest.

A GET that meets a 5xx answer, E*TRADE's rate-limit refusal or a dropped connection is sent
again (freshly signed) up to ``RetryPolicy.retries`` times with exponential backoff. A POST,
PUT or DELETE is sent exactly once: if it fails in flight, :class:`OrderStatusUnknownError`
says it may or may not have taken effect.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase

from ..errors import (
    OrderStatusUnknownError,
    RequestTimeoutError,
    ServiceUnavailableError,
    TransportError,
)
from ..oauth.log_filter import mask_oauth_fields
from .responses import is_rate_limited, is_transient, snippet

log = logging.getLogger("etrade_nb")

RETRY_STATUSES = frozenset({500, 502, 503, 504})
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently an idempotent request is repeated."""

    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * 2.0**attempt)


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (no connection was made)."""
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.SSLError)):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def send(
    http: requests.Session,
    method: str,
    url: str,
    *,
    auth: AuthBase,
    params: Any = None,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | tuple[float, float],
    policy: RetryPolicy,
    what: str,
    timeout_hint: str = "Session(timeout=60)",
) -> requests.Response:
    """Send and return the response; raise a :class:`TransportError` when none arrives.

    Errors are raised outside the ``except`` blocks, so no chained exception (which would
    carry the signed request) rides along in ``__context__``.
    """
    idempotent = method in IDEMPOTENT
    attempts = 1 + (policy.retries if idempotent else 0)
    for attempt in range(attempts):
        last = attempt == attempts - 1
        failure: requests.RequestException | None = None
        try:
            response = http.request(
                method, url, params=params, json=json, headers=headers, auth=auth, timeout=timeout
            )
        except requests.RequestException as exc:
            _scrub_request(exc.request)
            failure = exc
        if failure is not None:
            error = _failure_error(failure, method, url, what, idempotent, timeout, timeout_hint)
            if error is None and last:
                error = _gave_up(what, url, attempts)
            if error is not None:
                raise error
            log.info("%s: connection error, retry %d/%d", what, attempt + 1, policy.retries)
            policy.sleep(policy.delay(attempt))
            continue
        _scrub_request(response.request)
        pause = _retry_pause(response, method, what, idempotent, attempt, attempts, policy)
        if pause is None:
            return response
        response.close()
        policy.sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


def _gave_up(what: str, url: str, attempts: int) -> ServiceUnavailableError:
    tries = f" {attempts} times" if attempts > 1 else ""
    return ServiceUnavailableError(
        f"{what} failed{tries}: no complete answer from {_host(url)}. Check the "
        "network (and HTTPS_PROXY/NO_PROXY if you use a proxy), then try again in a "
        "minute."
    )


def _retry_pause(
    response: requests.Response,
    method: str,
    what: str,
    idempotent: bool,
    attempt: int,
    attempts: int,
    policy: RetryPolicy,
) -> float | None:
    """Seconds to wait before sending again, ``None`` if ``response`` is the answer; or the
    error to raise when a retryable answer may not be retried."""
    last = attempt == attempts - 1
    if idempotent and not last and is_rate_limited(response):
        # Refused before any work was done: wait for the next second's budget.
        log.info("%s: rate limited, retry %d/%d", what, attempt + 1, policy.retries)
        return max(1.0, policy.delay(attempt))
    if response.status_code not in RETRY_STATUSES or not is_transient(response):
        return None
    if not idempotent:
        raise _unknown_outcome(method, what, f"got HTTP {response.status_code}", response=response)
    if last:
        tries = f" {attempts} times" if attempts > 1 else ""
        raise ServiceUnavailableError(
            f"{what} failed{tries} with HTTP {response.status_code} "
            f"({snippet(response.text, 80)!r}). E*TRADE may be busy (it happens around "
            "the market open and close); try again in a minute.",
            response=response,
        )
    log.info("%s: HTTP %d, retry %d/%d", what, response.status_code, attempt + 1, policy.retries)
    return policy.delay(attempt)


def _failure_error(
    exc: requests.RequestException,
    method: str,
    url: str,
    what: str,
    idempotent: bool,
    timeout: object,
    timeout_hint: str,
) -> TransportError | None:
    """The error to raise for a request that got no (complete) answer; ``None``: may retry."""
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportError(
            f"{what}: the TLS certificate of {_host(url)} could not be verified, so nothing "
            "was sent. Behind a company proxy that inspects TLS, set REQUESTS_CA_BUNDLE to your "
            "company's CA bundle and try again."
        )
    never_sent = _never_sent(exc)
    if not idempotent:
        if never_sent:
            return ServiceUnavailableError(
                f"{what} could not connect to {_host(url)}; nothing was sent. Check the network "
                "(and HTTPS_PROXY/NO_PROXY if you use a proxy) and try again."
            )
        how = "timed out" if isinstance(exc, requests.Timeout) else "lost its connection"
        return _unknown_outcome(method, what, how)
    if isinstance(exc, requests.Timeout):
        return RequestTimeoutError(
            f"{what} timed out after {timeout} s. E*TRADE may be slow right now: try again, "
            f"or pass a larger timeout ({timeout_hint})."
        )
    return None


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _scrub_request(request: Any) -> None:
    """Mask the token, verifier and signature in a sent request's ``Authorization`` header.

    Errors keep ``.response`` (and with it ``.response.request``) for debugging; what was
    signed must not be readable there, while ``oauth_timestamp`` stays for the skew check.
    """
    headers = getattr(request, "headers", None)
    value = headers.get("Authorization") if headers is not None else None
    if headers is not None and value:
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        headers["Authorization"] = mask_oauth_fields(text)


def _unknown_outcome(
    method: str, what: str, how: str, response: requests.Response | None = None
) -> OrderStatusUnknownError:
    return OrderStatusUnknownError(
        f"{what} ({method}) {how} and was NOT retried: E*TRADE may or may not have acted on it. "
        "Before sending it again, check what happened (for an order: session.get("
        "'/v1/accounts/{accountIdKey}/orders') lists your orders).",
        response=response,
    )


def new_http_session(pool_size: int = 16, *, trust_env: bool = True) -> requests.Session:
    """A requests session with a keep-alive pool sized for a few concurrent calls.

    ``trust_env=False`` ignores proxy variables and ``.netrc``: used for the loopback emulator,
    which a corporate ``HTTP_PROXY`` could not reach.
    """
    http = requests.Session()
    http.trust_env = trust_env
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    http.headers["User-Agent"] = "etrade-nb"
    return http
