"""Fault matrix against the emulator's switches: what the user sees, and that nothing is lost.

Each test asserts the exception type, that its message says what to do next, what the
emulator saw (so no request was silently repeated or dropped), and that the session still
works once the fault is gone.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from etrade_nb import (
    NO_STORE,
    AccessTokenExpiredError,
    AccessTokenInactiveError,
    FileTokenStore,
    OAuthFlow,
    OrderStatusUnknownError,
    RequestTimeoutError,
    ResponseFormatError,
    ServiceUnavailableError,
    Session,
    TimestampRefusedError,
)
from etrade_nb.oauth.tokens import IDLE_LIMIT

pytestmark = pytest.mark.timeout(60)


def _login(flow: OAuthFlow, emulator) -> Session:
    token = parse_qs(urlsplit(flow.start()).query)["token"][0]
    return flow.finish(emulator.approve_token(token))


def _account(session: Session) -> str:
    """The Roth IRA: the emulator seeds an order history in the first account, none here."""
    return session.accounts()[1]["accountIdKey"]


def _order(client_id: str) -> dict:
    return {
        "orderType": "EQ",
        "clientOrderId": client_id,
        "Order": [
            {
                "priceType": "LIMIT",
                "limitPrice": 100,
                "orderTerm": "GOOD_FOR_DAY",
                "marketSession": "REGULAR",
                "Instrument": [
                    {
                        "Product": {"securityType": "EQ", "symbol": "AAPL"},
                        "orderAction": "BUY",
                        "quantityType": "QUANTITY",
                        "quantity": 1,
                    }
                ],
            }
        ],
    }


def _preview(session: Session, account: str, client_id: str) -> dict:
    doc = session.post(
        f"/v1/accounts/{account}/orders/preview",
        json={"PreviewOrderRequest": _order(client_id)},
    )
    preview_ids = doc["PreviewOrderResponse"]["PreviewIds"]
    return {"PlaceOrderRequest": {**_order(client_id), "PreviewIds": preview_ids}}


def _count(emulator, method: str, path: str) -> int:
    """Requests that reached the emulator (counted on arrival, before any fault fires)."""
    counts = dict(emulator.stats.requests_by_path)
    return sum(
        n for key, n in counts.items() if key in (f"{method} {path}", f"{method} {path}.json")
    )


def _order_ids(session: Session, account: str) -> list[int]:
    """The account's orders (the Roth IRA has no history: only what the test placed)."""
    doc = session.get(f"/v1/accounts/{account}/orders") or {}
    orders = doc.get("OrdersResponse", {}).get("Order", [])
    return [o["orderId"] for o in orders]


# -- idle and expiry ------------------------------------------------------------------------


def test_client_side_idle_token_is_renewed_once(session, emulator, clock):
    clock.advance(IDLE_LIMIT + 5)
    assert session.accounts()
    assert session.accounts()
    assert emulator.stats.renewals == 1
    assert _count(emulator, "GET", "/oauth/renew_access_token") == 1


def test_server_side_idle_token_is_renewed_once_and_the_get_resent(session, emulator):
    emulator.idle_access_tokens()
    assert session.accounts()
    assert emulator.stats.renewals == 1
    assert _count(emulator, "GET", "/v1/accounts/list") == 2  # refused once, then answered


def test_idle_token_on_post_is_renewed_but_the_order_is_not_resent(session, emulator):
    account = _account(session)
    place = _preview(session, account, "idle1")
    emulator.idle_access_tokens()
    with pytest.raises(AccessTokenInactiveError, match=r"NOT act on it.*send it again"):
        session.post(f"/v1/accounts/{account}/orders/place", json=place)
    assert emulator.stats.renewals == 1
    assert emulator.stats.orders_placed == 0
    assert _count(emulator, "POST", f"/v1/accounts/{account}/orders/place") == 1
    session.post(f"/v1/accounts/{account}/orders/place", json=place)  # the user re-sends
    assert len(_order_ids(session, account)) == 1


def test_midnight_expiry_asks_for_a_new_login(session, emulator, clock):
    before = emulator.stats.requests
    clock.set(session.expires_at + 1)
    with pytest.raises(AccessTokenExpiredError, match=r"midnight.*Log in again with %etrade_login"):
        session.accounts()
    assert emulator.stats.requests == before  # known locally: nothing sent


def test_server_side_expiry_cannot_be_renewed_away(session, emulator):
    emulator.expire_access_tokens()
    with pytest.raises(AccessTokenExpiredError, match="Log in again"):
        session.accounts()
    assert emulator.stats.renewals == 0


# -- 5xx and connection resets ----------------------------------------------------------------


@pytest.mark.parametrize("mode", ["status", "reset"])
def test_get_failures_are_retried_with_backoff_then_reported(session, emulator, fast_retry, mode):
    emulator.faults.fail_next(2, status=503, path_prefix="/v1/accounts/list", mode=mode)
    assert session.accounts()
    assert fast_retry.sleep == [0.5, 1.0]
    assert _count(emulator, "GET", "/v1/accounts/list") == 3

    fast_retry.sleep.clear()
    emulator.faults.fail_next(50, status=500, path_prefix="/v1/accounts/list", mode=mode)
    with pytest.raises(ServiceUnavailableError, match=r"4 times.*try again"):
        session.accounts()
    assert fast_retry.sleep == [0.5, 1.0, 2.0]
    assert _count(emulator, "GET", "/v1/accounts/list") == 3 + 4
    emulator.faults.reset()
    assert session.accounts()


@pytest.mark.parametrize("mode", ["status", "reset"])
@pytest.mark.parametrize("after_processing", [False, True])
def test_place_order_is_never_retried(session, emulator, fast_retry, mode, after_processing):
    account = _account(session)
    place_path = f"/v1/accounts/{account}/orders/place"
    place = _preview(session, account, f"ord{mode[0]}{int(after_processing)}")
    emulator.faults.fail_next(
        1, status=500, path_prefix=place_path, after_processing=after_processing, mode=mode
    )
    with pytest.raises(OrderStatusUnknownError) as info:
        session.post(place_path, json=place)
    message = str(info.value)
    assert "may or may not" in message and "NOT retried" in message
    assert "/orders" in message and "check" in message.lower()
    assert _count(emulator, "POST", place_path) == 1
    assert fast_retry.sleep == []
    placed = _order_ids(session, account)
    if after_processing:
        assert len(placed) == 1
        assert emulator.stats.orders_placed == 1
    else:
        assert placed == []
        assert emulator.stats.orders_placed == 0


# -- slow and malformed responses -------------------------------------------------------------


def test_slow_get_times_out_clearly(session, emulator):
    session.timeout = 0.3
    emulator.faults.delay(1.5, n=1)
    with pytest.raises(RequestTimeoutError, match=r"timed out after 0\.3 s.*larger timeout"):
        session.accounts()
    session.timeout = 10
    assert session.accounts()


def test_slow_post_is_reported_as_unknown_outcome(session, emulator):
    account = _account(session)
    place = _preview(session, account, "slow1")
    session.timeout = 0.3
    emulator.faults.delay(1.5, n=1)
    with pytest.raises(OrderStatusUnknownError, match=r"timed out.*may or may not"):
        session.post(f"/v1/accounts/{account}/orders/place", json=place)
    assert _count(emulator, "POST", f"/v1/accounts/{account}/orders/place") == 1
    session.timeout = 10
    for _ in range(40):  # the emulator finishes the slow request after the client gave up
        if emulator.stats.orders_placed:
            break
        time.sleep(0.1)
    assert len(_order_ids(session, account)) == 1  # as the message says: check, not resend
    assert _count(emulator, "POST", f"/v1/accounts/{account}/orders/place") == 1


@pytest.mark.parametrize("kind", ["html", "garbage", "truncated_json"])
def test_malformed_bodies_raise_a_short_secret_free_error(session, emulator, kind):
    emulator.faults.malformed_next(1, kind=kind)
    with pytest.raises(ResponseFormatError) as info:
        session.accounts()
    message = str(info.value)
    assert "instead of JSON" in message and "try again" in message
    assert len(message) < 500  # a short excerpt (at most 120 characters of the body) only
    for secret in (emulator.consumer_secret, session._token.token, session._token.secret.reveal()):
        assert secret not in message
    assert session.accounts()  # the next call is fine


# -- clock skew --------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [600, -600])
def test_clock_skew_is_measured_and_explained(emulator_env, emulator, clock, offset):
    skewed = OAuthFlow(store=NO_STORE, clock=lambda: clock() + offset, timeout=10)
    with pytest.raises(TimestampRefusedError, match="Synchronise the system clock") as info:
        skewed.start()
    assert info.value.skew_seconds is not None
    assert abs(info.value.skew_seconds - offset) <= 2
    assert f"{offset:+.0f} s" in str(info.value)


# -- threads during a renew ------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["client", "server"])
def test_eight_threads_during_a_renew(session, emulator, clock, where):
    if where == "client":
        clock.advance(IDLE_LIMIT + 5)
    else:
        emulator.idle_access_tokens()
    start = threading.Barrier(8)
    errors: list[BaseException] = []
    results: list[object] = []

    def work() -> None:
        try:
            start.wait(timeout=10)
            for _ in range(3):
                results.append(session.accounts())
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(results) == 24 and all(results)
    assert emulator.stats.renewals == 1
    assert emulator.stats.nonce_reuse_rejected == 0
    assert emulator.stats.signatures_rejected == 0


# -- kernel restart with a cached token ----------------------------------------------------


def test_cached_token_survives_a_kernel_restart_until_midnight(
    emulator_env, emulator, clock, tmp_path: Path
):
    store_dir = tmp_path / "tokens"
    first = OAuthFlow(store=FileTokenStore(store_dir), clock=clock, timeout=10)
    _login(first, emulator).accounts()
    assert emulator.stats.access_tokens_issued == 1

    clock.advance(3600)  # "restart the kernel": a new flow object, same store on disk
    second = OAuthFlow(store=FileTokenStore(store_dir), clock=clock, timeout=10)
    cached = second.cached_session()
    assert cached is not None
    assert cached.accounts()
    assert emulator.stats.access_tokens_issued == 1
    assert emulator.stats.request_tokens_issued == 1

    clock.set(cached.expires_at + 60)
    third = OAuthFlow(store=FileTokenStore(store_dir), clock=clock, timeout=10)
    assert third.cached_session() is None
    assert list(store_dir.glob("*.json")) == []
