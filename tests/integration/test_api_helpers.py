"""Every API helper against the running emulator: real signatures, real paging, real orders."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from etrade_nb import (
    NO_STORE,
    InvalidOrderError,
    OAuthFlow,
    OrderStatusUnknownError,
    limit_order,
    market_order,
    stop_order,
)
from etrade_nb.emulator import EmulatorClock
from etrade_nb.oauth.tokens import EASTERN


def _calls(emulator, fragment: str, method: str = "GET") -> list:
    return [r for r in emulator.log if r.method == method and fragment in r.path]


def _today(clock) -> date:
    return datetime.fromtimestamp(clock(), EASTERN).date()


@pytest.fixture
def account(session) -> dict:
    """The first open brokerage account, as listed."""
    return next(a for a in session.accounts() if a.get("accountStatus") != "CLOSED")


def test_accounts_by_number_and_key(session, account, emulator):
    frame = session.accounts(as_frame=True)
    assert account["accountIdKey"] in frame.index
    by_number = session.balance(account["accountId"])
    by_key = session.balance(account["accountIdKey"])
    assert by_number["accountId"] == by_key["accountId"] == account["accountId"]
    assert "Computed" in by_number
    assert len(_calls(emulator, "/v1/accounts/list")) == 2  # accounts() and one lookup


@pytest.mark.parametrize(
    "view", ["QUICK", "PERFORMANCE", "FUNDAMENTAL", "OPTIONSWATCH", "COMPLETE"]
)
def test_portfolio_every_view_as_a_frame(session, account, view):
    frame = session.portfolio(account["accountId"], view=view, as_frame=True)
    assert len(frame) > 0 and frame.index.name == "positionId"
    assert {"symbol", "quantity", "marketValue"} <= set(frame.columns)
    assert frame["marketValue"].dtype == "float64"


def test_portfolio_pages_and_lots(session, account, emulator):
    everything = session.portfolio(account["accountIdKey"])
    positions = [p for part in everything["AccountPortfolio"] for p in part["Position"]]
    small = session.portfolio(account["accountIdKey"], count=2)
    paged = [p for part in small["AccountPortfolio"] for p in part["Position"]]
    assert [p["positionId"] for p in paged] == [p["positionId"] for p in positions]
    assert len(_calls(emulator, "/portfolio")) == 1 + math.ceil(len(positions) / 2)
    lots = session.position_lots(account["accountIdKey"], positions[0]["positionId"], as_frame=True)
    assert len(lots) >= 1 and lots.index.name == "positionLotId"


def test_portfolio_with_quotes(session, account):
    frame = session.portfolio(account["accountIdKey"], as_frame=True, with_quotes=True)
    assert len(frame) and frame["quote.lastTrade"].notna().all()  # options too


def test_two_years_of_transactions_in_full_pages(session, account, emulator, clock):
    end = _today(clock)
    start = end - timedelta(days=365 * 2 - 1)
    frame = session.transactions(account["accountIdKey"], start, end, as_frame=True)
    assert len(frame) > 50 and frame.index.is_unique
    assert frame["transactionDate"].dt.tz is not None and frame["amount"].dtype == "float64"
    pages = _calls(emulator, "/transactions")
    assert len(pages) == math.ceil(len(frame) / 50)
    assert all(p.query.get("count") == "50" for p in pages)
    first = frame.index[0]
    details = session.transaction(account["accountIdKey"], first)
    assert str(details["transactionId"]) == first


@pytest.mark.parametrize(
    ("detail", "column"),
    [
        ("ALL", "lastTrade"),
        ("FUNDAMENTAL", "eps"),
        ("INTRADAY", "lastTrade"),
        ("WEEK_52", "high52"),
    ],
)
def test_quotes_every_detail_flag(session, detail, column):
    frame = session.quotes(["AAPL", "MSFT"], detail, as_frame=True)
    assert list(frame.index) == ["AAPL", "MSFT"] and column in frame.columns


def test_mutual_fund_quote(session):
    frame = session.quotes("VFIAX", "MF_DETAIL", as_frame=True)
    assert list(frame.index) == ["VFIAX"] and "netAssetValue" in frame.columns


def test_option_expirations_chain_and_option_quotes(session):
    expiries = session.option_expirations("AAPL", as_frame=True)
    assert len(expiries) >= 2
    expiry = expiries.index[0].date()
    chain = session.option_chain("AAPL", expiry, strikes=6, as_frame=True)
    assert len(chain) > 0 and chain.index.name == "osiKey"
    assert {"CALL", "PUT"} == set(chain["optionType"])
    assert chain["delta"].notna().all() and chain["strikePrice"].dtype == "float64"
    call = chain[chain["optionType"] == "CALL"].iloc[0]
    symbol = f"AAPL:{expiry.year}:{expiry.month}:{expiry.day}:CALL:{call['strikePrice']}"
    quote = session.quotes(symbol, "OPTIONS", as_frame=True)
    assert len(quote) == 1


def test_lookup(session):
    found = session.lookup("Apple", as_frame=True)
    assert "AAPL" in found.index


def test_preview_place_list_cancel(session, account, emulator, clock):
    key = account["accountIdKey"]
    order = limit_order("AAPL", "BUY", 5, 1.0)  # far below the market: stays open
    preview = session.preview_order(account["accountId"], order)
    assert preview.preview_ids and preview.estimated_total and preview.estimated_total > 0
    assert preview.estimated_commission is not None
    placed = preview.place()
    assert placed.order_id is not None
    open_orders = session.orders(key, status="OPEN", as_frame=True)
    assert placed.order_id in open_orders.index.get_level_values("orderId")
    row = open_orders.loc[(placed.order_id, 1)]
    assert (row["symbol"], row["orderAction"], int(row["orderedQuantity"])) == ("AAPL", "BUY", 5)
    session.cancel_order(key, placed.order_id)
    status = session.order(key, placed.order_id)["OrderDetail"][0]["status"]
    assert status in ("CANCEL_REQUESTED", "CANCELLED")
    today = _today(clock)
    listed = session.orders(key, start=today - timedelta(days=1), end=today + timedelta(days=1))
    assert placed.order_id in [o["orderId"] for o in listed]


def test_change_an_open_order(session, account):
    key = account["accountIdKey"]
    placed = session.preview_order(key, limit_order("MSFT", "BUY", 2, 1.0)).place()
    change = session.preview_change(key, placed.order_id, limit_order("MSFT", "BUY", 2, 1.5))
    replaced = change.place()
    assert replaced.order_id is not None and replaced.order_id != placed.order_id
    detail = session.order(key, replaced.order_id)["OrderDetail"][0]
    assert float(detail["limitPrice"]) == 1.5


def test_market_and_stop_orders_preview(session, account):
    for order in (market_order("AAPL", "BUY", 1), stop_order("AAPL", "SELL", 1, 1.0)):
        preview = session.preview_order(account["accountIdKey"], order)
        assert preview.preview_ids


def test_a_lost_place_is_found_by_its_client_order_id(session, account, emulator):
    key = account["accountIdKey"]
    order = limit_order("AAPL", "BUY", 3, 1.0)
    preview = session.preview_order(key, order)
    emulator.faults.fail_next(
        1, path_prefix=f"/v1/accounts/{key}/orders/place", after_processing=True, mode="reset"
    )
    with pytest.raises(OrderStatusUnknownError) as caught:
        preview.place()
    assert caught.value.client_order_id == order.client_order_id
    assert len(_calls(emulator, "/orders/place", "POST")) == 1
    found = session.find_order(order.client_order_id)
    assert found is not None and "clientOrderId" not in found  # found by content
    assert found["OrderDetail"][0]["Instrument"][0]["Product"]["symbol"] == "AAPL"
    with pytest.raises(InvalidOrderError, match="already placed"):
        session.place_order(key, order, preview_id=preview.preview_ids)
    assert len(_calls(emulator, "/orders/place", "POST")) == 1


def test_a_place_lost_before_reaching_etrade_is_reported_absent_then_sent(
    session, account, emulator
):
    key = account["accountIdKey"]
    earlier = session.preview_order(key, limit_order("IBM", "BUY", 4, 1.0)).place()
    order = limit_order("IBM", "BUY", 4, 1.0)  # the same order again, a new clientOrderId
    preview = session.preview_order(key, order)
    emulator.faults.fail_next(1, path_prefix=f"/v1/accounts/{key}/orders/place", mode="reset")
    with pytest.raises(OrderStatusUnknownError):
        preview.place()
    with pytest.raises(InvalidOrderError, match="find_order"):
        preview.place()  # nothing is sent again before find_order answers
    assert session.find_order(order.client_order_id) is None  # not `earlier`: it never arrived
    placed = preview.place()
    assert placed.order_id not in (None, earlier.order_id)


def test_find_order_uses_etrades_clock_not_a_skewed_local_one(
    emulator, emulator_env, clock, fast_retry
):
    ahead = EmulatorClock(start=clock() + 90)  # 90 s fast: E*TRADE accepts up to 300 s
    flow = OAuthFlow(store=NO_STORE, clock=ahead, retry=fast_retry, timeout=10)
    token = parse_qs(urlsplit(flow.start()).query)["token"][0]
    session = flow.finish(emulator.approve_token(token))
    key = session.accounts()[1]["accountIdKey"]
    order = limit_order("F", "BUY", 7, 1.0)
    preview = session.preview_order(key, order)
    emulator.faults.fail_next(
        1, path_prefix=f"/v1/accounts/{key}/orders/place", after_processing=True, mode="reset"
    )
    with pytest.raises(OrderStatusUnknownError):
        preview.place()
    found = session.find_order(order.client_order_id)
    assert found is not None and found["orderId"] == session.orders(key)[0]["orderId"]
    assert abs(session.server_time() - clock()) < 2  # the Date header, not the local clock


def test_alerts(session):
    alerts = session.alerts(as_frame=True)
    assert len(alerts) > 0 and alerts["createTime"].dt.tz is not None
    first = int(alerts.index[0])
    assert session.alert(first)["id"] == first
    result = session.delete_alerts([first])
    assert result.get("result") == "SUCCESS"
    assert first not in session.alerts(as_frame=True).index
