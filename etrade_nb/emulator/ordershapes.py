"""Orders on the wire: ``OrderDetail``/``Instrument`` for lists, ``Order[]`` for previews.

Field names follow the production captures in the reference (§2.12, §2.14, §2.15). Like
them, no response carries ``clientOrderId`` (the docs model lists it, the docs text says it
is not returned, no capture shows it): a client that lost a place response finds its order
by content.
"""

from __future__ import annotations

from typing import Any

from . import legs as multileg
from .orderbook import STILL, Order, estimate, leg_commission, leg_price, session_open
from .ordercheck import Leg, OrderSpec, Request
from .prices import company


def product(leg: Leg) -> dict[str, Any]:
    if leg.contract:
        return {**leg.contract.product_fields(), "productId": {"symbol": leg.contract.osi_key}}
    return {"symbol": leg.symbol, "securityType": leg.security_type}


def description(leg: Leg) -> str:
    return leg.contract.display if leg.contract else company(leg.symbol)


def message(code: int, text: str, kind: str = "WARNING") -> dict[str, Any]:
    return {"description": text, "code": code, "type": kind}


def _prices(spec: OrderSpec, now: float, tape: multileg.Tape = STILL) -> dict[str, Any]:
    net_bid = net_ask = 0.0
    if len(spec.legs) > 1:  # per spread: what selling it brings, what buying it costs
        net_bid, net_ask, _ = multileg.net(spec.legs, now, lambda leg, t: leg_price(leg, t, tape))
    extra: dict[str, Any] = {}
    if spec.offset:
        extra.update(offsetType=spec.price_type, offsetValue=spec.offset)
    if spec.good_till is not None:
        extra["gtdDate"] = spec.good_till.strftime("%m%d%Y")
    return {
        "orderTerm": spec.term,
        "priceType": spec.price_type,
        "limitPrice": spec.limit,
        "stopPrice": spec.stop,  # 0 when unused [PROD-TBB]
        "marketSession": spec.session,
        "allOrNone": spec.all_or_none,
        **extra,
        "netPrice": spec.limit if spec.price_type in ("NET_DEBIT", "NET_CREDIT") else 0,
        "netBid": net_bid,
        "netAsk": net_ask,
        "gcd": multileg.units(spec.legs) if len(spec.legs) > 1 else 0,
        "ratio": "",
    }


def preview_order(spec: OrderSpec, now: float, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """One ``Order[]`` entry of a preview or place response."""
    total, commission = estimate(spec, now)
    body: dict[str, Any] = _prices(spec, now)
    if messages:
        body["messages"] = {"Message": messages}  # lower-case messages here [PROD-TBB]
    body.update(
        egQual="EG_QUAL_NOT_A_MARKET_ORDER" if spec.price_type != "MARKET" else "EG_QUAL_QUALIFIED",
        estimatedCommission=commission,
        estimatedTotalAmount=total,
        estimatedFees=0.0,
        Instrument=[
            {
                "symbolDescription": description(leg),
                "orderAction": leg.action,
                "quantityType": leg.quantity_type,
                "quantity": leg.quantity,
                "cancelQuantity": 0.0,
                "reserveOrder": False,
                "reserveQuantity": 0.0,
                "Product": product(leg),
            }
            for leg in spec.legs
        ],
    )
    return body


def closed_message() -> dict[str, Any]:
    return message(
        1027,
        "200|The market was closed when we received your order. It has been entered and "
        "will be processed at the opening of the next market session.",
    )


def preview_response(
    account: dict[str, Any], request: Request, preview_id: int, now: float
) -> dict[str, Any]:
    msgs = [] if session_open(now) else [closed_message()]
    orders = [preview_order(spec, now, msgs) for spec in request.orders]
    total = round(sum(abs(o["estimatedTotalAmount"]) for o in orders), 2)
    commission = round(sum(o["estimatedCommission"] for o in orders), 2)
    cash = {
        "currentBp": 0.0,
        "currentOor": 0.0,
        "currentNetBp": 0.0,
        "currentOrderImpact": -total,
        "netBp": 0.0,
    }
    return {
        "PreviewOrderResponse": {
            "orderType": request.order_type,
            "totalOrderValue": total,
            "totalCommission": commission,
            "previewTime": int(now * 1000),
            "dstFlag": False,
            "accountId": account["accountId"],
            "optionLevelCd": 4 if account["accountMode"] == "MARGIN" else 2,
            "marginLevelCd": "MARGIN_TRADING_ALLOWED"
            if account["accountMode"] == "MARGIN"
            else "MARGIN_TRADING_NOT_ALLOWED",
            "cashBpDetails": {"settled": cash, "settledUnsettled": cash},
            "Disclosure": {
                "ehDisclosureFlag": False,
                "ahDisclosureFlag": False,
                "conditionalDisclosureFlag": False,
                "aoDisclosureFlag": False,
            },
            "PreviewIds": [{"previewId": preview_id, "cashMargin": "CASH"}],
            "Order": orders,
        }
    }


def place_response(account: dict[str, Any], order: Order, now: float) -> dict[str, Any]:
    if session_open(now):
        msgs = [
            message(1026, "200|Your order was successfully entered during market hours.", "INFO")
        ]
    else:
        msgs = [closed_message()]
    return {
        "PlaceOrderResponse": {
            "orderType": order.request.order_type,
            "dstFlag": False,
            "optionLevelCd": 4 if account["accountMode"] == "MARGIN" else 2,
            "marginLevelCd": "MARGIN_TRADING_ALLOWED"
            if account["accountMode"] == "MARGIN"
            else "MARGIN_TRADING_NOT_ALLOWED",
            "placedTime": int(order.placed * 1000),
            "accountId": account["accountId"],
            "Order": [preview_order(spec, now, msgs) for spec in order.request.orders],
            "OrderIds": [{"orderId": order.order_id}],
        }
    }


def listed(order: Order, details_url: str, now: float) -> dict[str, Any]:
    """One ``OrdersResponse.Order[]`` entry as it stands at ``now``."""
    status = order.status(now)
    executed = status == "EXECUTED"
    details = []
    index = 0
    value_total = 0.0
    for spec in order.request.orders:
        total, _ = estimate(spec, order.placed, order.tape)
        value_total += abs(total)
        detail: dict[str, Any] = {"placedTime": int(order.placed * 1000)}
        if executed and order.executed_at is not None:  # absent while open [PROD-TBB]
            detail["executedTime"] = int(order.executed_at * 1000)
        detail["orderValue"] = abs(total)
        detail["status"] = status
        detail.update(_prices(spec, order.placed, order.tape))
        stop = order.trail_stop()
        if stop is not None and status == "OPEN":
            detail["stopPrice"] = stop  # a trailing stop's trigger as it stands
        instruments = []
        for leg in spec.legs:
            inst: dict[str, Any] = {
                "symbolDescription": description(leg),
                "orderAction": leg.action,
                "quantityType": leg.quantity_type,
                "orderedQuantity": int(leg.quantity),
                "filledQuantity": float(leg.quantity) if executed else 0.0,
            }
            if executed:
                inst["averageExecutionPrice"] = order.fills.get(index, 0.0)
            inst["estimatedCommission"] = leg_commission(leg)
            inst["estimatedFees"] = 0.0
            inst["Product"] = product(leg)
            instruments.append(inst)
            index += 1
        detail["Instrument"] = instruments
        details.append(detail)
    entry: dict[str, Any] = {
        "orderId": order.order_id,
        "details": details_url,
        "orderType": order.request.order_type,
        "totalOrderValue": round(value_total, 2),
        "totalCommission": round(
            sum(estimate(s, order.placed, order.tape)[1] for s in order.request.orders), 2
        ),
        "OrderDetail": details,
    }
    return entry
