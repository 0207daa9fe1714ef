"""Order helpers on a scripted transport: preview → place, never twice, find after unknown."""

from __future__ import annotations

import email.utils
import json

import pandas as pd
import pytest
import requests

from etrade_nb import (
    ConfigurationError,
    InvalidOrderError,
    OrderLookupError,
    OrderPreview,
    OrderStatusUnknownError,
    TransportError,
    limit_order,
    market_order,
)
from tests.unit.api.conftest import ACCOUNTS, KEY, T0, body, make_session, ok, path, query

PREVIEW = {
    "PreviewOrderResponse": {
        "orderType": "EQ",
        "totalOrderValue": 1502.5,
        "previewTime": 1_780_408_800_000,
        "accountId": "83405188",
        "PreviewIds": [{"previewId": 3429218279}],
        "Order": [
            {
                "orderTerm": "GOOD_FOR_DAY",
                "priceType": "LIMIT",
                "limitPrice": 150.25,
                "estimatedCommission": 0,
                "estimatedTotalAmount": 1502.5,
                "messages": {
                    "Message": [
                        {
                            "description": "200|You have an existing open order for this security.",
                            "code": 1042,
                            "type": "WARNING",
                        }
                    ]
                },
                "Instrument": [
                    {
                        "orderAction": "BUY",
                        "quantity": 10,
                        "Product": {"symbol": "AAPL", "securityType": "EQ"},
                    }
                ],
            }
        ],
    }
}
PLACED = {
    "PlaceOrderResponse": {
        "orderType": "EQ",
        "placedTime": 1_780_408_801_000,
        "OrderIds": [{"orderId": 673}],
        "Order": [
            {
                "messages": {
                    "Message": [
                        {
                            "description": "200|Your order was successfully entered.",
                            "code": 1026,
                            "type": "WARNING",
                        }
                    ]
                }
            }
        ],
    }
}


def _listed(order_id: int, placed_ms: float, status: str = "OPEN", **extra) -> dict:
    return {
        "orderId": order_id,
        "details": f"https://apisb.etrade.com/v1/accounts/{KEY}/orders/{order_id}",
        "orderType": "EQ",
        "OrderDetail": [
            {
                "placedTime": placed_ms,
                "orderValue": 1502.5,
                "status": status,
                "orderTerm": "GOOD_FOR_DAY",
                "priceType": "LIMIT",
                "limitPrice": 150.25,
                "stopPrice": 0,
                "marketSession": "REGULAR",
                "allOrNone": False,
                "Instrument": [
                    {
                        "Product": {"symbol": "AAPL", "securityType": "EQ"},
                        "orderAction": "BUY",
                        "quantityType": "QUANTITY",
                        "orderedQuantity": 10,
                        "filledQuantity": 0.0,
                        "estimatedCommission": 0,
                    }
                ],
                **extra,
            }
        ],
    }


def test_preview_shows_estimates_and_messages_then_places_with_its_preview_id():
    order = limit_order("AAPL", "BUY", 10, 150.25, client_order_id="NB1")
    session, adapter = make_session(ok(ACCOUNTS), ok(PREVIEW), ok(PLACED))
    preview = session.preview_order("83405188", order)
    assert isinstance(preview, OrderPreview)
    assert (preview.estimated_total, preview.estimated_commission) == (1502.5, 0.0)
    assert preview.preview_ids == [3429218279]
    text = repr(preview)
    assert text.splitlines() == [
        "OrderPreview: BUY 10 AAPL, limit 150.25, good for the day",
        "  estimated total: $1,502.50",
        "  estimated commission: $0.00",
        "  preview id: 3429218279",
        "  client order id: NB1",
        "  E*TRADE: WARNING 1042: You have an existing open order for this security.",
        "  next: .place() sends it (E*TRADE keeps a preview for about 3 minutes)",
    ]
    assert "<th" in preview._repr_html_() and "$1,502.50" in preview._repr_html_()
    placed = preview.place()
    assert placed.order_id == 673 and placed.order.client_order_id == "NB1"
    sent_preview, sent_place = body(adapter.sent[1]), body(adapter.sent[2])
    assert path(adapter.sent[1]) == f"/v1/accounts/{KEY}/orders/preview.json"
    assert path(adapter.sent[2]) == f"/v1/accounts/{KEY}/orders/place.json"
    assert sent_place["PlaceOrderRequest"]["PreviewIds"] == [{"previewId": 3429218279}]
    assert (
        sent_place["PlaceOrderRequest"]["clientOrderId"]
        == sent_preview["PreviewOrderRequest"]["clientOrderId"]
        == "NB1"
    )
    assert "1026: Your order was successfully entered." in repr(placed)
    assert placed.placed_time is not None
    assert placed.placed_time.isoformat() == "2026-06-02T10:00:01-04:00"
    with pytest.raises(InvalidOrderError, match="already placed"):
        preview.place()
    assert len(adapter.sent) == 3


def test_place_needs_a_preview():
    session, adapter = make_session()
    with pytest.raises(InvalidOrderError, match="previewed orders"):
        session.place_order(KEY, market_order("AAPL", "BUY", 1))
    with pytest.raises(InvalidOrderError, match="limit_order"):
        session.preview_order(KEY, {"PreviewOrderRequest": {}})  # type: ignore[arg-type]
    assert adapter.sent == []


def _dated(doc: dict, server_time: float) -> tuple[int, str, dict[str, str]]:
    """A 200 answer with E*TRADE's ``Date`` header at ``server_time``."""
    return (200, json.dumps(doc), {"Date": email.utils.formatdate(server_time, usegmt=True)})


def _orders(*listed: dict) -> tuple[int, str]:
    return ok({"OrdersResponse": {"Order": list(listed)}})


SKEW = 90  # this computer's clock runs 90 s ahead of E*TRADE's (E*TRADE accepts ±300 s)


def test_a_lost_place_is_found_by_the_servers_clock_not_the_clients():
    order = limit_order("AAPL", "BUY", 10, 150.25)
    server_now = T0 - SKEW
    session, adapter = make_session(
        _dated(ACCOUNTS, server_now),
        requests.exceptions.ReadTimeout("read timed out"),
        # an identical order an hour ago, and the lost one, placed a second after sending
        _orders(_listed(672, (server_now - 3600) * 1000), _listed(673, (server_now + 1) * 1000)),
    )
    with pytest.raises(OrderStatusUnknownError) as caught:
        session.place_order(KEY, order, preview_id=1)
    assert caught.value.client_order_id == order.client_order_id
    assert f"session.find_order('{order.client_order_id}')" in str(caught.value)
    assert len(adapter.sent) == 2  # the place went out once, never again
    with pytest.raises(InvalidOrderError, match=r"run session\.find_order"):
        session.place_order(KEY, order, preview_id=1)  # not again before find_order answers
    assert len(adapter.sent) == 2
    found = session.find_order(order.client_order_id)
    assert found is not None  # placed after sending by E*TRADE's clock, 89 s "early"
    assert found["orderId"] == 673
    assert query(adapter.sent[2])["symbol"] == "AAPL"
    with pytest.raises(InvalidOrderError, match=r"already placed \(order 673\)"):
        session.place_order(KEY, order, preview_id=1)
    assert len(adapter.sent) == 3


def test_an_earlier_identical_order_is_not_taken_for_a_lost_one():
    order = limit_order("AAPL", "BUY", 10, 150.25)
    session, adapter = make_session(
        _dated(ACCOUNTS, T0),
        requests.exceptions.ConnectionError("reset"),
        _orders(_listed(672, (T0 - 600) * 1000)),  # same content, placed before sending
        ok({"PlaceOrderResponse": {"OrderIds": [{"orderId": 674}], "Order": []}}),
    )
    with pytest.raises(OrderStatusUnknownError):
        session.place_order(KEY, order, preview_id=1)
    assert session.find_order(order.client_order_id) is None  # E*TRADE does not have it
    placed = session.place_order(KEY, order, preview_id=1)  # sending again is now safe
    assert placed.order_id == 674 and len(adapter.sent) == 4


def test_find_order_says_unknown_with_candidates_rather_than_guess():
    order = limit_order("AAPL", "BUY", 10, 150.25)
    twins = _listed(673, (T0 + 1) * 1000), _listed(674, (T0 + 2) * 1000)
    session, _ = make_session(
        _dated(ACCOUNTS, T0), requests.exceptions.ReadTimeout("t"), _orders(*twins)
    )
    with pytest.raises(OrderStatusUnknownError):
        session.place_order(KEY, order, preview_id=1)
    with pytest.raises(OrderLookupError, match="2 orders like it") as caught:
        session.find_order(order.client_order_id)
    assert [o["orderId"] for o in caught.value.candidates] == [673, 674]
    with pytest.raises(InvalidOrderError, match=r"run session\.find_order"):
        session.place_order(KEY, order, preview_id=1)  # still unanswered: nothing is sent


def test_without_the_servers_clock_a_look_alike_is_only_a_candidate():
    order = limit_order("AAPL", "BUY", 10, 150.25)
    session, _ = make_session(
        ok(ACCOUNTS),  # no Date header, no preview: E*TRADE's time of sending is unknown
        requests.exceptions.ReadTimeout("t"),
        _orders(_listed(672, (T0 - 3600) * 1000)),
    )
    with pytest.raises(OrderStatusUnknownError):
        session.place_order(KEY, order, preview_id=1)
    with pytest.raises(OrderLookupError, match="look like it") as caught:
        session.find_order(order.client_order_id)
    assert [o["orderId"] for o in caught.value.candidates] == [672]


def test_the_previews_time_bounds_the_search():
    order = limit_order("AAPL", "BUY", 10, 150.25)
    preview = {
        "PreviewOrderResponse": {
            "previewTime": int((T0 - SKEW) * 1000),
            "PreviewIds": [{"previewId": 5}],
            "Order": [],
        }
    }
    session, _ = make_session(
        ok(ACCOUNTS),
        ok(preview),
        requests.exceptions.ReadTimeout("t"),
        _orders(_listed(672, (T0 - SKEW - 5) * 1000), _listed(673, (T0 - SKEW + 3) * 1000)),
    )
    previewed = session.preview_order(KEY, order)
    with pytest.raises(OrderStatusUnknownError):
        previewed.place()
    with pytest.raises(InvalidOrderError, match=r"run session\.find_order"):
        previewed.place()
    found = session.find_order(order.client_order_id)
    assert found is not None and found["orderId"] == 673


def test_find_order_prefers_an_echoed_client_order_id():
    listed = _listed(9, T0 * 1000, clientOrderId="ABC123")
    session, _ = make_session(ok(ACCOUNTS), ok({"OrdersResponse": {"Order": [listed]}}))
    found = session.find_order("ABC123", "83405188")
    assert found is not None and found["orderId"] == 9
    session, _ = make_session()
    with pytest.raises(ConfigurationError, match="pass its account"):
        session.find_order("NOTSENT")


def test_find_order_never_guesses_about_an_order_it_did_not_send():
    other = _listed(10, T0 * 1000, clientOrderId="OTHER1")
    plain = _listed(11, T0 * 1000)  # E*TRADE's usual listing: no clientOrderId
    session, _ = make_session(ok(ACCOUNTS), _orders(other))
    assert session.find_order("ABC123", "83405188") is None  # ids listed, none is it
    session, _ = make_session(ok(ACCOUNTS), _orders(other, plain))
    with pytest.raises(OrderLookupError, match="does not carry clientOrderId") as caught:
        session.find_order("ABC123", "83405188")
    assert [o["orderId"] for o in caught.value.candidates] == [11]


def test_orders_follow_the_marker_with_filters():
    first = {
        "OrdersResponse": {
            "marker": "m1",
            "next": "...",
            "Order": [_listed(i, T0 * 1000) for i in range(100)],
        }
    }
    last = {
        "OrdersResponse": {
            "Order": [_listed(100, T0 * 1000, "EXECUTED", executedTime=T0 * 1000 + 5)]
        }
    }
    session, adapter = make_session(ok(ACCOUNTS), ok(first), ok(last))
    frame = session.orders(
        "83405188",
        status="open",
        start="2026-06-01",
        end="2026-06-03",
        symbols=["aapl", "msft"],
        as_frame=True,
    )
    assert len(frame) == 101 and frame.index.names == ["orderId", "leg"]
    q1, q2 = (query(r) for r in adapter.sent[1:])
    assert q1 == {
        "count": "100",
        "status": "OPEN",
        "fromDate": "06012026",
        "toDate": "06032026",
        "symbol": "AAPL,MSFT",
    }
    assert q2["marker"] == "m1"
    assert frame.loc[(100, 1), "status"] == "EXECUTED"
    executed = frame.loc[(100, 1), "executedTime"]
    assert isinstance(executed, pd.Timestamp) and executed.tzinfo is not None
    assert frame["limitPrice"].dtype == "float64" and frame.loc[(0, 1), "symbol"] == "AAPL"
    assert str(frame["orderedQuantity"].dtype) == "Int64"


def test_order_details_cancel_and_change():
    session, adapter = make_session(
        ok(ACCOUNTS),
        ok({"OrdersResponse": {"Order": [_listed(673, T0 * 1000)]}}),
        ok(
            {
                "CancelOrderResponse": {
                    "orderId": 673,
                    "cancelTime": 1529563499081,
                    "Messages": {"Message": [{"code": 5011}]},
                }
            }
        ),
        ok(PREVIEW),
        ok(
            {"PlaceOrderResponse": {**PLACED["PlaceOrderResponse"], "OrderIds": [{"orderId": 674}]}}
        ),
    )
    assert session.order(KEY, 673)["orderId"] == 673
    assert session.cancel_order(KEY, 673)["cancelTime"] == 1529563499081
    assert body(adapter.sent[3 - 1]) == {"CancelOrderRequest": {"orderId": 673}}
    assert adapter.sent[2].method == "PUT" and path(adapter.sent[2]).endswith("/orders/cancel.json")
    change = session.preview_change(KEY, 672, limit_order("AAPL", "BUY", 10, 149))
    assert "replaces order: 672" in repr(change)
    placed = change.place()
    assert placed.order_id == 674
    assert [(r.method, path(r).split(KEY)[1]) for r in adapter.sent[3:]] == [
        ("PUT", "/orders/672/change/preview.json"),
        ("PUT", "/orders/672/change/place.json"),
    ]


def test_live_sessions_refuse_orders_until_enabled():
    order = market_order("AAPL", "BUY", 1)
    session, _ = make_session(ok(ACCOUNTS), ok(PREVIEW), sandbox=False)
    with pytest.raises(ConfigurationError, match="enable_live_trading"):
        session.preview_order(KEY, order)
    with pytest.raises(ConfigurationError, match="enable_live_trading"):
        session.cancel_order(KEY, 1)
    session.enable_live_trading()
    assert session.preview_order(KEY, order).preview_ids == [3429218279]


def test_a_lost_preview_says_nothing_was_placed_and_a_lost_cancel_says_check():
    session, adapter = make_session(
        ok(ACCOUNTS),
        requests.exceptions.ConnectionError("connection reset"),
        requests.exceptions.ReadTimeout("read timed out"),
    )
    with pytest.raises(TransportError, match="places nothing, so preview the order again"):
        session.preview_order(KEY, market_order("AAPL", "BUY", 1))
    with pytest.raises(OrderStatusUnknownError, match=r"session.order\(account, 673\)"):
        session.cancel_order(KEY, 673)
    assert [r.method for r in adapter.sent] == ["GET", "POST", "PUT"]  # nothing sent twice


def test_orders_stop_at_the_cap_and_say_so():
    page = {
        "OrdersResponse": {"marker": "m1", "Order": [_listed(i, T0 * 1000) for i in range(100)]}
    }
    session, adapter = make_session(ok(ACCOUNTS), ok(page))
    with pytest.warns(UserWarning, match="Stopped after 60 orders"):
        listed = session.orders(KEY, limit=60)
    assert len(listed) == 60 and listed.more is True
    assert query(adapter.sent[1])["count"] == "60"
