"""Check a ``PreviewOrderRequest``/``PlaceOrderRequest`` tree and normalise it (§2.14, §2.15).

Numbers may come as numbers or strings (``"169"``), booleans as ``true``/``"false"``, and
unused prices as ``""`` (the docs examples and the sample do all three). A field the
reference does not document is ignored and reported, or refused by name in strict mode
(:mod:`.leniency`), never skipped silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import legs as multileg
from . import leniency, options
from .messages import ApiError
from .prices import MUTUAL_FUNDS, is_valid_symbol

ERR_ORDER = 1001  # the emulator's own: malformed or unsupported order request
ERR_SYMBOL = 10033
ORDER_TYPES = ("EQ", "OPTN", *multileg.MULTI_LEG, "MF", "MMF")
EQUITY_ACTIONS = ("BUY", "SELL", "BUY_TO_COVER", "SELL_SHORT")
OPTION_ACTIONS = ("BUY_OPEN", "SELL_OPEN", "BUY_CLOSE", "SELL_CLOSE")
FUND_ACTIONS = ("BUY", "SELL")
TRAILING = ("TRAILING_STOP_CNST", "TRAILING_STOP_PRCT")
AUCTION = ("MARKET_ON_OPEN", "MARKET_ON_CLOSE", "LIMIT_ON_OPEN", "LIMIT_ON_CLOSE")
PRICE_TYPES = ("MARKET", "LIMIT", "STOP", "STOP_LIMIT", *TRAILING, *AUCTION)
NET_PRICE_TYPES = ("NET_DEBIT", "NET_CREDIT", "NET_EVEN")
TERMS = ("GOOD_FOR_DAY", "GOOD_UNTIL_CANCEL", "GOOD_TILL_DATE", "IMMEDIATE_OR_CANCEL",
         "FILL_OR_KILL")  # fmt: skip
QUANTITY_TYPES = ("QUANTITY", "DOLLAR", "ALL_I_OWN")
ROUTES = ("AUTO", "AMEX", "BOX", "CBOE", "ISE", "NOM", "NYSE", "PHX")
TOP_KEYS = {"orderType", "clientOrderId", "Order"}
# offsetType/offsetValue: a trailing stop's trail (docs model); gtdDate: the last day of a
# GOOD_TILL_DATE order, MMDDYYYY (the emulator's name: the reference documents none).
ORDER_KEYS = {"allOrNone", "priceType", "orderTerm", "marketSession", "limitPrice", "stopPrice",
              "stopLimitPrice", "routingDestination", "Instrument", "offsetType", "offsetValue",
              "gtdDate"}  # fmt: skip
INSTRUMENT_KEYS = {"Product", "orderAction", "quantityType", "quantity", "orderedQuantity",
                   "reserveOrder", "reserveQuantity", "symbolDescription"}  # fmt: skip
ECHO_KEYS = frozenset({"accountId", "symbol", "orderAction", "quantity", "clientOrderId",
                       "previewId"})  # fmt: skip
PRODUCT_KEYS = {"symbol", "securityType", "callPut", "expiryYear", "expiryMonth", "expiryDay",
                "strikePrice", "productId"}  # fmt: skip


@dataclass(frozen=True)
class Leg:
    symbol: str
    security_type: str
    action: str
    quantity: float
    contract: options.Contract | None = None
    quantity_type: str = "QUANTITY"

    @property
    def quote_symbol(self) -> str:
        return self.contract.quote_symbol if self.contract else self.symbol

    @property
    def multiplier(self) -> int:
        return 100 if self.contract else 1

    @property
    def buys(self) -> bool:
        return self.action.startswith("BUY")


@dataclass(frozen=True)
class OrderSpec:
    """One ``Order`` element: terms and legs, normalised."""

    price_type: str
    term: str
    session: str
    all_or_none: bool
    limit: float
    stop: float
    route: str
    legs: tuple[Leg, ...]
    offset: float = 0.0  # a trailing stop's trail: dollars (CNST) or percent (PRCT)
    good_till: date | None = None  # GOOD_TILL_DATE's last day


@dataclass(frozen=True)
class Request:
    order_type: str
    client_order_id: str
    orders: tuple[OrderSpec, ...]


def bad(message: str, code: int = ERR_ORDER) -> ApiError:
    return ApiError(400, code, message)


def _keys(tree: dict[str, Any], allowed: set[str], where: str) -> None:
    leniency.active().fields(set(tree) - allowed, where, allowed)


def _list(value: Any, where: str) -> list[Any]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else None
    if not items or not all(isinstance(i, dict) for i in items):
        raise bad(f"{where} is required (one or more objects).")
    return items


def _text(value: Any, name: str, allowed: tuple[str, ...], default: str | None = None) -> str:
    if (value is None or value == "") and default is not None:
        return default
    if not isinstance(value, str) or value not in allowed:
        raise bad(f"{name} {value!r} is invalid: use one of {', '.join(allowed)}.")
    return value


def number(value: Any, name: str, *, positive: bool = False) -> float:
    """A price or quantity; ``""``/absent is 0 (unused)."""
    if value is None or value == "":
        number_ = 0.0
    elif isinstance(value, bool):
        raise bad(f"{name} must be a number, not {value!r}.")
    else:
        try:
            number_ = float(value)
        except (TypeError, ValueError):
            raise bad(f"{name} must be a number, not {value!r}.") from None
    if not math.isfinite(number_) or number_ < 0 or (positive and number_ <= 0):
        raise bad(f"{name} must be a {'positive ' if positive else ''}number, not {value!r}.")
    return number_


def _flag(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None or value == "":
        return False
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise bad(f"{name} must be true or false, not {value!r}.")


def _product(
    p: dict[str, Any], order_type: str, now: float
) -> tuple[str, str, options.Contract | None]:
    _keys(p, PRODUCT_KEYS, "Product")
    symbol = p.get("symbol")
    if not isinstance(symbol, str) or not is_valid_symbol(symbol.upper()) or ":" in symbol:
        raise bad(f"{symbol!r} is not a valid symbol.", ERR_SYMBOL)
    symbol = symbol.upper()
    kind = _text(p.get("securityType"), "Product.securityType", ("EQ", "OPTN", "MF", "MMF"))
    fits = {"EQ": ("EQ",), "OPTN": ("OPTN",), "MF": ("MF",), "MMF": ("MMF",),
            "BUY_WRITES": ("EQ", "OPTN")}.get(order_type, ("OPTN",))  # fmt: skip
    if kind not in fits:
        raise bad(f"Product.securityType {kind} does not fit orderType {order_type}.")
    if kind == "MF" and not is_mutual_fund(symbol):
        raise bad(f"{symbol} is not a mutual fund: use orderType EQ.", ERR_SYMBOL)
    if kind == "MMF" and not symbol.endswith("XX"):
        raise bad(f"{symbol} is not a money market fund (their symbols end in XX).", ERR_SYMBOL)
    if kind in ("MF", "MMF"):
        return symbol, kind, None
    if kind == "EQ":
        if is_mutual_fund(symbol):
            raise bad(f"{symbol} is a mutual fund: send it as orderType MF.")
        return symbol, kind, None
    # production reads callPut regardless of case (pyetrade#83)
    loose = leniency.active().loose(p.get("callPut"), "Product.callPut", ("CALL", "PUT"))
    call_put = _text(loose, "Product.callPut", ("CALL", "PUT"))
    try:
        expiry = date(
            int(p.get("expiryYear", 0)), int(p.get("expiryMonth", 0)), int(p.get("expiryDay", 0))
        )
    except (TypeError, ValueError):
        raise bad("An option needs expiryYear, expiryMonth and expiryDay.") from None
    strike = number(p.get("strikePrice"), "Product.strikePrice", positive=True)
    if expiry not in {e.day for e in options.expiries(symbol, now)}:
        raise bad(f"No {symbol} options expire on {expiry.isoformat()}.", ERR_SYMBOL)
    if round(strike, 2) not in options.strikes(symbol):
        raise bad(f"{symbol} has no {strike:g} strike.", ERR_SYMBOL)
    return symbol, kind, options.Contract(symbol, expiry, call_put, round(strike, 2))


def _leg(tree: dict[str, Any], order_type: str, now: float) -> Leg:
    _keys(tree, INSTRUMENT_KEYS, "Instrument")
    product = tree.get("Product")
    if not isinstance(product, dict):
        raise bad("Instrument.Product is required.")
    symbol, kind, contract = _product(product, order_type, now)
    fund = kind in ("MF", "MMF")
    actions = FUND_ACTIONS if fund else EQUITY_ACTIONS if kind == "EQ" else OPTION_ACTIONS
    action = _text(tree.get("orderAction"), "Instrument.orderAction", actions)
    quantity_type = _text(tree.get("quantityType"), "Instrument.quantityType",
                          QUANTITY_TYPES if fund else ("QUANTITY",), "QUANTITY")  # fmt: skip
    raw = tree.get("quantity", tree.get("orderedQuantity"))
    if quantity_type == "ALL_I_OWN":
        if action != "SELL":
            raise bad("quantityType ALL_I_OWN sells a whole position: orderAction SELL.")
        if raw not in (None, "") and number(raw, "Instrument.quantity") != 0:
            raise bad("quantityType ALL_I_OWN takes no quantity: leave it out.")
        return Leg(symbol, kind, action, 0.0, None, quantity_type)
    quantity = number(raw, "Instrument.quantity", positive=True)
    if not fund and quantity != int(quantity):
        raise bad(f"Instrument.quantity must be whole shares or contracts, not {quantity:g}.")
    return Leg(symbol, kind, action, quantity, contract, quantity_type)


def is_mutual_fund(symbol: str) -> bool:
    """A known fund, or a five-letter symbol ending in X (the NASDAQ fund convention)."""
    return symbol in MUTUAL_FUNDS or (
        len(symbol) == 5 and symbol.isalpha() and symbol.endswith("X") and not symbol.endswith("XX")
    )


def _gtd(value: Any, term: str, now: float) -> date | None:
    if term != "GOOD_TILL_DATE":
        if value not in (None, ""):
            raise bad("gtdDate belongs to orderTerm GOOD_TILL_DATE only; remove it.")
        return None
    text = str(value or "")
    try:
        day = datetime.strptime(text, "%m%d%Y").date() if len(text) == 8 else None
    except ValueError:
        day = None
    if day is None:
        raise bad("A GOOD_TILL_DATE order needs gtdDate, its last day, as MMDDYYYY.")
    if day < options.today(now):
        raise bad(f"gtdDate {text} is in the past: give today or a later day.")
    return day


def _price_rules(order_type: str, price_type: str, term: str, tree: dict[str, Any]) -> float:
    """Check the price type against the order type; the trailing offset, if any."""
    if order_type in ("MF", "MMF") and (price_type != "MARKET" or term != "GOOD_FOR_DAY"):
        raise bad(f"An {order_type} order is MARKET and GOOD_FOR_DAY (it trades at the next NAV).")
    if price_type in AUCTION:
        if order_type != "EQ":
            raise bad(f"{price_type} is for stocks and ETFs (orderType EQ).")
        if term != "GOOD_FOR_DAY":
            raise bad(f"A {price_type} order is GOOD_FOR_DAY.")
    offset_type, raw = tree.get("offsetType"), tree.get("offsetValue")
    if price_type not in TRAILING:
        if offset_type not in (None, "") or raw not in (None, ""):
            raise bad("offsetType and offsetValue belong to trailing stops only; remove them.")
        return 0.0
    if term not in ("GOOD_FOR_DAY", "GOOD_UNTIL_CANCEL"):
        raise bad(f"A {price_type} order is GOOD_FOR_DAY or GOOD_UNTIL_CANCEL.")
    if offset_type not in (None, "", price_type):
        raise bad(f"offsetType {offset_type!r} contradicts priceType {price_type}.")
    offset = number(raw, "Order.offsetValue")
    if not offset:
        raise bad(f"A {price_type} order needs offsetValue, the trail, above zero.")
    if price_type == "TRAILING_STOP_PRCT" and offset >= 100:
        raise bad("A TRAILING_STOP_PRCT offsetValue is a percent below 100.")
    return offset


def _echoes(tree: dict[str, Any], context: dict[str, tuple[str, ...]]) -> None:
    """Check the copies pyetrade puts in ``Order`` against what they copy.

    pyetrade builds ``Order`` from all its keyword arguments, so ``accountId``, ``symbol``,
    ``orderAction``, ``quantity``, ``clientOrderId`` and (on place) ``previewId`` arrive
    there beside their real places (reference §3 item 10; its XML form worked in the
    sandbox). Each copy must agree with the original: checked, never ignored.
    """
    for name in ECHO_KEYS & set(tree):
        given = str(tree[name]).strip()
        expected = context.get(name)
        if expected is None:
            raise bad(f"Order.{name} does not belong in this request; remove it.")
        same = given in expected
        if name == "quantity":
            try:
                same = float(given) == float(expected[0])
            except ValueError:
                same = False
        if not same:
            raise bad(f"Order.{name} {given!r} contradicts the request's {expected[0]!r}.")


_TAKES = {"limitPrice": ("LIMIT", "STOP_LIMIT", "NET_DEBIT", "NET_CREDIT",
                         "LIMIT_ON_OPEN", "LIMIT_ON_CLOSE"),
          "stopPrice": ("STOP", "STOP_LIMIT")}  # fmt: skip


def _price(tree: dict[str, Any], name: str, price_type: str) -> Any:
    """``tree[name]``; a null/``"None"`` price on a price type that takes none is absent."""
    value = tree.get(name)
    unused = name in tree and price_type not in _TAKES[name]
    if unused and leniency.active().unused_price(f"Order.{name}", value, price_type):
        return None
    return value


def _order(
    tree: dict[str, Any], order_type: str, now: float, context: dict[str, tuple[str, ...]]
) -> OrderSpec:
    _keys(tree, ORDER_KEYS | ECHO_KEYS, "Order")
    multi = order_type in multileg.MULTI_LEG
    allowed = ("MARKET", *NET_PRICE_TYPES) if multi else PRICE_TYPES
    price_type = _text(tree.get("priceType"), "Order.priceType", allowed)
    term = _text(tree.get("orderTerm"), "Order.orderTerm", TERMS)
    good_till = _gtd(tree.get("gtdDate"), term, now)
    offset = _price_rules(order_type, price_type, term, tree)
    session = _text(tree.get("marketSession"), "Order.marketSession", ("REGULAR", "EXTENDED"))
    limit = number(_price(tree, "limitPrice", price_type), "Order.limitPrice")
    stop = number(_price(tree, "stopPrice", price_type), "Order.stopPrice")
    if price_type in ("LIMIT", "STOP_LIMIT", "NET_DEBIT", "NET_CREDIT") and not limit:
        raise bad(f"A {price_type} order needs a limitPrice above zero.")
    if price_type in ("STOP", "STOP_LIMIT") and not stop:
        raise bad(f"A {price_type} order needs a stopPrice above zero.")
    if price_type in ("LIMIT_ON_OPEN", "LIMIT_ON_CLOSE") and not limit:
        raise bad(f"A {price_type} order needs a limitPrice above zero.")
    if price_type in ("MARKET", "NET_EVEN", *TRAILING, "MARKET_ON_OPEN", "MARKET_ON_CLOSE") and (
        limit or stop
    ):
        raise bad(f"A {price_type} order takes no limitPrice or stopPrice.")
    if price_type == "MARKET" and term != "GOOD_FOR_DAY":
        raise bad("A MARKET order is GOOD_FOR_DAY.")
    if session == "EXTENDED" and price_type != "LIMIT":
        raise bad("Extended-hours orders must be LIMIT orders.")
    if session == "EXTENDED" and term != "GOOD_FOR_DAY":
        raise bad("Extended-hours orders must be GOOD_FOR_DAY.")
    legs = tuple(
        _leg(i, order_type, now) for i in _list(tree.get("Instrument"), "Order.Instrument")
    )
    if not multi and len(legs) != 1:
        raise bad(f"An {order_type} order has exactly one Instrument; use SPREADS for more legs.")
    if multi:
        multileg.check_net_price(order_type, multileg.structure(order_type, legs), price_type)
    route = _text(tree.get("routingDestination"), "Order.routingDestination", ROUTES, "AUTO")
    if len(legs) == 1:
        leg = legs[0]
        context = {**context, "symbol": (leg.symbol,), "orderAction": (leg.action,),
                   "quantity": (f"{leg.quantity:g}",)}  # fmt: skip
    _echoes(tree, context)
    return OrderSpec(price_type, term, session, _flag(tree.get("allOrNone"), "allOrNone"),
                     limit, stop, route, legs, offset, good_till)  # fmt: skip


def check(
    tree: dict[str, Any],
    name: str,
    now: float,
    account: dict[str, Any],
    preview_id: int | None = None,
) -> Request:
    """Validate the ``name`` section (``PreviewOrderRequest`` or ``PlaceOrderRequest``)."""
    extra = frozenset({"PreviewIds"}) if preview_id is not None else frozenset()
    section = tree.get(name)
    if set(tree) != {name} or not isinstance(section, dict):
        raise bad(f"The body must hold exactly one {name} element.")
    _keys(section, TOP_KEYS | extra, name)
    order_type = _text(section.get("orderType"), "orderType", ORDER_TYPES)
    client_id = section.get("clientOrderId")
    if isinstance(client_id, int) and not isinstance(client_id, bool):
        client_id = str(client_id)
    if (
        not isinstance(client_id, str)
        or not client_id.isascii()
        or not client_id.isalnum()
        or len(client_id) > 20
    ):
        raise bad("clientOrderId is required: 1 to 20 letters and digits, unique per account.")
    context = {
        "clientOrderId": (client_id,),
        "accountId": (account["accountIdKey"], account["accountId"]),  # pyetrade sends the key
    }
    if preview_id is not None:
        context["previewId"] = (str(preview_id),)
    items = _list(section.get("Order"), "Order")
    orders = tuple(_order(o, order_type, now, context) for o in items)
    return Request(order_type, client_id, orders)


def preview_ids(tree: dict[str, Any], name: str) -> int:
    """The single ``PreviewIds[].previewId`` of a place request."""
    section = tree[name]
    ids = section.get("PreviewIds")
    items = ids if isinstance(ids, list) else [ids] if isinstance(ids, dict) else []
    if len(items) != 1 or not isinstance(items[0], dict):
        raise bad("PreviewIds must hold one previewId from the preview.", 101)
    known = {"previewId", "cashMargin"}
    leniency.active().fields(set(items[0]) - known, "PreviewIds", known)
    try:
        return int(items[0]["previewId"])
    except (KeyError, TypeError, ValueError):
        raise bad("PreviewIds.previewId must be the number the preview returned.", 101) from None
