"""Every documented orderType and priceType through the client against the emulator: built,
previewed (legs and net), placed once, listed one row per leg, changed and cancelled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from etrade_nb import (
    NO_STORE,
    InvalidOrderError,
    OAuthFlow,
    OrderStatusUnknownError,
    butterfly,
    buy_write,
    condor,
    fund_order,
    iron_butterfly,
    iron_condor,
    limit_order,
    on_close_order,
    on_open_order,
    pick,
    stop_limit_order,
    stop_order,
    trailing_stop_order,
    vertical_spread,
)
from etrade_nb.api.order_types import today_eastern

MAIN = "dBZOKt9xDrtRSAOl4MSiiA"
IRA = "JIdOIAcSpwR1Jva7RQBraQ"


@pytest.fixture
def chain(session):
    return session.option_chain("IBM", as_frame=True)


def _strike(chain, offset):
    strikes = sorted(set(chain["strikePrice"]))
    near = min(range(len(strikes)), key=lambda i: abs(strikes[i] - chain.attrs["nearPrice"]))
    return strikes[near + offset]


def _c(chain, kind, offset):
    return pick(chain, kind, strike=_strike(chain, offset))


# (builder, far net price keyword: one that cannot fill now)
STRATEGIES = {
    "SPREADS": lambda ch, **p: vertical_spread(_c(ch, "CALL", 0), _c(ch, "CALL", 1), **p),
    "BUY_WRITES": lambda ch, **p: buy_write(_c(ch, "CALL", 1), **p),
    "BUTTERFLY": lambda ch, **p: butterfly(*(_c(ch, "CALL", k) for k in (-1, 0, 1)), **p),
    "IRON_BUTTERFLY": lambda ch, **p: iron_butterfly(
        _c(ch, "PUT", -1), _c(ch, "PUT", 0), _c(ch, "CALL", 0), _c(ch, "CALL", 1), **p
    ),
    "CONDOR": lambda ch, **p: condor(*(_c(ch, "CALL", k) for k in (-2, -1, 1, 2)), **p),
    "IRON_CONDOR": lambda ch, **p: iron_condor(
        _c(ch, "PUT", -2), _c(ch, "PUT", -1), _c(ch, "CALL", 1), _c(ch, "CALL", 2), **p
    ),
}


def _legs_of(frame, order_id):
    rows = frame.loc[order_id]
    return [
        (r.orderAction, int(r.orderedQuantity), r.callPut if r.securityType == "OPTN" else None,
         float(r.strikePrice) if r.securityType == "OPTN" else None)
        for r in rows.itertuples()
    ]  # fmt: skip


def _sent(order):
    return [
        (leg.action, leg.quantity, getattr(leg.security, "call_put", None),
         getattr(leg.security, "strike", None))
        for leg in order.legs
    ]  # fmt: skip


@pytest.mark.parametrize("order_type", list(STRATEGIES))
def test_strategy_round_trip(session, chain, order_type):
    build = STRATEGIES[order_type]
    probe = build(chain)
    far = {"debit": 0.05} if probe.kind == "debit" else {"credit": 45.0}
    order = build(chain, **far)
    preview = session.preview_order(MAIN, order)
    assert [(leg["orderAction"], leg["quantity"]) for leg in preview.legs] == [
        (leg.action, leg.quantity) for leg in order.legs
    ]
    net = 0.05 * 100 if probe.kind == "debit" else -45.0 * 100
    assert preview.estimated_net == pytest.approx(net)
    fees = preview.leg_commissions()
    assert sum(fees) == pytest.approx(preview.estimated_commission)
    text = repr(preview)
    assert f"estimated net {probe.kind}" in text and text.count("\n  leg ") == len(order.legs)
    placed = preview.place()
    with pytest.raises(InvalidOrderError, match="already placed"):
        preview.place()
    frame = session.orders(MAIN, status="OPEN", as_frame=True)
    assert frame.index.names == ["orderId", "leg"]
    assert _legs_of(frame, placed.order_id) == _sent(order)
    first = frame.loc[(placed.order_id, 1)]
    assert first["orderType"] == order_type and first["limitPrice"] == order.limit_price
    doubled: dict[str, Any] = {k: v * 2 for k, v in far.items()}
    better = order.with_price(**doubled)
    change = session.preview_change(MAIN, placed.order_id, better)
    replaced = change.place()
    assert replaced.order_id != placed.order_id
    assert session.order(MAIN, placed.order_id)["OrderDetail"][0]["status"] == "CANCELLED"
    detail = session.order(MAIN, replaced.order_id)["OrderDetail"][0]
    assert detail["limitPrice"] == better.limit_price and len(detail["Instrument"]) == len(
        order.legs
    )
    replaced.cancel()
    assert replaced.status()["OrderDetail"][0]["status"] == "CANCELLED"


def _single_leg_orders(clock):
    gtd = today_eastern() + timedelta(days=30)
    return {
        "LIMIT": limit_order("IBM", "BUY", 2, 1.0),
        "STOP": stop_order("IBM", "BUY", 2, 5000.0, term="GOOD_UNTIL_CANCEL"),
        "STOP_LIMIT": stop_limit_order("IBM", "BUY", 2, 5000.0, 5001.0),
        "TRAILING_STOP_CNST": trailing_stop_order("IBM", "SELL", 2, dollars=3),
        "TRAILING_STOP_PRCT": trailing_stop_order("IBM", "SELL", 2, percent=4),
        "MARKET_ON_OPEN": on_open_order("IBM", "BUY", 2),
        "LIMIT_ON_OPEN": on_open_order("IBM", "BUY", 2, 1.0),
        "MARKET_ON_CLOSE": on_close_order("IBM", "SELL", 2),
        "LIMIT_ON_CLOSE": on_close_order("IBM", "SELL", 2, 5000.0),
        "GOOD_TILL_DATE": limit_order("IBM", "BUY", 2, 1.0, term="GOOD_TILL_DATE", good_till=gtd),
    }


@pytest.mark.parametrize(
    "name",
    ["LIMIT", "STOP", "STOP_LIMIT", "TRAILING_STOP_CNST", "TRAILING_STOP_PRCT", "MARKET_ON_OPEN",
     "LIMIT_ON_OPEN", "MARKET_ON_CLOSE", "LIMIT_ON_CLOSE", "GOOD_TILL_DATE"],
)  # fmt: skip
def test_single_leg_price_types_round_trip(session, clock, name):
    order = _single_leg_orders(clock)[name]
    placed = session.preview_order(MAIN, order).place()
    frame = session.orders(MAIN, status="OPEN", as_frame=True)
    row = frame.loc[(placed.order_id, 1)]
    assert (row["priceType"], row["orderTerm"]) == (order.price_type, order.term)
    assert (row["orderAction"], int(row["orderedQuantity"])) == (order.action, order.quantity)
    if order.offset is not None:
        assert row["offsetValue"] == order.offset and row["offsetType"] == order.price_type
    if order.limit_price is not None:
        assert row["limitPrice"] == order.limit_price
    # change: same order, one more share
    from dataclasses import replace

    bigger = replace(order, quantity=order.quantity + 1).renewed()
    replaced = session.preview_change(MAIN, placed.order_id, bigger).place()
    assert (
        session.order(MAIN, replaced.order_id)["OrderDetail"][0]["Instrument"][0]["orderedQuantity"]
        == order.quantity + 1
    )
    replaced.cancel()
    assert replaced.status()["OrderDetail"][0]["status"] == "CANCELLED"


def test_market_spread_fills_and_positions_follow_each_leg(session, chain, clock):
    spread = vertical_spread(_c(chain, "CALL", 0), _c(chain, "CALL", 1), 2)
    cash = session.balance(MAIN)["Computed"]["cashBalance"]
    placed = session.preview_order(MAIN, spread).place()
    clock.advance(10)
    detail = placed.status()["OrderDetail"][0]
    assert detail["status"] == "EXECUTED"
    paid, sold = (leg["averageExecutionPrice"] for leg in detail["Instrument"])
    spent = cash - session.balance(MAIN)["Computed"]["cashBalance"]
    assert spent == pytest.approx((paid - sold) * 200 + 4 * 0.65)
    held = session.portfolio(MAIN, as_frame=True)
    options = held[(held["symbol"] == "IBM") & (held["securityType"] == "OPTN")]
    by_strike = dict(zip(options["strikePrice"], options["quantity"], strict=True))
    assert by_strike == {_strike(chain, 0): 2, _strike(chain, 1): -2}


def test_fund_orders_round_trip(session, clock):
    buy = fund_order("FXAIX", "BUY", dollars=1500)
    preview = session.preview_order(IRA, buy)
    assert preview.estimated_total == 1500
    placed = preview.place()
    assert session.order(IRA, placed.order_id)["orderType"] == "MF"
    session.cancel_order(IRA, placed.order_id)
    sell = session.preview_order(IRA, fund_order("VFIAX", "SELL", all_i_own=True)).place()
    cash = session.preview_order(IRA, fund_order("VMFXX", "BUY", dollars=200, money_market=True))
    cash.place()
    clock.advance(7 * 3600)  # funds trade at the 16:00 close
    assert sell.status()["OrderDetail"][0]["status"] == "EXECUTED"
    symbols = set(session.portfolio(IRA, as_frame=True)["symbol"])
    assert "VFIAX" not in symbols and "VMFXX" in symbols and "FXAIX" not in symbols


def test_a_lost_spread_is_matched_on_every_leg(session, chain, emulator, clock, fast_retry):
    """find_order compares all legs: another spread sharing the first leg is not it."""
    place = f"/v1/accounts/{MAIN}/orders/place"
    order = vertical_spread(_c(chain, "CALL", 0), _c(chain, "CALL", 1), debit=0.05)
    preview = session.preview_order(MAIN, order)
    # placed from another login (a second notebook) after that preview: in its time window,
    # and not one this session knows it placed
    other = OAuthFlow(store=NO_STORE, clock=clock, retry=fast_retry, timeout=10)
    token = parse_qs(urlsplit(other.start()).query)["token"][0]
    earlier = (
        other.finish(emulator.approve_token(token))
        .preview_order(
            MAIN, vertical_spread(_c(chain, "CALL", 0), _c(chain, "CALL", 2), debit=0.05)
        )
        .place()
    )
    emulator.faults.fail_next(1, path_prefix=place, mode="reset")  # lost on the way there
    with pytest.raises(OrderStatusUnknownError):
        preview.place()
    assert session.find_order(order.client_order_id) is None  # not `earlier`
    placed = preview.place()
    assert placed.order_id not in (None, earlier.order_id)

    again = order.renewed()
    preview = session.preview_order(MAIN, again)
    emulator.faults.fail_next(1, path_prefix=place, after_processing=True, mode="reset")
    with pytest.raises(OrderStatusUnknownError):
        preview.place()
    found = session.find_order(again.client_order_id)
    assert found is not None and found["orderId"] not in (earlier.order_id, placed.order_id)
    assert len(found["OrderDetail"][0]["Instrument"]) == 2
