"""The type sweep: each endpoint's scalar fields in the type production (or, without a
capture, the docs model) gives them, found wherever they sit in the answer.

The same class of mismatch as ``nextPageNo`` (docs: string), ``OptionGreeks.currentValue``
(docs model and example: boolean) and ``MutualFund.transactionFee`` (docs: string): a
typed client such as etrade-python refuses the whole answer over one of them. Types from
the reference (§2, §3 item 3) and the docs model it cites [EPY]; JSON answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import MAIN

TEXT = [
    "askTime",
    "bidTime",
    "dirLast",
    "optionStyle",
    "optionUnderlier",
    "primaryExchange",
    "bidExchange",
    "companyName",
    "symbolDescription",
    "salesCharge",
    "earlyRedemptionFee",
    "transactionFee",
    "performanceAsOfDate",
    "qtrlyPerformanceAsOfDate",
    "exchangeName",
    "exchangeCode",
    "availability",
    "morningStarCategory",
    "minMonth",
    "feePercent",
    "isFrontEnd",
    "quoteStatus",
    "week52Range",
    "daysRange",
    "currency",
    "exchange",
    "deliverablesStr",
    "baseSymbolAndPrice",
    "cusip",
    "positionIndicator",
    "positionType",
    "osiKey",
    "ratio",
    "cashMargin",
    "egQual",
    "marketSession",
    "priceType",
    "orderTerm",
    "settlementCurrency",
    "paymentCurrency",
    "nextPageNo",
    "ahFlag",
    "timeZone",
    "typeCode",
    "callPut",
    "securityType",
    "accountId",
    "marginLevelCd",
    "details",
    "lotsDetails",
    "quoteDetails",
    "next",
    "marker",
    "transactionId",
    "displaySymbol",
    "optionType",
    "inTheMoney",
    "optionCategory",
    "optionRootSymbol",
    "expiryType",
    "subject",
    "msgText",
    "dateTime",
]
FLAG = [
    "currentValue",
    "marginable",
    "adjustedFlag",
    "dstFlag",
    "hasMiniOptions",
    "allOrNone",
    "reserveOrder",
    "pmEligible",
    "ehDisclosureFlag",
    "ahDisclosureFlag",
    "conditionalDisclosureFlag",
    "aoDisclosureFlag",
    "moreTransactions",
    "imageFlag",
    "shareWorksAccount",
    "fcManagedMssbClosedAccount",
]
WHOLE = [
    "askSize",
    "bidSize",
    "daysToExpiration",
    "exDividendDate",
    "openInterest",
    "previousDayVolume",
    "totalVolume",
    "upc",
    "dividendPayableDate",
    "week52LowDate",
    "week52HiDate",
    "timeOfLastTrade",
    "orderCutoffTime",
    "fundInceptionDate",
    "asOfDate",
    "positionId",
    "dateAcquired",
    "lastTradeTime",
    "positionLotId",
    "termCode",
    "lotSourceCode",
    "legNo",
    "acquiredDate",
    "locationCode",
    "shortType",
    "expiryYear",
    "expiryMonth",
    "expiryDay",
    "orderId",
    "cancelTime",
    "previewTime",
    "placedTime",
    "executedTime",
    "previewId",
    "gcd",
    "optionLevelCd",
    "totalPages",
    "code",
    "dateTimeUTC",
    "transactionDate",
    "postDate",
    "createTime",
    "totalAlerts",
]
EXPECTED = {
    **dict.fromkeys(TEXT, (str,)),
    **dict.fromkeys(FLAG, (bool,)),
    **dict.fromkeys(WHOLE, (int,)),
}
ORDER = {"orderType": "EQ", "Order": [{"priceType": "LIMIT", "orderTerm": "GOOD_FOR_DAY",
         "marketSession": "REGULAR", "limitPrice": 1, "Instrument": [{"Product": {
             "securityType": "EQ", "symbol": "IBM"}, "orderAction": "BUY",
             "quantityType": "QUANTITY", "quantity": 1}]}]}  # fmt: skip


def _scalars(tree: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    if isinstance(tree, dict):
        for name, value in tree.items():
            if isinstance(value, (dict, list)):
                yield from _scalars(value, f"{path}.{name}")
            else:
                yield f"{path}.{name}", name, value
    elif isinstance(tree, list):
        for item in tree:
            yield from _scalars(item, path)


def _mismatches(doc: Any) -> list[str]:
    wrong = []
    for path, name, value in _scalars(doc):
        wanted = EXPECTED.get(name)
        if wanted is None or value is None:
            continue
        if (isinstance(value, bool) and bool not in wanted) or not isinstance(value, wanted):
            wrong.append(f"{path}={value!r}")
    return sorted(set(wrong))


def _views(api) -> list[Any]:
    return [
        api.get(f"/v1/accounts/{MAIN}/portfolio", params={"view": view, "count": 2,
                "totalsRequired": "true", "lotsRequired": "true"}).json()
        for view in ("QUICK", "PERFORMANCE", "FUNDAMENTAL", "OPTIONSWATCH", "COMPLETE")
    ]  # fmt: skip


def _order_answers(api, client_order_id: str) -> list[Any]:
    base = f"/v1/accounts/{MAIN}/orders"
    order = {**ORDER, "clientOrderId": client_order_id}
    preview = api.call("POST", base + "/preview", json={"PreviewOrderRequest": order}).json()
    ids = preview["PreviewOrderResponse"]["PreviewIds"]
    place = api.call("POST", base + "/place", json={"PlaceOrderRequest": {**order,
                     "PreviewIds": ids}}).json()  # fmt: skip
    order_id = place["PlaceOrderResponse"]["OrderIds"][0]["orderId"]
    details = api.get(f"{base}/{order_id}").json()
    cancel = api.call("PUT", base + "/cancel", json={"CancelOrderRequest": {"orderId": order_id}})
    return [preview, place, details, cancel.json()]


def _first_alert(api) -> int:
    return int(api.get("/v1/user/alerts").json()["AlertsResponse"]["Alert"][0]["id"])


ENDPOINTS = {
    "accounts": lambda api, _: [api.get("/v1/accounts/list").json()],
    "balance": lambda api, _: [
        api.get(f"/v1/accounts/{MAIN}/balance", params={"instType": "BROKERAGE"}).json()
    ],
    "portfolio": lambda api, _: _views(api),
    "lots": lambda api, _: [
        api.follow(
            _views(api)[0]["PortfolioResponse"]["AccountPortfolio"][0]["Position"][0][
                "lotsDetails"
            ],
            "json",
        ).json()
    ],
    "transactions": lambda api, _: [api.get(f"/v1/accounts/{MAIN}/transactions").json()],
    "transaction": lambda api, _: [
        api.follow(
            api.get(f"/v1/accounts/{MAIN}/transactions").json()["TransactionListResponse"][
                "Transaction"
            ][0]["detailsURI"],
            "json",
        ).json()
    ],
    "quotes": lambda api, _: [
        api.get("/v1/market/quote/AAPL,VFIAX", params={"detailFlag": flag}).json()
        for flag in ("ALL", "FUNDAMENTAL", "INTRADAY", "OPTIONS", "WEEK_52", "MF_DETAIL")
    ],
    "option quote": lambda api, _: [
        api.get(
            api.get("/v1/market/optionchains", params={"symbol": "AAPL", "noOfStrikes": 2}).json()[
                "OptionChainResponse"
            ]["OptionPair"][0]["Call"]["quoteDetail"][len(api.emu.url) :],
            params={"detailFlag": "OPTIONS"},
        ).json()
    ],
    "lookup": lambda api, _: [api.get("/v1/market/lookup/apple").json()],
    "chain": lambda api, _: [api.get("/v1/market/optionchains", params={"symbol": "AAPL"}).json()],
    "expiries": lambda api, _: [
        api.get("/v1/market/optionexpiredate", params={"symbol": "AAPL"}).json()
    ],
    "orders": lambda api, _: [api.get(f"/v1/accounts/{MAIN}/orders").json()],
    "order lifecycle": _order_answers,
    "alerts": lambda api, _: [api.get("/v1/user/alerts").json()],
    "alert": lambda api, _: [api.get(f"/v1/user/alerts/{_first_alert(api)}").json()],
}


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
def test_types_as_production_sends_them(api, endpoint):
    answers = ENDPOINTS[endpoint](api, "typesweep1")
    assert answers and all(answers)
    wrong = [m for doc in answers for m in _mismatches(doc)]
    assert not wrong, wrong


def test_the_sweep_sees_a_mismatch():
    assert _mismatches({"A": {"nextPageNo": 2, "OptionGreeks": {"currentValue": 1.5}}}) == [
        ".A.OptionGreeks.currentValue=1.5",
        ".A.nextPageNo=2",
    ]
