"""Data endpoints beyond orders: strict parameters, pages, mid-path ``.json``, empty answers."""

from __future__ import annotations

import pytest

MAIN = "dBZOKt9xDrtRSAOl4MSiiA"
CLOSED = "Xk2mW8vR4nT0bY6cJ1dQ3A"
JSON = {"Accept": "application/json"}


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v1/accounts/list.json", [("count", "5")]),
        (f"/v1/accounts/{MAIN}/balance.json", [("instType", "BROKERAGE"), ("format", "json")]),
        (f"/v1/accounts/{MAIN}/portfolio.json", [("skipAdjust", "true")]),
        (f"/v1/accounts/{MAIN}/transactions.json", [("startdate", "01012026")]),
        ("/v1/market/quote/AAPL.json", [("detailflag", "ALL")]),
        ("/v1/market/optionchains.json", [("symbol", "AAPL"), ("expiry", "2026")]),
        ("/v1/user/alerts.json", [("page", "2")]),
    ],
)
def test_unknown_parameters_are_refused_by_name(logged_in, path, query):
    reply = logged_in.get(path, query)
    assert reply.status == 400, reply.text
    error = reply.json()["Error"]
    assert error["code"] == 1005 and f"Unknown parameter {query[-1][0]}" in error["message"]


def test_repeated_parameter_and_get_body_refused(logged_in):
    reply = logged_in.get(
        "/v1/market/quote/AAPL.json", [("detailFlag", "ALL"), ("detailFlag", "ALL")]
    )
    assert reply.status == 400 and "twice" in reply.json()["Error"]["message"]
    reply = logged_in.request("GET", "/v1/accounts/list.json", body=b"{}",
                              headers={"Content-Type": "application/json"})  # fmt: skip
    assert reply.status == 400 and "no request body" in reply.json()["Error"]["message"]


def test_transactions_are_deterministic_and_markers_chain(logged_in):
    path = f"/v1/accounts/{MAIN}/transactions.json"
    first = logged_in.get(path, [("count", "50")]).json()["TransactionListResponse"]
    again = logged_in.get(path, [("count", "50")]).json()["TransactionListResponse"]
    assert first == again and first["moreTransactions"] is True
    second = logged_in.get(path, [("count", "50"), ("marker", first["marker"])]).json()
    page2 = second["TransactionListResponse"]["Transaction"]
    assert page2[0]["transactionDate"] <= first["Transaction"][-1]["transactionDate"]
    ids = {t["transactionId"] for t in first["Transaction"]} & {t["transactionId"] for t in page2}
    assert not ids
    reply = logged_in.get(path, [("marker", "123_456")])
    assert reply.status == 400 and reply.json()["Error"]["code"] == 100


def test_transaction_details_by_both_url_forms_and_store(logged_in):
    listing = logged_in.get(f"/v1/accounts/{MAIN}/transactions.json", [("sortOrder", "ASC")])
    oldest = listing.json()["TransactionListResponse"]["Transaction"][0]
    assert oldest["storeId"] == 1  # over a year old: the older store
    assert f"/transactions.json/{oldest['transactionId']}?storeId=1" in oldest["detailsURI"]
    mid = f"/v1/accounts/{MAIN}/transactions.json/{oldest['transactionId']}"
    body = logged_in.get(mid, [("storeId", "1")]).json()["TransactionDetailsResponse"]
    assert body["transactionId"] == oldest["transactionId"] and "Brokerage" in body
    plain = f"/v1/accounts/{MAIN}/transactions/{oldest['transactionId']}"
    assert logged_in.get(plain, [("storeId", "1")]).text.startswith("<?xml")
    reply = logged_in.get(mid, [("storeId", "0")])
    assert reply.status == 404 and reply.json()["Error"]["code"] == 53


def test_transactions_spreadsheet_accept_and_empty_range(logged_in):
    path = f"/v1/accounts/{MAIN}/transactions"
    reply = logged_in.get(path, headers={"Accept": "application/vnd.ms-excel"})
    assert reply.status == 406 and "spreadsheets" in reply.text
    reply = logged_in.get(path, [("startDate", "05302026"), ("endDate", "05302026")])
    assert reply.status == 204 and reply.body == b""  # nothing on a Saturday: 204 [Dt]
    assert logged_in.get(f"/v1/accounts/{CLOSED}/transactions").status == 204


def test_alert_details_through_pyetrade_path_form(logged_in):
    first = logged_in.get("/v1/user/alerts.json").json()["AlertsResponse"]["Alert"][0]
    body = logged_in.get(f"/v1/user/alerts.json/{first['id']}").json()
    assert body["AlertDetailsResponse"]["id"] == first["id"]
    reply = logged_in.get("/v1/user/alerts/999999.json")
    assert reply.status == 404 and reply.json()["Error"]["code"] == 53


def test_lookup_and_expiries_in_xml(logged_in):
    reply = logged_in.get("/v1/market/lookup/vanguard")
    assert reply.headers["content-type"] == "application/xml"
    assert reply.text.count("<Data>") == 2
    assert logged_in.get("/v1/market/lookup/zzzz").text.endswith(
        "<LookupResponse></LookupResponse>"
    )
    reply = logged_in.get(
        "/v1/market/optionexpiredate.json", [("symbol", "VIX"), ("expiryType", "VIX")]
    )
    dates = reply.json()["OptionExpireDateResponse"]["ExpirationDate"]
    assert dates and {d["expiryType"] for d in dates} == {"VIX"}


def test_option_chain_quote_detail_round_trip(logged_in):
    chain = logged_in.get(
        "/v1/market/optionchains.json", [("symbol", "MSFT"), ("noOfStrikes", "2")]
    )
    pair = chain.json()["OptionChainResponse"]["OptionPair"][0]
    url = pair["Call"]["quoteDetail"]
    symbol = url.rsplit("/", 1)[1]
    quote = logged_in.get(f"/v1/market/quote/{symbol}.json", [("detailFlag", "OPTIONS")]).json()
    option = quote["QuoteResponse"]["QuoteData"][0]["Option"]
    assert option["osiKey"] == pair["Call"]["osiKey"]
    assert option["OptionGreeks"] == pair["Call"]["OptionGreeks"]


def test_portfolio_page_past_the_end_and_accept_header(logged_in):
    path = f"/v1/accounts/{MAIN}/portfolio"
    reply = logged_in.get(path, [("pageNumber", "9")], headers=JSON)
    assert reply.status == 400 and "past the last page" in reply.json()["Error"]["message"]
    body = logged_in.get(path, headers=JSON).json()["PortfolioResponse"]
    position = body["AccountPortfolio"][0]["Position"][0]
    assert not position["lotsDetails"].endswith(".json")  # the request had no suffix
    lots = logged_in.get(position["lotsDetails"].split(str(logged_in.port), 1)[1], headers=JSON)
    assert lots.json()["PositionLotsResponse"]["PositionLot"]
