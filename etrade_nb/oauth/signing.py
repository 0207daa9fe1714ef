"""OAuth 1.0a signing for E*TRADE on top of requests-oauthlib: HMAC-SHA1, header only.

All OAuth parameters travel in the ``Authorization`` header (percent-encoded by oauthlib);
the timestamp comes from an injectable clock so that tests and skewed machines are exact.
The consumer secret, the token, the token secret and the verifier stay
:class:`~etrade_nb.secret.Secret` inside the signer and are revealed only to the thread that
computes a signature, while it does.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import oauthlib.oauth1
from requests_oauthlib import OAuth1

from ..secret import Secret, reveal
from .log_filter import install_log_filter
from .tokens import Clock

_signing = threading.local()
"""``depth`` > 0 while this thread computes a signature (the only time values are plain)."""


def _secret_attribute(name: str) -> property:
    """An attribute that oauthlib reads as a plain string while it signs, stored as a Secret.

    Anyone else (a debugger's variable panel expanding the session's auth object, another
    thread, ``inspect.getmembers``) reads the :class:`Secret`, which shows ``***``.
    """
    slot = f"_{name}"

    def get(self: Any) -> str | Secret | None:
        value: Secret | None = getattr(self, slot, None)
        return reveal(value) if getattr(_signing, "depth", 0) else value

    def set_(self: Any, value: str | Secret | None) -> None:
        object.__setattr__(self, slot, Secret.of(value))

    return property(get, set_)


class _ClockedClient(oauthlib.oauth1.Client):
    """oauthlib's client with ``oauth_timestamp`` from ``clock`` and secrets kept masked."""

    client_secret = _secret_attribute("client_secret")
    resource_owner_key = _secret_attribute("resource_owner_key")  # the token signs too
    resource_owner_secret = _secret_attribute("resource_owner_secret")
    verifier = _secret_attribute("verifier")

    def __init__(self, *args: Any, clock: Clock = time.time, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def sign(self, *args: Any, **kwargs: Any) -> Any:
        """oauthlib's ``sign``, with this thread seeing plain values for its duration."""
        _signing.depth = getattr(_signing, "depth", 0) + 1
        try:
            return super().sign(*args, **kwargs)
        finally:
            _signing.depth -= 1

    def get_oauth_params(self, request: Any) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = super().get_oauth_params(request)  # type: ignore[no-untyped-call]
        if self.timestamp is not None:
            return params
        stamp = str(int(self._clock()))
        return [(k, stamp if k == "oauth_timestamp" else v) for k, v in params]

    def __repr__(self) -> str:
        return "<etrade_nb OAuth1 client>"


class SignedHeader(str):
    """The ``Authorization`` value as sent, whose ``repr`` is ``'OAuth ***'``.

    requests, urllib3 and http.client send its characters; the frames that hold it while a
    call waits for its answer (shown with their values by ``%xmode Verbose`` after an
    Interrupt, or by a debugger) print the mask instead of the token and the verifier.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'OAuth ***'"


class _SignedBytes(bytes):
    __slots__ = ()

    def __repr__(self) -> str:
        return "b'OAuth ***'"


class _Signer(OAuth1):  # type: ignore[misc]  # requests-oauthlib has no types
    """requests-oauthlib's ``OAuth1`` with a repr that names nothing, whose signed header
    hides itself from reprs (:class:`SignedHeader`)."""

    def __call__(self, r: Any) -> Any:
        r = super().__call__(r)
        value = r.headers.get("Authorization")
        if isinstance(value, bytes):
            r.headers["Authorization"] = _SignedBytes(value)
        elif isinstance(value, str):
            r.headers["Authorization"] = SignedHeader(value)
        return r

    def __repr__(self) -> str:
        return "<etrade_nb OAuth1 signer (HMAC-SHA1, header)>"


def oauth1(
    consumer_key: str,
    consumer_secret: str | Secret,
    *,
    token: str | Secret | None = None,
    token_secret: str | Secret | None = None,
    verifier: str | Secret | None = None,
    callback: str | None = None,
    clock: Clock = time.time,
) -> OAuth1:
    """A requests auth object that signs each request with HMAC-SHA1 in the header."""
    install_log_filter()
    return _Signer(
        consumer_key,
        client_secret=Secret(consumer_secret),
        resource_owner_key=Secret.of(token),
        resource_owner_secret=Secret.of(token_secret),
        verifier=Secret.of(verifier),
        callback_uri=callback,
        signature_method=oauthlib.oauth1.SIGNATURE_HMAC,
        signature_type=oauthlib.oauth1.SIGNATURE_TYPE_AUTH_HEADER,
        client_class=_ClockedClient,
        clock=clock,
    )
