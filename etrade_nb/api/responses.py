"""Read E*TRADE's answers: token bodies, JSON documents and the many shapes of its errors.

E*TRADE reports OAuth problems as ``oauth_problem=<code>`` in a ``WWW-Authenticate`` header, a
Tomcat HTML page, or a JSON ``{"Error": {"message": "oauth_problem=..."}}``; API problems as
``{"Error": {"code", "message"}}`` (or the XML equivalent), sometimes with HTTP 500.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, unquote

import requests

from ..errors import (
    AccessTokenExpiredError,
    ApiError,
    AuthError,
    ConsumerKeyRejectedError,
    EtradeError,
    ResponseFormatError,
    SignatureRejectedError,
    TimestampRefusedError,
    TokenRejectedError,
)
from ..oauth.log_filter import redact

_PROBLEM = re.compile(r"oauth_problem=\"?([A-Za-z_]+)")
_ACCEPTABLE = re.compile(r"oauth_acceptable_timestamps=\"?(\d+)\s*-\s*(\d+)")
_XML_ERROR = re.compile(
    r"<Error>.*?(?:<code>\s*([^<]*?)\s*</code>)?.*?<message>\s*([^<]*?)\s*</message>", re.S
)
_TIMESTAMP_SENT = re.compile(r"oauth_timestamp=\"?(\d+)")
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_INVALID_SESSION = re.compile(r"invalid consumer key and/or session token", re.I)


def snippet(text: str, limit: int = 120) -> str:
    """A short, one-line, secret-free excerpt of a response body for error messages."""
    flat = _SPACE.sub(" ", _TAGS.sub(" ", text)).strip()
    flat = redact(flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def is_transient(response: requests.Response) -> bool:
    """True for a server failure worth retrying; False for auth problems dressed as 5xx."""
    head = response.text[:4000]
    return "oauth_problem" not in head and not _INVALID_SESSION.search(head)


def is_rate_limited(response: requests.Response) -> bool:
    """E*TRADE's over-the-limit answer: HTTP 400 "Number of requests exceeded the rate limit"."""
    return response.status_code == 400 and "exceeded the rate limit" in response.text[:4000].lower()


def parse_token_body(response: requests.Response) -> dict[str, str]:
    """The fields of a form-encoded token response, percent-decoded exactly once."""
    text = response.text.strip()
    pairs = parse_qsl(text, keep_blank_values=True)
    names = [name for name, _ in pairs]
    twice = sorted({n for n in names if n.startswith("oauth_token") and names.count(n) > 1})
    if twice:
        raise ResponseFormatError(
            f"E*TRADE's token response has more than one {', '.join(twice)}, so it is not clear "
            "which to use. Try again in a minute; if it persists, E*TRADE may be in "
            "maintenance.",
            response=response,
        )
    fields = dict(pairs)
    if not fields.get("oauth_token") or not fields.get("oauth_token_secret"):
        raise ResponseFormatError(
            f"E*TRADE's token response has no oauth_token/oauth_token_secret "
            f"(HTTP {response.status_code}: {snippet(text)!r}). Try again in a minute; "
            "if it persists, E*TRADE may be in maintenance.",
            response=response,
        )
    return fields


def oauth_problem(response: requests.Response) -> tuple[str, str] | None:
    """``(problem, where-it-was-found text)`` from the header, JSON or HTML body, if any."""
    header = response.headers.get("WWW-Authenticate", "")
    for source in (header, response.text[:4000]):
        found = _PROBLEM.search(unquote(source))
        if found:
            return found.group(1), unquote(source)
    return None


def _sent_timestamp(response: requests.Response) -> int | None:
    request = response.request
    raw: str | bytes = request.headers.get("Authorization", "") if request is not None else ""
    auth = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    found = _TIMESTAMP_SENT.search(auth)
    return int(found.group(1)) if found else None


def clock_skew(response: requests.Response, source: str) -> float | None:
    """Seconds this machine's clock is ahead of E*TRADE's (negative: behind), if measurable."""
    sent = _sent_timestamp(response)
    if sent is None:
        return None
    window = _ACCEPTABLE.search(source)
    if window:
        low, high = int(window.group(1)), int(window.group(2))
        return sent - (low + high) / 2
    date = response.headers.get("Date")
    if date:
        from email.utils import parsedate_to_datetime

        try:
            return sent - parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError):
            return None
    return None


def auth_error(response: requests.Response, problem: str, source: str, *, env: str) -> AuthError:
    """The error for an ``oauth_problem`` code, with what to do next."""
    if problem == "signature_invalid":
        return SignatureRejectedError(
            "E*TRADE rejected the request signature (signature_invalid). Check the consumer "
            f"secret, and that these keys are {env} keys (sandbox and live keys differ).",
            problem=problem,
            response=response,
        )
    if problem.startswith("consumer_key"):
        return ConsumerKeyRejectedError(
            f"E*TRADE rejected the consumer key ({problem}). Check that it is a {env} key and "
            "still active on E*TRADE's developer portal (keys can expire; regenerating takes "
            "a few days).",
            problem=problem,
            response=response,
        )
    if problem == "timestamp_refused":
        skew = clock_skew(response, source)
        measured = f" This computer's clock is off by about {skew:+.0f} s." if skew else ""
        return TimestampRefusedError(
            f"E*TRADE refused the request time (timestamp_refused).{measured} Synchronise the "
            "system clock (e.g. enable NTP) and try again.",
            skew_seconds=skew,
            response=response,
        )
    if problem == "token_expired":
        return AccessTokenExpiredError(
            "The E*TRADE token has expired (token_expired). Log in again.",
            problem=problem,
            response=response,
        )
    if problem in ("token_rejected", "token_revoked", "token_used", "nonce_used"):
        return TokenRejectedError(
            f"E*TRADE rejected the token ({problem}). It was revoked, replaced by a newer "
            "login, or belongs to the other environment. Log in again.",
            problem=problem,
            response=response,
        )
    return AuthError(
        f"E*TRADE refused the OAuth request ({problem}). This is likely a bug in etrade-nb; "
        "please report it with the problem code.",
        problem=problem,
        response=response,
    )


def _error_document(response: requests.Response) -> tuple[Any, str] | None:
    """``(code, message)`` from ``{"Error": ...}`` JSON or ``<Error>`` XML, if present."""
    text = response.text
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        err = doc.get("Error") if isinstance(doc, dict) else None
        if isinstance(err, dict):
            return err.get("code"), str(err.get("message", "")).strip()
        return None
    found = _XML_ERROR.search(text[:4000])
    if found:
        return found.group(1), found.group(2)
    return None


def error_for(response: requests.Response, *, env: str) -> EtradeError:
    """The :class:`EtradeError` that an unsuccessful response stands for."""
    status = response.status_code
    found = oauth_problem(response)
    if found:  # E*TRADE reports OAuth problems with 401, 400 and sometimes 500
        return auth_error(response, found[0], found[1], env=env)
    doc = _error_document(response)
    if doc is not None:
        code, message = doc
        if _INVALID_SESSION.search(message):
            return TokenRejectedError(
                f"E*TRADE says: {message} (HTTP {status}). Log in again; if it persists, "
                f"check that your keys are {env} keys.",
                response=response,
            )
        hint = (
            "E*TRADE may be busy or in maintenance; try again shortly."
            if status >= 500
            else "Check the request's parameters against E*TRADE's API documentation."
        )
        label = f"E*TRADE error {code}" if code not in (None, "") else "E*TRADE error"
        return ApiError(
            f"{label}: {redact(message)} (HTTP {status}). {hint}",
            code=code,
            status=status,
            response=response,
        )
    if is_rate_limited(response):
        return ApiError(
            "E*TRADE says the number of requests exceeded the rate limit (HTTP 400), so it did "
            "NOT act on this request. Slow down (e.g. Session(rate_limit=2) for quotes, or "
            "pause between calls) and try again in a few seconds.",
            status=status,
            response=response,
        )
    return ApiError(
        f"E*TRADE answered HTTP {status}: {snippet(response.text)!r}. "
        + ("Try again shortly." if status >= 500 else "Check the request path and parameters."),
        status=status,
        response=response,
    )


def decode_json(response: requests.Response) -> Any:
    """The JSON document of a successful response; ``None`` for 204 No Content."""
    if response.status_code == 204 or not response.content:
        return None
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):
        kind = "an HTML page" if "<html" in response.text[:500].lower() else "a non-JSON body"
        raise ResponseFormatError(
            f"E*TRADE answered {kind} instead of JSON (HTTP {response.status_code}): "
            f"{snippet(response.text)!r}. It may be in maintenance; try again shortly.",
            response=response,
        ) from None
