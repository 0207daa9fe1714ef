"""Every documented orderType and priceType on the emulator, in JSON and XML: preview (legs
and net), place, list, change, cancel; fills on its clock; positions per leg; refusals."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest

KEY = "dBZOKt9xDrtRSAOl4MSiiA"
IRA = "JIdOIAcSpwR1Jva7RQBraQ"
BASE = f"/v1/accounts/{KEY}/orders"
ET = ZoneInfo("America/New_York")
FRIDAY_10AM = datetime(2026, 5, 29, 10, 0, tzinfo=ET).timestamp()
# (callPut or EQ, strike offset from the money, action, quantity) per leg; net price type
STRUCTURES = {
    "SPREADS": ([("CALL", 0, "BUY_OPEN", 1), ("CALL", 1, "SELL_OPEN", 1)], "NET_DEBIT"),
    "BUY_WRITES": ([("EQ", 0, "BUY", 100), ("CALL", 1, "SELL_OPEN", 1)], "NET_DEBIT"),
    "BUTTERFLY": (
        [("CALL", -1, "BUY_OPEN", 1), ("CALL", 0, "SELL_OPEN", 2), ("CALL", 1, "BUY_OPEN", 1)],
        "NET_DEBIT",
    ),
    "IRON_BUTTERFLY": (
        [
            ("PUT", -1, "BUY_OPEN", 1),
            ("PUT", 0, "SELL_OPEN", 1),
            ("CALL", 0, "SELL_OPEN", 1),
            ("CALL", 1, "BUY_OPEN", 1),
        ],
        "NET_CREDIT",
    ),
    "CONDOR": (
        [
            ("CALL", -2, "BUY_OPEN", 1),
            ("CALL", -1, "SELL_OPEN", 1),
            ("CALL", 1, "SELL_OPEN", 1),
            ("CALL", 2, "BUY_OPEN", 1),
        ],
        "NET_DEBIT",
    ),
    "IRON_CONDOR": (
        [
            ("PUT", -2, "BUY_OPEN", 1),
            ("PUT", -1, "SELL_OPEN", 1),
            ("CALL", 1, "SELL_OPEN", 1),
            ("CALL", 2, "BUY_OPEN", 1),
        ],
        "NET_CREDIT",
    ),
}


def _xml(name, value):
    if isinstance(value, list):
        return "".join(_xml(name, v) for v in value)
    if isinstance(value, dict):
        return f"<{name}>{''.join(_xml(k, v) for k, v in value.items())}</{name}>"
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return f"<{name}>{text}</{name}>"


def _tree(node):
    """An XML element as dicts; repeated names become lists; text stays text."""
    children = list(node)
    if not children:
        return node.text or ""
    out: dict[str, Any] = {}
    for child in children:
        value = _tree(child)
        if child.tag in out:
            prev = out[child.tag]
            out[child.tag] = [*(prev if isinstance(prev, list) else [prev]), value]
        else:
            out[child.tag] = value
    return out


def _many(value):
    return value if isinstance(value, list) else [value]


class Wire:
    """Send order bodies and read answers in one format: ``json`` (.json, JSON bodies) or
    ``xml`` (suffix-less URLs, XML bodies, XML answers)."""

    def __init__(self, client, fmt):
        self.client, self.fmt = client, fmt

    def url(self, path):
        return path + (".json" if self.fmt == "json" else "")

    def send(self, method, path, name, body):
        if self.fmt == "json":
            data, ctype = json.dumps({name: body}).encode(), "application/json"
        else:
            data, ctype = _xml(name, body).encode(), "application/xml"
        reply = self.client.request(
            method, self.url(path), body=data, headers={"Content-Type": ctype}
        )
        return reply, self.read(reply)

    def read(self, reply):
        if reply.status == 204:
            return {}
        if self.fmt == "json":
            return reply.json()
        root = ElementTree.fromstring(reply.body)
        return {root.tag: _tree(root)}

    def get(self, path, query=None):
        reply = self.client.get(self.url(path), query or [])
        assert reply.status in (200, 204), reply.text
        return self.read(reply)

    def place(self, order, base=BASE, method="POST"):
        reply, preview = self.send(method, base + "/preview", "PreviewOrderRequest", order)
        assert reply.status == 200, reply.text
        preview = preview["PreviewOrderResponse"]
        ids = [{"previewId": p["previewId"]} for p in _many(preview["PreviewIds"])]
        reply, placed = self.send(
            method, base + "/place", "PlaceOrderRequest", {**order, "PreviewIds": ids}
        )
        assert reply.status == 200, reply.text
        return preview, placed["PlaceOrderResponse"]

    def detail(self, order_id, key=KEY):
        body = self.get(f"/v1/accounts/{key}/orders/{order_id}")
        return _many(_many(body["OrdersResponse"]["Order"])[0]["OrderDetail"])[0]


@pytest.fixture
def trader(emu, client, clock):
    clock.set(FRIDAY_10AM)
    client.login(emu)
    return client


def _advance(clock, client, seconds, emu=None):
    """Move the clock in steps the access token survives (it idles after 2 h); past
    midnight (the token's end) log in again."""
    while seconds > 0:
        step = min(seconds, 3600)
        clock.advance(step)
        seconds -= step
        status = client.get("/v1/accounts/list.json").status
        if status == 401 and emu is not None:
            client.login(emu)
            status = client.get("/v1/accounts/list.json").status
        assert status == 200


def _chain(client, symbol="IBM"):
    body = client.get(
        "/v1/market/optionchains.json", [("symbol", symbol), ("noOfStrikes", "10")]
    ).json()["OptionChainResponse"]
    strikes = sorted(float(p["Call"]["strikePrice"]) for p in body["OptionPair"])
    near = min(range(len(strikes)), key=lambda i: abs(strikes[i] - float(body["nearPrice"])))
    return body["SelectedED"], strikes, near


def _legs(client, shape, symbol="IBM"):
    e, strikes, near = _chain(client, symbol)
    legs = []
    for kind, offset, action, qty in shape:
        if kind == "EQ":
            product = {"symbol": symbol, "securityType": "EQ"}
        else:
            product = {
                "symbol": symbol,
                "securityType": "OPTN",
                "callPut": kind,
                "expiryYear": e["year"],
                "expiryMonth": e["month"],
                "expiryDay": e["day"],
                "strikePrice": strikes[near + offset],
            }
        legs.append(
            {"Product": product, "orderAction": action, "quantityType": "QUANTITY", "quantity": qty}
        )
    return legs


def _order(order_type, legs, price_type, limit=None, client_id="c1", **extra):
    detail = {
        "allOrNone": False,
        "priceType": price_type,
        "orderTerm": "GOOD_FOR_DAY",
        "marketSession": "REGULAR",
        **extra,
    }
    if limit is not None:
        detail["limitPrice"] = limit
    detail["Instrument"] = legs
    return {"orderType": order_type, "clientOrderId": client_id, "Order": [detail]}


def _shape(instruments):
    """(action, quantity, callPut, strike) per leg as E*TRADE reports them."""
    out = []
    for inst in _many(instruments):
        p = inst["Product"]
        quantity = inst.get("quantity", inst.get("orderedQuantity"))
        strike = float(p["strikePrice"]) if p.get("callPut") else None
        out.append((inst["orderAction"], float(quantity), p.get("callPut"), strike))
    return out


def _sent(legs):
    return [
        (
            leg["orderAction"],
            float(leg["quantity"]),
            leg["Product"].get("callPut"),
            float(leg["Product"]["strikePrice"]) if "strikePrice" in leg["Product"] else None,
        )
        for leg in legs
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("order_type", list(STRUCTURES))
def test_strategy_preview_place_list_change_cancel(trader, order_type, fmt):
    wire = Wire(trader, fmt)
    shape, net_type = STRUCTURES[order_type]
    legs = _legs(trader, shape)
    # a limit that cannot fill now: a tiny debit, or a credit bigger than the structure
    far = 0.01 if net_type == "NET_DEBIT" else 40.0
    order = _order(
        order_type, legs, net_type, far, client_id=f"s{order_type[:6]}{fmt}".replace("_", "")
    )
    preview, placed = wire.place(order)
    assert preview["orderType"] == order_type
    previewed = _many(preview["Order"])[0]
    assert _shape(previewed["Instrument"]) == _sent(legs)
    options = sum(float(leg["quantity"]) for leg in legs if "callPut" in leg["Product"])
    commission = float(previewed["estimatedCommission"])
    assert commission == pytest.approx(0.65 * options)
    bid, ask = float(previewed["netBid"]), float(previewed["netAsk"])
    assert bid < ask
    sign = 1 if net_type == "NET_DEBIT" else -1
    total = float(previewed["estimatedTotalAmount"])
    assert total == pytest.approx(sign * far * 100 + commission)
    order_id = int(_many(placed["OrderIds"])[0]["orderId"])
    listed = wire.get(BASE, [("status", "OPEN")])["OrdersResponse"]["Order"]
    mine = [o for o in _many(listed) if int(o["orderId"]) == order_id]
    assert len(mine) == 1 and mine[0]["orderType"] == order_type
    detail = _many(mine[0]["OrderDetail"])[0]
    assert detail["priceType"] == net_type and float(detail["limitPrice"]) == far
    assert _shape(detail["Instrument"]) == _sent(legs)
    fees = [float(i["estimatedCommission"]) for i in _many(detail["Instrument"])]
    assert fees == [0.65 * leg["quantity"] if "callPut" in leg["Product"] else 0 for leg in legs]
    # change the net price: a new order id, the old one cancelled
    changed = _order(
        order_type, legs, net_type, far * 2, client_id=f"t{order_type[:6]}{fmt}".replace("_", "")
    )
    _, replaced = wire.place(changed, base=f"{BASE}/{order_id}/change", method="PUT")
    new_id = int(_many(replaced["OrderIds"])[0]["orderId"])
    assert new_id != order_id and wire.detail(order_id)["status"] == "CANCELLED"
    new = wire.detail(new_id)
    assert float(new["limitPrice"]) == far * 2 and _shape(new["Instrument"]) == _sent(legs)
    reply, body = wire.send("PUT", BASE + "/cancel", "CancelOrderRequest", {"orderId": new_id})
    assert reply.status == 200 and int(body["CancelOrderResponse"]["orderId"]) == new_id
    assert wire.detail(new_id)["status"] == "CANCELLED"


@pytest.mark.parametrize(
    ("order_type", "change", "message"),
    [
        ("BUY_WRITES", lambda legs: legs[0]["Product"].update(symbol="MSFT"), "one underlying"),
        ("BUTTERFLY", lambda legs: legs[1].update(quantity=1), "1:2:1"),
        ("IRON_CONDOR", lambda legs: legs[0].update(orderAction="SELL_OPEN"), "outer put"),
        (
            "CONDOR",
            lambda legs: legs[2]["Product"].update(expiryYear=2027, expiryMonth=1, expiryDay=15),
            "one expiry",
        ),
        ("BUY_WRITES", lambda legs: legs[0].update(quantity=50), "100 shares"),
        ("IRON_BUTTERFLY", lambda legs: legs[2]["Product"].update(callPut="PUT"), "two calls"),
    ],
)
def test_a_wrong_leg_is_refused_by_name(trader, order_type, change, message):
    shape, net_type = STRUCTURES[order_type]
    legs = _legs(trader, shape)
    change(legs)
    order = _order(order_type, legs, net_type, 1.0)
    reply, body = Wire(trader, "json").send("POST", BASE + "/preview", "PreviewOrderRequest", order)
    assert reply.status == 400 and message in body["Error"]["message"], body


@pytest.mark.parametrize("order_type", ["SPREADS", "IRON_CONDOR"])
def test_a_net_price_on_the_wrong_side_is_refused(trader, order_type):
    shape, net_type = STRUCTURES[order_type]
    wrong = "NET_CREDIT" if net_type == "NET_DEBIT" else "NET_DEBIT"
    order = _order(order_type, _legs(trader, shape), wrong, 1.0)
    reply, body = Wire(trader, "json").send("POST", BASE + "/preview", "PreviewOrderRequest", order)
    assert reply.status == 400 and f"price it {net_type}" in body["Error"]["message"]


def _natural(wire, order):
    reply, body = wire.send("POST", BASE + "/preview", "PreviewOrderRequest", order)
    assert reply.status == 200, reply.text
    o = _many(body["PreviewOrderResponse"]["Order"])[0]
    return float(o["netAsk"]), float(o["netBid"])


def test_a_net_limit_fills_when_the_legs_cross_it_and_positions_follow(trader, emu, clock):
    wire = Wire(trader, "json")
    legs = _legs(trader, STRUCTURES["SPREADS"][0])
    ask, _ = _natural(wire, _order("SPREADS", legs, "NET_DEBIT", 0.05, client_id="probe"))
    limit = round(ask - 0.3, 2)  # below what the legs cost now: waits
    _, placed = wire.place(_order("SPREADS", legs, "NET_DEBIT", limit, client_id="net1"))
    order_id = placed["OrderIds"][0]["orderId"]
    _advance(clock, trader, 60)
    assert wire.detail(order_id)["status"] == "OPEN"
    quote = wire.get("/v1/market/quote/IBM")["QuoteResponse"]["QuoteData"][0]
    emu.set_price("IBM", quote["All"]["lastTrade"] * 0.97)  # the call spread gets cheaper
    _advance(clock, trader, 1)
    detail = wire.detail(order_id)
    assert detail["status"] == "EXECUTED"
    fills = [i["averageExecutionPrice"] for i in detail["Instrument"]]
    assert fills[0] - fills[1] <= limit + 1e-9  # the legs' combined price crossed the limit
    held = wire.get(f"/v1/accounts/{KEY}/portfolio")["PortfolioResponse"]["AccountPortfolio"]
    positions = {
        (p["Product"].get("callPut"), p["Product"].get("strikePrice")): p["quantity"]
        for p in held[0]["Position"]
        if p["Product"]["symbol"] == "IBM" and p["Product"]["securityType"] == "OPTN"
    }
    long, short = (leg["Product"] for leg in legs)
    assert positions[("CALL", long["strikePrice"])] == 1
    assert positions[("CALL", short["strikePrice"])] == -1


@pytest.mark.parametrize(
    ("price_type", "offset"), [("TRAILING_STOP_CNST", 5), ("TRAILING_STOP_PRCT", 4)]
)
def test_a_trailing_stop_follows_the_price_it_is_given(trader, emu, clock, price_type, offset):
    wire = Wire(trader, "xml")
    legs = [
        {
            "Product": {"symbol": "IBM", "securityType": "EQ"},
            "orderAction": "SELL",
            "quantityType": "QUANTITY",
            "quantity": 10,
        }
    ]
    order = _order(
        "EQ", legs, price_type, client_id="trail1", offsetType=price_type, offsetValue=offset
    )
    order["Order"][0]["orderTerm"] = "GOOD_UNTIL_CANCEL"
    start = 100.0
    emu.set_price("IBM", start)
    _, placed = wire.place(order)
    order_id = placed["OrderIds"]["orderId"]
    _advance(clock, trader, 10)
    emu.set_price("IBM", start + 20)  # the stop rises with the price
    _advance(clock, trader, 10)
    detail = wire.detail(order_id)
    best = start + 20
    stop = best - offset if price_type.endswith("CNST") else round(best * (1 - offset / 100), 2)
    assert detail["status"] == "OPEN" and float(detail["stopPrice"]) == pytest.approx(stop)
    assert detail["offsetType"] == price_type and float(detail["offsetValue"]) == offset
    emu.set_price("IBM", stop + 0.5)  # above the stop: nothing
    _advance(clock, trader, 10)
    assert wire.detail(order_id)["status"] == "OPEN"
    emu.set_price("IBM", stop - 0.5)
    _advance(clock, trader, 10)
    detail = wire.detail(order_id)
    assert detail["status"] == "EXECUTED"
    assert float(detail["Instrument"]["averageExecutionPrice"]) < stop


def _single(client_id, price_type, limit=None, symbol="IBM", action="BUY", qty=5, **extra):
    legs = [
        {
            "Product": {"symbol": symbol, "securityType": "EQ"},
            "orderAction": action,
            "quantityType": "QUANTITY",
            "quantity": qty,
        }
    ]
    return _order("EQ", legs, price_type, limit, client_id=client_id, **extra)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_on_open_on_close_and_good_till_date(trader, emu, clock, fmt):
    wire = Wire(trader, fmt)
    ids = {}
    for name, order in {
        "moc": _single("moc", "MARKET_ON_CLOSE"),
        "loc": _single("loc", "LIMIT_ON_CLOSE", 1.0),
        "moo": _single("moo", "MARKET_ON_OPEN"),
        "loo": _single("loo", "LIMIT_ON_OPEN", 1.0),
        "gtd": _single("gtd", "LIMIT", 1.0, orderTerm="GOOD_TILL_DATE", gtdDate="06022026"),
    }.items():
        _, placed = wire.place(order)
        ids[name] = _many(placed["OrderIds"])[0]["orderId"]
    assert {wire.detail(i)["status"] for i in ids.values()} == {"OPEN"}
    assert wire.detail(ids["gtd"])["gtdDate"] == "06022026"
    _advance(clock, trader, 6 * 3600 + 60)  # past Friday's 16:00 close
    moc = wire.detail(ids["moc"])
    assert moc["status"] == "EXECUTED"
    closed = datetime.fromtimestamp(int(moc["executedTime"]) / 1000, ET)
    assert (closed.hour, closed.minute) == (16, 0)
    assert wire.detail(ids["loc"])["status"] == "EXPIRED"  # never reached 1.00
    assert wire.detail(ids["moo"])["status"] == "OPEN"  # waits for Monday's open
    _advance(clock, trader, 66 * 3600, emu)  # Monday 10:01
    moo = wire.detail(ids["moo"])
    opened = datetime.fromtimestamp(int(moo["executedTime"]) / 1000, ET)
    assert moo["status"] == "EXECUTED" and (opened.weekday(), opened.hour, opened.minute) == (
        0,
        9,
        30,
    )
    assert wire.detail(ids["loo"])["status"] == "EXPIRED"
    assert wire.detail(ids["gtd"])["status"] == "OPEN"  # Tuesday 06/02 is its last day
    _advance(clock, trader, 30 * 3600, emu)  # Tuesday 16:01
    assert wire.detail(ids["gtd"])["status"] == "EXPIRED"


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (
            _single("p1", "LIMIT", 1.0, orderTerm="GOOD_TILL_DATE", gtdDate="05012026"),
            "in the past",
        ),
        (_single("p2", "LIMIT", 1.0, orderTerm="GOOD_TILL_DATE"), "needs gtdDate"),
        (_single("p3", "LIMIT_ON_OPEN"), "needs a limitPrice"),
        (_single("p4", "TRAILING_STOP_PRCT", offsetValue=120), "below 100"),
        (_single("p5", "MARKET_ON_CLOSE", orderTerm="GOOD_UNTIL_CANCEL"), "GOOD_FOR_DAY"),
        (_single("p6", "NET_DEBIT", 1.0), "priceType 'NET_DEBIT' is invalid"),
        (_single("p7", "MARKET", symbol="VFIAX"), "send it as orderType MF"),
    ],
)
def test_documented_values_used_wrongly_are_refused(trader, order, message):
    reply, body = Wire(trader, "json").send("POST", BASE + "/preview", "PreviewOrderRequest", order)
    assert reply.status == 400 and message in body["Error"]["message"], body


def _fund(kind, client_id, symbol, action, quantity_type, quantity=None):
    leg = {"Product": {"symbol": symbol, "securityType": kind}, "orderAction": action,
           "quantityType": quantity_type}  # fmt: skip
    if quantity is not None:
        leg["quantity"] = quantity
    return _order(kind, [leg], "MARKET", client_id=client_id)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_fund_orders_by_dollars_and_all_i_own(trader, clock, fmt):
    wire = Wire(trader, fmt)
    ira = f"/v1/accounts/{IRA}/orders"
    buy = _fund("MF", "mf1", "FXAIX", "BUY", "DOLLAR", 1000)
    sell = _fund("MF", "mf2", "VFIAX", "SELL", "ALL_I_OWN")
    cash = _fund("MMF", "mmf1", "VMFXX", "BUY", "DOLLAR", 250)
    previews = []
    for order in (buy, sell, cash):
        preview, _ = wire.place(order, base=ira)
        previews.append(preview)
    first = _many(previews[0]["Order"])[0]
    assert float(first["estimatedTotalAmount"]) == 1000.0
    assert _many(first["Instrument"])[0]["quantityType"] == "DOLLAR"
    _advance(clock, trader, 6 * 3600 + 60)  # funds trade at the close
    body = wire.get(f"/v1/accounts/{IRA}/portfolio")["PortfolioResponse"]["AccountPortfolio"]
    held = {
        p["symbolDescription"] if "symbolDescription" in p else p["Product"]["symbol"]: p
        for p in _many(_many(body)[0]["Position"])
    }
    symbols = {_many(p["Product"])[0]["symbol"] for p in held.values()}
    assert "VFIAX" not in symbols and {"FXAIX", "VMFXX"} <= symbols
    fxaix = next(p for p in held.values() if p["Product"]["symbol"] == "FXAIX")
    mmf = next(p for p in held.values() if p["Product"]["symbol"] == "VMFXX")
    assert float(mmf["quantity"]) == 250.0  # a money market fund's NAV is 1.00
    assert float(fxaix["quantity"]) * float(fxaix["Quick"]["lastTrade"]) == pytest.approx(
        1000, abs=1
    )


CUSTOM = {  # SPREADS of three and four legs, as etrade-python builds them
    3: ([("CALL", 0, "BUY_OPEN", 2), ("CALL", 1, "SELL_OPEN", 2), ("PUT", -1, "SELL_OPEN", 2)],
        "NET_DEBIT", "send a documented multi-leg orderType"),
    4: ([("PUT", -1, "SELL_OPEN", 1), ("PUT", -2, "BUY_OPEN", 1), ("CALL", 1, "SELL_OPEN", 1),
         ("CALL", 2, "BUY_OPEN", 1)], "NET_CREDIT", "send orderType IRON_CONDOR"),
}  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("count", list(CUSTOM))
def test_a_spreads_order_of_three_or_four_legs(trader, emu, count, fmt):
    """A custom strategy (no documented type but SPREADS): taken and named in
    X-Emulator-Ignored by default, placed, listed leg by leg and cancelled; refused by name
    when strict."""
    wire = Wire(trader, fmt)
    shape, net_type, hint = CUSTOM[count]
    legs = _legs(trader, shape)
    far = 0.01 if net_type == "NET_DEBIT" else 40.0
    order = _order("SPREADS", legs, net_type, far, client_id=f"custom{count}{fmt}")
    reply, body = wire.send("POST", BASE + "/preview", "PreviewOrderRequest", order)
    assert reply.status == 400, reply.text  # the emu fixture starts strict
    message = reply.text
    assert f"A SPREADS order has 2 Instrument legs, not {count}" in message and hint in message
    emu.strict = False
    reply, _ = wire.send("POST", BASE + "/preview", "PreviewOrderRequest", order)
    assert reply.status == 200, reply.text
    assert reply.headers["x-emulator-ignored"] == f"orderType=SPREADS with {count} legs"
    assert any(f"orderType=SPREADS with {count} legs" in r.ignored for r in emu.log)
    preview, placed = wire.place(order)
    previewed = _many(preview["Order"])[0]
    assert _shape(previewed["Instrument"]) == _sent(legs)
    assert float(previewed["netBid"]) < float(previewed["netAsk"])
    contracts = sum(leg["quantity"] for leg in legs)
    assert float(previewed["estimatedCommission"]) == pytest.approx(0.65 * contracts)
    order_id = int(_many(placed["OrderIds"])[0]["orderId"])
    detail = wire.detail(order_id)
    assert detail["status"] == "OPEN" and _shape(detail["Instrument"]) == _sent(legs)
    reply, body = wire.send("PUT", BASE + "/cancel", "CancelOrderRequest", {"orderId": order_id})
    assert reply.status == 200 and int(body["CancelOrderResponse"]["orderId"]) == order_id
    assert wire.detail(order_id)["status"] == "CANCELLED"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda legs: legs.append(dict(legs[1])), "has 2 Instrument legs, not 5"),
        (lambda legs: legs[1].update(Product={**legs[1]["Product"], "symbol": "MSFT"}),
         "one underlying"),
        (lambda legs: legs[0].update(Product={"symbol": "IBM", "securityType": "EQ"}),
         "does not fit orderType SPREADS"),
        (lambda legs: legs[1].update(Product=legs[0]["Product"]), "the same option"),
        (lambda legs: None, "price it NET_CREDIT"),  # an iron condor priced as a debit
    ],
)  # fmt: skip
def test_a_custom_spread_is_still_refused_where_no_order_could_be(trader, emu, change, message):
    emu.strict = False
    legs = _legs(trader, CUSTOM[4][0])
    change(legs)
    order = _order("SPREADS", legs, "NET_DEBIT", 1.0)
    reply, body = Wire(trader, "json").send("POST", BASE + "/preview", "PreviewOrderRequest", order)
    assert reply.status == 400 and message in body["Error"]["message"], body
