"""OAuth 1.0a signing for E*TRADE on top of requests-oauthlib: HMAC-SHA1, header only.

All OAuth parameters travel in the ``Authorization`` header (percent-encoded by oauthlib);
the timestamp comes from an injectable clock so that tests and skewed machines are exact.
"""

from __future__ import annotations

import time
from typing import Any

import oauthlib.oauth1
from requests_oauthlib import OAuth1

from .redaction import install_log_filter, register_secret
from .tokens import Clock

install_log_filter()


class _ClockedClient(oauthlib.oauth1.Client):
    """oauthlib's client with ``oauth_timestamp`` taken from ``clock``."""

    def __init__(self, *args: Any, clock: Clock = time.time, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_oauth_params(self, request: Any) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = super().get_oauth_params(request)  # type: ignore[no-untyped-call]
        if self.timestamp is not None:
            return params
        stamp = str(int(self._clock()))
        return [(k, stamp if k == "oauth_timestamp" else v) for k, v in params]

    def __repr__(self) -> str:
        return "<etrade_nb OAuth1 client>"


def oauth1(
    consumer_key: str,
    consumer_secret: str,
    *,
    token: str | None = None,
    token_secret: str | None = None,
    verifier: str | None = None,
    callback: str | None = None,
    clock: Clock = time.time,
) -> OAuth1:
    """A requests auth object that signs each request with HMAC-SHA1 in the header."""
    register_secret(consumer_secret, token, token_secret, verifier)
    return OAuth1(
        consumer_key,
        client_secret=consumer_secret,
        resource_owner_key=token,
        resource_owner_secret=token_secret,
        verifier=verifier,
        callback_uri=callback,
        signature_method=oauthlib.oauth1.SIGNATURE_HMAC,
        signature_type=oauthlib.oauth1.SIGNATURE_TYPE_AUTH_HEADER,
        client_class=_ClockedClient,
        clock=clock,
    )
