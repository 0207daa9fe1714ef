"""What E*TRADE answers to an order: a preview you can place, and the placed order.

A preview shows the estimated total, the commission and E*TRADE's messages (as text and,
in a notebook, as HTML) and places exactly that order with its ``previewId``::

    preview = session.preview_order("84010429", limit_order("AAPL", "BUY", 10, 150))
    preview              # estimated total, commission, messages
    placed = preview.place()
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from ..errors import InvalidOrderError
from .base import Doc, as_list, dig
from .order_types import OrderRequest
from .strategies import StrategyOrder

AnyOrder = OrderRequest | StrategyOrder


class OrderCalls(Protocol):
    """The session calls a preview or placed order makes (see :class:`.orders.OrdersApi`)."""

    def place_order(
        self, account: Any, order: AnyOrder | None = None, *, preview_id: Any = None
    ) -> PlacedOrder: ...

    def place_change(
        self, account: Any, order_id: int | str, order: AnyOrder, *, preview_id: Any
    ) -> PlacedOrder: ...

    def order(self, account: Any, order_id: int | str) -> Doc: ...

    def cancel_order(self, account: Any, order_id: int | str) -> Doc: ...


EASTERN = ZoneInfo("America/New_York")
_CODE_PREFIX = re.compile(r"^\s*\d{3}\|")


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _ms_time(value: Any) -> datetime | None:
    number = _number(value)
    if number is None or number <= 0:
        return None
    return datetime.fromtimestamp(number / 1000, tz=timezone.utc).astimezone(EASTERN)


def order_messages(doc: Mapping[str, Any]) -> list[Doc]:
    """E*TRADE's messages on an order answer: each ``Order[].messages`` and ``MessageList``."""
    found: list[Doc] = []
    for order in as_list(doc.get("Order")):
        found.extend(as_list(dig(order, "messages", "Message")))
    found.extend(as_list(dig(doc, "MessageList", "Message")))
    found.extend(as_list(dig(doc, "Messages", "Message")))
    return found


def message_text(message: Mapping[str, Any]) -> str:
    """``WARNING 3041: text`` without E*TRADE's ``200|`` prefix."""
    text = _CODE_PREFIX.sub("", str(message.get("description", ""))).strip()
    kind = str(message.get("type", "") or "").strip()
    code = message.get("code")
    label = " ".join(str(p) for p in (kind, code) if p not in (None, ""))
    return f"{label}: {text}" if label else text


def _money(value: float | None) -> str:
    if value is None:
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def _sum(doc: Mapping[str, Any], name: str) -> float | None:
    values = [_number(o.get(name)) for o in as_list(doc.get("Order"))]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


@dataclass(eq=False)
class PlacedOrder:
    """A placed order: ``order_id`` (E*TRADE's id), messages and the raw answer."""

    account_id_key: str
    order: AnyOrder
    response: Doc = field(repr=False)
    _session: OrderCalls | None = field(default=None, repr=False)

    @property
    def order_ids(self) -> list[int]:
        return [int(o["orderId"]) for o in as_list(self.response.get("OrderIds")) if "orderId" in o]

    @property
    def order_id(self) -> int | None:
        ids = self.order_ids
        return ids[0] if ids else None

    @property
    def placed_time(self) -> datetime | None:
        return _ms_time(self.response.get("placedTime"))

    @property
    def messages(self) -> list[Doc]:
        return order_messages(self.response)

    def lines(self) -> list[str]:
        out = [
            f"order id: {self.order_id}",
            f"client order id: {self.order.client_order_id}",
        ]
        out += [f"E*TRADE: {message_text(m)}" for m in self.messages]
        return out

    def status(self) -> Doc:
        """E*TRADE's current record of this order (``session.order``)."""
        if self._session is None or self.order_id is None:
            raise InvalidOrderError("This order has no session or order id to look up.")
        return self._session.order(self.account_id_key, self.order_id)

    def cancel(self) -> Doc:
        """Ask E*TRADE to cancel this order (``session.cancel_order``)."""
        if self._session is None or self.order_id is None:
            raise InvalidOrderError("This order has no session or order id to cancel.")
        return self._session.cancel_order(self.account_id_key, self.order_id)

    def __repr__(self) -> str:
        head = f"PlacedOrder: {self.order.describe()}"
        return "\n".join([head, *(f"  {line}" for line in self.lines())])

    def _repr_html_(self) -> str:
        return _html_table(f"Placed: {self.order.describe()}", self.lines())


@dataclass(eq=False)
class OrderPreview:
    """E*TRADE's preview of one order: estimates, messages and the ``previewId`` to place it."""

    account_id_key: str
    order: AnyOrder
    response: Doc = field(repr=False)
    change_of: int | None = None
    """The order id this preview would replace (``preview_change``), if any."""
    _session: OrderCalls | None = field(default=None, repr=False)
    _placed: PlacedOrder | None = field(default=None, repr=False)

    @property
    def preview_ids(self) -> list[int]:
        ids = as_list(self.response.get("PreviewIds"))
        return [int(p["previewId"]) for p in ids if "previewId" in p]

    @property
    def estimated_total(self) -> float | None:
        """``estimatedTotalAmount`` (negative for a sale): what the order costs or brings."""
        return _sum(self.response, "estimatedTotalAmount")

    @property
    def estimated_commission(self) -> float | None:
        return _sum(self.response, "estimatedCommission")

    @property
    def preview_time(self) -> datetime | None:
        return _ms_time(self.response.get("previewTime"))

    @property
    def estimated_net(self) -> float | None:
        """The net of the legs before commission: a debit positive, a credit negative."""
        total, commission = self.estimated_total, self.estimated_commission
        if total is None:
            return None
        return round(total - (commission or 0.0), 2)

    @property
    def legs(self) -> list[Doc]:
        """E*TRADE's ``Instrument`` entries: each leg as previewed."""
        found: list[Doc] = []
        for order in as_list(self.response.get("Order")):
            found.extend(as_list(order.get("Instrument")))
        return found

    def leg_commissions(self) -> list[float | None]:
        """Each leg's share of ``estimated_commission``: E*TRADE previews one commission per
        order and charges options per contract, so it is split by contracts (stock legs
        carry none). A leg's own ``estimatedCommission``, where sent, wins."""
        legs = self.legs
        total = self.estimated_commission
        contracts = [
            (_number(leg.get("quantity")) or 0.0)
            if str(dig(leg, "Product", "securityType") or "") == "OPTN"
            else 0.0
            for leg in legs
        ]
        out: list[float | None] = []
        for leg, count in zip(legs, contracts, strict=True):
            own = _number(leg.get("estimatedCommission"))
            if own is not None:
                out.append(own)
            elif total is None or not sum(contracts):
                out.append(None)
            else:
                out.append(round(total * count / sum(contracts), 2))
        return out

    def leg_lines(self) -> list[str]:
        """One line per leg: action, quantity, description and its commission."""
        lines = []
        for i, (leg, fee) in enumerate(zip(self.legs, self.leg_commissions(), strict=True), 1):
            what = leg.get("symbolDescription") or dig(leg, "Product", "symbol") or "?"
            quantity = _number(leg.get("quantity"))
            shown = f"{quantity:g}" if quantity is not None else "?"
            extra = f" (commission {_money(fee)})" if fee is not None else ""
            lines.append(f"leg {i}: {leg.get('orderAction', '?')} {shown} {what}{extra}")
        return lines

    def net_line(self) -> str:
        """``estimated net debit: $310.00`` (or credit), with the legs' net bid/ask."""
        net = self.estimated_net
        if net is None:
            return "estimated net: n/a"
        word = "debit" if net > 0 else "credit" if net < 0 else "even"
        line = f"estimated net {word}: {_money(abs(net))}"
        orders = as_list(self.response.get("Order"))
        bid = _number(orders[0].get("netBid")) if orders else None
        ask = _number(orders[0].get("netAsk")) if orders else None
        if bid is not None and ask is not None and (bid or ask):
            line += f" (legs' net bid {bid:.2f}, ask {ask:.2f} per spread)"
        return line

    def plot_payoff(self, ax: Any = None) -> Any:
        """The order's payoff chart at expiry (matplotlib), for multi-leg orders."""
        if not isinstance(self.order, StrategyOrder):
            raise InvalidOrderError("A payoff chart is drawn for multi-leg orders only.")
        return self.order.plot_payoff(ax)

    @property
    def messages(self) -> list[Doc]:
        return order_messages(self.response)

    def place(self) -> PlacedOrder:
        """Place exactly this order with its ``previewId`` (once; a second call is refused)."""
        if self._placed is not None:
            raise InvalidOrderError(
                f"This preview was already placed (order {self._placed.order_id}). To send "
                "the same order again, preview order.renewed() (a new clientOrderId)."
            )
        if self._session is None:
            raise InvalidOrderError("This preview has no session: use session.place_order().")
        if self.change_of is not None:
            placed = self._session.place_change(
                self.account_id_key, self.change_of, self.order, preview_id=self.preview_ids
            )
        else:
            placed = self._session.place_order(
                self.account_id_key, self.order, preview_id=self.preview_ids
            )
        self._placed = placed
        return placed

    def lines(self) -> list[str]:
        out = []
        if len(self.legs) > 1:
            out += [*self.leg_lines(), self.net_line()]
        out += [
            f"estimated total: {_money(self.estimated_total)}",
            f"estimated commission: {_money(self.estimated_commission)}",
            f"preview id: {', '.join(map(str, self.preview_ids)) or 'none'}",
            f"client order id: {self.order.client_order_id}",
        ]
        if self.change_of is not None:
            out.append(f"replaces order: {self.change_of}")
        out += [f"E*TRADE: {message_text(m)}" for m in self.messages]
        out.append(
            "placed: order " + str(self._placed.order_id)
            if self._placed is not None
            else "next: .place() sends it (E*TRADE keeps a preview for about 3 minutes)"
        )
        return out

    def __repr__(self) -> str:
        head = f"OrderPreview: {self.order.describe()}"
        return "\n".join([head, *(f"  {line}" for line in self.lines())])

    def _repr_html_(self) -> str:
        return _html_table(f"Preview: {self.order.describe()}", self.lines())


def _html_table(title: str, lines: list[str]) -> str:
    rows = []
    for line in lines:
        name, sep, value = line.partition(": ")
        if not sep:
            name, value = "", line
        rows.append(
            f'<tr><th style="text-align:left">{html.escape(name)}</th>'
            f'<td style="text-align:left">{html.escape(value)}</td></tr>'
        )
    return (
        f'<div class="etrade-nb-order"><b>{html.escape(title)}</b>'
        f'<table style="margin:2px 0">{"".join(rows)}</table></div>'
    )
