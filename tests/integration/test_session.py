"""Session against the running emulator: encoding, renew, expiry, retries, threads, secrets."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest

from etrade_nb import (
    AccessTokenExpiredError,
    OrderStatusUnknownError,
    ServiceUnavailableError,
    TokenState,
)
from etrade_nb.oauth.tokens import IDLE_LIMIT

ODD_SYMBOLS = ["BRK.B", "^VIX", "GOOG:2026:12:18:CALL:190.000000", "BF-B"]


def test_special_characters_are_signed_correctly(session, emulator):
    quotes = session.quotes(ODD_SYMBOLS)
    assert len(quotes) == len(ODD_SYMBOLS) and quotes.messages == []
    assert {"BRK.B", "^VIX", "BF-B"} <= {q["Product"]["symbol"] for q in quotes}
    # a query value with spaces, unicode and reserved characters (alerts' free-text search;
    # the emulator now refuses undocumented parameters such as the old "note")
    found = session.get("/v1/user/alerts", params={"search": "é Holdings: S&P 500 +2%/week ="})
    assert [a["subject"] for a in found["AlertsResponse"]["Alert"]] == [
        "Café Holdings: S&P 500 +2%/week = new high"
    ]
    assert emulator.stats.signatures_rejected == 0


def test_quotes_respect_the_25_and_50_limits(session, emulator):
    symbols = [f"SYM{i}" for i in range(120)]
    quotes = session.quotes(symbols)
    assert len(quotes) == 120
    quote_calls = [r for r in emulator.log if r.path.startswith("/v1/market/quote/")]
    assert len(quote_calls) == 3
    session.quotes(symbols[:30], override_symbol_count=False)
    assert len([r for r in emulator.log if r.path.startswith("/v1/market/quote/")]) == 5


def test_idle_token_is_renewed_once_before_the_call(session, emulator, clock):
    clock.advance(IDLE_LIMIT + 5)
    assert session.state is TokenState.INACTIVE
    assert session.accounts()
    assert emulator.stats.renewals == 1
    assert session.state is TokenState.ACTIVE


def test_server_side_idle_is_renewed_and_the_get_retried(session, emulator):
    emulator.idle_access_tokens()  # the client still believes the token is active
    assert session.accounts()
    assert emulator.stats.renewals == 1


def test_midnight_eastern_ends_the_session(session, emulator, clock):
    clock.set(session.expires_at + 1)
    with pytest.raises(AccessTokenExpiredError, match="Log in again"):
        session.accounts()
    with pytest.raises(AccessTokenExpiredError):
        session.renew()


def test_post_is_never_repeated(session, emulator):
    account = session.accounts()[0]["accountIdKey"]
    emulator.faults.fail_next(1, status=500, path_prefix="/v1/accounts", after_processing=True)
    order = {"PlaceOrderRequest": {"orderType": "EQ", "clientOrderId": "abc123"}}
    with pytest.raises(OrderStatusUnknownError, match="may or may not"):
        session.post(f"/v1/accounts/{account}/orders/place", json=order)
    posts = [r for r in emulator.log if r.method == "POST"]
    assert len(posts) == 1


def test_get_retries_are_bounded(session, emulator, fast_retry):
    emulator.faults.fail_next(2, status=503)
    assert session.accounts()
    assert fast_retry.sleep == [0.5, 1.0]
    emulator.faults.fail_next(10, status=500)
    with pytest.raises(ServiceUnavailableError, match="try again"):
        session.accounts()
    assert fast_retry.sleep == [0.5, 1.0, 0.5, 1.0, 2.0]
    emulator.faults.reset()


def test_no_secret_in_reprs_errors_or_debug_logs(flow, emulator, caplog):
    with caplog.at_level(logging.DEBUG):
        url = flow.start()
        from urllib.parse import parse_qs, urlsplit

        token = parse_qs(urlsplit(url).query)["token"][0]
        code = emulator.approve_token(token)
        session = flow.finish(code)
        session.accounts()
        session.renew()
    secrets = [emulator.consumer_secret, code, session._token.token, session._token.secret.reveal()]
    shown = caplog.text + repr(session) + session._repr_html_() + repr(flow) + str(session.status())
    assert "oauth_signature" in caplog.text or "Signing" in caplog.text  # logs really ran
    for secret in secrets:
        assert secret not in shown
        assert quote(secret, safe="") not in shown
