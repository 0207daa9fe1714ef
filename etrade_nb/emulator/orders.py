"""Order endpoints: list, details, preview, place, change, cancel (reference §2.12-2.18).

E*TRADE publishes no error table for orders. Codes used: 101 for a missing, expired,
used or mismatched preview (pyetrade#23, #61); the emulator's own 1001 (bad request),
1003 (clientOrderId already used) and 1004 (order not open); 10033 for a bad symbol.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from . import data, leniency, orderbody, ordercheck, ordershapes
from .calls import Call, not_found
from .messages import ApiError
from .orderbook import PREVIEW_LIFETIME, Order, OrderBook
from .ordercheck import Leg, OrderSpec, Request
from .params import ERR_PARAMETER
from .prices import EASTERN, price_of

ERR_PREVIEW = 101
ERR_DUPLICATE_CLIENT_ORDER_ID = 1003
ERR_NOT_OPEN = 1004
STATUSES = ("OPEN", "EXECUTED", "CANCELLED", "INDIVIDUAL_FILLS", "CANCEL_REQUESTED", "EXPIRED",
            "REJECTED", "PARTIAL", "DO_NOT_EXERCISE", "DONE_TRADE_EXECUTED")  # fmt: skip
TRANSACTION_TYPES = ("ATNM", "BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER", "MF_EXCHANGE")
TIMED_OUT = (
    "For your protection, we have timed out your original order request. If you would like "
    "to place this order, please resubmit it now."
)


def _seed(book: OrderBook, key: str, now: float) -> None:
    """History for the active accounts: executed, expired, cancelled and open orders."""
    with book.lock:
        if key in book.seeded or key not in (data.MAIN_KEY, data.TRADER_KEY):
            return
        book.seeded.add(key)
        base = 100 if key == data.MAIN_KEY else 200
        symbols = ("AAPL", "MSFT", "IBM", "F", "GOOG", "TSLA")
        today = datetime.fromtimestamp(now, EASTERN).date()
        for i in range(32):
            day = today - timedelta(days=2 + i * 3)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            placed = datetime.combine(day, time(10, 0), EASTERN).timestamp() + i * 60
            symbol = symbols[i % len(symbols)]
            pattern = i % 5
            far = round(price_of(symbol) * 0.5, 2)
            if pattern in (0, 1, 2):
                leg = Leg(symbol, "EQ", "BUY" if pattern else "SELL", 5.0 + i)
                spec = OrderSpec("MARKET", "GOOD_FOR_DAY", "REGULAR", False, 0, 0, "AUTO", (leg,))
            else:
                term = "GOOD_FOR_DAY" if pattern == 3 else "GOOD_UNTIL_CANCEL"
                spec = OrderSpec("LIMIT", term, "REGULAR", False, far, 0.0, "AUTO",
                                 (Leg(symbol, "EQ", "BUY", 10.0),))  # fmt: skip
            request = Request("EQ", f"seed{base + i}", (spec,))
            order = book.add(key, request, placed, base + i, history=True)
            if pattern == 4:
                order.cancelled_at = placed + 3600
        for j, symbol in enumerate(("MSFT", "AAPL")):  # two good-until-cancel orders stay open
            placed = now - 86400 * (j + 1)
            far = round(price_of(symbol) * 0.6, 2)
            spec = OrderSpec("LIMIT", "GOOD_UNTIL_CANCEL", "REGULAR", False, far, 0.0, "AUTO",
                             (Leg(symbol, "EQ", "BUY", 20.0),))  # fmt: skip
            request = Request("EQ", f"seedopen{base + j}", (spec,))
            book.add(key, request, placed, base + 40 + j, history=True)


def _duplicate(client_order_id: str) -> ApiError:
    return ApiError(
        400,
        ERR_DUPLICATE_CLIENT_ORDER_ID,
        f"An order with clientOrderId {client_order_id} was already placed on this account; "
        "use a new clientOrderId for a new order.",
    )


def _book(call: Call, key: str) -> OrderBook:
    book = call.ctx.orders
    _seed(book, key, call.now)
    return book


def _details_url(call: Call, key: str, order: Order) -> str:
    return call.url(f"/v1/accounts/{key}/orders/{order.order_id}")


def _matches(order: Order, now: float, q: Any, symbols: set[str], low: float, high: float) -> bool:
    legs = [leg for spec in order.request.orders for leg in spec.legs]
    status = q.text("status")
    if status is not None and order.status(now) != status:
        return False
    if symbols and not any(leg.symbol in symbols for leg in legs):
        return False
    kind = q.text("securityType")
    if kind is not None and not any(leg.security_type == kind for leg in legs):
        return False
    action = q.text("transactionType")
    if action not in (None, "ATNM"):  # ATNM: documented value with no described effect; all
        wanted = {
            "BUY": ("BUY", "BUY_OPEN", "BUY_CLOSE"),
            "SELL": ("SELL", "SELL_OPEN", "SELL_CLOSE"),
        }
        if not any(leg.action in wanted.get(action, (action,)) for leg in legs):
            return False
    session = q.text("marketSession")
    if session is not None and order.request.orders[0].session != session:
        return False
    return low <= order.placed < high


def listing(call: Call) -> dict[str, Any] | None:
    q = call.query("marker", "count", "status", "fromDate", "toDate", "symbol", "securityType",
                   "transactionType", "marketSession")  # fmt: skip
    account = call.account()
    count = q.integer("count", 25, 1, 100)
    assert count is not None
    q.enum("status", STATUSES)
    q.enum("securityType", ("EQ", "OPTN", "MF", "MMF"))
    q.enum("transactionType", TRANSACTION_TYPES)
    q.enum("marketSession", ("REGULAR", "EXTENDED"))
    start, end = q.mmddyyyy("fromDate"), q.mmddyyyy("toDate")
    if (start is None) != (end is None):
        raise ApiError(400, ERR_PARAMETER, "fromDate and toDate go together: send both or neither.")
    low, high = 0.0, float("inf")
    if start is not None and end is not None:
        if end < start:
            raise ApiError(400, ERR_PARAMETER, "toDate must not be before fromDate.")
        low = datetime.combine(start, time(0, 0), EASTERN).timestamp()
        high = datetime.combine(end + timedelta(days=1), time(0, 0), EASTERN).timestamp()
    symbols = {s.strip().upper() for s in (q.text("symbol") or "").split(",") if s.strip()}
    if len(symbols) > 25:
        raise ApiError(400, ERR_PARAMETER, "symbol takes at most 25 comma-separated symbols.")
    key = account["accountIdKey"]
    book = _book(call, key)
    with book.lock:
        rows = [o for o in book.of_account(key) if _matches(o, call.now, q, symbols, low, high)]
        marker = q.text("marker")
        offset = 0
        if marker is not None:
            ids = [str(o.order_id) for o in rows]
            if marker not in ids:
                raise ApiError(400, ERR_PARAMETER, f"Invalid marker {marker!r}: start without one.")
            offset = ids.index(marker) + 1
        page = rows[offset : offset + count]
        if not page:
            return None  # 204 [SAMPLE]
        body: dict[str, Any] = {}
        if offset + count < len(rows):  # marker/next absent when everything fits [PROD-TBB]
            nxt = str(page[-1].order_id)
            params = [(k, v) for k, v in q.values.items() if k not in ("marker", "count")]
            body["marker"] = nxt
            body["next"] = call.url(
                f"/v1/accounts/{key}/orders", [*params, ("marker", nxt), ("count", count)]
            )
        body["Order"] = [ordershapes.listed(o, _details_url(call, key, o), call.now) for o in page]
    return {"OrdersResponse": body}


def _order(call: Call, key: str) -> Order:
    book = _book(call, key)
    wanted = call.args["order"]
    order = book.orders.get(int(wanted)) if wanted.isdigit() else None
    if order is None or order.account_key != key:
        raise not_found(f"Order {wanted}")
    return order


def details(call: Call) -> dict[str, Any]:
    call.query()
    key = call.account()["accountIdKey"]
    order = _order(call, key)
    # Production answers OrdersResponse.Order[0].OrderDetail[0] here [WET]; undocumented URL.
    return {
        "OrdersResponse": {
            "Order": [ordershapes.listed(order, _details_url(call, key, order), call.now)]
        }
    }


def _preview(call: Call, change_of: Order | None) -> dict[str, Any]:
    call.query()
    account = call.account()
    key = account["accountIdKey"]
    book = _book(call, key)
    request = ordercheck.check(orderbody.parse(call.req), "PreviewOrderRequest", call.now, account)
    with book.lock:
        if change_of is None and any(
            o.request.client_order_id == request.client_order_id for o in book.of_account(key)
        ):
            raise _duplicate(request.client_order_id)
        preview = book.new_preview(
            key, request, call.now, change_of.order_id if change_of else None
        )
    call.ctx.stats.bump("orders_previewed")
    return ordershapes.preview_response(account, request, preview.preview_id, call.now)


def _place(call: Call, change_of: Order | None) -> dict[str, Any]:
    call.query()
    account = call.account()
    key = account["accountIdKey"]
    book = _book(call, key)
    tree = orderbody.parse(call.req)
    preview_id = ordercheck.preview_ids(tree, "PlaceOrderRequest")
    request = ordercheck.check(tree, "PlaceOrderRequest", call.now, account, preview_id)
    with book.lock:
        preview = book.previews.get(preview_id)
        if preview is None or preview.account_key != key or preview.used:
            raise ApiError(
                400, ERR_PREVIEW, "{com.etrade.api.v1.order.InvalidPreviewId} " + TIMED_OUT
            )
        if call.now - preview.at > PREVIEW_LIFETIME:
            raise ApiError(400, ERR_PREVIEW, TIMED_OUT)
        if request.client_order_id != preview.request.client_order_id:
            # matched by previewId: pyetrade's and others' change flows send a fresh id
            leniency.active().differs(
                "clientOrderId",
                request.client_order_id,
                preview.request.client_order_id,
                "the preview's",
            )
            request = preview.request
        if preview.request != request or preview.change_of != (
            change_of.order_id if change_of else None
        ):
            raise ApiError(400, ERR_PREVIEW, "The order does not match its preview. " + TIMED_OUT)
        if change_of is None and any(
            o.request.client_order_id == request.client_order_id for o in book.of_account(key)
        ):
            raise _duplicate(request.client_order_id)
        if change_of is not None:
            if change_of.status(call.now) != "OPEN":
                raise ApiError(400, ERR_NOT_OPEN, f"Order {change_of.order_id} is no longer open.")
            change_of.cancelled_at = call.now
        preview.used = True
        order = book.add(key, request, call.now)
        if change_of is not None:
            change_of.replaced_by = order.order_id
    call.ctx.stats.bump("orders_placed")
    return ordershapes.place_response(account, order, call.now)


def preview(call: Call) -> dict[str, Any]:
    return _preview(call, None)


def place(call: Call) -> dict[str, Any]:
    return _place(call, None)


def _open_order(call: Call) -> Order:
    order = _order(call, call.account()["accountIdKey"])
    if order.status(call.now) != "OPEN":
        raise ApiError(
            400,
            ERR_NOT_OPEN,
            f"Order {order.order_id} is {order.status(call.now)}; only open orders change.",
        )
    return order


def change_preview(call: Call) -> dict[str, Any]:
    return _preview(call, _open_order(call))


def change_place(call: Call) -> dict[str, Any]:
    return _place(call, _open_order(call))


def cancel(call: Call) -> dict[str, Any]:
    call.query()
    account = call.account()
    key = account["accountIdKey"]
    book = _book(call, key)
    tree = orderbody.parse(call.req)
    section = tree.get("CancelOrderRequest")
    if (
        set(tree) != {"CancelOrderRequest"}
        or not isinstance(section, dict)
        or ("orderId" not in section)
    ):
        raise ApiError(400, ordercheck.ERR_ORDER, "Send CancelOrderRequest with one orderId.")
    leniency.active().fields(set(section) - {"orderId"}, "CancelOrderRequest", {"orderId"})
    try:
        order_id = int(section["orderId"])
    except (TypeError, ValueError):
        raise ApiError(
            400, ordercheck.ERR_ORDER, "CancelOrderRequest.orderId must be a number."
        ) from None
    with book.lock:
        order = book.orders.get(order_id)
        if order is None or order.account_key != key:
            raise not_found(f"Order {order_id}")
        status = order.status(call.now)
        if status != "OPEN":
            raise ApiError(
                400, ERR_NOT_OPEN, f"Order {order_id} is {status} and cannot be cancelled."
            )
        order.cancelled_at = call.now
    call.ctx.stats.bump("orders_cancelled")
    return {
        "CancelOrderResponse": {
            "accountId": account["accountId"],
            "orderId": order_id,
            "cancelTime": int(call.now * 1000),
            "Messages": {  # capitalised here [DOC-EX][SBX-WET]
                "Message": [
                    ordershapes.message(
                        5011, "200|Your request to cancel your order is being processed."
                    )
                ]
            },
        }
    }
