"""Multi-leg orders: the structure each ``orderType`` needs, and net prices of the legs.

E*TRADE refuses a strategy whose legs do not make the structure its ``orderType`` names
(reference §2.14 lists the types; the shapes are the textbook ones): one underlier; one
expiry except for SPREADS (calendars, diagonals); quantities in the structure's ratio
(1:1, butterflies 1:2:1, buy-writes 100 shares per call); and a net price on the side the
structure trades (a NET_CREDIT on a structure that costs money is refused, and the reverse).
Net prices are per spread in option points: a stock leg counts per 100 shares.

A custom strategy of three or four option legs on one underlier (four is the most one order
holds, per phpetrade's production-tested README) has no documented ``orderType`` but
SPREADS, and maintained clients send it so (etrade-python's call spread with a short put,
and its iron condor). The documented example has two legs and no capture shows more, so by
default such an order is taken and named in ``X-Emulator-Ignored``; strict mode refuses it
by name, saying which documented type the legs make, if any.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import leniency
from .messages import ApiError
from .options import Contract
from .prices import price_of


class Leg(Protocol):
    """What this module reads of an order leg (:class:`.ordercheck.Leg`)."""

    @property
    def symbol(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def quantity(self) -> float: ...
    @property
    def contract(self) -> Contract | None: ...
    @property
    def buys(self) -> bool: ...


ERR_STRUCTURE = 1001  # the emulator's own code for a refused order (E*TRADE publishes none)
MULTI_LEG = ("SPREADS", "BUY_WRITES", "BUTTERFLY", "IRON_BUTTERFLY", "CONDOR", "IRON_CONDOR")
MAX_LEGS = 4  # legs in one E*TRADE order
LEG_COUNTS = {"SPREADS": 2, "BUY_WRITES": 2, "BUTTERFLY": 3, "IRON_BUTTERFLY": 4, "CONDOR": 4,
              "IRON_CONDOR": 4}  # fmt: skip


def _bad(message: str) -> ApiError:
    return ApiError(400, ERR_STRUCTURE, message)


def units(legs: Sequence[Leg]) -> int:
    """How many spreads: the greatest common divisor of the option legs' quantities."""
    found = [int(leg.quantity) for leg in legs if leg.contract]
    return math.gcd(*found) if found else 1


def _side(buys: bool) -> str:
    return "debit" if buys else "credit"


def structure(order_type: str, legs: Sequence[Leg]) -> str:
    """Refuse legs that do not form ``order_type``; ``debit``, ``credit`` or ``""``
    (the side depends on prices: diagonals, a put against a call)."""
    wanted = LEG_COUNTS[order_type]
    custom = order_type == "SPREADS" and wanted < len(legs) <= MAX_LEGS
    if len(legs) != wanted and not custom:
        raise _bad(f"A {order_type} order has {wanted} Instrument legs, not {len(legs)}.")
    if len({leg.symbol for leg in legs}) != 1:
        raise _bad(f"The legs of a {order_type} order must share one underlying symbol.")
    if custom:
        return _custom(legs)
    stock = [leg for leg in legs if not leg.contract]
    opts = [leg for leg in legs if leg.contract]
    if order_type == "BUY_WRITES":
        return _buy_write(stock, opts)
    if stock:
        raise _bad(f"A {order_type} order takes option legs only.")
    c = [leg.contract for leg in opts]
    assert all(c)
    if order_type != "SPREADS" and len({x.expiry for x in c if x}) != 1:
        raise _bad(f"The legs of a {order_type} order must share one expiry.")
    return _SHAPES[order_type](order_type, opts)


def _buy_write(stock: Sequence[Leg], opts: Sequence[Leg]) -> str:
    """The stock and one call on it, 100 shares a call, one bought and the other sold."""
    if len(stock) != 1 or len(opts) != 1 or opts[0].contract.call_put != "CALL":  # type: ignore[union-attr]
        raise _bad("A BUY_WRITES order is the stock (EQ) and one CALL on it.")
    if stock[0].quantity != opts[0].quantity * 100:
        raise _bad("A BUY_WRITES order covers each call with 100 shares.")
    if stock[0].buys == opts[0].buys:
        raise _bad("A BUY_WRITES order buys the stock and sells the call, or the reverse.")
    return _side(stock[0].buys)


def _spread(order_type: str, opts: Sequence[Leg]) -> str:
    """Two different options of one size: a vertical, calendar, diagonal, straddle, strangle."""
    a, b = opts
    if a.quantity != b.quantity:
        raise _bad("The legs of a SPREADS order have equal quantities.")
    ca, cb = a.contract, b.contract
    assert ca and cb
    if ca == cb:
        raise _bad("The two legs of a SPREADS order are the same option.")
    if a.buys == b.buys:
        return _side(a.buys)
    if ca.call_put != cb.call_put:
        return ""
    long, short = (ca, cb) if a.buys else (cb, ca)
    return _long_short_side(long, short)


def _long_short_side(long: Contract, short: Contract) -> str:
    """The side of buying ``long`` and selling ``short`` (both calls or both puts)."""
    if long.expiry == short.expiry:
        cheaper = (
            long.strike > short.strike if long.call_put == "CALL" else long.strike < short.strike
        )
        return "credit" if cheaper else "debit"
    if long.strike == short.strike:
        return "debit" if long.expiry > short.expiry else "credit"
    return ""


def _by_strike(opts: Sequence[Leg]) -> tuple[list[Leg], list[float], set[str]]:
    """The option legs by strike, their strikes, and whether calls, puts or both."""
    ordered = sorted(opts, key=lambda leg: (leg.contract.strike, leg.contract.call_put))  # type: ignore[union-attr]
    strikes = [leg.contract.strike for leg in ordered]  # type: ignore[union-attr]
    kinds = {leg.contract.call_put for leg in ordered}  # type: ignore[union-attr]
    return ordered, strikes, kinds


def _equal_quantities(order_type: str, opts: Sequence[Leg]) -> None:
    if len({leg.quantity for leg in opts}) != 1:
        raise _bad(f"The legs of a {order_type} order have equal quantities.")


def _butterfly(order_type: str, opts: Sequence[Leg]) -> str:
    """Three calls or three puts, evenly spaced, 1:2:1, the middle opposite the wings."""
    (low, mid, high), strikes, kinds = _by_strike(opts)
    if len(kinds) != 1 or not strikes[0] < strikes[1] < strikes[2]:
        raise _bad("A BUTTERFLY is three calls or three puts at three strikes.")
    if round(strikes[1] - strikes[0], 4) != round(strikes[2] - strikes[1], 4):
        raise _bad("A BUTTERFLY's wing strikes are equally far from the middle strike.")
    if low.buys != high.buys or mid.buys == low.buys:
        raise _bad("A BUTTERFLY buys both wings and sells the middle, or the reverse.")
    if not (low.quantity == high.quantity and mid.quantity == 2 * low.quantity):
        raise _bad("A BUTTERFLY trades its strikes in the ratio 1:2:1.")
    return _side(low.buys)


def _condor(order_type: str, opts: Sequence[Leg]) -> str:
    """Four calls or four puts at four strikes, the outer two opposite the inner two."""
    _equal_quantities(order_type, opts)
    (w1, b1, b2, w2), strikes, kinds = _by_strike(opts)
    if len(kinds) != 1 or len(set(strikes)) != 4:
        raise _bad("A CONDOR is four calls or four puts at four strikes.")
    if w1.buys != w2.buys or b1.buys != b2.buys or w1.buys == b1.buys:
        raise _bad("A CONDOR buys the outer strikes and sells the inner ones, or the reverse.")
    return _side(w1.buys)


def _iron(order_type: str, opts: Sequence[Leg]) -> str:
    """Two puts below two calls, the outer two opposite the inner two (an IRON_BUTTERFLY's
    inner put and call share a strike)."""
    _equal_quantities(order_type, opts)
    puts = sorted((leg for leg in opts if leg.contract and leg.contract.call_put == "PUT"),
                  key=lambda leg: leg.contract.strike)  # type: ignore[union-attr]  # fmt: skip
    calls = sorted((leg for leg in opts if leg.contract and leg.contract.call_put == "CALL"),
                   key=lambda leg: leg.contract.strike)  # type: ignore[union-attr]  # fmt: skip
    if len(puts) != 2 or len(calls) != 2:
        raise _bad(f"An {order_type} is two puts and two calls.")
    (p1, p2), (c1, c2) = puts, calls
    k = [x.contract.strike for x in (p1, p2, c1, c2)]  # type: ignore[union-attr]
    if not (k[0] < k[1] and k[2] < k[3]):
        raise _bad(f"An {order_type} has two put strikes and two call strikes.")
    if order_type == "IRON_BUTTERFLY" and k[1] != k[2]:
        raise _bad("An IRON_BUTTERFLY's inner put and call share one strike.")
    if order_type == "IRON_CONDOR" and not k[1] < k[2]:
        raise _bad("An IRON_CONDOR's put strikes lie below its call strikes.")
    if p1.buys != c2.buys or p2.buys != c1.buys or p1.buys == p2.buys:
        raise _bad(
            f"An {order_type} buys the outer put and call and sells the inner ones, or the reverse."
        )
    return "credit" if p1.buys else "debit"


# the option structures by orderType: each checks its legs' shape and names its side
_SHAPES: dict[str, Callable[[str, Sequence[Leg]], str]] = {
    "SPREADS": _spread,
    "BUTTERFLY": _butterfly,
    "CONDOR": _condor,
    "IRON_BUTTERFLY": _iron,
    "IRON_CONDOR": _iron,
}


def _custom(legs: Sequence[Leg]) -> str:
    """A SPREADS order of three or four option legs (a custom strategy): taken, and noted,
    by default; refused by name when strict. Its side is that of the documented structure
    the legs make, or ``""`` (it depends on prices)."""
    n = len(legs)
    if len({leg.contract for leg in legs}) != n:
        raise _bad("Two legs of this SPREADS order are the same option: make them one leg.")
    named, side = "", ""
    for other, count in LEG_COUNTS.items():
        if other != "SPREADS" and count == n:
            try:
                side = structure(other, legs)
            except ApiError:
                continue
            named = other
            break
    if named:
        hint = f"these legs make {'an' if named[0] in 'AEIOU' else 'a'} {named}"
        fix = f"{hint}: send orderType {named}."
    else:
        hint = "a custom strategy"
        fix = "E*TRADE documents two; send a documented multi-leg orderType."
    leniency.active().stretch(
        f"orderType=SPREADS with {n} legs",
        f"taken as a custom spread ({hint}); E*TRADE documents two-leg SPREADS",
        f"A SPREADS order has 2 Instrument legs, not {n}: {fix}",
    )
    return side


def check_net_price(order_type: str, side: str, price_type: str) -> None:
    """A net price must be on the structure's side (E*TRADE refuses the other)."""
    if side == "debit" and price_type == "NET_CREDIT":
        raise _bad(f"This {order_type} order is a net debit: price it NET_DEBIT, not NET_CREDIT.")
    if side == "credit" and price_type == "NET_DEBIT":
        raise _bad(f"This {order_type} order is a net credit: price it NET_CREDIT, not NET_DEBIT.")


Quote = Callable[[Any, float], tuple[float, float, float]]  # (leg, time) -> bid, ask, last


def net(legs: Sequence[Leg], now: float, quote: Quote) -> tuple[float, float, float]:
    """(net bid, net ask, natural) per spread: what selling the structure brings, what
    buying it costs, and what these legs trade at now (buys at the ask, sells at the bid;
    positive is a debit, negative a credit)."""
    n = units(legs)
    bid = ask = natural = 0.0
    for leg in legs:
        b, a, _ = quote(leg, now)
        weight = leg.quantity * (100 if leg.contract else 1) / (100 * n)
        if leg.buys:
            bid, ask, natural = bid + b * weight, ask + a * weight, natural + a * weight
        else:
            bid, ask, natural = bid - a * weight, ask - b * weight, natural - b * weight
    return round(bid, 2), round(ask, 2), round(natural, 2)


def net_crosses(price_type: str, limit: float, natural: float) -> bool:
    """Whether a net order at ``limit`` fills against the legs' ``natural`` net price."""
    if price_type == "NET_DEBIT":
        return natural <= limit + 1e-9
    if price_type == "NET_CREDIT":
        return -natural >= limit - 1e-9
    if price_type == "NET_EVEN":
        return natural <= 1e-9
    return True  # MARKET


@dataclass
class Tape:
    """Prices the emulator is given (``EmulatorServer.set_price``), on its clock: the last
    mark at or before a time is the symbol's price; without marks, the stable pseudo-price."""

    marks: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    log: list[tuple[float, str]] = field(default_factory=list)  # every mark in order

    def set(self, symbol: str, price: float, at: float) -> None:
        if not (math.isfinite(price) and price > 0):
            raise ValueError(f"price must be a positive number, not {price!r}")
        rows = self.marks.setdefault(symbol, [])
        rows.append((at, round(price, 2)))
        rows.sort()
        self.log.append((at, symbol))

    def price(self, symbol: str, at: float) -> float:
        found = price_of(symbol)
        for t, p in self.marks.get(symbol, ()):
            if t > at:
                break
            found = p
        return found
