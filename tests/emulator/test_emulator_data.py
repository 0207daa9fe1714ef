"""Data endpoints: accounts, balance, portfolio, quotes (limits, odd symbols), orders."""

from __future__ import annotations

import json
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

KEY = "dBZOKt9xDrtRSAOl4MSiiA"
JSON = {"Accept": "application/json"}


def _order(client_id: str = "nb-0001", symbol: str = "GOOG", qty: int = 1) -> dict:
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
        "accountId", "accountIdKey", "accountMode", "accountDesc", "accountName",
        "accountType", "institutionType", "accountStatus", "closedDate",
    }  # fmt: skip
    reply = logged_in.get("/v1/accounts/list")
    assert reply.headers["content-type"] == "application/xml"
    assert "<AccountListResponse><Accounts><Account><accountId>" in reply.text
    root = ElementTree.fromstring(reply.body)  # valid XML, one element per JSON key
    assert root.tag == "AccountListResponse"
    assert root.findtext("Accounts/Account/accountIdKey") == first["accountIdKey"]
    # E*TRADE defaults to XML: Accept: application/json alone does not switch to JSON.
    assert logged_in.get("/v1/accounts/list", headers=JSON).body == reply.body


def test_balance_requires_inst_type(logged_in):
    reply = logged_in.get(
        f"/v1/accounts/{KEY}/balance.json", [("instType", "BROKERAGE"), ("realTimeNAV", "true")]
    )
    assert reply.status == 200
    assert reply.json()["BalanceResponse"]["Computed"]["RealTimeValues"]["totalAccountValue"] > 0
    reply = logged_in.get(f"/v1/accounts/{KEY}/balance.json")
    assert reply.status == 400 and reply.json()["Error"]["message"].startswith("instType")


def test_unknown_account_key(logged_in):
    reply = logged_in.get("/v1/accounts/nope/portfolio.json")
    assert reply.status == 400 and set(reply.json()["Error"]) == {"code", "message"}
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


@pytest.mark.parametrize(("count", "override", "status"), [
    (25, False, 200), (26, False, 400), (50, True, 200), (51, True, 400),
])  # fmt: skip
def test_quote_symbol_limits(logged_in, count, override, status):
    symbols = ",".join(f"S{i}" for i in range(count))
    query = [("overrideSymbolCount", "true")] if override else []
    reply = logged_in.get(f"/v1/market/quote/{symbols}.json", query)
    assert reply.status == status, reply.text
    if status == 200:
        assert len(reply.json()["QuoteResponse"]["QuoteData"]) == count
    else:
        assert reply.json()["Error"]["code"] == 1023


def test_quote_special_symbols_and_spaces(logged_in):
    symbols = ["BRK.B", "^VIX", "GOOG:2026:12:18:CALL:190.000000", "BF-B"]
    path = "/v1/market/quote/" + quote(",".join(symbols), safe=",.:") + ".json"
    assert "%5E" in path
    reply = logged_in.get(path, [("detailFlag", "ALL"), ("note", "a b & c=d")])
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
        {"description": "ZZZZZZ is not a valid symbol", "code": 10033, "type": "WARNING"}
    ]
    body = logged_in.get("/v1/market/quote/INVALID.json").json()["QuoteResponse"]
    assert "QuoteData" not in body and body["Messages"]["Message"][0]["code"] == 10033


@pytest.mark.parametrize(
    ("flag", "section"),
    [("FUNDAMENTAL", "Fundamental"), ("INTRADAY", "Intraday"), ("OPTIONS", "Option"),
     ("WEEK_52", "Week52"), ("MF_DETAIL", "MutualFund")],
)  # fmt: skip
def test_quote_detail_flags(logged_in, flag, section):
    body = logged_in.get("/v1/market/quote/MSFT.json", [("detailFlag", flag)]).json()
    assert section in body["QuoteResponse"]["QuoteData"][0]
    assert logged_in.get("/v1/market/quote/MSFT.json", [("detailFlag", "NOPE")]).status == 400


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

    orders = logged_in.get(base + ".json").json()["OrdersResponse"]["Order"]
    assert [(o["orderId"], o["clientOrderId"]) for o in orders] == [(order_id, "nb-0001")]
    assert orders[0]["OrderDetail"][0]["status"] == "OPEN"

    reply = post_json(
        logged_in, base + "/cancel.json", {"CancelOrderRequest": {"orderId": order_id}}, "PUT"
    )
    assert reply.status == 200 and reply.json()["CancelOrderResponse"]["orderId"] == order_id
    orders = logged_in.get(base + ".json").json()["OrdersResponse"]["Order"]
    assert orders[0]["OrderDetail"][0]["status"] == "CANCELLED"


def test_duplicate_client_order_id_rejected(emu, logged_in):
    base = f"/v1/accounts/{KEY}/orders"
    for expected in (200, 400):
        reply = post_json(logged_in, base + "/preview.json", {"PreviewOrderRequest": _order()})
        preview_id = reply.json()["PreviewOrderResponse"]["PreviewIds"][0]["previewId"]
        place = {**_order(), "PreviewIds": [{"previewId": preview_id}]}
        reply = post_json(logged_in, base + "/place.json", {"PlaceOrderRequest": place})
        assert reply.status == expected
    assert reply.json()["Error"]["code"] == 1003
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
    assert reply.status == 400 and reply.json()["Error"]["code"] == 1002


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
def test_order_body_must_be_labelled_json(logged_in, ctype):
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
    assert error["code"] == 1001 and "application/json" in error["message"]
    assert logged_in.get(f"/v1/accounts/{KEY}/orders.json").json()["OrdersResponse"] == {
        "Order": []
    }


def test_errors_follow_the_suffix_not_accept(logged_in):
    """Without ``.json`` every answer is XML, errors included; ``Accept`` changes nothing."""
    for path in ("/v1/accounts/nope/balance", "/v1/accounts/list/nothing-here"):
        reply = logged_in.get(path, [("instType", "BROKERAGE")], headers=JSON)
        assert reply.headers["content-type"] == "application/xml", path
        assert ElementTree.fromstring(reply.body).tag == "Error"
    reply = logged_in.request("DELETE", "/v1/accounts/list", headers=JSON)
    assert reply.status == 405 and reply.headers["allow"] == "GET"
    assert ElementTree.fromstring(reply.body).findtext("code") == "405"
    reply = logged_in.get("/v1/accounts/nope/balance.json", [("instType", "BROKERAGE")])
    assert reply.json()["Error"]["code"] == 1006
