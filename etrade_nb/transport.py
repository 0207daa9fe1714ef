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
from requests.auth import AuthBase

from .errors import OrderStatusUnknownError, RequestTimeoutError, ServiceUnavailableError
from .redaction import redact
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
        return min(self.max_backoff, self.backoff * (2**attempt))


def _never_sent(exc: requests.RequestException) -> bool:
    """True when the request provably never reached the server (no connection was made)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    text = repr(exc)
    return "NewConnectionError" in text or "NameResolutionError" in text


def send(
    http: requests.Session,
    method: str,
    url: str,
    *,
    auth: AuthBase,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | tuple[float, float],
    policy: RetryPolicy,
    what: str,
) -> requests.Response:
    """Send and return the response; raise a :class:`TransportError` when none arrives."""
    idempotent = method in IDEMPOTENT
    attempts = 1 + (policy.retries if idempotent else 0)
    for attempt in range(attempts):
        last = attempt == attempts - 1
        try:
            response = http.request(
                method, url, params=params, json=json, headers=headers, auth=auth, timeout=timeout
            )
            _scrub(response)
        except requests.Timeout as exc:
            if not idempotent and not _never_sent(exc):
                raise _unknown_outcome(method, what, "timed out") from None
            raise RequestTimeoutError(
                f"{what} timed out after {timeout} s. E*TRADE may be slow right now: try again, "
                "or pass a larger timeout (Session(timeout=60)).",
            ) from None
        except requests.ConnectionError as exc:
            if not idempotent:
                if _never_sent(exc):
                    raise ServiceUnavailableError(
                        f"{what} could not connect to {_host(url)}; nothing was sent. Check the "
                        "network (and HTTPS_PROXY/NO_PROXY if you use a proxy) and try again."
                    ) from None
                raise _unknown_outcome(method, what, "lost its connection") from None
            if last:
                tries = f" {attempts} times" if attempts > 1 else ""
                raise ServiceUnavailableError(
                    f"{what} failed{tries}: no answer from {_host(url)}. Check the network "
                    "(and HTTPS_PROXY/NO_PROXY if you use a proxy), then try again in a minute."
                ) from None
            log.info("%s: connection error, retry %d/%d", what, attempt + 1, policy.retries)
            policy.sleep(policy.delay(attempt))
            continue
        if idempotent and not last and is_rate_limited(response):
            # Refused before any work was done: wait for the next second's budget.
            log.info("%s: rate limited, retry %d/%d", what, attempt + 1, policy.retries)
            response.close()
            policy.sleep(max(1.0, policy.delay(attempt)))
            continue
        if response.status_code in RETRY_STATUSES and is_transient(response):
            if not idempotent:
                raise _unknown_outcome(
                    method, what, f"got HTTP {response.status_code}", response=response
                )
            if last:
                tries = f" {attempts} times" if attempts > 1 else ""
                raise ServiceUnavailableError(
                    f"{what} failed{tries} with HTTP {response.status_code} "
                    f"({snippet(response.text, 80)!r}). E*TRADE may be busy (it happens around "
                    "the market open and close); try again in a minute.",
                    response=response,
                )
            log.info(
                "%s: HTTP %d, retry %d/%d", what, response.status_code, attempt + 1, policy.retries
            )
            response.close()
            policy.sleep(policy.delay(attempt))
            continue
        return response
    raise AssertionError("unreachable")  # pragma: no cover


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _scrub(response: requests.Response) -> None:
    """Mask the token, verifier and signature in the sent ``Authorization`` header.

    Errors keep ``.response`` (and with it ``.response.request``) for debugging; what was
    signed must not be readable there, while ``oauth_timestamp`` stays for the skew check.
    """
    request = response.request
    if request is None:
        return
    value = request.headers.get("Authorization")
    if value:
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        request.headers["Authorization"] = redact(text)


def _unknown_outcome(
    method: str, what: str, how: str, response: requests.Response | None = None
) -> OrderStatusUnknownError:
    return OrderStatusUnknownError(
        f"{what} ({method}) {how} and was NOT retried: E*TRADE may or may not have acted on it. "
        "Before sending it again, check what happened (for an order: session.get("
        "'/v1/accounts/{accountIdKey}/orders') lists your orders).",
        response=response,
    )
