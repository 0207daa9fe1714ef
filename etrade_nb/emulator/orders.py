"""A tiny order book: preview, place, list and cancel, E*TRADE-shaped.

Error codes here are the emulator's own (E*TRADE does not publish a full list); the
``{"Error":{"code":..,"message":..}}`` shape is E*TRADE's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from .data import is_valid_symbol, price_of
from .messages import ApiError

ERR_BAD_REQUEST = 1001  # malformed or incomplete order request
ERR_PREVIEW = 1002  # place without a matching, unused preview
ERR_DUPLICATE_CLIENT_ORDER_ID = 1003  # clientOrderId already used on this account
ERR_NO_ORDER = 1004  # cancel of an unknown or already cancelled order
ERR_SYMBOL = 10033  # as for quotes

_ACTIONS = {"BUY", "SELL", "BUY_TO_COVER", "SELL_SHORT", "BUY_OPEN", "SELL_CLOSE"}
_PRICE_TYPES = {"MARKET", "LIMIT", "STOP", "STOP_LIMIT"}


def _bad(message: str, code: int = ERR_BAD_REQUEST) -> ApiError:
    return ApiError(400, code, message)


@dataclass
class OrderBook:
    previews: dict[int, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    next_preview_id: int = 3_429_218_279
    next_order_id: int = 485
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def preview(self, account: dict[str, Any], payload: Any, now: float) -> dict[str, Any]:
        req = _section(payload, "PreviewOrderRequest")
        order_type, client_id, orders = _validate(req)
        with self.lock:
            preview_id = self.next_preview_id
            self.next_preview_id += 1
            self.previews[preview_id] = {
                "account": account["accountIdKey"],
                "clientOrderId": client_id,
                "used": False,
            }
        return {
            "PreviewOrderResponse": {
                "orderType": order_type,
                "totalOrderValue": _value(orders),
                "PreviewIds": [{"previewId": preview_id}],
                "previewTime": int(now * 1000),
                "dstFlag": False,
                "accountId": account["accountId"],
                "clientOrderId": client_id,
                "Order": orders,
            }
        }

    def place(self, account: dict[str, Any], payload: Any, now: float) -> dict[str, Any]:
        req = _section(payload, "PlaceOrderRequest")
        order_type, client_id, orders = _validate(req)
        ids = req.get("PreviewIds")
        try:
            preview_id = int(ids[0]["previewId"])  # type: ignore[index]
        except (TypeError, KeyError, IndexError, ValueError):
            raise _bad("PreviewIds with a previewId is required.", ERR_PREVIEW) from None
        key = account["accountIdKey"]
        with self.lock:
            preview = self.previews.get(preview_id)
            if preview is None or preview["account"] != key or preview["used"]:
                raise _bad("The previewId is invalid or was already used.", ERR_PREVIEW)
            if preview["clientOrderId"] != client_id:
                raise _bad("clientOrderId does not match the preview.", ERR_PREVIEW)
            book = self.orders.setdefault(key, [])
            if any(o["clientOrderId"] == client_id for o in book):
                raise _bad(
                    f"An order with clientOrderId {client_id} was already placed.",
                    ERR_DUPLICATE_CLIENT_ORDER_ID,
                )
            preview["used"] = True
            order_id = self.next_order_id
            self.next_order_id += 1
            book.append(
                {
                    "orderId": order_id,
                    "clientOrderId": client_id,
                    "orderType": order_type,
                    "placedTime": int(now * 1000),
                    "status": "OPEN",
                    "Order": orders,
                }
            )
        return {
            "PlaceOrderResponse": {
                "orderType": order_type,
                "totalOrderValue": _value(orders),
                "OrderIds": [{"orderId": order_id}],
                "placedTime": int(now * 1000),
                "accountId": account["accountId"],
                "clientOrderId": client_id,
                "Order": orders,
            }
        }

    def list(self, account: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            book = [dict(o) for o in self.orders.get(account["accountIdKey"], [])]
        return {
            "OrdersResponse": {
                "Order": [
                    {
                        "orderId": o["orderId"],
                        "clientOrderId": o["clientOrderId"],
                        "orderType": o["orderType"],
                        "OrderDetail": [
                            {**leg, "placedTime": o["placedTime"], "status": o["status"]}
                            for leg in o["Order"]
                        ],
                    }
                    for o in book
                ]
            }
        }

    def cancel(self, account: dict[str, Any], payload: Any, now: float) -> dict[str, Any]:
        req = _section(payload, "CancelOrderRequest")
        try:
            order_id = int(req["orderId"])
        except (KeyError, TypeError, ValueError):
            raise _bad("CancelOrderRequest.orderId is required.") from None
        with self.lock:
            book = self.orders.get(account["accountIdKey"], [])
            match = [o for o in book if o["orderId"] == order_id and o["status"] == "OPEN"]
            if not match:
                raise _bad(f"Order {order_id} cannot be cancelled.", ERR_NO_ORDER)
            match[0]["status"] = "CANCELLED"
        return {
            "CancelOrderResponse": {
                "accountId": account["accountId"],
                "orderId": order_id,
                "cancelTime": int(now * 1000),
                "Messages": {
                    "Message": [
                        {
                            "description": "Your request to cancel your order is being processed.",
                            "code": 5011,
                            "type": "WARNING",
                        }
                    ]
                },
            }
        }


def _section(payload: Any, name: str) -> dict[str, Any]:
    if not isinstance(payload, dict) or not isinstance(payload.get(name), dict):
        raise _bad(f"The request body must be a JSON object with {name}.")
    section: dict[str, Any] = payload[name]
    return section


def _validate(req: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    order_type = req.get("orderType")
    client_id = req.get("clientOrderId")
    orders = req.get("Order")
    if order_type not in {"EQ", "OPTN", "SPREADS"}:
        raise _bad("orderType must be EQ, OPTN or SPREADS.")
    if not isinstance(client_id, str) or not 0 < len(client_id) <= 20:
        raise _bad("clientOrderId is required (1 to 20 characters).")
    if not isinstance(orders, list) or not orders:
        raise _bad("At least one Order is required.")
    for order in orders:
        if not isinstance(order, dict) or order.get("priceType") not in _PRICE_TYPES:
            raise _bad("Order.priceType is missing or invalid.")
        if order["priceType"] in {"LIMIT", "STOP_LIMIT"} and not _number(order.get("limitPrice")):
            raise _bad("limitPrice is required for a LIMIT order.")
        legs = order.get("Instrument")
        if not isinstance(legs, list) or not legs:
            raise _bad("Order.Instrument is required.")
        for leg in legs:
            product = leg.get("Product") if isinstance(leg, dict) else None
            symbol = product.get("symbol") if isinstance(product, dict) else None
            if not isinstance(symbol, str) or not is_valid_symbol(symbol):
                raise _bad(f"{symbol} is not a valid symbol", ERR_SYMBOL)
            if leg.get("orderAction") not in _ACTIONS:
                raise _bad("Instrument.orderAction is missing or invalid.")
            if not _number(leg.get("quantity")):
                raise _bad("Instrument.quantity must be a positive number.")
    return order_type, client_id, orders


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number > 0 else 0.0


def _value(orders: list[dict[str, Any]]) -> float:
    total = 0.0
    for order in orders:
        for leg in order["Instrument"]:
            price = _number(order.get("limitPrice")) or price_of(leg["Product"]["symbol"])
            total += price * _number(leg["quantity"])
    return round(total, 2)
