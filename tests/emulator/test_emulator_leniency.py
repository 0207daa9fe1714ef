"""Lenient like E*TRADE by default, strict on request: each case in both modes.

By default what E*TRADE ignores is ignored and named in ``X-Emulator-Ignored``, in
``EmulatorServer.log`` and the ``etrade_nb.emulator`` logger, never in an error. With
``strict`` the same request is refused by name, with a "did you mean" hint where there is
one. (The ``emu`` fixture of this folder starts strict; each test sets the mode it needs.)
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

KEY = "dBZOKt9xDrtRSAOl4MSiiA"
BASE = f"/v1/accounts/{KEY}/orders"
JSON_BODY = {"Content-Type": "application/json", "Accept": "application/json"}
XML_BODY = {"Content-Type": "application/xml", "Accept": "application/json"}
IGNORED = "x-emulator-ignored"


def _order(client_id: str, **changes: Any) -> dict[str, Any]:
    order = {
        "allOrNone": "false", "priceType": "LIMIT", "orderTerm": "GOOD_FOR_DAY",
        "marketSession": "REGULAR", "limitPrice": "1.25",
        "Instrument": [{"Product": {"securityType": "EQ", "symbol": "IBM"},
                        "orderAction": "BUY", "quantityType": "QUANTITY", "quantity": "2"}],
    }  # fmt: skip
    order.update(changes)
    return {"orderType": "EQ", "clientOrderId": client_id, "Order": [order]}


def _post(client, path: str, payload: Any, method: str = "POST", xml: bool = False):
    body = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
    return client.request(method, path, body=body, headers=XML_BODY if xml else JSON_BODY)


def _both(emu, send) -> tuple[Any, Any]:
    """(default reply, strict reply) of the same request."""
    emu.strict = False
    lenient = send()
    emu.strict = True
    return lenient, send()


def _refused(reply, *words: str) -> str:
    assert reply.status == 400, reply.text
    message = reply.json()["Error"]["message"]
    for word in words:
        assert word in message, message
    return message


def test_unknown_query_parameter(emu, logged_in, caplog):
    caplog.set_level(logging.INFO, logger="etrade_nb.emulator")
    lenient, strict = _both(
        emu, lambda: logged_in.get("/v1/market/quote/AAPL.json", [("detailflag", "INTRADAY")])
    )
    assert lenient.status == 200 and lenient.headers[IGNORED] == "detailflag"
    assert "All" in lenient.json()["QuoteResponse"]["QuoteData"][0]  # detailFlag's default
    assert any("detailflag" in r.getMessage() for r in caplog.records)
    record = next(r for r in emu.log if r.ignored)
    assert record.ignored == ("detailflag",) and record.status == 200
    assert IGNORED not in strict.headers
    _refused(strict, "Unknown parameter detailflag", "Did you mean detailFlag?")
    emu.strict = False
    reply = logged_in.get("/v1/user/alerts.json", [("cuont", "2"), ("page", "3")])
    assert reply.status == 200 and reply.headers[IGNORED] == "cuont, page"
    emu.strict = True
    _refused(logged_in.get("/v1/user/alerts.json", [("cuont", "2")]), "Did you mean count?")


def test_a_known_parameter_with_a_bad_value_is_refused_in_both_modes(emu, logged_in):
    lenient, strict = _both(
        emu, lambda: logged_in.get("/v1/market/quote/AAPL.json", [("detailFlag", "EVERY")])
    )
    assert lenient.status == strict.status == 400


def test_unknown_order_fields_json_and_xml(emu, logged_in):
    extra = _order("len1", accountIdKey=KEY, colour="red")
    extra["Order"][0]["Instrument"][0]["cancelQuantity"] = 0
    lenient, strict = _both(
        emu, lambda: _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": extra})
    )
    assert lenient.status == 200, lenient.text
    assert lenient.headers[IGNORED] == (
        "Order.accountIdKey, Order.colour, Instrument.cancelQuantity"
    )
    _refused(strict, "Unknown field(s) in Order: accountIdKey, colour")
    xml = (
        "<PreviewOrderRequest><orderType>EQ</orderType><clientOrderId>len2</clientOrderId>"
        "<Order><accountIdKey>k</accountIdKey><priceType>MARKET</priceType>"
        "<orderTerm>GOOD_FOR_DAY</orderTerm><marketSession>REGULAR</marketSession>"
        "<Instrument><Product><securityType>EQ</securityType><symbol>IBM</symbol></Product>"
        "<orderAction>BUY</orderAction><quantityType>QUANTITY</quantityType>"
        "<quantity>1</quantity></Instrument></Order></PreviewOrderRequest>"
    )
    lenient, strict = _both(emu, lambda: _post(logged_in, BASE + "/preview.json", xml, xml=True))
    assert lenient.status == 200 and lenient.headers[IGNORED] == "Order.accountIdKey"
    _refused(strict, "accountIdKey")


def test_the_preview_order_sent_back_on_place(emu, logged_in):
    """A client that places by sending the preview's ``Order[]`` back, estimates and all."""
    emu.strict = False
    reply = _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": _order("echo1")})
    preview = reply.json()["PreviewOrderResponse"]
    place = {"orderType": "EQ", "clientOrderId": "echo1", "Order": preview["Order"],
             "PreviewIds": preview["PreviewIds"]}  # fmt: skip
    reply = _post(logged_in, BASE + "/place.json", {"PlaceOrderRequest": place})
    assert reply.status == 200, reply.text
    ignored = reply.headers[IGNORED].split(", ")
    assert {"Order.estimatedCommission", "Order.estimatedTotalAmount", "Order.netAsk"} <= set(
        ignored
    )
    emu.strict = True
    reply = _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": _order("echo2")})
    preview = reply.json()["PreviewOrderResponse"]
    place = {**place, "clientOrderId": "echo2", "PreviewIds": preview["PreviewIds"]}
    _refused(_post(logged_in, BASE + "/place.json", {"PlaceOrderRequest": place}), "netAsk")


@pytest.mark.parametrize("value", [None, "None", "null"])
def test_a_none_price_on_a_market_order(emu, logged_in, value):
    body = _order("none1", priceType="MARKET", limitPrice=value, stopPrice=value)
    lenient, strict = _both(
        emu, lambda: _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": body})
    )
    assert lenient.status == 200, lenient.text
    assert lenient.headers[IGNORED] == "Order.limitPrice, Order.stopPrice"
    _refused(strict, "a MARKET order takes no limitPrice")
    # E*TRADE's own sample: <limitPrice>None</limitPrice> on a MARKET preview, in XML
    xml = (
        "<PreviewOrderRequest><orderType>EQ</orderType><clientOrderId>none2</clientOrderId>"
        "<Order><allOrNone>false</allOrNone><priceType>MARKET</priceType>"
        "<orderTerm>GOOD_FOR_DAY</orderTerm><marketSession>REGULAR</marketSession>"
        "<stopPrice></stopPrice><limitPrice>None</limitPrice>"
        "<Instrument><Product><securityType>EQ</securityType><symbol>IBM</symbol></Product>"
        "<orderAction>BUY</orderAction><quantityType>QUANTITY</quantityType>"
        "<quantity>1</quantity></Instrument></Order></PreviewOrderRequest>"
    )
    emu.strict = False
    reply = _post(logged_in, BASE + "/preview.json", xml, xml=True)
    assert reply.status == 200 and reply.headers[IGNORED] == "Order.limitPrice"


def test_a_none_price_where_the_price_type_needs_one_is_refused(emu, logged_in):
    body = _order("none3", limitPrice="None")
    lenient, strict = _both(
        emu, lambda: _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": body})
    )
    assert lenient.status == strict.status == 400


def test_call_put_is_read_regardless_of_case(emu, logged_in):
    chain = logged_in.get(
        "/v1/market/optionchains.json", [("symbol", "AAPL"), ("noOfStrikes", "2")]
    ).json()["OptionChainResponse"]
    put = chain["OptionPair"][0]["Put"]
    expiry = chain["SelectedED"]
    product = {"securityType": "OPTN", "symbol": "AAPL", "callPut": "Put",
               "expiryYear": expiry["year"], "expiryMonth": expiry["month"],
               "expiryDay": expiry["day"], "strikePrice": put["strikePrice"]}  # fmt: skip
    body = _order("cp1", limitPrice="0.05")
    body["orderType"] = "OPTN"
    body["Order"][0]["Instrument"] = [
        {"Product": product, "orderAction": "BUY_OPEN", "quantityType": "QUANTITY",
         "quantity": 1}
    ]  # fmt: skip
    lenient, strict = _both(
        emu, lambda: _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": body})
    )
    assert lenient.status == 200 and lenient.headers[IGNORED] == "Product.callPut=Put"
    legs = lenient.json()["PreviewOrderResponse"]["Order"][0]["Instrument"]
    assert legs[0]["Product"]["callPut"] == "PUT"
    _refused(strict, "Did you mean PUT?")


def test_a_place_with_another_client_order_id_is_matched_by_preview_id(emu, logged_in):
    for strict, new_id in ((False, "cid2"), (True, "cid4")):
        emu.strict = strict
        first = "cid1" if not strict else "cid3"
        reply = _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": _order(first)})
        ids = reply.json()["PreviewOrderResponse"]["PreviewIds"]
        place = {**_order(new_id), "PreviewIds": ids}
        reply = _post(logged_in, BASE + "/place.json", {"PlaceOrderRequest": place})
        if strict:
            _refused(reply, f"clientOrderId '{new_id}' differs from the preview's '{first}'")
        else:
            assert reply.status == 200 and reply.headers[IGNORED] == "clientOrderId"
            assert "clientOrderId" not in reply.json()["PlaceOrderResponse"]
    assert emu.stats.orders_placed == 1
    # a place whose order differs from its preview is refused in both modes
    emu.strict = False
    reply = _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": _order("cid5")})
    ids = reply.json()["PreviewOrderResponse"]["PreviewIds"]
    place = {**_order("cid5", limitPrice="9.99"), "PreviewIds": ids}
    reply = _post(logged_in, BASE + "/place.json", {"PlaceOrderRequest": place})
    assert reply.status == 400 and reply.json()["Error"]["code"] == 101


def test_strict_can_be_set_from_the_command_line():
    from etrade_nb.emulator.__main__ import _parser

    assert _parser().parse_args(["--strict"]).strict is True
    assert _parser().parse_args([]).strict is False


def test_unknown_fields_in_cancel_and_preview_ids(emu, logged_in):
    emu.strict = False
    reply = _post(logged_in, BASE + "/preview.json", {"PreviewOrderRequest": _order("pid1")})
    ids = [{**reply.json()["PreviewOrderResponse"]["PreviewIds"][0], "previewTime": 1}]
    emu.strict = True
    strict = _post(logged_in, BASE + "/place.json", {"PlaceOrderRequest": {**_order("pid1"),
                   "PreviewIds": ids}})  # fmt: skip
    _refused(strict, "Unknown field(s) in PreviewIds: previewTime")
    emu.strict = False
    reply = _post(logged_in, BASE + "/place.json", {"PlaceOrderRequest": {**_order("pid1"),
                  "PreviewIds": ids}})  # fmt: skip
    assert reply.status == 200 and reply.headers[IGNORED] == "PreviewIds.previewTime"
    order_id = reply.json()["PlaceOrderResponse"]["OrderIds"][0]["orderId"]
    cancel = {"CancelOrderRequest": {"orderId": order_id, "accountIdKey": KEY}}
    emu.strict = True
    _refused(_post(logged_in, BASE + "/cancel.json", cancel, "PUT"), "accountIdKey")
    emu.strict = False
    reply = _post(logged_in, BASE + "/cancel.json", cancel, "PUT")
    assert reply.status == 200 and reply.headers[IGNORED] == "CancelOrderRequest.accountIdKey"


def test_strict_by_environment_when_not_given(monkeypatch):
    from etrade_nb.emulator import EmulatorServer

    monkeypatch.setenv("ETRADE_NB_EMULATOR_STRICT", "1")
    assert EmulatorServer().strict and not EmulatorServer(strict=False).strict
    monkeypatch.setenv("ETRADE_NB_EMULATOR_STRICT", "0")
    assert not EmulatorServer().strict and EmulatorServer(strict=True).strict
    monkeypatch.delenv("ETRADE_NB_EMULATOR_STRICT")
    assert not EmulatorServer().strict  # E*TRADE's leniency is the default


def test_the_header_stays_one_printable_line(emu, logged_in):
    emu.strict = False
    reply = logged_in.get("/v1/user/alerts.json", [("a\r\nX-Evil: 1", "v"), ("zähler", "2")])
    assert reply.status == 200 and "x-evil" not in reply.headers
    assert reply.headers[IGNORED] == "a\\r\\nX-Evil: 1, z\\xe4hler"
    assert emu.log[-1].ignored == ("a\r\nX-Evil: 1", "zähler")  # the log keeps them as sent
    many = [(f"p{i:04d}", "1") for i in range(600)]
    reply = logged_in.get("/v1/user/alerts.json", many)
    assert reply.status == 200 and len(reply.headers[IGNORED]) == 2000
    assert reply.headers[IGNORED].endswith("...") and len(emu.log[-1].ignored) == 600
