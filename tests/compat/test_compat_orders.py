"""Orders as E*TRADE's sample client sends them: XML bodies, ``Content-Type: application/xml``.

The sample POSTs its XML to ``…/orders/preview.json`` and reads JSON back; pyetrade sends
XML to suffix-less URLs and reads XML. Both, and JSON bodies, are checked here.
"""

from __future__ import annotations

import random
from typing import Any
from xml.etree import ElementTree

import pytest

from .conftest import FORMATS, MAIN, checked

pytestmark = pytest.mark.timeout(120)
XML = {"Content-Type": "application/xml"}
# E*TRADE's sample (EtradePythonClient order.py preview_order), formatted with its values
SAMPLE_PREVIEW = """<PreviewOrderRequest>
                       <orderType>{order_type}</orderType>
                       <clientOrderId>{client_order_id}</clientOrderId>
                       <Order>
                           <allOrNone>false</allOrNone>
                           <priceType>{price_type}</priceType>
                           <orderTerm>{order_term}</orderTerm>
                           <marketSession>REGULAR</marketSession>
                           <stopPrice></stopPrice>
                           <limitPrice>{limit_price}</limitPrice>
                           <Instrument>
                               <Product>
                                   <securityType>EQ</securityType>
                                   <symbol>{symbol}</symbol>
                               </Product>
                               <orderAction>{order_action}</orderAction>
                               <quantityType>QUANTITY</quantityType>
                               <quantity>{quantity}</quantity>
                           </Instrument>
                       </Order>
                   </PreviewOrderRequest>"""


def _sample_body(client_order_id: str, limit: str = "1.50", symbol: str = "F") -> str:
    return SAMPLE_PREVIEW.format(
        order_type="EQ", client_order_id=client_order_id, price_type="LIMIT",
        order_term="GOOD_UNTIL_CANCEL", limit_price=limit, symbol=symbol, order_action="BUY",
        quantity="10",
    )  # fmt: skip


def _as_place(preview_xml: str, preview_id: int) -> str:
    """pyetrade's place body: the preview's fields plus <PreviewIds><previewId>."""
    body = preview_xml.replace("PreviewOrderRequest>", "PlaceOrderRequest>")
    ids = f"<PreviewIds><previewId>{preview_id}</previewId></PreviewIds>"
    return body.replace("</PlaceOrderRequest>", ids + "</PlaceOrderRequest>")


def _value(body, fmt, path):
    """``path`` ('Order/0/estimatedTotalAmount') from a JSON tree or an XML element."""
    if fmt == "xml":
        xpath = "/".join(p for p in path.split("/") if not p.isdigit())
        return body.findtext(xpath)
    node = body
    for part in path.split("/"):
        node = node[int(part)] if part.isdigit() else node[part]
    return node


@pytest.mark.parametrize("fmt", FORMATS)
def test_xml_order_lifecycle(api, fmt):
    base = f"/v1/accounts/{MAIN}/orders"
    client_id = str(random.randint(1_000_000_000, 9_999_999_999))  # as the sample makes it
    preview_xml = _sample_body(client_id)
    reply = api.call("POST", base + "/preview", fmt, data=preview_xml, headers=XML)
    preview = checked(reply, "preview", fmt)
    preview_id = int(_value(preview, fmt, "PreviewIds/0/previewId"))
    assert float(_value(preview, fmt, "Order/0/estimatedTotalAmount")) == 15.0
    assert float(_value(preview, fmt, "Order/0/estimatedCommission")) == 0.0

    reply = api.call("POST", base + "/place", fmt, data=_as_place(preview_xml, preview_id),
                     headers=XML)  # fmt: skip
    placed = checked(reply, "place", fmt)
    order_id = int(_value(placed, fmt, "OrderIds/0/orderId"))
    assert _value(placed, fmt, "Order/0/messages/Message/0/code") in (1026, 1027, "1026", "1027")

    listing = checked(api.get(base, fmt, params={"status": "OPEN", "symbol": "F"}), "orders", fmt)
    if fmt == "xml":
        ids = [o.findtext("orderId") for o in listing.findall("Order")]
        assert str(order_id) in ids
    else:
        mine = [o for o in listing["Order"] if o["orderId"] == order_id]
        assert len(mine) == 1
        inst = mine[0]["OrderDetail"][0]["Instrument"][0]
        assert (inst["orderedQuantity"], inst["filledQuantity"]) == (10, 0.0)
        details = checked(api.follow(mine[0]["details"], fmt), "orders", fmt)
        assert details["Order"][0]["orderId"] == order_id

    # change the limit price: change/preview then change/place give a new order id
    changed_xml = _sample_body(client_id, limit="1.60")
    reply = api.call("PUT", f"{base}/{order_id}/change/preview", fmt, data=changed_xml, headers=XML)
    change_id = int(_value(checked(reply, "preview", fmt), fmt, "PreviewIds/0/previewId"))
    reply = api.call("PUT", f"{base}/{order_id}/change/place", fmt,
                     data=_as_place(changed_xml, change_id), headers=XML)  # fmt: skip
    new_id = int(_value(checked(reply, "place", fmt), fmt, "OrderIds/0/orderId"))
    assert new_id != order_id

    cancel = f"<CancelOrderRequest><orderId>{new_id}</orderId></CancelOrderRequest>"
    reply = api.call("PUT", base + "/cancel", fmt, data=cancel, headers=XML)
    body = checked(reply, "cancel", fmt)
    assert int(_value(body, fmt, "orderId")) == new_id
    for oid in (order_id, new_id):
        detail = checked(api.get(f"{base}/{oid}", fmt), "orders", fmt)
        assert _value(detail, fmt, "Order/0/OrderDetail/0/status") == "CANCELLED"


def test_json_bodies_with_string_numbers_as_the_docs_examples_send(api):
    base = f"/v1/accounts/{MAIN}/orders"
    order = {
        "orderType": "EQ", "clientOrderId": "docs" + str(random.randint(10**6, 10**7)),
        "Order": [{
            "allOrNone": "false", "priceType": "LIMIT", "orderTerm": "GOOD_FOR_DAY",
            "marketSession": "REGULAR", "stopPrice": "", "limitPrice": "169",
            "Instrument": [{"Product": {"securityType": "EQ", "symbol": "IBM"},
                            "orderAction": "SELL", "quantityType": "QUANTITY", "quantity": "1"}],
        }],
    }  # fmt: skip
    preview = checked(api.call("POST", base + "/preview", json={"PreviewOrderRequest": order}),
                      "preview", "json")  # fmt: skip
    assert preview["Order"][0]["estimatedTotalAmount"] == -169.0  # negative for sells
    place = {**order, "PreviewIds": preview["PreviewIds"]}
    placed = checked(api.call("POST", base + "/place", json={"PlaceOrderRequest": place}),
                     "place", "json")  # fmt: skip
    assert placed["OrderIds"][0]["orderId"] > 0


def test_option_order_and_refusals(api):
    base = f"/v1/accounts/{MAIN}/orders"
    chain = checked(api.get("/v1/market/optionchains", params={"symbol": "AAPL", "noOfStrikes": 1}),
                    "chain", "json")  # fmt: skip
    e, call = chain["SelectedED"], chain["OptionPair"][0]["Call"]
    product = {"securityType": "OPTN", "symbol": "AAPL", "callPut": "CALL",
               "expiryYear": e["year"], "expiryMonth": e["month"], "expiryDay": e["day"],
               "strikePrice": call["strikePrice"]}  # fmt: skip
    order: dict[str, Any] = {"orderType": "OPTN",
             "clientOrderId": "opt" + str(random.randint(10**6, 10**7)),
             "Order": [{"priceType": "LIMIT", "orderTerm": "GOOD_FOR_DAY",
                        "marketSession": "REGULAR", "limitPrice": 0.05, "allOrNone": False,
                        "Instrument": [{"Product": product, "orderAction": "BUY_OPEN",
                                        "quantityType": "QUANTITY", "quantity": 2}]}]}  # fmt: skip
    preview = checked(api.call("POST", base + "/preview", json={"PreviewOrderRequest": order}),
                      "preview", "json")  # fmt: skip
    assert preview["Order"][0]["estimatedCommission"] == 1.3  # 0.65 a contract
    for broken, code in [
        ({**order, "Order": [{**order["Order"][0], "priceType": "LIMITED"}]}, 1001),
        ({**order, "clientOrderId": "has-dash"}, 1001),
    ]:  # fmt: skip
        reply = api.call("POST", base + "/preview", json={"PreviewOrderRequest": broken})
        assert checked(reply, "error", "json", 400)["code"] == code
    # an unknown field is ignored and reported; callPut is read regardless of case
    loose = {**order, "Order": [{**order["Order"][0], "colour": "red"}]}
    loose["Order"][0]["Instrument"] = [
        {**order["Order"][0]["Instrument"][0], "Product": {**product, "callPut": "Call"}}
    ]
    reply = api.call("POST", base + "/preview", json={"PreviewOrderRequest": loose})
    checked(reply, "preview", "json")
    assert reply.headers["X-Emulator-Ignored"] == "Order.colour, Product.callPut=Call"
    reply = api.call(
        "POST",
        base + "/place",
        json={"PlaceOrderRequest": {**order, "PreviewIds": [{"previewId": 1}]}},
    )
    assert checked(reply, "error", "json", 400)["code"] == 101
    reply = api.call("POST", base + "/preview", data=b"<PreviewOrderRequest>", headers=XML)
    assert checked(reply, "error", "json", 400)["code"] == 1001


def test_order_list_pages_and_filters(api):
    base = f"/v1/accounts/{MAIN}/orders"
    seen, url, pages = [], api.url(base, "json") + "?count=10", 0
    while url and pages < 20:
        body = checked(api.follow(url, "json"), "orders", "json")
        seen += [o["orderId"] for o in body["Order"]]
        url, pages = body.get("next"), pages + 1
        assert ("marker" in body) == (url is not None)
    assert pages >= 4 and len(seen) == len(set(seen))
    statuses = set()
    for status in ("EXECUTED", "CANCELLED", "EXPIRED", "OPEN"):
        body = checked(api.get(base, params={"status": status, "count": 100}), "orders", "json")
        got = {d["status"] for o in body["Order"] for d in o["OrderDetail"]}
        statuses |= got
        assert got == {status}
    assert statuses == {"EXECUTED", "CANCELLED", "EXPIRED", "OPEN"}
    executed = checked(api.get(base, params={"status": "EXECUTED"}), "orders", "json")["Order"][0]
    inst = executed["OrderDetail"][0]["Instrument"][0]
    assert inst["filledQuantity"] == inst["orderedQuantity"] and "averageExecutionPrice" in inst
    assert api.get(base, params={"status": "PARTIAL"}).status_code == 204
    reply = api.get(base, params={"fromDate": "01012026"})  # dates come as a pair
    assert reply.status_code == 400
    reply = api.get(base, params={"count": "101"})
    assert reply.status_code == 400
    ElementTree.fromstring(api.get(base, "xml").content)


def _emit_xml(tree: dict) -> str:
    """dict → XML the way jxmlease.emit_xml does for pyetrade (declaration, nested tags)."""

    def node(name, value):
        if isinstance(value, dict):
            return f"<{name}>" + "".join(node(k, v) for k, v in value.items()) + f"</{name}>"
        return f"<{name}>{value}</{name}>"

    return '<?xml version="1.0" encoding="utf-8"?>\n' + "".join(node(k, v) for k, v in tree.items())


def _pyetrade_payload(order_type: str, **kwargs) -> dict:
    """pyetrade's build_order_payload: every keyword argument lands in Order as well."""
    instrument = {
        "Product": {"securityType": "EQ", "symbol": kwargs["symbol"]},
        "orderAction": kwargs["orderAction"],
        "quantityType": "QUANTITY",
        "quantity": kwargs["quantity"],
    }
    order = dict(kwargs)
    order["Instrument"] = instrument
    order["stopPrice"] = ""
    payload = {order_type: {"orderType": "EQ", "clientOrderId": kwargs["clientOrderId"],
                            "Order": order}}  # fmt: skip
    if "previewId" in kwargs:
        payload[order_type]["PreviewIds"] = {"previewId": kwargs["previewId"]}
    return payload


def test_pyetrade_xml_orders_with_copied_fields(api):
    """pyetrade copies accountId, symbol, quantity... into Order: accepted when they agree."""
    base = f"/v1/accounts/{MAIN}/orders"
    kwargs = {"accountId": MAIN, "symbol": "F", "orderAction": "BUY",
              "clientOrderId": "pye" + str(random.randint(10**6, 10**7)), "priceType": "LIMIT",
              "limitPrice": 1.25, "quantity": 4, "orderTerm": "GOOD_UNTIL_CANCEL",
              "marketSession": "REGULAR"}  # fmt: skip
    body = _emit_xml(_pyetrade_payload("PreviewOrderRequest", **kwargs))
    preview = checked(api.call("POST", base + "/preview", "xml", data=body, headers=XML),
                      "preview", "xml")  # fmt: skip
    preview_id = preview.findtext("PreviewIds/previewId")
    body = _emit_xml(_pyetrade_payload("PlaceOrderRequest", previewId=preview_id, **kwargs))
    placed = checked(api.call("POST", base + "/place", "xml", data=body, headers=XML),
                     "place", "xml")  # fmt: skip
    assert int(placed.findtext("OrderIds/orderId")) > 0
    # a copy that contradicts the real field is refused, not ignored
    wrong = {**kwargs, "clientOrderId": "pye" + str(random.randint(10**6, 10**7))}
    payload = _pyetrade_payload("PreviewOrderRequest", **wrong)
    payload["PreviewOrderRequest"]["Order"]["symbol"] = "IBM"
    reply = api.call("POST", base + "/preview", "xml", data=_emit_xml(payload), headers=XML)
    error = checked(reply, "error", "xml", 400)
    assert "contradicts" in error.findtext("message")
