"""The schema checker itself: it must fail on the mistakes it exists to catch."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from .schemacheck import SchemaError, check_root_json, check_root_xml
from .schemas import ENVELOPES

QUOTE = {
    "QuoteResponse": {
        "QuoteData": [
            {
                "dateTime": "09:06:38 EDT 03-12-2020", "dateTimeUTC": 1584018398,
                "quoteStatus": "DELAYED", "ahFlag": "false",
                "Product": {"symbol": "AAPL", "securityType": "EQ"},
                "Intraday": {"ask": 1.0, "bid": 1.0, "changeClose": 0.0,
                             "changeClosePercentage": 0.0, "companyName": "APPLE INC COM",
                             "high": 1.0, "lastTrade": 1.0, "low": 1.0, "totalVolume": 10},
            }
        ]
    }
}  # fmt: skip


def _check(doc):
    root, spec = ENVELOPES["quotes"]
    check_root_json(doc, root, spec)


def test_a_good_answer_passes():
    _check(QUOTE)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda q: q["Intraday"].update(exchange="NSDQ"), "does not list: ['exchange']"),
        (lambda q: q.update(ahFlag=False), "expected 'true'/'false' string"),
        (lambda q: q["Intraday"].pop("lastTrade"), "missing ['lastTrade']"),
        (lambda q: q["Intraday"].update(totalVolume=1.5), "expected integer"),
        (lambda q: q.update(quoteData=q.pop("Intraday")), "does not list: ['quoteData']"),
    ],
)
def test_mistakes_fail(mutate, message):
    doc = copy.deepcopy(QUOTE)
    mutate(doc["QuoteResponse"]["QuoteData"][0])
    with pytest.raises(SchemaError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _check(doc)


def test_a_single_member_must_still_be_an_array_in_json():
    doc: dict[str, Any] = copy.deepcopy(QUOTE)
    doc["QuoteResponse"]["QuoteData"] = doc["QuoteResponse"]["QuoteData"][0]
    with pytest.raises(SchemaError, match="expected a JSON array"):
        _check(doc)


def test_xml_is_held_to_the_same_names():
    root, spec = ENVELOPES["orders"]
    good = (
        b"<OrdersResponse><Order><orderId>5</orderId><details>http://x/5</details>"
        b"<orderType>EQ</orderType></Order></OrdersResponse>"
    )
    check_root_xml(good, root, spec)  # an empty array has no element in XML
    with pytest.raises(SchemaError, match="missing"):  # orderId is required
        check_root_xml(good.replace(b"<orderId>5</orderId>", b""), root, spec)
    with pytest.raises(SchemaError, match="expected integer"):
        check_root_xml(good.replace(b"<orderId>5", b"<orderId>five"), root, spec)
    with pytest.raises(SchemaError, match="expected root"):
        check_root_xml(b"<OrderResponse/>", root, spec)
