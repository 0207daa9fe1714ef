"""The order lifecycle on the emulator's clock: fills, expiry, cancel, change, preview expiry."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

KEY = "dBZOKt9xDrtRSAOl4MSiiA"
BASE = f"/v1/accounts/{KEY}/orders"
ET = ZoneInfo("America/New_York")
FRIDAY_10AM = datetime(2026, 5, 29, 10, 0, tzinfo=ET).timestamp()  # the session is open
JSON = {"Content-Type": "application/json"}


def _order(client_id, price_type="MARKET", term="GOOD_FOR_DAY", limit=None, action="BUY",
           symbol="IBM", qty=3):  # fmt: skip
    detail = {"priceType": price_type, "orderTerm": term, "marketSession": "REGULAR",
              "Instrument": [{"Product": {"securityType": "EQ", "symbol": symbol},
                              "orderAction": action, "quantityType": "QUANTITY",
                              "quantity": qty}]}  # fmt: skip
    if limit is not None:
        detail["limitPrice"] = limit
    return {"orderType": "EQ", "clientOrderId": client_id, "Order": [detail]}


def _send(client, method, path, payload):
    reply = client.request(method, path, body=json.dumps(payload).encode(), headers=JSON)
    return reply


def _place(client, order, base=BASE, method="POST"):
    preview = _send(client, method, base + "/preview.json", {"PreviewOrderRequest": order})
    assert preview.status == 200, preview.text
    ids = preview.json()["PreviewOrderResponse"]["PreviewIds"]
    reply = _send(
        client, method, base + "/place.json", {"PlaceOrderRequest": {**order, "PreviewIds": ids}}
    )
    assert reply.status == 200, reply.text
    return reply.json()["PlaceOrderResponse"]


def _detail(client, order_id):
    reply = client.get(f"{BASE}/{order_id}.json")
    assert reply.status == 200, reply.text
    return reply.json()["OrdersResponse"]["Order"][0]["OrderDetail"][0]


def _advance(clock, client, seconds):
    """Move the clock in steps the access token survives (it idles after 2 h)."""
    while seconds > 0:
        step = min(seconds, 3600)
        clock.advance(step)
        seconds -= step
        assert client.get("/v1/accounts/list.json").status == 200


@pytest.fixture
def trader(emu, client, clock):
    clock.set(FRIDAY_10AM)
    client.login(emu)
    return client


def test_market_order_fills_five_seconds_into_the_session(trader, clock):
    placed = _place(trader, _order("mkt1"))
    messages = placed["Order"][0]["messages"]["Message"]
    assert messages[0]["code"] == 1026  # entered during market hours
    order_id = placed["OrderIds"][0]["orderId"]
    detail = _detail(trader, order_id)
    assert detail["status"] == "OPEN" and "executedTime" not in detail
    assert "averageExecutionPrice" not in detail["Instrument"][0]
    clock.advance(5)
    detail = _detail(trader, order_id)
    assert detail["status"] == "EXECUTED"
    assert detail["executedTime"] == detail["placedTime"] + 5000
    inst = detail["Instrument"][0]
    assert inst["filledQuantity"] == inst["orderedQuantity"] == 3
    assert inst["averageExecutionPrice"] > 0
    reply = _send(
        trader, "PUT", BASE + "/cancel.json", {"CancelOrderRequest": {"orderId": order_id}}
    )
    assert reply.status == 400 and reply.json()["Error"]["code"] == 1004


def test_day_limit_order_expires_at_the_close(trader, clock):
    order_id = _place(trader, _order("day1", "LIMIT", limit=1.0))["OrderIds"][0]["orderId"]
    _advance(clock, trader, 6 * 3600 - 1)  # 15:59:59
    assert _detail(trader, order_id)["status"] == "OPEN"
    _advance(clock, trader, 1)
    assert _detail(trader, order_id)["status"] == "EXPIRED"
    listed = trader.get(BASE + ".json", [("status", "EXPIRED"), ("count", "100")]).json()
    assert order_id in [o["orderId"] for o in listed["OrdersResponse"]["Order"]]


def test_immediate_or_cancel_lapses(trader, clock):
    order = _order("ioc1", "LIMIT", term="IMMEDIATE_OR_CANCEL", limit=1.0)
    order_id = _place(trader, order)["OrderIds"][0]["orderId"]
    clock.advance(1)
    assert _detail(trader, order_id)["status"] == "CANCELLED"


def test_orders_placed_after_the_close_wait_for_the_open(emu, client, clock):
    clock.set(datetime(2026, 5, 29, 17, 0, tzinfo=ET).timestamp())  # Friday after the close
    client.login(emu)
    placed = _place(client, _order("late1"))
    assert placed["Order"][0]["messages"]["Message"][0]["code"] == 1027
    order_id = placed["OrderIds"][0]["orderId"]
    clock.set(datetime(2026, 6, 1, 9, 30, 4, tzinfo=ET).timestamp())  # Monday 09:30:04
    client.login(emu)  # the old token expired at midnight
    assert _detail(client, order_id)["status"] == "OPEN"
    clock.advance(1)
    assert _detail(client, order_id)["status"] == "EXECUTED"


def test_cancel_and_change(trader, emu):
    order_id = _place(trader, _order("gtc1", "LIMIT", "GOOD_UNTIL_CANCEL", limit=1.0))["OrderIds"][
        0
    ]["orderId"]
    changed = _order("gtc1", "LIMIT", "GOOD_UNTIL_CANCEL", limit=1.5)
    new = _place(trader, changed, base=f"{BASE}/{order_id}/change", method="PUT")
    new_id = new["OrderIds"][0]["orderId"]
    assert new_id != order_id
    assert _detail(trader, order_id)["status"] == "CANCELLED"
    assert (
        _detail(trader, new_id)["status"] == "OPEN" and _detail(trader, new_id)["limitPrice"] == 1.5
    )
    # a change of a cancelled order is refused
    reply = _send(trader, "PUT", f"{BASE}/{order_id}/change/preview.json",
                  {"PreviewOrderRequest": changed})  # fmt: skip
    assert reply.status == 400 and reply.json()["Error"]["code"] == 1004
    reply = _send(trader, "PUT", BASE + "/cancel.json", {"CancelOrderRequest": {"orderId": new_id}})
    body = reply.json()["CancelOrderResponse"]
    assert body["orderId"] == new_id and body["Messages"]["Message"][0]["code"] == 5011
    assert _detail(trader, new_id)["status"] == "CANCELLED"
    assert emu.stats.orders_cancelled == 1


def test_preview_expires_after_three_minutes_and_must_match(trader, clock):
    order = _order("exp1", "LIMIT", limit=1.0)
    preview = _send(trader, "POST", BASE + "/preview.json", {"PreviewOrderRequest": order})
    ids = preview.json()["PreviewOrderResponse"]["PreviewIds"]
    other = {**_order("exp1", "LIMIT", limit=2.0), "PreviewIds": ids}
    reply = _send(trader, "POST", BASE + "/place.json", {"PlaceOrderRequest": other})
    assert reply.status == 400 and reply.json()["Error"]["code"] == 101
    clock.advance(181)
    reply = _send(
        trader, "POST", BASE + "/place.json", {"PlaceOrderRequest": {**order, "PreviewIds": ids}}
    )
    assert reply.status == 400 and reply.json()["Error"]["code"] == 101
    assert "timed out" in reply.json()["Error"]["message"]


def test_seeded_history_and_filters(trader):
    reply = trader.get(BASE + ".json", [("count", "100")])
    orders = reply.json()["OrdersResponse"]["Order"]
    statuses = {o["OrderDetail"][0]["status"] for o in orders}
    assert statuses == {"OPEN", "EXECUTED", "EXPIRED", "CANCELLED"}
    assert "marker" not in reply.json()["OrdersResponse"]  # everything fit
    reply = trader.get(BASE + ".json", [("symbol", "MSFT,IBM"), ("count", "100")])
    symbols = {i["Product"]["symbol"] for o in reply.json()["OrdersResponse"]["Order"]
               for i in o["OrderDetail"][0]["Instrument"]}  # fmt: skip
    assert symbols == {"MSFT", "IBM"}
    reply = trader.get(BASE + ".json", [("fromDate", "05012026"), ("toDate", "05152026")])
    for o in reply.json()["OrdersResponse"]["Order"]:
        placed = datetime.fromtimestamp(o["OrderDetail"][0]["placedTime"] / 1000, ET).date()
        assert datetime(2026, 5, 1).date() <= placed <= datetime(2026, 5, 15).date()
    reply = trader.get(BASE + ".json", [("fromDate", "05152026"), ("toDate", "05012026")])
    assert reply.status == 400
    assert trader.get(BASE + ".json", [("securityType", "OPTN")]).status == 204
    # XML without the suffix: repeated Order elements
    assert trader.get(BASE, [("count", "3")]).text.count("<Order>") == 3


def test_two_leg_spread(trader):
    chain = trader.get("/v1/market/optionchains.json", [("symbol", "IBM"), ("noOfStrikes", "2")])
    body = chain.json()["OptionChainResponse"]
    e = body["SelectedED"]
    legs = []
    for pair, action in zip(body["OptionPair"], ("BUY_OPEN", "SELL_OPEN"), strict=True):
        product = {"securityType": "OPTN", "symbol": "IBM", "callPut": "CALL",
                   "expiryYear": e["year"], "expiryMonth": e["month"], "expiryDay": e["day"],
                   "strikePrice": pair["Call"]["strikePrice"]}  # fmt: skip
        legs.append({"Product": product, "orderAction": action, "quantityType": "QUANTITY",
                     "orderedQuantity": 1, "quantity": 1})  # fmt: skip
    detail = {"priceType": "NET_DEBIT", "limitPrice": "1.00", "orderTerm": "GOOD_FOR_DAY",
              "marketSession": "REGULAR", "allOrNone": "false", "Instrument": legs}  # fmt: skip
    order: dict[str, Any] = {"orderType": "SPREADS", "clientOrderId": "spread1", "Order": [detail]}
    placed = _place(trader, order)
    assert [i["orderAction"] for i in placed["Order"][0]["Instrument"]] == ["BUY_OPEN", "SELL_OPEN"]
    assert placed["Order"][0]["estimatedCommission"] == 1.3
    detail = _detail(trader, placed["OrderIds"][0]["orderId"])
    assert len(detail["Instrument"]) == 2 and detail["netBid"] > 0
    one_leg = {
        **order,
        "clientOrderId": "spread2",
        "Order": [{**order["Order"][0], "Instrument": legs[:1]}],
    }
    reply = _send(trader, "POST", BASE + "/preview.json", {"PreviewOrderRequest": one_leg})
    assert reply.status == 400 and "has 2 Instrument legs" in reply.json()["Error"]["message"]
