"""Order builders: valid orders serialise as E*TRADE documents; invalid ones never leave."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etrade_nb import (
    InvalidOrderError,
    OptionContract,
    OrderRequest,
    limit_order,
    market_order,
    stop_limit_order,
    stop_order,
)
from etrade_nb.api.order_types import (
    fund_order,
    new_client_order_id,
    on_close_order,
    on_open_order,
    trailing_stop_order,
)


def test_limit_order_payload_is_a_preview_order_request():
    order = limit_order("aapl", "buy", 10, 150.25, term="good_until_cancel", client_order_id="A1")
    assert order.payload() == {
        "PreviewOrderRequest": {
            "orderType": "EQ",
            "clientOrderId": "A1",
            "Order": [
                {
                    "allOrNone": False,
                    "priceType": "LIMIT",
                    "orderTerm": "GOOD_UNTIL_CANCEL",
                    "marketSession": "REGULAR",
                    "limitPrice": 150.25,
                    "Instrument": [
                        {
                            "Product": {"symbol": "AAPL", "securityType": "EQ"},
                            "orderAction": "BUY",
                            "quantityType": "QUANTITY",
                            "quantity": 10,
                        }
                    ],
                }
            ],
        }
    }


def test_place_payload_adds_preview_ids_and_keeps_the_client_order_id():
    order = market_order("MSFT", "SELL", 3)
    placed = order.payload([111, 222])["PlaceOrderRequest"]
    assert placed["PreviewIds"] == [{"previewId": 111}, {"previewId": 222}]
    assert placed["clientOrderId"] == order.client_order_id
    assert "limitPrice" not in placed["Order"][0] and "stopPrice" not in placed["Order"][0]


def test_option_order_product_and_actions():
    call = OptionContract("aapl", "2026-06-19", 190, "call")
    order = stop_limit_order(call, "BUY_OPEN", 2, 2.0, 2.5)
    doc = order.payload()["PreviewOrderRequest"]
    assert doc["orderType"] == "OPTN"
    detail = doc["Order"][0]
    assert (detail["priceType"], detail["stopPrice"], detail["limitPrice"]) == (
        "STOP_LIMIT",
        2.0,
        2.5,
    )
    assert detail["Instrument"][0]["Product"] == {
        "symbol": "AAPL",
        "securityType": "OPTN",
        "callPut": "CALL",
        "expiryYear": 2026,
        "expiryMonth": 6,
        "expiryDay": 19,
        "strikePrice": 190.0,
    }
    assert call.expiry == date(2026, 6, 19)
    assert (
        order.describe()
        == "BUY_OPEN 2 AAPL 2026-06-19 190 CALL, stop 2.00, limit 2.50, good for the day"
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: OrderRequest("AAPL", "BUY", 1, "LIMIT"), "needs limit_price"),
        (lambda: OrderRequest("AAPL", "BUY", 1, "STOP"), "needs stop_price"),
        (lambda: OrderRequest("AAPL", "BUY", 1, "STOP_LIMIT", stop_price=5), "needs limit_price"),
        (lambda: OrderRequest("AAPL", "BUY", 1, "MARKET", stop_price=5), "takes no stop_price"),
        (lambda: OrderRequest("AAPL", "BUY", 1, "MARKET", limit_price=5), "takes no limit_price"),
        (lambda: stop_order("AAPL", "SELL", 1, 90, limit_price=80), "takes no limit_price"),
        (lambda: market_order("AAPL", "BUY", 1, session="EXTENDED"), "must be LIMIT"),
        (lambda: stop_order("AAPL", "SELL", 1, 90, session="EXTENDED"), "must be LIMIT"),
        (lambda: market_order("AAPL", "BUY", 1, term="GOOD_UNTIL_CANCEL"), "good for the day"),
        (lambda: limit_order("AAPL", "BUY", 1, 10, term="GOOD_TILL_MONDAY"), "is not one of"),
        (lambda: limit_order("AAPL", "BUY", 1, -1), "positive price"),
        (lambda: limit_order("AAPL", "BUY", 1, float("nan")), "positive price"),
        (lambda: market_order("AAPL", "BUY", 0), "above zero"),
        (lambda: market_order("AAPL", "BUY", 1.5), "whole number"),  # type: ignore[arg-type]
        (lambda: market_order("AAPL", "BUY", True), "whole number"),
        (lambda: market_order("AAPL", "BUY_OPEN", 1), "not valid for a stock"),
        (
            lambda: market_order(OptionContract("AAPL", "2026-06-19", 190, "PUT"), "BUY", 1),
            "not valid for an option",
        ),
        (lambda: market_order("AAPL,MSFT", "BUY", 1), "not one symbol"),
        (lambda: market_order("AAPL", "BUY", 1, client_order_id="has space"), "1-20 letters"),
        (lambda: market_order("AAPL", "BUY", 1, client_order_id="X" * 21), "1-20 letters"),
        (lambda: OptionContract("AAPL", "June", 190, "CALL"), "not a date"),
        (lambda: OptionContract("AAPL", "2026-06-19", 190, "STRADDLE"), "CALL or PUT"),
        (lambda: OptionContract("AAPL", "2026-06-19", 0, "CALL"), "positive price"),
    ],
)
def test_invalid_combinations_are_refused_before_sending(build, message):
    with pytest.raises(InvalidOrderError, match=message):
        build()


def test_extended_session_limit_order_is_fine():
    order = limit_order("AAPL", "BUY", 1, 10, session="extended")
    assert order.payload()["PreviewOrderRequest"]["Order"][0]["marketSession"] == "EXTENDED"


def test_client_order_ids_are_unique_short_alphanumerics():
    ids = {new_client_order_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(len(i) == 20 and i.isalnum() for i in ids)
    order = market_order("AAPL", "BUY", 1)
    again = order.renewed()
    assert again.client_order_id != order.client_order_id
    assert (
        again.payload()["PreviewOrderRequest"]["Order"]
        == order.payload()["PreviewOrderRequest"]["Order"]
    )


PRICES = st.one_of(st.none(), st.floats(min_value=0.01, max_value=1e5, allow_nan=False))


@given(
    price_type=st.sampled_from(["MARKET", "LIMIT", "STOP", "STOP_LIMIT"]),
    limit=PRICES,
    stop=PRICES,
    term=st.sampled_from(
        ["GOOD_FOR_DAY", "GOOD_UNTIL_CANCEL", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"]
    ),
    session=st.sampled_from(["REGULAR", "EXTENDED"]),
)
def test_an_order_is_built_exactly_when_its_prices_fit_its_type(
    price_type, limit, stop, term, session
):
    needs_limit = price_type in ("LIMIT", "STOP_LIMIT")
    needs_stop = price_type in ("STOP", "STOP_LIMIT")
    valid = (
        (limit is not None) == needs_limit
        and (stop is not None) == needs_stop
        and (session == "REGULAR" or price_type == "LIMIT")
        and (price_type != "MARKET" or term == "GOOD_FOR_DAY")
    )
    build = lambda: OrderRequest(  # noqa: E731
        "AAPL", "BUY", 1, price_type, limit_price=limit, stop_price=stop, term=term, session=session
    )
    if not valid:
        with pytest.raises(InvalidOrderError):
            build()
        return
    detail = build().payload()["PreviewOrderRequest"]["Order"][0]
    assert detail["priceType"] == price_type and detail["orderTerm"] == term
    assert ("limitPrice" in detail) == needs_limit and ("stopPrice" in detail) == needs_stop


def test_importing_the_session_leaves_pandas_and_the_order_modules_out():
    code = (
        "import sys; from etrade_nb import Session; "
        "print(sorted(m for m in ('pandas', 'etrade_nb.api.order_types') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_describe_reads_as_a_sentence() -> None:
    """Each price said once, with its kind; the term in words (not ``LIMIT limit 100.00``)."""
    order = limit_order("AAPL", "BUY", 10, 100, term="GOOD_UNTIL_CANCEL")
    assert order.describe() == "BUY 10 AAPL, limit 100.00, good until cancelled"
    assert market_order("F", "SELL", 5).describe() == "SELL 5 F at market, good for the day"
    extended = limit_order("MSFT", "BUY", 1, 98.4, session="EXTENDED", all_or_none=True)
    assert extended.describe() == (
        "BUY 1 MSFT, limit 98.40, good for the day, extended hours, all or none"
    )
    stop = stop_order("IBM", "SELL", 3, 90, term="IMMEDIATE_OR_CANCEL")
    assert stop.describe() == "SELL 3 IBM, stop 90.00, immediate or cancel"
    trail = trailing_stop_order("AAPL", "SELL", 10, percent=5)
    assert trail.describe() == "SELL 10 AAPL, trailing stop 5%, good for the day"
    assert on_open_order("AAPL", "BUY", 10, 101).describe() == (
        "BUY 10 AAPL on the open, limit 101.00, good for the day"
    )
    assert on_close_order("F", "SELL", 2).describe() == (
        "SELL 2 F at market on the close, good for the day"
    )
    until = date.today() + timedelta(days=20)
    dated = limit_order("AAPL", "BUY", 10, 100, term="GOOD_TILL_DATE", good_till=until)
    assert dated.describe() == f"BUY 10 AAPL, limit 100.00, good till {until.isoformat()}"
    fund = fund_order("VFIAX", "BUY", dollars=1000)
    assert fund.describe().startswith("BUY $1,000.00 of VFIAX")
