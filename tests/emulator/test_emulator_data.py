"""Data endpoints: accounts, balance, portfolio, quotes (limits, odd symbols), orders."""

from __future__ import annotations

import json
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

KEY = "dBZOKt9xDrtRSAOl4MSiiA"
JSON = {"Accept": "application/json"}


def _order(client_id: str = "nb0001", symbol: str = "GOOG", qty: int = 1) -> dict:
    return {
        "orderType": "EQ",
        "clientOrderId": client_id,
        "Order": [
            {
                "allOrNone": "false",
                "priceType": "LIMIT",
                "orderTerm": "GOOD_FOR_DAY",
                "marketSession": "REGULAR",
                "limitPrice": "170.00",
                "Instrument": [
                    {
                        "Product": {"securityType": "EQ", "symbol": symbol},
                        "orderAction": "BUY",
                        "quantityType": "QUANTITY",
                        "quantity": str(qty),
                    }
                ],
            }
        ],
    }


def post_json(client, path: str, payload: dict, method: str = "POST"):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", **JSON}
    return client.request(method, path, body=body, headers=headers)


def test_accounts_list_json_and_xml(logged_in):
    accounts = logged_in.get("/v1/accounts/list.json").json()["AccountListResponse"]
    first = accounts["Accounts"]["Account"][0]
    assert set(first) == {
        "accountId",
        "accountIdKey",
        "accountMode",
        "accountDesc",
        "accountName",
        "accountType",
        "institutionType",
        "accountStatus",
        "closedDate",
        "shareWorksAccount",
        "fcManagedMssbClosedAccount",
    }  # fmt: skip  (the sandbox capture's fields, reference §2.2)
    reply = logged_in.get("/v1/accounts/list")
    assert reply.headers["content-type"] == "application/xml"
    assert "<AccountListResponse><Accounts><Account><accountId>" in reply.text
    root = ElementTree.fromstring(reply.body)  # valid XML, one element per JSON key
    assert root.tag == "AccountListResponse"
    assert root.findtext("Accounts/Account/accountIdKey") == first["accountIdKey"]
    # Accept: application/json without the suffix selects JSON too (reference §1.2).
    as_json = logged_in.get("/v1/accounts/list", headers=JSON)
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json()["AccountListResponse"]["Accounts"]["Account"][0] == first


def test_balance_requires_inst_type(logged_in):
    reply = logged_in.get(
        f"/v1/accounts/{KEY}/balance.json", [("instType", "BROKERAGE"), ("realTimeNAV", "true")]
    )
    assert reply.status == 200
    assert reply.json()["BalanceResponse"]["Computed"]["RealTimeValues"]["totalAccountValue"] > 0
    reply = logged_in.get(f"/v1/accounts/{KEY}/balance.json")
    assert reply.status == 400 and reply.json()["Error"]["code"] == 7002
    assert "instType" in reply.json()["Error"]["message"]


def test_unknown_account_key(logged_in):
    reply = logged_in.get("/v1/accounts/nope/portfolio.json")
    assert reply.status == 400 and reply.json()["Error"] == {
        "code": 102,
        "message": "Please enter valid account key",
    }
    reply = logged_in.get("/v1/accounts/nope/portfolio")
    assert reply.status == 400 and "<Error><code>" in reply.text


def test_portfolio(logged_in):
    body = logged_in.get(f"/v1/accounts/{KEY}/portfolio.json").json()
    positions = body["PortfolioResponse"]["AccountPortfolio"][0]["Position"]
    assert {p["Product"]["symbol"] for p in positions} >= {"GOOG", "BRK.B"}


def test_unknown_path_is_404_json(logged_in):
    reply = logged_in.get("/v1/nothing/here.json")
    assert reply.status == 404 and "Error" in reply.json()


def test_wrong_method_on_data_path(logged_in):
    reply = logged_in.request("DELETE", "/v1/accounts/list.json")
    assert reply.status == 405 and reply.headers["allow"] == "GET"


@pytest.mark.parametrize(("count", "override", "status", "code"), [
    (25, False, 200, None), (26, False, 400, 1023), (50, True, 200, None), (51, True, 400, 1025),
])  # fmt: skip
def test_quote_symbol_limits(logged_in, count, override, status, code):
    symbols = ",".join(f"S{i}" for i in range(count))
    query = [("overrideSymbolCount", "true")] if override else []
    reply = logged_in.get(f"/v1/market/quote/{symbols}.json", query)
    assert reply.status == status, reply.text
    if status == 200:
        assert len(reply.json()["QuoteResponse"]["QuoteData"]) == count
    else:  # [Dq]: 1023 over 25 symbols, 1025 over 50
        assert reply.json()["Error"]["code"] == code


def test_quote_special_symbols_and_spaces(logged_in):
    symbols = ["BRK.B", "^VIX", "GOOG:2026:12:18:CALL:190.000000", "BF-B"]
    path = "/v1/market/quote/" + quote(",".join(symbols), safe=",.:") + ".json"
    assert "%5E" in path
    reply = logged_in.get(path, [("detailFlag", "ALL")])
    assert reply.status == 200, reply.text
    data = reply.json()["QuoteResponse"]["QuoteData"]
    assert [d["Product"]["symbol"] for d in data] == ["BRK.B", "^VIX", "GOOG", "BF-B"]
    option = data[2]["Product"]
    assert option["securityType"] == "OPTN" and option["callPut"] == "CALL"
    assert option["strikePrice"] == 190.0
    assert data[0]["quoteStatus"] == "DELAYED" and data[0]["All"]["lastTrade"] > 0
    # Deterministic prices.
    again = logged_in.get(path).json()["QuoteResponse"]["QuoteData"]
    assert again[0]["All"]["lastTrade"] == data[0]["All"]["lastTrade"]


def test_quote_invalid_symbol_messages(logged_in):
    body = logged_in.get("/v1/market/quote/GOOG,ZZZZZZ.json").json()["QuoteResponse"]
    assert [q["Product"]["symbol"] for q in body["QuoteData"]] == ["GOOG"]
    assert body["Messages"]["Message"] == [
        {"description": "ZZZZZZ is not a valid symbol", "code": 1019, "type": "ERROR"}
    ]
    body = logged_in.get("/v1/market/quote/INVALID.json").json()["QuoteResponse"]
    assert "QuoteData" not in body and body["Messages"]["Message"][0]["code"] == 1019


@pytest.mark.parametrize(
    ("flag", "section"),
    [("FUNDAMENTAL", "Fundamental"), ("INTRADAY", "Intraday"), ("OPTIONS", "Option"),
     ("WEEK_52", "Week52"), ("MF_DETAIL", "MutualFund")],
)  # fmt: skip
def test_quote_detail_flags(logged_in, flag, section):
    body = logged_in.get("/v1/market/quote/MSFT.json", [("detailFlag", flag)]).json()
    assert section in body["QuoteResponse"]["QuoteData"][0]
    reply = logged_in.get("/v1/market/quote/MSFT.json", [("detailFlag", "NOPE")])
    assert reply.status == 400 and reply.json()["Error"]["code"] == 1020


def test_preview_place_list_cancel(emu, logged_in):
    base = f"/v1/accounts/{KEY}/orders"
    reply = post_json(logged_in, base + "/preview.json", {"PreviewOrderRequest": _order()})
    assert reply.status == 200, reply.text
    preview = reply.json()["PreviewOrderResponse"]
    preview_id = preview["PreviewIds"][0]["previewId"]
    assert preview["totalOrderValue"] == 170.0

    place = {**_order(), "PreviewIds": [{"previewId": preview_id}]}
    reply = post_json(logged_in, base + "/place.json", {"PlaceOrderRequest": place})
    assert reply.status == 200, reply.text
    order_id = reply.json()["PlaceOrderResponse"]["OrderIds"][0]["orderId"]
    assert emu.stats.orders_placed == 1

    # The same preview or clientOrderId cannot place a second order.
    again = post_json(logged_in, base + "/place.json", {"PlaceOrderRequest": place})
    assert again.status == 400 and "Error" in again.json()
    assert emu.stats.orders_placed == 1

    orders = logged_in.get(base + ".json", [("status", "OPEN")]).json()["OrdersResponse"]["Order"]
    assert order_id in [o["orderId"] for o in orders]
    assert not any("clientOrderId" in o for o in orders)  # production lists omit it (§2.14)
    assert orders[0]["OrderDetail"][0]["status"] == "OPEN"

    reply = post_json(
        logged_in, base + "/cancel.json", {"CancelOrderRequest": {"orderId": order_id}}, "PUT"
    )
    assert reply.status == 200 and reply.json()["CancelOrderResponse"]["orderId"] == order_id
    order = logged_in.get(f"{base}/{order_id}.json").json()["OrdersResponse"]["Order"][0]
    assert order["OrderDetail"][0]["status"] == "CANCELLED"


def test_duplicate_client_order_id_rejected(emu, logged_in):
    base = f"/v1/accounts/{KEY}/orders"
    reply = post_json(logged_in, base + "/preview.json", {"PreviewOrderRequest": _order()})
    preview_id = reply.json()["PreviewOrderResponse"]["PreviewIds"][0]["previewId"]
    second = post_json(logged_in, base + "/preview.json", {"PreviewOrderRequest": _order()})
    assert second.status == 200  # not placed yet: both previews stand
    place = {**_order(), "PreviewIds": [{"previewId": preview_id}]}
    assert post_json(logged_in, base + "/place.json", {"PlaceOrderRequest": place}).status == 200
    other = second.json()["PreviewOrderResponse"]["PreviewIds"][0]["previewId"]
    place = {**_order(), "PreviewIds": [{"previewId": other}]}
    reply = post_json(logged_in, base + "/place.json", {"PlaceOrderRequest": place})
    assert reply.status == 400 and reply.json()["Error"]["code"] == 1003
    # After a placed order, a new preview with the same clientOrderId is refused at once.
    reply = post_json(logged_in, base + "/preview.json", {"PreviewOrderRequest": _order()})
    assert reply.status == 400 and reply.json()["Error"]["code"] == 1003
    assert emu.stats.orders_placed == 1


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"PreviewOrderRequest": {**_order(), "clientOrderId": ""}},
        {"PreviewOrderRequest": _order(symbol="ZZZZZZ")},
        {"PreviewOrderRequest": _order(qty=0)},
    ],
)
def test_preview_validation(logged_in, payload):
    reply = post_json(logged_in, f"/v1/accounts/{KEY}/orders/preview.json", payload)
    assert reply.status == 400 and "Error" in reply.json()


def test_place_without_preview_rejected(logged_in):
    reply = post_json(
        logged_in, f"/v1/accounts/{KEY}/orders/place.json", {"PlaceOrderRequest": _order()}
    )
    assert reply.status == 400 and reply.json()["Error"]["code"] == 101  # pyetrade#23, #61


def test_form_body_parameters_are_signed(logged_in):
    """RFC 5849 §3.4.1.3.1: form-encoded body parameters enter the base string; JSON does not."""
    path = f"/v1/accounts/{KEY}/orders/preview.json"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    oauth = logged_in.oauth_params()
    unsigned_body = logged_in.sign("POST", path, list(oauth.items()))
    reply = logged_in.request(
        "POST", path, oauth=oauth, body=b"a=1+2", headers=form, signature=unsigned_body
    )
    assert reply.status == 401 and reply.problem == "signature_invalid"
    oauth = logged_in.oauth_params()
    signed = logged_in.sign("POST", path, [*oauth.items(), ("a", "1 2")])
    reply = logged_in.request("POST", path, oauth=oauth, body=b"a=1+2", headers=form,
                              signature=signed)  # fmt: skip
    assert reply.status == 415 and reply.json()["Error"]["code"] == 1001  # authenticated


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_order_body_must_be_labelled_json_or_xml(emu, logged_in, ctype):
    path = f"/v1/accounts/{KEY}/orders/preview.json"
    headers = {"Content-Type": ctype} if ctype else {}
    body = json.dumps({"PreviewOrderRequest": _order()}).encode()
    if ctype == "application/x-www-form-urlencoded":  # a form body is signed as parameters
        oauth = logged_in.oauth_params()
        signature = logged_in.sign("POST", path, [*oauth.items(), (body.decode(), "")])
        reply = logged_in.request(
            "POST", path, oauth=oauth, body=body, headers=headers, signature=signature
        )
    else:
        reply = logged_in.request("POST", path, body=body, headers=headers)
    assert reply.status == 415
    error = reply.json()["Error"]
    assert error["code"] == 1001 and "application/xml or application/json" in error["message"]
    assert emu.stats.orders_previewed == 0


def test_errors_follow_the_requested_format(logged_in):
    """Without ``.json`` or ``Accept: application/json`` every answer is XML, errors included."""
    for path in ("/v1/accounts/nope/balance", "/v1/accounts/list/nothing-here"):
        reply = logged_in.get(path, [("instType", "BROKERAGE")])
        assert reply.headers["content-type"] == "application/xml", path
        assert ElementTree.fromstring(reply.body).tag == "Error"
        reply = logged_in.get(path, [("instType", "BROKERAGE")], headers=JSON)
        assert reply.headers["content-type"] == "application/json", path
        assert "Error" in reply.json()
    reply = logged_in.request("DELETE", "/v1/accounts/list")
    assert reply.status == 405 and reply.headers["allow"] == "GET"
    assert ElementTree.fromstring(reply.body).findtext("code") == "405"
    reply = logged_in.get("/v1/accounts/nope/balance.json", [("instType", "BROKERAGE")])
    assert reply.json()["Error"]["code"] == 102
