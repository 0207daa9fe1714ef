"""Frames for orders and alerts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .core import (
    booleans,
    epoch,
    indexed,
    integers,
    money,
    normalize,
    objects,
    pandas,
    strip_prefixes,
)

Doc = Mapping[str, Any]

ORDER_MONEY = (
    "limitPrice",
    "stopPrice",
    "orderValue",
    "netPrice",
    "netBid",
    "netAsk",
    "totalOrderValue",
    "totalCommission",
    "averageExecutionPrice",
    "estimatedCommission",
    "estimatedFees",
    "filledQuantity",
    "strikePrice",
    "bracketedLimitPrice",
    "initialStopPrice",
)


def orders_frame(orders: Sequence[Doc]) -> Any:
    """One row per order leg, indexed by ``orderId`` then ``leg`` (1, 2, … within the order):
    the order, its ``OrderDetail`` and each ``Instrument`` (``symbol``, ``orderAction``,
    ``orderedQuantity``, ``filledQuantity``…). ``frame.loc[order_id]`` is one order's legs.
    """
    pd = pandas()
    outer = ["orderId", "orderType", "details", "totalOrderValue", "totalCommission"]
    with_details = [o for o in orders if o.get("OrderDetail")]
    details = normalize(with_details, record_path="OrderDetail", meta=outer)
    if "Instrument" in details.columns:
        legs = details.explode("Instrument", ignore_index=True)
        instruments = normalize(objects(legs.pop("Instrument")))
        frame = pd.concat([legs, instruments.set_axis(legs.index)], axis=1)
    else:
        frame = details
    frame = strip_prefixes(frame, ("Product.",))
    epoch(frame, ("placedTime", "executedTime", "previewTime"), "ms")
    money(frame, ORDER_MONEY)
    integers(frame, ("orderId", "orderedQuantity", "orderNumber"))
    booleans(frame, ("allOrNone",))
    if "orderId" not in frame.columns or frame.empty:
        frame = indexed(frame, "orderId")
        return frame.set_index(pd.Index([], name="leg", dtype="int64"), append=True)
    frame["leg"] = frame.groupby("orderId", sort=False).cumcount() + 1
    return frame.set_index(["orderId", "leg"])


def alerts_frame(alerts: Sequence[Doc]) -> Any:
    """One row per alert, indexed by ``id``; ``createTime`` as a datetime."""
    frame = normalize(alerts)
    epoch(frame, ("createTime", "readTime", "deleteTime"), "s")
    return indexed(frame, "id")
