"""Multi-leg option orders: spreads, buy-writes, butterflies, condors, checked when built.

    >>> from etrade_nb import iron_condor_from_chain, pick, vertical_spread
    >>> chain = session.option_chain("AAPL", "2026-06-19", as_frame=True)  # doctest: +SKIP
    >>> spread = vertical_spread(pick(chain, "CALL", strike=190),
    ...                          pick(chain, "CALL", strike=200), debit=3.10)  # doctest: +SKIP
    >>> condor = iron_condor_from_chain(chain, puts=(0.10, 0.25), calls=(0.25, 0.10),
    ...                                 by="delta")  # doctest: +SKIP

Each builder names the legs it buys and sells, and takes the net price per spread as
``debit=``, ``credit=`` or ``even=True`` (E*TRADE's NET_DEBIT, NET_CREDIT, NET_EVEN), or
nothing for a MARKET order; ``closing=True`` closes that position (the legs bought are
sold to close, the legs sold bought back). What E*TRADE refuses is refused here first,
with what to change: legs on different underlyings, expiries that differ where the
structure needs one, quantities that do not fit the structure, a credit asked for a
structure that costs money (or the reverse), a good-till date in the past.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from ..errors import InvalidOrderError
from .order_types import (
    CLIENT_ORDER_ID,
    EQUITY_ACTIONS,
    MARKET_SESSIONS,
    NET_PRICE_TYPES,
    OPTION_ACTIONS,
    ORDER_TERMS,
    OptionContract,
    as_good_till,
    new_client_order_id,
    order_detail,
    order_request,
    whole_quantity,
)

STRATEGY_TYPES = ("SPREADS", "BUY_WRITES", "BUTTERFLY", "IRON_BUTTERFLY", "CONDOR", "IRON_CONDOR")
STRATEGY_PRICE_TYPES = ("MARKET", *NET_PRICE_TYPES)
SHARES_PER_CONTRACT = 100


@dataclass(frozen=True)
class Leg:
    """One leg: an option (or, in a buy-write, the stock), an action and a quantity."""

    security: str | OptionContract
    action: str
    quantity: int

    def __post_init__(self) -> None:
        put = object.__setattr__
        if isinstance(self.security, str):
            symbol = self.security.strip().upper()
            if not symbol or "," in symbol:
                raise InvalidOrderError(f"{self.security!r} is not one symbol.")
            put(self, "security", symbol)
        elif not isinstance(self.security, OptionContract):
            raise InvalidOrderError("A leg is an OptionContract (or a stock symbol).")
        allowed = OPTION_ACTIONS if self.is_option else EQUITY_ACTIONS
        action = str(self.action).strip().upper()
        if action not in allowed:
            raise InvalidOrderError(
                f"Leg action {self.action!r} does not fit {self.security}: use one of "
                f"{', '.join(allowed)}."
            )
        put(self, "action", action)
        put(self, "quantity", whole_quantity(self.quantity, "A leg's quantity"))

    @property
    def is_option(self) -> bool:
        return isinstance(self.security, OptionContract)

    @property
    def option(self) -> OptionContract:
        assert isinstance(self.security, OptionContract)
        return self.security

    @property
    def symbol(self) -> str:
        return self.security.symbol if isinstance(self.security, OptionContract) else self.security

    @property
    def buys(self) -> bool:
        return self.action.startswith("BUY")

    def instrument(self) -> dict[str, Any]:
        product = (
            self.security.product()
            if isinstance(self.security, OptionContract)
            else {"symbol": self.security, "securityType": "EQ"}
        )
        return {
            "Product": product,
            "orderAction": self.action,
            "quantityType": "QUANTITY",
            "quantity": self.quantity,
        }

    def describe(self) -> str:
        return f"{self.action} {self.quantity} {self.security}"


@dataclass(frozen=True)
class StrategyOrder:
    """A multi-leg order (``orderType`` SPREADS, BUY_WRITES, …), checked when built."""

    order_type: str
    legs: tuple[Leg, ...]
    price_type: str = "MARKET"
    limit_price: float | None = None
    """The net price per spread: the debit paid or the credit received."""
    term: str = "GOOD_FOR_DAY"
    session: str = "REGULAR"
    all_or_none: bool = False
    client_order_id: str = field(default_factory=new_client_order_id)
    good_till: date | str | None = None
    stop_price: None = None  # multi-leg orders have no stop; kept for code that reads orders

    def __post_init__(self) -> None:
        _check(self)

    @property
    def symbol(self) -> str:
        return self.legs[0].symbol

    @property
    def action(self) -> str:
        return self.legs[0].action

    @property
    def quantity(self) -> int:
        return self.legs[0].quantity

    @property
    def security(self) -> str | OptionContract:
        return self.legs[0].security

    @property
    def is_option(self) -> bool:
        return True

    @property
    def spreads(self) -> int:
        """How many of the structure: the greatest common divisor of the option legs."""
        return math.gcd(*(leg.quantity for leg in self.legs if leg.is_option))

    @property
    def kind(self) -> str:
        """``debit`` if the structure costs money to open, ``credit`` if it pays, or ``""``
        where that depends on the prices (diagonals, custom spreads)."""
        return _structure(self.order_type, self.legs)

    def renewed(self) -> StrategyOrder:
        """The same order with a new ``clientOrderId`` (to send it as a second order)."""
        return replace(self, client_order_id=new_client_order_id())

    def with_price(
        self, *, debit: float | None = None, credit: float | None = None, even: bool = False
    ) -> StrategyOrder:
        """The same legs at another net price (for a change), with a new ``clientOrderId``."""
        price_type, limit = _net(debit, credit, even)
        return replace(
            self, price_type=price_type, limit_price=limit, client_order_id=new_client_order_id()
        )

    def payload(self, preview_ids: list[int] | None = None) -> dict[str, Any]:
        """The ``PreviewOrderRequest`` body, or ``PlaceOrderRequest`` with ``preview_ids``."""
        detail = order_detail(self)
        detail["Instrument"] = [leg.instrument() for leg in self.legs]
        return order_request(self.order_type, self.client_order_id, detail, preview_ids)

    def describe(self) -> str:
        """``IRON_CONDOR AAPL NET_CREDIT 1.25 GOOD_FOR_DAY: BUY_OPEN 1 AAPL … / …``."""
        price = f" {self.limit_price:.2f}" if self.limit_price is not None else ""
        term = self.term
        if isinstance(self.good_till, date):
            term += f" {self.good_till.isoformat()}"
        legs = " / ".join(leg.describe() for leg in self.legs)
        return f"{self.order_type} {self.symbol} {self.price_type}{price} {term}: {legs}"

    def payoff(self, prices: Iterable[float], net_price: float | None = None) -> list[float]:
        """Profit or loss at expiry (dollars, whole order) for each underlying price.

        ``net_price`` is the debit (positive) or credit (negative) per spread; by default
        the order's own limit price. Calendars and diagonals are valued at the first expiry
        as if the later leg were worth its intrinsic value (a lower bound)."""
        net = self.net_price if net_price is None else float(net_price)
        out = []
        for spot in prices:
            value = 0.0
            for leg in self.legs:
                if leg.is_option:
                    c = leg.option
                    worth = max(0.0, spot - c.strike if c.call_put == "CALL" else c.strike - spot)
                    each = worth * SHARES_PER_CONTRACT
                else:
                    each = spot
                value += each * leg.quantity * (1 if leg.buys else -1)
            out.append(round(value - net * self.spreads * SHARES_PER_CONTRACT, 2))
        return out

    @property
    def net_price(self) -> float:
        """The limit as a signed net price: debit positive, credit negative, even 0."""
        if self.limit_price is None:
            return 0.0
        return -self.limit_price if self.price_type == "NET_CREDIT" else self.limit_price

    def strikes(self) -> list[float]:
        return sorted({leg.option.strike for leg in self.legs if leg.is_option})

    def payoff_frame(
        self, prices: Sequence[float] | None = None, net_price: float | None = None
    ) -> Any:
        """Profit or loss at expiry over a range of underlying prices (a pandas Series)."""
        import pandas as pd

        if prices is None:
            low, high = min(self.strikes()), max(self.strikes())
            pad = max((high - low) * 0.6, high * 0.05)
            steps = 200
            prices = [low - pad + (high - low + 2 * pad) * i / steps for i in range(steps + 1)]
        values = self.payoff(prices, net_price)
        series = pd.Series(values, index=pd.Index(list(prices), name="underlying"), name="P&L")
        return series

    def plot_payoff(self, ax: Any = None, net_price: float | None = None) -> Any:
        """A payoff chart at expiry (matplotlib): P&L against the underlying price, with
        the strikes and break-evens marked. Returns the Axes."""
        import matplotlib.pyplot as plt

        series = self.payoff_frame(net_price=net_price)
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.2))
        x, y = list(series.index), list(series.values)
        ax.plot(x, y, color="black", linewidth=1.5)
        ax.fill_between(x, y, 0, where=[v >= 0 for v in y], color="tab:green", alpha=0.25)
        ax.fill_between(x, y, 0, where=[v < 0 for v in y], color="tab:red", alpha=0.25)
        ax.axhline(0, color="grey", linewidth=0.8)
        for strike in self.strikes():
            ax.axvline(strike, color="grey", linestyle=":", linewidth=0.8)
        ax.set_xlabel(f"{self.symbol} at expiry")
        ax.set_ylabel("profit / loss ($)")
        expiries = sorted({str(leg.option.expiry) for leg in self.legs if leg.is_option})
        net = self.net_price if net_price is None else float(net_price)
        paid = f"debit {net:.2f}" if net > 0 else f"credit {-net:.2f}" if net < 0 else "even"
        kind = self.order_type.replace("_", " ").lower()
        ax.set_title(f"{kind} {self.symbol} {', '.join(expiries)}: {paid}")
        return ax


def _net(debit: float | None, credit: float | None, even: bool) -> tuple[str, float | None]:
    given = [n for n, v in (("debit", debit), ("credit", credit)) if v is not None]
    if even:
        given.append("even")
    if len(given) > 1:
        raise InvalidOrderError(
            f"Give one net price: debit=..., credit=... or even=True (got {', '.join(given)})."
        )
    if debit is not None:
        return "NET_DEBIT", debit
    if credit is not None:
        return "NET_CREDIT", credit
    return ("NET_EVEN", None) if even else ("MARKET", None)


def _price(name: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidOrderError(f"{name} must be a number, not {value!r}.") from None
    if not math.isfinite(number) or number <= 0:
        raise InvalidOrderError(
            f"{name} must be a positive net price per spread, not {value!r} (for no net "
            "price use even=True)."
        )
    return round(number, 2)


def _one_underlier(legs: Sequence[Leg]) -> None:
    symbols = sorted({leg.symbol for leg in legs})
    if len(symbols) > 1:
        raise InvalidOrderError(
            f"All legs must be on one underlying, not {', '.join(symbols)}: place one order "
            "per underlying."
        )


def _one_expiry(order_type: str, options: Sequence[Leg]) -> None:
    expiries = sorted({str(leg.option.expiry) for leg in options})
    if len(expiries) > 1:
        raise InvalidOrderError(
            f"The legs of a {order_type} expire on one day, not {', '.join(expiries)}: pick "
            "one expiry (calendars and diagonals are SPREADS: calendar_spread())."
        )


def _same_quantity(order_type: str, legs: Sequence[Leg], shape: str) -> None:
    if len({leg.quantity for leg in legs}) > 1:
        raise InvalidOrderError(
            f"A {order_type} has {shape}: the quantities "
            f"{', '.join(str(leg.quantity) for leg in legs)} do not fit. Pass quantity=N "
            "to the builder for N of them."
        )


def _kind(long_is_debit: bool, wings_bought: bool) -> str:
    return "debit" if long_is_debit == wings_bought else "credit"


def _structure(order_type: str, legs: Sequence[Leg]) -> str:
    """Check that ``legs`` form an ``order_type``; ``debit``, ``credit`` or ``""``."""
    _one_underlier(legs)
    options = [leg for leg in legs if leg.is_option]
    stock = [leg for leg in legs if not leg.is_option]
    if order_type == "BUY_WRITES":
        return _buy_write(legs, options, stock)
    if stock:
        raise InvalidOrderError(
            f"A {order_type} is made of options only; a stock leg belongs in BUY_WRITES."
        )
    if order_type == "SPREADS":
        return _spread(order_type, options)
    _one_expiry(order_type, options)
    by_strike = sorted(options, key=lambda leg: (leg.option.strike, leg.option.call_put))
    if order_type == "BUTTERFLY":
        return _butterfly(options, by_strike)
    if len(options) != 4:
        raise InvalidOrderError(f"A {order_type} has four option legs, not {len(options)}.")
    _same_quantity(order_type, options, "one contract per leg per spread")
    if order_type == "CONDOR":
        return _condor(options, by_strike)
    return _iron(order_type, options)


def _buy_write(legs: Sequence[Leg], options: Sequence[Leg], stock: Sequence[Leg]) -> str:
    """The stock and one call on it, 100 shares a call, one bought and one sold."""
    if len(legs) != 2 or len(stock) != 1 or len(options) != 1:
        raise InvalidOrderError(
            "A buy-write is two legs: the stock and one call on it (buy_write())."
        )
    call, shares = options[0], stock[0]
    if call.option.call_put != "CALL":
        raise InvalidOrderError("A buy-write writes a CALL against the stock, not a PUT.")
    if shares.quantity != call.quantity * SHARES_PER_CONTRACT:
        raise InvalidOrderError(
            f"A buy-write covers each call with {SHARES_PER_CONTRACT} shares: "
            f"{call.quantity} call(s) need {call.quantity * SHARES_PER_CONTRACT} shares, "
            f"not {shares.quantity}."
        )
    if shares.buys == call.buys:
        raise InvalidOrderError(
            "A buy-write buys the stock and sells the call (or, to unwind, sells the "
            "stock and buys the call back)."
        )
    return "debit" if shares.buys else "credit"


def _spread(order_type: str, options: Sequence[Leg]) -> str:
    """Two option legs of one size: a vertical, calendar, diagonal, straddle or strangle."""
    if len(options) != 2:
        raise InvalidOrderError(
            f"A SPREADS order has two option legs, not {len(options)}: use butterfly(), "
            "condor(), iron_butterfly() or iron_condor() for more."
        )
    _same_quantity(order_type, options, "one contract per leg per spread")
    a, b = options
    if a.buys == b.buys:  # straddle or strangle
        return "debit" if a.buys else "credit"
    if a.option.call_put != b.option.call_put:
        return ""
    long, short = (a, b) if a.buys else (b, a)
    return _long_short_kind(long.option, short.option)


def _long_short_kind(lc: OptionContract, sc: OptionContract) -> str:
    """Debit or credit of buying ``lc`` and selling ``sc`` (same call/put); ``""`` if unknown."""
    if lc.expiry == sc.expiry:
        if lc.strike == sc.strike:
            raise InvalidOrderError(
                "Both legs are the same option: pick two strikes or two expiries."
            )
        cheaper = lc.strike > sc.strike if lc.call_put == "CALL" else lc.strike < sc.strike
        return "credit" if cheaper else "debit"
    if lc.strike == sc.strike:  # calendar: the later expiry is worth more
        return "debit" if str(lc.expiry) > str(sc.expiry) else "credit"
    return ""


def _butterfly(options: Sequence[Leg], by_strike: Sequence[Leg]) -> str:
    """Three calls or three puts, evenly spaced, traded 1, 2, 1 with the middle opposite."""
    kinds = {leg.option.call_put for leg in options}
    if len(options) != 3 or len(kinds) != 1:
        raise InvalidOrderError(
            "A butterfly is three calls or three puts at a low, middle and high strike."
        )
    low, mid, high = by_strike
    strikes = [leg.option.strike for leg in by_strike]
    if not strikes[0] < strikes[1] < strikes[2]:
        raise InvalidOrderError(f"A butterfly needs three strikes, not {strikes}.")
    if round(strikes[1] - strikes[0], 4) != round(strikes[2] - strikes[1], 4):
        raise InvalidOrderError(
            f"A butterfly's wings are equally far from the middle strike: {strikes} are "
            "not. Use condor() for uneven strikes."
        )
    if low.buys != high.buys or mid.buys == low.buys:
        raise InvalidOrderError(
            "A butterfly buys both wings and sells the middle (or the reverse)."
        )
    if not (low.quantity == high.quantity and mid.quantity == 2 * low.quantity):
        raise InvalidOrderError(
            f"A butterfly trades 1, 2, 1 contracts per spread, not {low.quantity}, "
            f"{mid.quantity}, {high.quantity}."
        )
    return _kind(True, low.buys)


def _condor(options: Sequence[Leg], by_strike: Sequence[Leg]) -> str:
    """Four calls or four puts at four strikes, the outer two opposite the inner two."""
    if len({leg.option.call_put for leg in options}) != 1:
        raise InvalidOrderError("A condor is four calls or four puts (iron_condor() mixes).")
    strikes = [leg.option.strike for leg in by_strike]
    if not strikes[0] < strikes[1] < strikes[2] < strikes[3]:
        raise InvalidOrderError(f"A condor needs four different strikes, not {strikes}.")
    w1, b1, b2, w2 = by_strike
    if w1.buys != w2.buys or b1.buys != b2.buys or w1.buys == b1.buys:
        raise InvalidOrderError(
            "A condor buys the outer strikes and sells the inner ones (or the reverse)."
        )
    return _kind(True, w1.buys)


def _iron(order_type: str, options: Sequence[Leg]) -> str:
    """Two puts below two calls (an iron butterfly shares the middle strike)."""
    puts = sorted((leg for leg in options if leg.option.call_put == "PUT"),
                  key=lambda leg: leg.option.strike)  # fmt: skip
    calls = sorted((leg for leg in options if leg.option.call_put == "CALL"),
                   key=lambda leg: leg.option.strike)  # fmt: skip
    name = "iron butterfly" if order_type == "IRON_BUTTERFLY" else "iron condor"
    if len(puts) != 2 or len(calls) != 2:
        raise InvalidOrderError(f"An {name} is two puts and two calls.")
    p1, p2 = puts
    c1, c2 = calls
    if not (p1.option.strike < p2.option.strike and c1.option.strike < c2.option.strike):
        raise InvalidOrderError(f"An {name} needs two put strikes and two call strikes.")
    if order_type == "IRON_BUTTERFLY" and p2.option.strike != c1.option.strike:
        raise InvalidOrderError(
            f"An iron butterfly sells (or buys) a put and a call at one middle strike, not "
            f"{p2.option.strike:g} and {c1.option.strike:g}: use iron_condor() for two."
        )
    if order_type == "IRON_CONDOR" and not p2.option.strike < c1.option.strike:
        raise InvalidOrderError(
            f"An iron condor's put strikes lie below its call strikes ({p2.option.strike:g} "
            f"is not below {c1.option.strike:g}); with one middle strike use iron_butterfly()."
        )
    if p1.buys != c2.buys or p2.buys != c1.buys or p1.buys == p2.buys:
        raise InvalidOrderError(
            f"An {name} buys the outer put and call and sells the inner ones (or the reverse)."
        )
    return "credit" if p1.buys else "debit"


def _check(order: StrategyOrder) -> None:
    put = object.__setattr__
    kind = str(order.order_type).strip().upper()
    if kind not in STRATEGY_TYPES:
        raise InvalidOrderError(
            f"order_type {order.order_type!r} is not a multi-leg type: use one of "
            f"{', '.join(STRATEGY_TYPES)} (single legs: limit_order() and friends)."
        )
    put(order, "order_type", kind)
    legs = tuple(order.legs)
    if not legs or not all(isinstance(leg, Leg) for leg in legs):
        raise InvalidOrderError("legs must be Leg(security, action, quantity) entries.")
    put(order, "legs", legs)
    price_type = _checked_price(order, kind, _structure(kind, legs))
    term = str(order.term).strip().upper()
    if term not in ORDER_TERMS:
        raise InvalidOrderError(f"term {order.term!r} is not one of {', '.join(ORDER_TERMS)}.")
    put(order, "term", term)
    if price_type == "MARKET" and term != "GOOD_FOR_DAY":
        raise InvalidOrderError(
            f"A MARKET order is good for the day only (not {term}): give a net price for "
            "other terms."
        )
    session = str(order.session).strip().upper()
    if session not in MARKET_SESSIONS or session == "EXTENDED":
        raise InvalidOrderError("Multi-leg option orders trade in the REGULAR session only.")
    put(order, "session", session)
    put(order, "good_till", as_good_till(order.good_till, term))
    if not CLIENT_ORDER_ID.fullmatch(str(order.client_order_id)):
        raise InvalidOrderError(
            f"client_order_id {order.client_order_id!r} must be 1-20 letters and digits."
        )
    if not isinstance(order.all_or_none, bool):
        raise InvalidOrderError("all_or_none must be True or False.")


def _checked_price(order: StrategyOrder, kind: str, structure: str) -> str:
    """Set the order's price type and net price; refuse a price on the wrong side."""
    put = object.__setattr__
    price_type = str(order.price_type).strip().upper()
    if price_type not in STRATEGY_PRICE_TYPES:
        raise InvalidOrderError(
            f"A {kind} order is priced MARKET, NET_DEBIT, NET_CREDIT or NET_EVEN, not "
            f"{order.price_type!r}: pass debit=..., credit=... or even=True."
        )
    put(order, "price_type", price_type)
    if price_type in ("NET_DEBIT", "NET_CREDIT"):
        if order.limit_price is None:
            raise InvalidOrderError(f"A {price_type} order needs its net price per spread.")
        put(order, "limit_price", _price("The net price", order.limit_price))
    elif order.limit_price is not None:
        raise InvalidOrderError(f"A {price_type} order takes no net price.")
    wrong = {"debit": "NET_CREDIT", "credit": "NET_DEBIT"}.get(structure)
    if price_type == wrong:
        paid = "costs money to open (a net debit)" if structure == "debit" else "pays a credit"
        keyword = "debit" if structure == "debit" else "credit"
        raise InvalidOrderError(
            f"This {kind} {paid}, so a {price_type} price cannot fill as meant: pass "
            f"{keyword}=... instead, or swap the buy and sell legs."
        )
    return price_type


def _order(
    order_type: str,
    legs: Sequence[tuple[str | OptionContract, str, int]],
    debit: float | None,
    credit: float | None,
    even: bool,
    kw: dict[str, Any],
) -> StrategyOrder:
    price_type, limit = _net(debit, credit, even)
    return StrategyOrder(
        order_type, tuple(Leg(*leg) for leg in legs), price_type, limit_price=limit, **kw
    )


def _open(buy: bool, closing: bool) -> str:
    """The action of a leg the structure buys (``buy``) or sells when opening; closing
    reverses it (the bought leg is sold to close, the sold one bought back)."""
    if closing:
        return "SELL_CLOSE" if buy else "BUY_CLOSE"
    return "BUY_OPEN" if buy else "SELL_OPEN"


def vertical_spread(
    buy: OptionContract,
    sell: OptionContract,
    quantity: int = 1,
    *,
    debit: float | None = None,
    credit: float | None = None,
    even: bool = False,
    closing: bool = False,
    **kw: Any,
) -> StrategyOrder:
    """Buy one option and sell another of the same type and expiry (SPREADS): a bull call
    spread buys the lower strike (debit), a bear call spread sells it (credit)."""
    _same_series(buy, sell, expiry=True)
    legs = [(buy, _open(True, closing), quantity), (sell, _open(False, closing), quantity)]
    return _order("SPREADS", legs, debit, credit, even, kw)


def calendar_spread(
    buy: OptionContract,
    sell: OptionContract,
    quantity: int = 1,
    *,
    debit: float | None = None,
    credit: float | None = None,
    even: bool = False,
    closing: bool = False,
    **kw: Any,
) -> StrategyOrder:
    """Buy one expiry and sell another (SPREADS); same strike for a calendar, another
    strike for a diagonal (``diagonal_spread`` is the same builder)."""
    _same_series(buy, sell, expiry=False)
    if buy.expiry == sell.expiry:
        raise InvalidOrderError(
            "A calendar or diagonal spread has two expiries: for one expiry use vertical_spread()."
        )
    legs = [(buy, _open(True, closing), quantity), (sell, _open(False, closing), quantity)]
    return _order("SPREADS", legs, debit, credit, even, kw)


diagonal_spread = calendar_spread


def _same_series(a: OptionContract, b: OptionContract, *, expiry: bool) -> None:
    if not isinstance(a, OptionContract) or not isinstance(b, OptionContract):
        raise InvalidOrderError("Pass OptionContract legs (pick(chain, ...) makes them).")
    if a.call_put != b.call_put:
        raise InvalidOrderError(
            f"A vertical, calendar or diagonal spread uses two {a.call_put}s or two PUTs, "
            f"not a {a.call_put} and a {b.call_put}."
        )
    if expiry and a.expiry != b.expiry:
        raise InvalidOrderError(
            f"A vertical spread has one expiry, not {a.expiry} and {b.expiry}: use "
            "calendar_spread() or diagonal_spread() for two."
        )


def buy_write(
    call: OptionContract,
    quantity: int = 1,
    *,
    debit: float | None = None,
    credit: float | None = None,
    even: bool = False,
    closing: bool = False,
    **kw: Any,
) -> StrategyOrder:
    """Buy 100 shares per contract and sell ``quantity`` covered calls (BUY_WRITES);
    ``closing=True`` sells the shares and buys the calls back."""
    shares = whole_quantity(quantity) * SHARES_PER_CONTRACT
    legs: list[tuple[str | OptionContract, str, int]] = [
        (call.symbol, "SELL" if closing else "BUY", shares),
        (call, "BUY_CLOSE" if closing else "SELL_OPEN", quantity),
    ]
    return _order("BUY_WRITES", legs, debit, credit, even, kw)


def butterfly(
    low: OptionContract,
    middle: OptionContract,
    high: OptionContract,
    quantity: int = 1,
    *,
    short: bool = False,
    debit: float | None = None,
    credit: float | None = None,
    even: bool = False,
    closing: bool = False,
    **kw: Any,
) -> StrategyOrder:
    """Buy the low and high strike, sell two of the middle (BUTTERFLY; ``short=True``
    the reverse)."""
    n = whole_quantity(quantity)
    legs = [
        (low, _open(not short, closing), n),
        (middle, _open(short, closing), 2 * n),
        (high, _open(not short, closing), n),
    ]
    return _order("BUTTERFLY", legs, debit, credit, even, kw)


def condor(
    low: OptionContract,
    lower_middle: OptionContract,
    upper_middle: OptionContract,
    high: OptionContract,
    quantity: int = 1,
    *,
    short: bool = False,
    debit: float | None = None,
    credit: float | None = None,
    even: bool = False,
    closing: bool = False,
    **kw: Any,
) -> StrategyOrder:
    """Buy the outer strikes and sell the inner ones, all calls or all puts (CONDOR;
    ``short=True`` the reverse)."""
    legs = [
        (low, _open(not short, closing), quantity),
        (lower_middle, _open(short, closing), quantity),
        (upper_middle, _open(short, closing), quantity),
        (high, _open(not short, closing), quantity),
    ]
    return _order("CONDOR", legs, debit, credit, even, kw)


def iron_condor(
    long_put: OptionContract,
    short_put: OptionContract,
    short_call: OptionContract,
    long_call: OptionContract,
    quantity: int = 1,
    *,
    debit: float | None = None,
    credit: float | None = None,
    even: bool = False,
    closing: bool = False,
    **kw: Any,
) -> StrategyOrder:
    """Sell a put spread and a call spread around the price (IRON_CONDOR, a credit)."""
    legs = [
        (long_put, _open(True, closing), quantity),
        (short_put, _open(False, closing), quantity),
        (short_call, _open(False, closing), quantity),
        (long_call, _open(True, closing), quantity),
    ]
    return _order("IRON_CONDOR", legs, debit, credit, even, kw)


def iron_butterfly(
    long_put: OptionContract,
    middle_put: OptionContract,
    middle_call: OptionContract,
    long_call: OptionContract,
    quantity: int = 1,
    *,
    debit: float | None = None,
    credit: float | None = None,
    even: bool = False,
    closing: bool = False,
    **kw: Any,
) -> StrategyOrder:
    """Sell a put and a call at one middle strike, buy the wings (IRON_BUTTERFLY, a credit)."""
    legs = [
        (long_put, _open(True, closing), quantity),
        (middle_put, _open(False, closing), quantity),
        (middle_call, _open(False, closing), quantity),
        (long_call, _open(True, closing), quantity),
    ]
    return _order("IRON_BUTTERFLY", legs, debit, credit, even, kw)


# --- from an option chain frame -------------------------------------------------------------


def _column(chain: Any, *names: str) -> Any:
    for name in names:
        if name in chain.columns:
            return chain[name]
    raise InvalidOrderError(
        f"The chain has no {names[0]} column: pass session.option_chain(..., as_frame=True)."
    )


def _rows(chain: Any, call_put: str) -> Any:
    kind = str(call_put).strip().upper()
    if kind not in ("CALL", "PUT"):
        raise InvalidOrderError(f"call_put must be CALL or PUT, not {call_put!r}.")
    rows = chain[_column(chain, "optionType").astype(str).str.upper() == kind]
    if rows.empty:
        raise InvalidOrderError(
            f"The chain has no {kind}s: ask option_chain(..., chain_type='CALLPUT')."
        )
    return rows


def contract_of(row: Any, key: str | None = None) -> OptionContract:
    """The :class:`OptionContract` of one chain row (its ``osiKey`` index and ``symbol``)."""
    osi = key if key is not None else row.name
    symbol = row.get("symbol") if hasattr(row, "get") else None
    return OptionContract.from_osi(str(osi), str(symbol) if symbol else None)


def pick(
    chain: Any, call_put: str, *, strike: float | None = None, delta: float | None = None
) -> OptionContract:
    """The chain's CALL or PUT nearest ``strike``, or whose delta is nearest ``delta``
    (puts have negative deltas; ``delta=0.25`` on puts means -0.25)."""
    if (strike is None) == (delta is None):
        raise InvalidOrderError("pick() takes strike=... or delta=... (one of them).")
    rows = _rows(chain, call_put)
    if strike is not None:
        distance = (_column(rows, "strikePrice").astype(float) - float(strike)).abs()
    else:
        wanted = abs(float(delta or 0.0))
        distance = (_column(rows, "delta").astype(float).abs() - wanted).abs()
    key = distance.idxmin()
    return contract_of(rows.loc[key], str(key))


def net_mid(chain: Any, order: StrategyOrder, tick: float = 0.05) -> float:
    """The legs' mid prices combined per spread (debit positive, credit negative), rounded
    to ``tick``: a fair first limit for a net order."""
    total = 0.0
    for leg in order.legs:
        if not leg.is_option:
            raise InvalidOrderError("net_mid() prices option legs only; price the stock yourself.")
        c = leg.option
        osi = _osi(c)
        if osi not in chain.index:
            raise InvalidOrderError(f"{c} is not in this chain: fetch its expiry's chain.")
        row = chain.loc[osi]
        mid = (float(row["bid"]) + float(row["ask"])) / 2
        total += mid * leg.quantity / order.spreads * (1 if leg.buys else -1)
    return round(round(total / tick) * tick, 2)


def _osi(c: OptionContract) -> str:
    expiry = c.expiry
    assert isinstance(expiry, date)
    root = c.symbol.lstrip("^")[:6].ljust(6, "-")
    return f"{root}{expiry:%y%m%d}{c.call_put[0]}{round(c.strike * 1000):08d}"


def _priced(
    chain: Any,
    build: Callable[..., StrategyOrder],
    contracts: Sequence[OptionContract],
    quantity: int,
    kw: dict[str, Any],
) -> StrategyOrder:
    order = build(*contracts, quantity, **kw)
    if any(k in kw for k in ("debit", "credit", "even")):
        return order
    mid = net_mid(chain, order)
    price: dict[str, Any] = (
        {"debit": mid} if mid > 0 else {"credit": -mid} if mid < 0 else {"even": True}
    )
    return build(*contracts, quantity, **price, **kw)


def vertical_from_chain(
    chain: Any,
    call_put: str,
    *,
    buy: float,
    sell: float,
    by: str = "strike",
    quantity: int = 1,
    **kw: Any,
) -> StrategyOrder:
    """A vertical spread from chain rows, priced at the legs' mid unless ``debit``/
    ``credit`` is given: ``vertical_from_chain(chain, "CALL", buy=190, sell=200)`` or
    ``by="delta"`` with ``buy=0.50, sell=0.30``."""
    legs = [_pick_by(chain, call_put, by, value) for value in (buy, sell)]
    return _priced(chain, vertical_spread, legs, quantity, kw)


def iron_condor_from_chain(
    chain: Any,
    *,
    puts: tuple[float, float],
    calls: tuple[float, float],
    by: str = "strike",
    quantity: int = 1,
    **kw: Any,
) -> StrategyOrder:
    """An iron condor from chain rows: ``puts=(long, short)`` and ``calls=(short, long)``
    strikes, or deltas with ``by="delta"`` (e.g. ``puts=(0.10, 0.20), calls=(0.20, 0.10)``);
    priced at the legs' mid unless ``credit`` is given."""
    legs = [
        _pick_by(chain, "PUT", by, puts[0]),
        _pick_by(chain, "PUT", by, puts[1]),
        _pick_by(chain, "CALL", by, calls[0]),
        _pick_by(chain, "CALL", by, calls[1]),
    ]
    return _priced(chain, iron_condor, legs, quantity, kw)


def _pick_by(chain: Any, call_put: str, by: str, value: float) -> OptionContract:
    if by == "strike":
        return pick(chain, call_put, strike=value)
    if by == "delta":
        return pick(chain, call_put, delta=value)
    raise InvalidOrderError(f"by must be 'strike' or 'delta', not {by!r}.")
