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
from datetime import date, datetime
from typing import Any, Protocol

from ..errors import InvalidOrderError

PRICE_TYPES = ("MARKET", "LIMIT", "STOP", "STOP_LIMIT")
TRAILING_TYPES = ("TRAILING_STOP_CNST", "TRAILING_STOP_PRCT")
AUCTION_TYPES = ("MARKET_ON_OPEN", "MARKET_ON_CLOSE", "LIMIT_ON_OPEN", "LIMIT_ON_CLOSE")
NET_PRICE_TYPES = ("NET_DEBIT", "NET_CREDIT", "NET_EVEN")
SINGLE_LEG_PRICE_TYPES = (*PRICE_TYPES, *TRAILING_TYPES, *AUCTION_TYPES)
ORDER_TERMS = (
    "GOOD_FOR_DAY",
    "GOOD_UNTIL_CANCEL",
    "GOOD_TILL_DATE",
    "IMMEDIATE_OR_CANCEL",
    "FILL_OR_KILL",
)
QUANTITY_TYPES = ("QUANTITY", "DOLLAR", "ALL_I_OWN")
FUND_TYPES = ("MF", "MMF")
FUND_ACTIONS = ("BUY", "SELL")
MARKET_SESSIONS = ("REGULAR", "EXTENDED")
EQUITY_ACTIONS = ("BUY", "SELL", "BUY_TO_COVER", "SELL_SHORT")
OPTION_ACTIONS = ("BUY_OPEN", "SELL_OPEN", "BUY_CLOSE", "SELL_CLOSE")
CALL_PUT = ("CALL", "PUT")
CLIENT_ORDER_ID = re.compile(r"[A-Za-z0-9]{1,20}")
_ALNUM = string.ascii_uppercase + string.digits
_ALNUM36 = string.digits + string.ascii_uppercase
EASTERN_NAME = "America/New_York"


def today_eastern() -> date:
    """Today's date in New York, where E*TRADE's trading days and order dates live."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(EASTERN_NAME)).date()


def as_good_till(value: Any, term: str) -> date | None:
    """Check a good-till date against ``term``: required by GOOD_TILL_DATE, refused otherwise,
    never in the past (E*TRADE's calendar, New York)."""
    if value is None:
        if term == "GOOD_TILL_DATE":
            raise InvalidOrderError(
                "A GOOD_TILL_DATE order needs good_till, the last day it may work, e.g. "
                "good_till='2026-06-30' (or pick another term)."
            )
        return None
    if term != "GOOD_TILL_DATE":
        raise InvalidOrderError(
            f"good_till is only for term='GOOD_TILL_DATE' (this order is {term}): set that "
            "term, or leave good_till out."
        )
    day = value
    if isinstance(day, datetime):
        day = day.date()
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            raise InvalidOrderError(
                f"good_till {value!r} is not a date: pass a datetime.date or 'YYYY-MM-DD'."
            ) from None
    if not isinstance(day, date):
        raise InvalidOrderError("good_till must be a datetime.date or 'YYYY-MM-DD'.")
    today = today_eastern()
    if day < today:
        raise InvalidOrderError(
            f"good_till {day.isoformat()} is in the past (today is {today.isoformat()} in New "
            "York): pick today or a later day."
        )
    return day


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

    @classmethod
    def from_osi(cls, osi_key: str, symbol: str | None = None) -> OptionContract:
        """The contract an OSI key names (``AAPL--260619C00190000``), as in an option chain's
        ``osiKey``; ``symbol`` overrides the 6-letter root (long underliers)."""
        match = re.fullmatch(r"([A-Z0-9.\-]{1,6}?)-*(\d{6})([CP])(\d{8})", str(osi_key).strip())
        if not match:
            raise InvalidOrderError(
                f"{osi_key!r} is not an OSI option key such as 'AAPL--260619C00190000'."
            )
        root, day, kind, strike = match.groups()
        expiry = date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
        return cls(symbol or root, expiry, int(strike) / 1000, "CALL" if kind == "C" else "PUT")

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
    quantity: float
    price_type: str = "MARKET"
    limit_price: float | None = None
    stop_price: float | None = None
    term: str = "GOOD_FOR_DAY"
    session: str = "REGULAR"
    all_or_none: bool = False
    client_order_id: str = field(default_factory=new_client_order_id)
    offset: float | None = None
    """A trailing stop's distance: dollars (TRAILING_STOP_CNST) or percent (…_PRCT)."""
    good_till: date | str | None = None
    """The last day a GOOD_TILL_DATE order works."""
    quantity_type: str = "QUANTITY"
    """QUANTITY (shares, contracts), DOLLAR or ALL_I_OWN (mutual funds)."""
    fund: str | None = None
    """``MF`` or ``MMF`` for a mutual fund or money market fund order."""

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
        """E*TRADE's ``orderType``: ``EQ``, ``OPTN``, ``MF`` or ``MMF``."""
        return self.fund or ("OPTN" if self.is_option else "EQ")

    def renewed(self) -> OrderRequest:
        """The same order with a new ``clientOrderId`` (to send it as a second order)."""
        return replace(self, client_order_id=new_client_order_id())

    def payload(self, preview_ids: list[int] | None = None) -> dict[str, Any]:
        """The ``PreviewOrderRequest`` body, or ``PlaceOrderRequest`` with ``preview_ids``."""
        detail = order_detail(self)
        if self.stop_price is not None:
            detail["stopPrice"] = self.stop_price
        if self.offset is not None:
            detail["offsetType"] = self.price_type
            detail["offsetValue"] = self.offset
        product = (
            self.security.product()
            if isinstance(self.security, OptionContract)
            else {"symbol": self.security, "securityType": self.fund or "EQ"}
        )
        leg: dict[str, Any] = {
            "Product": product,
            "orderAction": self.action,
            "quantityType": self.quantity_type,
        }
        if self.quantity_type != "ALL_I_OWN":
            leg["quantity"] = self.quantity
        detail["Instrument"] = [leg]
        return order_request(self.order_type, self.client_order_id, detail, preview_ids)

    def describe(self) -> str:
        """One line that reads as a sentence, e.g. ``BUY 10 AAPL, limit 150.25, good for the day``.

        The amount (shares, dollars or all owned), ``at market`` or the auction, the stop,
        limit and trailing prices, the term in words (with its date), then extended hours or
        all-or-none when they apply.
        """
        amount = (
            "all owned of"
            if self.quantity_type == "ALL_I_OWN"
            else f"${self.quantity:,.2f} of"
            if self.quantity_type == "DOLLAR"
            else f"{self.quantity:g}"
        )
        when = _PRICE_WORDS.get(self.price_type, "")
        parts = [f"{self.action} {amount} {self.security}{when}"]
        if self.stop_price is not None:
            parts.append(f"stop {self.stop_price:.2f}")
        if self.limit_price is not None:
            parts.append(f"limit {self.limit_price:.2f}")
        if self.offset is not None:
            parts.append(
                f"trailing stop {self.offset:g}%"
                if self.price_type == "TRAILING_STOP_PRCT"
                else f"trailing stop ${self.offset:.2f}"
            )
        if isinstance(self.good_till, date):
            parts.append(f"good till {self.good_till.isoformat()}")
        else:
            parts.append(_TERM_WORDS.get(self.term, self.term))
        if self.session == "EXTENDED":
            parts.append("extended hours")
        if self.all_or_none:
            parts.append("all or none")
        return ", ".join(parts)


_PRICE_WORDS = {
    "MARKET": " at market",
    "MARKET_ON_OPEN": " at market on the open",
    "MARKET_ON_CLOSE": " at market on the close",
    "LIMIT_ON_OPEN": " on the open",
    "LIMIT_ON_CLOSE": " on the close",
}
_TERM_WORDS = {
    "GOOD_FOR_DAY": "good for the day",
    "GOOD_UNTIL_CANCEL": "good until cancelled",
    "GOOD_TILL_DATE": "good till a date",
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


def whole_quantity(quantity: Any, what: str = "quantity") -> int:
    """A whole number of shares or contracts above zero (numpy numbers and floats too)."""
    if isinstance(quantity, bool) or not isinstance(quantity, numbers.Real):
        raise InvalidOrderError(f"{what} must be a whole number, not {quantity!r}.")
    number = float(quantity)
    if not math.isfinite(number) or number != int(number) or number <= 0:
        raise InvalidOrderError(
            f"{what} must be a whole number above zero, not {quantity!r} (E*TRADE's API "
            "orders whole shares and contracts)."
        )
    return int(number)


def _fund_quantity(order: OrderRequest) -> float:
    quantity: Any = order.quantity
    if order.quantity_type == "ALL_I_OWN":
        if order.action != "SELL":
            raise InvalidOrderError(
                "quantity_type='ALL_I_OWN' sells the whole position: use action 'SELL'."
            )
        return 0.0
    if isinstance(quantity, bool) or not isinstance(quantity, numbers.Real):
        raise InvalidOrderError(f"quantity must be a number, not {quantity!r}.")
    number = float(quantity)
    if not math.isfinite(number) or number <= 0:
        raise InvalidOrderError(f"quantity must be above zero, not {quantity!r}.")
    if order.quantity_type == "DOLLAR" and round(number, 2) != number:
        raise InvalidOrderError(f"A dollar amount has at most 2 decimals, not {quantity!r}.")
    return number


def _check(order: OrderRequest) -> None:
    """Normalise the fields of ``order`` in place and refuse contradictions."""
    put = object.__setattr__
    _check_security(order)
    _check_action_and_quantity(order)
    if str(order.price_type).strip().upper() in NET_PRICE_TYPES:
        raise InvalidOrderError(
            f"{order.price_type} prices a multi-leg order: build it with vertical_spread(), "
            "iron_condor() and the like (etrade_nb.api.strategies)."
        )
    price_type = _choice("price_type", order.price_type, SINGLE_LEG_PRICE_TYPES)
    put(order, "price_type", price_type)
    put(order, "term", _choice("term", order.term, ORDER_TERMS))
    put(order, "session", _choice("session", order.session, MARKET_SESSIONS))
    put(order, "good_till", as_good_till(order.good_till, order.term))
    _check_prices(order, price_type)
    _check_term_fits(order, price_type)
    if not CLIENT_ORDER_ID.fullmatch(str(order.client_order_id)):
        raise InvalidOrderError(
            f"client_order_id {order.client_order_id!r} must be 1-20 letters and digits "
            "(E*TRADE's rule), unique per account. Leave it out to get a fresh one."
        )
    if not isinstance(order.all_or_none, bool):
        raise InvalidOrderError("all_or_none must be True or False.")


def _check_security(order: OrderRequest) -> None:
    """Set the fund type and the symbol; refuse what is not one security."""
    put = object.__setattr__
    if order.fund is not None:
        put(order, "fund", _choice("fund", order.fund, FUND_TYPES))
    if isinstance(order.security, str):
        symbol = order.security.strip().upper()
        if not symbol or "," in symbol:
            raise InvalidOrderError(
                f"{order.security!r} is not one symbol. Pass e.g. 'AAPL', or an OptionContract."
            )
        put(order, "security", symbol)
    elif not isinstance(order.security, OptionContract):
        raise InvalidOrderError("security must be a symbol such as 'AAPL' or an OptionContract.")
    elif order.fund is not None:
        raise InvalidOrderError("A fund order takes the fund's symbol, not an option.")


def _check_action_and_quantity(order: OrderRequest) -> None:
    """Set the action and the quantity the kind of security takes."""
    put = object.__setattr__
    actions = FUND_ACTIONS if order.fund else OPTION_ACTIONS if order.is_option else EQUITY_ACTIONS
    action = str(order.action).strip().upper()
    if action not in actions:
        kind = "a fund" if order.fund else "an option" if order.is_option else "a stock or ETF"
        raise InvalidOrderError(
            f"Order action {order.action!r} is not valid for {kind}: use one of "
            f"{', '.join(actions)}."
        )
    put(order, "action", action)
    put(order, "quantity_type", _choice("quantity_type", order.quantity_type, QUANTITY_TYPES))
    if order.fund:
        put(order, "quantity", _fund_quantity(order))
    elif order.quantity_type != "QUANTITY":
        raise InvalidOrderError(
            f"quantity_type {order.quantity_type} is for mutual funds (fund_order()); stocks "
            "and options are ordered by QUANTITY."
        )
    else:
        put(order, "quantity", whole_quantity(order.quantity))


def _check_prices(order: OrderRequest, price_type: str) -> None:
    """Refuse prices the price type lacks or does not take; round those it takes."""
    put = object.__setattr__
    wants_limit = price_type in ("LIMIT", "STOP_LIMIT", "LIMIT_ON_OPEN", "LIMIT_ON_CLOSE")
    wants_stop = price_type in ("STOP", "STOP_LIMIT")
    trailing = price_type in TRAILING_TYPES
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
    if trailing and order.offset is None:
        raise InvalidOrderError(
            f"A {price_type} order needs offset: how far the stop trails the price "
            f"({'percent' if price_type.endswith('PRCT') else 'dollars'})."
        )
    if not trailing and order.offset is not None:
        raise InvalidOrderError(
            "offset is for trailing stops only: use trailing_stop_order(), or leave it out."
        )
    if order.limit_price is not None:
        put(order, "limit_price", _price("limit_price", order.limit_price))
    if order.stop_price is not None:
        put(order, "stop_price", _price("stop_price", order.stop_price))
    if order.offset is not None:
        offset = _price("offset", order.offset)
        if price_type == "TRAILING_STOP_PRCT" and offset >= 100:
            raise InvalidOrderError(
                f"A percent trail must be below 100, not {offset:g}: e.g. offset=5 trails 5%."
            )
        put(order, "offset", offset)


def _check_term_fits(order: OrderRequest, price_type: str) -> None:
    """Refuse a session or term the price type (or a fund) does not trade in."""
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
    if price_type in AUCTION_TYPES:
        if order.is_option or order.fund:
            raise InvalidOrderError(
                f"{price_type} orders trade a stock or ETF in the opening or closing auction; "
                "use a MARKET or LIMIT order for options and funds."
            )
        if order.term != "GOOD_FOR_DAY":
            raise InvalidOrderError(
                f"A {price_type} order is good for the day only (not {order.term}): leave term out."
            )
    if price_type in TRAILING_TYPES and order.term not in ("GOOD_FOR_DAY", "GOOD_UNTIL_CANCEL"):
        raise InvalidOrderError(
            f"A trailing stop works GOOD_FOR_DAY or GOOD_UNTIL_CANCEL, not {order.term}."
        )
    if order.fund and (price_type != "MARKET" or order.term != "GOOD_FOR_DAY"):
        raise InvalidOrderError(
            "Mutual fund orders are MARKET orders, good for the day: they trade at the next "
            "net asset value. Leave price_type and term out (fund_order())."
        )


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


def trailing_stop_order(
    security: str | OptionContract,
    action: str,
    quantity: int,
    *,
    dollars: float | None = None,
    percent: float | None = None,
    **kw: Any,
) -> OrderRequest:
    """A stop that trails the price by ``dollars`` (TRAILING_STOP_CNST) or ``percent``
    (TRAILING_STOP_PRCT): a sell's stop rises with the price, a buy's falls with it."""
    if (dollars is None) == (percent is None):
        raise InvalidOrderError(
            "Give the trail as dollars=... or percent=... (one of them), e.g. percent=5."
        )
    kind = "TRAILING_STOP_CNST" if dollars is not None else "TRAILING_STOP_PRCT"
    return OrderRequest(security, action, quantity, kind, offset=dollars or percent, **kw)


def on_open_order(
    symbol: str, action: str, quantity: int, limit_price: float | None = None, **kw: Any
) -> OrderRequest:
    """Trade in the opening auction: MARKET_ON_OPEN, or LIMIT_ON_OPEN with ``limit_price``."""
    kind = "MARKET_ON_OPEN" if limit_price is None else "LIMIT_ON_OPEN"
    return OrderRequest(symbol, action, quantity, kind, limit_price=limit_price, **kw)


def on_close_order(
    symbol: str, action: str, quantity: int, limit_price: float | None = None, **kw: Any
) -> OrderRequest:
    """Trade in the closing auction: MARKET_ON_CLOSE, or LIMIT_ON_CLOSE with ``limit_price``."""
    kind = "MARKET_ON_CLOSE" if limit_price is None else "LIMIT_ON_CLOSE"
    return OrderRequest(symbol, action, quantity, kind, limit_price=limit_price, **kw)


def fund_order(
    symbol: str,
    action: str,
    *,
    dollars: float | None = None,
    shares: float | None = None,
    all_i_own: bool = False,
    money_market: bool = False,
    **kw: Any,
) -> OrderRequest:
    """Buy or sell a mutual fund (``money_market=True``: a money market fund) at the next
    net asset value: by ``dollars``, by ``shares`` or (selling) ``all_i_own=True``."""
    given = [n for n, v in (("dollars", dollars), ("shares", shares)) if v is not None]
    if all_i_own:
        given.append("all_i_own")
    if len(given) != 1:
        raise InvalidOrderError(
            "Say how much with one of dollars=..., shares=... or all_i_own=True "
            f"(got {', '.join(given) or 'none'})."
        )
    kind = "DOLLAR" if dollars is not None else "QUANTITY" if shares is not None else "ALL_I_OWN"
    amount = dollars if dollars is not None else shares if shares is not None else 0
    return OrderRequest(
        symbol,
        action,
        amount,
        "MARKET",
        quantity_type=kind,
        fund="MMF" if money_market else "MF",
        **kw,
    )


class _OrderFields(Protocol):
    """What :func:`order_detail` reads: the fields single- and multi-leg orders share."""

    @property
    def all_or_none(self) -> bool: ...
    @property
    def price_type(self) -> str: ...
    @property
    def term(self) -> str: ...
    @property
    def session(self) -> str: ...
    @property
    def limit_price(self) -> float | None: ...
    @property
    def good_till(self) -> date | str | None: ...


def order_detail(order: _OrderFields) -> dict[str, Any]:
    """The ``Order`` fields every order kind sends: terms, the limit and the good-till date."""
    detail: dict[str, Any] = {
        "allOrNone": order.all_or_none,
        "priceType": order.price_type,
        "orderTerm": order.term,
        "marketSession": order.session,
    }
    if order.limit_price is not None:
        detail["limitPrice"] = order.limit_price
    if isinstance(order.good_till, date):
        detail["gtdDate"] = order.good_till.strftime("%m%d%Y")
    return detail


def order_request(
    order_type: str, client_order_id: str, detail: dict[str, Any], preview_ids: list[int] | None
) -> dict[str, Any]:
    """``PreviewOrderRequest``, or ``PlaceOrderRequest`` with ``preview_ids``, around ``detail``."""
    body: dict[str, Any] = {
        "orderType": order_type,
        "clientOrderId": client_order_id,
        "Order": [detail],
    }
    if preview_ids is None:
        return {"PreviewOrderRequest": body}
    body["PreviewIds"] = [{"previewId": p} for p in preview_ids]
    return {"PlaceOrderRequest": body}
