"""Check an incoming request's OAuth 1.0a parameters and HMAC-SHA1 signature (RFC 5849 §3.2).

Order of checks: parameter placement and presence (400), signature method and version (400),
timestamp window, consumer key, token lookup, signature, nonce (401).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import signing
from .messages import OAuthProblem, Request
from .state import TIMESTAMP_WINDOW, AccessToken, Consumer, RequestToken, State, Stats

_BASE = ("oauth_consumer_key", "oauth_nonce", "oauth_timestamp", "oauth_signature_method")
REQUIRED = {
    "request_token": (*_BASE, "oauth_signature", "oauth_callback"),
    "access_token": (*_BASE, "oauth_signature", "oauth_token", "oauth_verifier"),
    "access": (*_BASE, "oauth_signature", "oauth_token"),
}


@dataclass
class Verified:
    consumer: Consumer
    oauth: dict[str, str]
    request_token: RequestToken | None = None
    access_token: AccessToken | None = None


def _rejected(*names: str) -> OAuthProblem:
    return OAuthProblem(
        "parameter_rejected", 400, oauth_parameters_rejected="&".join(sorted(set(names)))
    )


def _collect(req: Request) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Return (oauth params, every parameter that enters the base string, §3.4.1.3.1)."""
    try:
        query = signing.parse_form(req.query)
        header: list[tuple[str, str]] = []
        auth = req.headers.get("authorization", "")
        if auth[:6].lower() == "oauth ":
            header = signing.parse_authorization_header(auth)
        body: list[tuple[str, str]] = []
        ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded" and req.body:
            body = signing.parse_form(req.body.decode("utf-8"))
    except signing.HeaderParameterError as error:
        raise _rejected(error.name) from None
    except (ValueError, UnicodeDecodeError):
        raise OAuthProblem("parameter_rejected", 400) from None
    header = [(k, v) for k, v in header if k != "realm"]
    stray = [k for k, _ in header if not k.startswith("oauth_")]
    if stray:  # §3.5.1: only protocol parameters belong in the header
        raise _rejected(*stray)
    # §3.5: the header, a form-encoded body (rauth's POST token calls) or the query (the
    # official sample), one transmission method per request (reference §1.4).
    in_query = [(k, v) for k, v in query if k.startswith("oauth_")]
    in_body = [(k, v) for k, v in body if k.startswith("oauth_")]
    places = [p for p in (header, in_body, in_query) if p]
    if len(places) > 1:
        raise _rejected(*(k for p in places[1:] for k, _ in p))
    pairs = places[0] if places else []
    names = [k for k, _ in pairs]
    if len(names) != len(set(names)):  # §3.1: each protocol parameter at most once
        raise _rejected(*(n for n in names if names.count(n) > 1))
    signed = [(k, v) for k, v in query + body + header if k != "oauth_signature"]
    return dict(pairs), signed


def verify(req: Request, step: str, state: State, stats: Stats) -> Verified:
    """Verify ``req`` for ``step`` (``request_token``, ``access_token`` or ``access``).

    Raises ``OAuthProblem``. On success the nonce is recorded; token *state* (approved,
    expired, idle) is left to the endpoint.
    """
    oauth, signed = _collect(req)
    _check_parameters(oauth, step)
    timestamp = _check_timestamp(oauth["oauth_timestamp"], state.clock())
    result, token_secret = _signer(oauth, step, state)
    consumer = result.consumer

    # §3.4.1.2: the base string URI as the client addressed us (Host header + raw path).
    uri = signing.base_string_uri("http", req.headers.get("host", ""), req.path)
    base = signing.signature_base_string(req.method, uri, signed)
    if not signing.verify_hmac_sha1(oauth["oauth_signature"], base, consumer.secret, token_secret):
        stats.bump("signatures_rejected")
        raise OAuthProblem("signature_invalid")
    # §3.3: the nonce must be unique for this consumer key and timestamp.
    if not state.use_nonce(consumer.key, timestamp, oauth["oauth_nonce"]):
        stats.bump("nonce_reuse_rejected")
        raise OAuthProblem("nonce_used")
    return result


def _check_parameters(oauth: dict[str, str], step: str) -> None:
    """The required parameters are there, with the values E*TRADE accepts."""
    absent = [n for n in REQUIRED[step] if not oauth.get(n)]
    if absent:
        raise OAuthProblem("parameter_absent", 400, oauth_parameters_absent="&".join(absent))
    if oauth["oauth_signature_method"] != "HMAC-SHA1":
        raise OAuthProblem("signature_method_rejected", 400)
    if "oauth_version" in oauth and oauth["oauth_version"] != "1.0":
        raise OAuthProblem("version_rejected", 400, oauth_acceptable_versions="1.0-1.0")
    if step == "request_token" and oauth["oauth_callback"] != "oob":
        raise _rejected("oauth_callback")  # E*TRADE: "must always be set to 'oob'"


def _check_timestamp(text: str, now: float) -> int:
    """``oauth_timestamp`` as an int, within the window around ``now``."""
    if not text.isascii() or not text.isdigit():
        raise _rejected("oauth_timestamp")
    timestamp = int(text)
    if abs(timestamp - now) > TIMESTAMP_WINDOW:
        low, high = int(now - TIMESTAMP_WINDOW), int(now + TIMESTAMP_WINDOW)
        raise OAuthProblem("timestamp_refused", oauth_acceptable_timestamps=f"{low}-{high}")
    return timestamp


def _signer(oauth: dict[str, str], step: str, state: State) -> tuple[Verified, str]:
    """Who signed: the consumer and, past the first step, its token (with its secret)."""
    with state.lock:
        consumer = state.consumers.get(oauth["oauth_consumer_key"])
        if consumer is None:
            raise OAuthProblem("consumer_key_rejected")
        result = Verified(consumer, oauth)
        token_secret = ""
        if step == "access_token":
            rt = state.request_tokens.get(oauth["oauth_token"])
            if rt is None or rt.consumer_key != consumer.key:
                raise OAuthProblem("token_rejected")
            result.request_token, token_secret = rt, rt.secret
        elif step == "access":
            at = state.access_tokens.get(oauth["oauth_token"])
            if at is None or at.consumer_key != consumer.key:
                raise OAuthProblem("token_rejected")
            result.access_token, token_secret = at, at.secret
    return result, token_secret


def check_access_token(at: AccessToken, now: float, *, allow_inactive: bool = False) -> None:
    """Revoked → token_rejected; past midnight ET → token_expired; idle > 2 h → token_expired."""
    if at.revoked:
        raise OAuthProblem("token_rejected")
    if at.expired(now):
        raise OAuthProblem("token_expired")
    if at.inactive(now) and not allow_inactive:
        raise OAuthProblem("token_expired")
