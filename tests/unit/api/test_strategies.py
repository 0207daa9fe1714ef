"""Strategy and new single-leg builders: the wire body they send, and what they refuse."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from etrade_nb import (
    InvalidOrderError,
    OptionContract,
    butterfly,
    buy_write,
    calendar_spread,
    condor,
    fund_order,
    iron_butterfly,
    iron_condor,
    iron_condor_from_chain,
    limit_order,
    net_mid,
    on_close_order,
    on_open_order,
    pick,
    trailing_stop_order,
    vertical_from_chain,
    vertical_spread,
)
from etrade_nb.api.order_types import today_eastern

JUN, JUL = "2026-06-19", "2026-07-17"


def c(strike, kind="CALL", expiry=JUN, symbol="AAPL"):
    return OptionContract(symbol, expiry, strike, kind)


def _legs(order):
    detail = order.payload()["PreviewOrderRequest"]["Order"][0]
    return [
        (i["orderAction"], i["quantity"], i["Product"].get("callPut"),
         i["Product"].get("strikePrice"))
        for i in detail["Instrument"]
    ]  # fmt: skip


def _net(order):
    detail = order.payload()["PreviewOrderRequest"]["Order"][0]
    return detail["priceType"], detail.get("limitPrice")


@pytest.mark.parametrize(
    ("order", "order_type", "legs", "net"),
    [
        (vertical_spread(c(190), c(200), debit=3.1), "SPREADS",
         [("BUY_OPEN", 1, "CALL", 190), ("SELL_OPEN", 1, "CALL", 200)], ("NET_DEBIT", 3.1)),
        (vertical_spread(c(190, "PUT"), c(200, "PUT"), 2, credit=4), "SPREADS",
         [("BUY_OPEN", 2, "PUT", 190), ("SELL_OPEN", 2, "PUT", 200)], ("NET_CREDIT", 4.0)),
        (calendar_spread(c(190, expiry=JUL), c(190), debit=1.2), "SPREADS",
         [("BUY_OPEN", 1, "CALL", 190), ("SELL_OPEN", 1, "CALL", 190)], ("NET_DEBIT", 1.2)),
        (buy_write(c(200), 2, debit=180.5), "BUY_WRITES",
         [("BUY", 200, None, None), ("SELL_OPEN", 2, "CALL", 200)], ("NET_DEBIT", 180.5)),
        (butterfly(c(190), c(200), c(210), even=True), "BUTTERFLY",
         [("BUY_OPEN", 1, "CALL", 190), ("SELL_OPEN", 2, "CALL", 200),
          ("BUY_OPEN", 1, "CALL", 210)], ("NET_EVEN", None)),
        (condor(c(180), c(190), c(210), c(220), debit=2), "CONDOR",
         [("BUY_OPEN", 1, "CALL", 180), ("SELL_OPEN", 1, "CALL", 190),
          ("SELL_OPEN", 1, "CALL", 210), ("BUY_OPEN", 1, "CALL", 220)], ("NET_DEBIT", 2.0)),
        (iron_butterfly(c(190, "PUT"), c(200, "PUT"), c(200), c(210), credit=6), "IRON_BUTTERFLY",
         [("BUY_OPEN", 1, "PUT", 190), ("SELL_OPEN", 1, "PUT", 200),
          ("SELL_OPEN", 1, "CALL", 200), ("BUY_OPEN", 1, "CALL", 210)], ("NET_CREDIT", 6.0)),
        (iron_condor(c(180, "PUT"), c(190, "PUT"), c(210), c(220), closing=True), "IRON_CONDOR",
         [("SELL_CLOSE", 1, "PUT", 180), ("BUY_CLOSE", 1, "PUT", 190),
          ("BUY_CLOSE", 1, "CALL", 210), ("SELL_CLOSE", 1, "CALL", 220)], ("MARKET", None)),
    ],
)  # fmt: skip
def test_each_strategy_sends_its_legs_and_net_price(order, order_type, legs, net):
    body = order.payload()["PreviewOrderRequest"]
    assert body["orderType"] == order_type
    assert _legs(order) == legs
    assert _net(order) == net
    place = order.payload([7])["PlaceOrderRequest"]
    assert place["PreviewIds"] == [{"previewId": 7}] and place["Order"] == body["Order"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: vertical_spread(c(190), c(200, symbol="MSFT"), debit=1), "one underlying"),
        (lambda: vertical_spread(c(190), c(200, expiry=JUL), debit=1), "one expiry"),
        (lambda: vertical_spread(c(190), c(200, "PUT"), debit=1), "a CALL and a PUT"),
        (lambda: vertical_spread(c(190), c(200), credit=1), "pass debit="),
        (lambda: vertical_spread(c(200), c(190), debit=1), "pass credit="),
        (lambda: vertical_spread(c(190), c(200), debit=1, credit=1), "one net price"),
        (lambda: vertical_spread(c(190), c(200), debit=-1), "positive net price"),
        (lambda: vertical_spread(c(190), c(200), term="GOOD_UNTIL_CANCEL"), "good for the day"),
        (lambda: vertical_spread(c(190), c(190), debit=1), "same option"),
        (lambda: calendar_spread(c(190), c(190), debit=1), "two expiries"),
        (lambda: butterfly(c(190), c(200), c(215), debit=1), "equally far"),
        (lambda: butterfly(c(190), c(200), c(210), short=True, debit=1), "pass credit="),
        (lambda: condor(c(180), c(190, "PUT"), c(210), c(220), debit=1), "four calls"),
        (lambda: condor(c(180), c(190), c(210, expiry=JUL), c(220), debit=1), "one day"),
        (lambda: iron_condor(c(180, "PUT"), c(190, "PUT"), c(210), c(220), debit=1),
         "pass credit="),
        (lambda: iron_condor(c(180, "PUT"), c(200, "PUT"), c(200), c(220), credit=1),
         "iron_butterfly()"),
        (lambda: iron_butterfly(c(180, "PUT"), c(190, "PUT"), c(200), c(210), credit=1),
         "one middle strike"),
        (lambda: buy_write(c(200, "PUT"), debit=1), "not a PUT"),
        (lambda: iron_condor(c(180, "PUT"), c(190, "PUT"), c(210), c(220), closing=True,
                             credit=1), "pass debit="),  # buying a condor back costs money
        (lambda: vertical_spread(c(190), c(200), 1.5, debit=1), "whole number"),  # type: ignore[arg-type]
        (lambda: vertical_spread(c(190), c(200), debit=1, term="GOOD_TILL_DATE",
                                 good_till=today_eastern() - timedelta(days=1)), "in the past"),
    ],
)  # fmt: skip
def test_what_etrade_refuses_is_refused_here_with_what_to_change(build, message):
    with pytest.raises(InvalidOrderError, match=message):
        build()


def test_good_till_date_and_changes():
    day = today_eastern() + timedelta(days=20)
    order = vertical_spread(c(190), c(200), debit=3, term="GOOD_TILL_DATE", good_till=day)
    detail = order.payload()["PreviewOrderRequest"]["Order"][0]
    assert detail["orderTerm"] == "GOOD_TILL_DATE" and detail["gtdDate"] == day.strftime("%m%d%Y")
    cheaper = order.with_price(debit=2.5)
    assert cheaper.limit_price == 2.5 and cheaper.legs == order.legs
    assert cheaper.client_order_id != order.client_order_id
    with pytest.raises(InvalidOrderError, match="only for term='GOOD_TILL_DATE'"):
        limit_order("AAPL", "BUY", 1, 10, good_till=day)


def test_payoff_at_expiry():
    spread = vertical_spread(c(190), c(200), debit=3)
    assert spread.kind == "debit"
    assert spread.payoff([180, 195, 210]) == [-300.0, 200.0, 700.0]
    condor_ = iron_condor(c(180, "PUT"), c(190, "PUT"), c(210), c(220), credit=2)
    assert condor_.payoff([170, 200, 230]) == [-800.0, 200.0, -800.0]


@pytest.mark.parametrize(
    ("order", "price_type", "extra"),
    [
        (trailing_stop_order("AAPL", "SELL", 10, dollars=2.5), "TRAILING_STOP_CNST",
         {"offsetType": "TRAILING_STOP_CNST", "offsetValue": 2.5}),
        (trailing_stop_order("AAPL", "SELL", 10, percent=5), "TRAILING_STOP_PRCT",
         {"offsetType": "TRAILING_STOP_PRCT", "offsetValue": 5.0}),
        (on_open_order("AAPL", "BUY", 10), "MARKET_ON_OPEN", {}),
        (on_open_order("AAPL", "BUY", 10, 150), "LIMIT_ON_OPEN", {"limitPrice": 150.0}),
        (on_close_order("AAPL", "SELL", 10), "MARKET_ON_CLOSE", {}),
        (on_close_order("AAPL", "SELL", 10, 160), "LIMIT_ON_CLOSE", {"limitPrice": 160.0}),
    ],
)  # fmt: skip
def test_single_leg_price_types(order, price_type, extra):
    detail = order.payload()["PreviewOrderRequest"]["Order"][0]
    assert detail["priceType"] == price_type
    assert {k: detail[k] for k in extra} == extra


def test_fund_orders():
    buy = fund_order("vfiax", "BUY", dollars=1000)
    body = buy.payload()["PreviewOrderRequest"]
    leg = body["Order"][0]["Instrument"][0]
    assert body["orderType"] == "MF" and leg["quantityType"] == "DOLLAR" and leg["quantity"] == 1000
    assert leg["Product"] == {"symbol": "VFIAX", "securityType": "MF"}
    sell = fund_order("VMFXX", "SELL", all_i_own=True, money_market=True)
    leg = sell.payload()["PreviewOrderRequest"]["Order"][0]["Instrument"][0]
    assert sell.order_type == "MMF" and leg["quantityType"] == "ALL_I_OWN" and "quantity" not in leg


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: trailing_stop_order("AAPL", "SELL", 10), "dollars=... or percent="),
        (lambda: trailing_stop_order("AAPL", "SELL", 10, percent=120), "below 100"),
        (lambda: trailing_stop_order("AAPL", "SELL", 10, percent=5, term="FILL_OR_KILL"),
         "GOOD_FOR_DAY or GOOD_UNTIL_CANCEL"),
        (lambda: on_open_order(OptionContract("AAPL", JUN, 190, "CALL"), "BUY_OPEN", 1),  # type: ignore[arg-type]
         "stock or ETF"),
        (lambda: on_close_order("AAPL", "BUY", 1, term="GOOD_UNTIL_CANCEL"), "day only"),
        (lambda: fund_order("VFIAX", "BUY", all_i_own=True), "use action 'SELL'"),
        (lambda: fund_order("VFIAX", "BUY"), "one of dollars="),
        (lambda: fund_order("VFIAX", "BUY", dollars=10.005), "2 decimals"),
        (lambda: limit_order("AAPL", "BUY", 1, 10, quantity_type="DOLLAR"), "mutual funds"),
        (lambda: limit_order("AAPL", "BUY", 1, 10, term="GOOD_TILL_DATE", good_till="2020-01-02"),
         "in the past"),
    ],
)  # fmt: skip
def test_single_leg_refusals(build, message):
    with pytest.raises(InvalidOrderError, match=message):
        build()


def _chain():
    rows = []
    for strike, delta in ((180, 0.9), (190, 0.7), (200, 0.5), (210, 0.3), (220, 0.1)):
        for kind, d in (("CALL", delta), ("PUT", delta - 1)):
            osi = f"AAPL--260619{kind[0]}{strike * 1000:08d}"
            inside = max(0, 200 - strike if kind == "CALL" else strike - 200)
            mid = inside + 8 * 2 ** (-abs(strike - 200) / 10)
            rows.append({"osiKey": osi, "symbol": "AAPL", "optionType": kind,
                         "strikePrice": float(strike), "delta": d, "bid": mid - 0.1,
                         "ask": mid + 0.1})  # fmt: skip
    return pd.DataFrame(rows).set_index("osiKey")


def test_from_a_chain_by_strike_or_delta():
    chain = _chain()
    assert pick(chain, "CALL", strike=204) == c(200)
    assert pick(chain, "PUT", delta=0.1) == c(180, "PUT")  # puts' deltas are negative
    spread = vertical_from_chain(chain, "CALL", buy=0.5, sell=0.3, by="delta")
    assert _legs(spread) == [("BUY_OPEN", 1, "CALL", 200.0), ("SELL_OPEN", 1, "CALL", 210.0)]
    assert _net(spread) == ("NET_DEBIT", net_mid(chain, spread)) and spread.limit_price == 4.0
    condor_ = iron_condor_from_chain(chain, puts=(180, 190), calls=(210, 220), quantity=2)
    assert [leg[2:] for leg in _legs(condor_)] == [
        ("PUT", 180.0), ("PUT", 190.0), ("CALL", 210.0), ("CALL", 220.0)
    ]  # fmt: skip
    assert _net(condor_)[0] == "NET_CREDIT" and condor_.spreads == 2
    fixed = iron_condor_from_chain(chain, puts=(180, 190), calls=(210, 220), credit=1.05)
    assert fixed.limit_price == 1.05
    with pytest.raises(InvalidOrderError, match=r"strike=\.\.\. or delta="):
        pick(chain, "CALL")
    assert date(2026, 6, 19) == pick(chain, "CALL", strike=200).expiry
