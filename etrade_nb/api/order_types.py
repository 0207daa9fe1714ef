"""Order requests that are hard to get wrong: built, checked and serialised before sending.

    >>> from etrade_nb.api.order_types import limit_order, OptionContract
    >>> order = limit_order("AAPL", "BUY", 10, 150.25, term="GOOD_UNTIL_CANCEL")
    >>> call = OptionContract("AAPL", "2026-06-19", 190, "CALL")
    >>> opening = limit_order(call, "BUY_OPEN", 1, 2.45)

Every builder checks the combination (price type, prices, term, session, action for the
kind of security) and raises :class:`InvalidOrderError` before anything reaches E*TRADE.
Each request carries its own ``clientOrderId`` (at most 20 letters and digits, unique per
account as E*TRADE requires), so an order whose fate is unknown can be looked up by it.
"""

from __future__ import annotations

import math
import numbers
import re
import secrets
import string
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..errors import InvalidOrderError

PRICE_TYPES = ("MARKET", "LIMIT", "STOP", "STOP_LIMIT")
ORDER_TERMS = ("GOOD_FOR_DAY", "GOOD_UNTIL_CANCEL", "IMMEDIATE_OR_CANCEL", "FILL_OR_KILL")
MARKET_SESSIONS = ("REGULAR", "EXTENDED")
EQUITY_ACTIONS = ("BUY", "SELL", "BUY_TO_COVER", "SELL_SHORT")
OPTION_ACTIONS = ("BUY_OPEN", "SELL_OPEN", "BUY_CLOSE", "SELL_CLOSE")
CALL_PUT = ("CALL", "PUT")
CLIENT_ORDER_ID = re.compile(r"[A-Za-z0-9]{1,20}")
_ALNUM = string.ascii_uppercase + string.digits
_ALNUM36 = string.digits + string.ascii_uppercase


def new_client_order_id() -> str:
    """A fresh 20-character id: milliseconds in base 36, then random letters and digits."""
    ms, head = int(time.time() * 1000), ""
    while ms:
        ms, digit = divmod(ms, 36)
        head = _ALNUM36[digit] + head
    return head + "".join(secrets.choice(_ALNUM) for _ in range(20 - len(head)))


@dataclass(frozen=True)
class OptionContract:
    """One listed option: underlier, expiry, strike and CALL/PUT."""

    symbol: str
    expiry: date | str
    strike: float
    call_put: str

    def __post_init__(self) -> None:
        symbol = str(self.symbol).strip().upper()
        if not symbol:
            raise InvalidOrderError("An option needs its underlying symbol, e.g. 'AAPL'.")
        object.__setattr__(self, "symbol", symbol)
        expiry = self.expiry
        if isinstance(expiry, str):
            try:
                expiry = date.fromisoformat(expiry.strip())
            except ValueError:
                raise InvalidOrderError(
                    f"Option expiry {self.expiry!r} is not a date. Pass a datetime.date or "
                    "'YYYY-MM-DD' (session.option_expirations(symbol) lists them)."
                ) from None
        if not isinstance(expiry, date):
            raise InvalidOrderError("Option expiry must be a datetime.date or 'YYYY-MM-DD'.")
        object.__setattr__(self, "expiry", expiry)
        object.__setattr__(self, "strike", _price("strike", self.strike))
        kind = str(self.call_put).strip().upper()
        if kind not in CALL_PUT:
            raise InvalidOrderError(f"call_put must be CALL or PUT, not {self.call_put!r}.")
        object.__setattr__(self, "call_put", kind)

    def product(self) -> dict[str, Any]:
        """E*TRADE's ``Product`` block for this option."""
        expiry = self.expiry
        assert isinstance(expiry, date)
        return {
            "symbol": self.symbol,
            "securityType": "OPTN",
            "callPut": self.call_put,
            "expiryYear": expiry.year,
            "expiryMonth": expiry.month,
            "expiryDay": expiry.day,
            "strikePrice": self.strike,
        }

    def __str__(self) -> str:
        expiry = self.expiry
        assert isinstance(expiry, date)
        return f"{self.symbol} {expiry.isoformat()} {self.strike:g} {self.call_put}"


@dataclass(frozen=True)
class OrderRequest:
    """One single-leg equity or option order, checked when built; see the builders."""

    security: str | OptionContract
    action: str
    quantity: int
    price_type: str = "MARKET"
    limit_price: float | None = None
    stop_price: float | None = None
    term: str = "GOOD_FOR_DAY"
    session: str = "REGULAR"
    all_or_none: bool = False
    client_order_id: str = field(default_factory=new_client_order_id)

    def __post_init__(self) -> None:
        _check(self)

    @property
    def is_option(self) -> bool:
        return isinstance(self.security, OptionContract)

    @property
    def symbol(self) -> str:
        return self.security.symbol if isinstance(self.security, OptionContract) else self.security

    @property
    def order_type(self) -> str:
        """E*TRADE's ``orderType``: ``EQ`` or ``OPTN``."""
        return "OPTN" if self.is_option else "EQ"

    def renewed(self) -> OrderRequest:
        """The same order with a new ``clientOrderId`` (to send it as a second order)."""
        return replace(self, client_order_id=new_client_order_id())

    def payload(self, preview_ids: list[int] | None = None) -> dict[str, Any]:
        """The ``PreviewOrderRequest`` body, or ``PlaceOrderRequest`` with ``preview_ids``."""
        detail: dict[str, Any] = {
            "allOrNone": self.all_or_none,
            "priceType": self.price_type,
            "orderTerm": self.term,
            "marketSession": self.session,
        }
        if self.limit_price is not None:
            detail["limitPrice"] = self.limit_price
        if self.stop_price is not None:
            detail["stopPrice"] = self.stop_price
        product = (
            self.security.product()
            if isinstance(self.security, OptionContract)
            else {"symbol": self.security, "securityType": "EQ"}
        )
        detail["Instrument"] = [
            {
                "Product": product,
                "orderAction": self.action,
                "quantityType": "QUANTITY",
                "quantity": self.quantity,
            }
        ]
        body: dict[str, Any] = {
            "orderType": self.order_type,
            "clientOrderId": self.client_order_id,
            "Order": [detail],
        }
        if preview_ids is None:
            return {"PreviewOrderRequest": body}
        body["PreviewIds"] = [{"previewId": p} for p in preview_ids]
        return {"PlaceOrderRequest": body}

    def describe(self) -> str:
        """One line that reads as a sentence, e.g. ``BUY 10 AAPL, limit 150.25, good for the day``.

        Market orders say ``at market``; then the stop and limit prices, the term, and extended
        hours or all-or-none when they apply.
        """
        parts = [f"{self.action} {self.quantity} {self.security}"]
        if self.price_type == "MARKET":
            parts[0] += " at market"
        if self.stop_price is not None:
            parts.append(f"stop {self.stop_price:.2f}")
        if self.limit_price is not None:
            parts.append(f"limit {self.limit_price:.2f}")
        parts.append(_TERM_WORDS.get(self.term, self.term))
        if self.session == "EXTENDED":
            parts.append("extended hours")
        if self.all_or_none:
            parts.append("all or none")
        return ", ".join(parts)


_TERM_WORDS = {
    "GOOD_FOR_DAY": "good for the day",
    "GOOD_UNTIL_CANCEL": "good until cancelled",
    "IMMEDIATE_OR_CANCEL": "immediate or cancel",
    "FILL_OR_KILL": "fill or kill",
}


def _price(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidOrderError(f"{name} must be a number, not {value!r}.") from None
    if not math.isfinite(number) or number <= 0:
        raise InvalidOrderError(f"{name} must be a positive price, not {value!r}.")
    return number


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = str(value).strip().upper()
    if text not in allowed:
        raise InvalidOrderError(f"{name} {value!r} is not one of {', '.join(allowed)}.")
    return text


def _check(order: OrderRequest) -> None:
    """Normalise the fields of ``order`` in place and refuse contradictions."""
    put = object.__setattr__
    if isinstance(order.security, str):
        symbol = order.security.strip().upper()
        if not symbol or "," in symbol:
            raise InvalidOrderError(
                f"{order.security!r} is not one symbol. Pass e.g. 'AAPL', or an OptionContract."
            )
        put(order, "security", symbol)
    elif not isinstance(order.security, OptionContract):
        raise InvalidOrderError("security must be a symbol such as 'AAPL' or an OptionContract.")
    actions = OPTION_ACTIONS if order.is_option else EQUITY_ACTIONS
    action = str(order.action).strip().upper()
    if action not in actions:
        kind = "an option" if order.is_option else "a stock or ETF"
        raise InvalidOrderError(
            f"Order action {order.action!r} is not valid for {kind}: use one of "
            f"{', '.join(actions)}."
        )
    put(order, "action", action)
    quantity: Any = order.quantity  # users pass floats and numpy numbers too
    if isinstance(quantity, bool) or not isinstance(quantity, numbers.Real):
        raise InvalidOrderError(f"quantity must be a whole number, not {quantity!r}.")
    number = float(quantity)
    if not math.isfinite(number) or number != int(number) or number <= 0:
        raise InvalidOrderError(
            f"quantity must be a whole number above zero, not {quantity!r} (E*TRADE's API "
            "orders whole shares and contracts)."
        )
    put(order, "quantity", int(number))
    price_type = _choice("price_type", order.price_type, PRICE_TYPES)
    put(order, "price_type", price_type)
    put(order, "term", _choice("term", order.term, ORDER_TERMS))
    put(order, "session", _choice("session", order.session, MARKET_SESSIONS))
    wants_limit = price_type in ("LIMIT", "STOP_LIMIT")
    wants_stop = price_type in ("STOP", "STOP_LIMIT")
    if wants_limit and order.limit_price is None:
        raise InvalidOrderError(f"A {price_type} order needs limit_price.")
    if wants_stop and order.stop_price is None:
        raise InvalidOrderError(f"A {price_type} order needs stop_price (the trigger price).")
    if not wants_limit and order.limit_price is not None:
        raise InvalidOrderError(
            f"A {price_type} order takes no limit_price: use limit_order() (or stop_limit_order"
            "()) to set one, or leave it out."
        )
    if not wants_stop and order.stop_price is not None:
        raise InvalidOrderError(
            f"A {price_type} order takes no stop_price: use stop_order() or stop_limit_order() "
            "for a stop, or leave it out."
        )
    if order.limit_price is not None:
        put(order, "limit_price", _price("limit_price", order.limit_price))
    if order.stop_price is not None:
        put(order, "stop_price", _price("stop_price", order.stop_price))
    if order.session == "EXTENDED" and price_type != "LIMIT":
        raise InvalidOrderError(
            f"Extended-hours orders must be LIMIT orders, not {price_type}: use limit_order("
            "..., session='EXTENDED') or trade in the REGULAR session."
        )
    if price_type == "MARKET" and order.term != "GOOD_FOR_DAY":
        raise InvalidOrderError(
            f"A MARKET order is good for the day only (not {order.term}): leave term out, "
            "or use a limit order for other terms."
        )
    if not CLIENT_ORDER_ID.fullmatch(str(order.client_order_id)):
        raise InvalidOrderError(
            f"client_order_id {order.client_order_id!r} must be 1-20 letters and digits "
            "(E*TRADE's rule), unique per account. Leave it out to get a fresh one."
        )
    if not isinstance(order.all_or_none, bool):
        raise InvalidOrderError("all_or_none must be True or False.")


def market_order(
    security: str | OptionContract, action: str, quantity: int, **kw: Any
) -> OrderRequest:
    """Buy or sell at the market (good for the day, regular session)."""
    return OrderRequest(security, action, quantity, "MARKET", **kw)


def limit_order(
    security: str | OptionContract, action: str, quantity: int, limit_price: float, **kw: Any
) -> OrderRequest:
    """Buy at ``limit_price`` or less, sell at ``limit_price`` or more."""
    return OrderRequest(security, action, quantity, "LIMIT", limit_price=limit_price, **kw)


def stop_order(
    security: str | OptionContract, action: str, quantity: int, stop_price: float, **kw: Any
) -> OrderRequest:
    """A market order that starts working once the price reaches ``stop_price``."""
    return OrderRequest(security, action, quantity, "STOP", stop_price=stop_price, **kw)


def stop_limit_order(
    security: str | OptionContract,
    action: str,
    quantity: int,
    stop_price: float,
    limit_price: float,
    **kw: Any,
) -> OrderRequest:
    """A limit order at ``limit_price`` that starts working once the price hits ``stop_price``."""
    return OrderRequest(
        security,
        action,
        quantity,
        "STOP_LIMIT",
        limit_price=limit_price,
        stop_price=stop_price,
        **kw,
    )
