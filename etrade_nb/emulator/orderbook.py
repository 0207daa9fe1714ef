"""The order book and its lifecycle on the emulator's clock.

An order is OPEN when placed and is checked at points on the clock as it moves: 5 seconds
into each regular session (09:30-16:00 ET, weekdays; no holiday calendar), every half hour
of a session while it holds option legs (their prices decay), and whenever the emulator is
given a price (:class:`.legs.Tape`). At a check it fills if it is marketable then: MARKET at
once; a limit or stop when the price crosses it; a net order (NET_DEBIT, NET_CREDIT,
NET_EVEN) when the legs' combined price crosses its limit; a trailing stop when the price
falls (a sell) or rises (a buy) by its trail from the best price since it was placed.
MARKET_ON_OPEN/LIMIT_ON_OPEN trade at the next 09:30 open, …_ON_CLOSE and mutual funds at
the 16:00 close. GOOD_FOR_DAY orders that never fill are EXPIRED at that session's close,
GOOD_TILL_DATE ones at the close of their date; IMMEDIATE_OR_CANCEL and FILL_OR_KILL ones
are CANCELLED a second after placement. A cancel makes an OPEN order CANCELLED; a change
replaces it with a new order id (§2.17).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from . import legs as multileg
from . import options
from .ordercheck import Leg, OrderSpec, Request
from .prices import EASTERN

FILL_DELAY = 5.0  # seconds into the session
PREVIEW_LIFETIME = 180.0  # a preview id is documented as usable for 3 minutes [EJS]
OPTION_COMMISSION = 0.65  # per contract; equities trade commission-free
CHECK_EVERY = 1800.0  # seconds between checks of an order with option legs
MAX_CHECKS = 5000  # per look at one order: a clock jumped years ahead stays cheap
NET_TYPES = ("NET_DEBIT", "NET_CREDIT", "NET_EVEN")
STILL = multileg.Tape()  # no marks: every price is the stable pseudo-price


def session_open(now: float) -> bool:
    local = datetime.fromtimestamp(now, EASTERN)
    return local.weekday() < 5 and time(9, 30) <= local.time() < time(16, 0)


def next_open(now: float) -> float:
    """``now`` if the regular session is open, else the next 09:30 ET on a weekday."""
    if session_open(now):
        return now
    return _next_bell(now, time(9, 30), strictly=False)


def _next_bell(now: float, at: time, *, strictly: bool) -> float:
    """The next weekday ``at`` (ET) at or after ``now`` (after it with ``strictly``)."""
    local = datetime.fromtimestamp(now, EASTERN)
    day = local.date()
    if local.time() > at or (strictly and local.time() == at):
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, at, EASTERN).timestamp()


def session_close(start: float) -> float:
    local = datetime.fromtimestamp(start, EASTERN)
    return datetime.combine(local.date(), time(16, 0), EASTERN).timestamp()


def leg_price(leg: Leg, now: float, tape: multileg.Tape = STILL) -> tuple[float, float, float]:
    """(bid, ask, last) of the leg's security."""
    if leg.contract:
        m = options.market(leg.contract, now, tape.price(leg.contract.underlier, now))
        return float(m["bid"]), float(m["ask"]), float(m["lastPrice"])
    last = tape.price(leg.symbol, now)
    if leg.security_type in ("MF", "MMF"):
        nav = 1.0 if leg.security_type == "MMF" else last
        return nav, nav, nav
    spread = max(0.01, round(last * 0.0004, 2))
    return round(last - spread, 2), round(last + spread, 2), last


def fill_price(spec: OrderSpec, leg: Leg, now: float, tape: multileg.Tape = STILL) -> float | None:
    """The price a single-leg order fills at now, or None if it is not marketable."""
    bid, ask, last = leg_price(leg, now, tape)
    market = ask if leg.buys else bid
    if spec.price_type in ("STOP", "STOP_LIMIT"):
        triggered = last >= spec.stop if leg.buys else last <= spec.stop
        if not triggered:
            return None
    if spec.price_type in ("LIMIT", "STOP_LIMIT", "LIMIT_ON_OPEN", "LIMIT_ON_CLOSE"):
        ok = spec.limit >= ask if leg.buys else spec.limit <= bid
        return (min(spec.limit, ask) if leg.buys else max(spec.limit, bid)) if ok else None
    return market


def estimate(spec: OrderSpec, now: float, tape: multileg.Tape = STILL) -> tuple[float, float]:
    """(estimatedTotalAmount, estimatedCommission): sells and credits negative, as E*TRADE
    shows them. A net order is valued at its net limit, per spread."""
    commission = sum(leg_commission(leg) for leg in spec.legs)
    if spec.price_type in NET_TYPES or (len(spec.legs) > 1 and spec.price_type == "MARKET"):
        _, _, natural = multileg.net(spec.legs, now, lambda leg, t: leg_price(leg, t, tape))
        per = {"NET_DEBIT": spec.limit, "NET_CREDIT": -spec.limit, "NET_EVEN": 0.0}.get(
            spec.price_type, natural
        )
        total = per * 100 * multileg.units(spec.legs)
        return round(total + commission, 2), round(commission, 2)
    total = 0.0
    for leg in spec.legs:
        bid, ask, _ = leg_price(leg, now, tape)
        price = spec.limit or spec.stop or (ask if leg.buys else bid)
        if leg.quantity_type == "DOLLAR":
            value = leg.quantity
        else:
            value = price * leg.quantity * leg.multiplier
        total += value if leg.buys else -value
    return round(total + commission, 2), round(commission, 2)


def leg_commission(leg: Leg) -> float:
    return round(OPTION_COMMISSION * leg.quantity, 2) if leg.contract else 0.0


@dataclass
class Preview:
    preview_id: int
    account_key: str
    request: Request
    at: float
    change_of: int | None = None  # the order a change preview replaces
    used: bool = False


@dataclass
class Order:
    order_id: int
    account_key: str
    request: Request
    placed: float
    fills: dict[int, float] = field(default_factory=dict)  # leg index → price
    executed_at: float | None = None
    expires_at: float | None = None
    cancelled_at: float | None = None
    replaced_by: int | None = None
    tape: multileg.Tape = field(default_factory=multileg.Tape, repr=False)
    checked: float = 0.0  # the clock up to which fills were looked for
    marks_seen: int = 0  # how many of the tape's marks were looked at
    best: float | None = None  # a trailing stop's best price so far
    history: bool = False  # seeded history: already part of the seeded holdings

    def status(self, now: float) -> str:
        advance(self, now)
        if self.cancelled_at is not None and now >= self.cancelled_at:
            return "CANCELLED"
        if self.executed_at is not None and now >= self.executed_at:
            return "EXECUTED"
        if self.expires_at is not None and now >= self.expires_at:
            return "EXPIRED"
        return "OPEN"

    def trail_stop(self) -> float | None:
        """A trailing stop's current trigger price, once it has seen a price."""
        spec = self.request.orders[0]
        if spec.price_type not in ("TRAILING_STOP_CNST", "TRAILING_STOP_PRCT") or self.best is None:
            return None
        sells = not spec.legs[0].buys
        if spec.price_type == "TRAILING_STOP_CNST":
            move = spec.offset
        else:
            move = self.best * spec.offset / 100
        return round(self.best - move if sells else self.best + move, 2)


def _first_check(order: Order) -> float:
    return max(order.placed, next_open(order.placed)) + FILL_DELAY


def _settle(order: Order) -> None:
    """Times fixed at placement: lapses (day, date, IOC/FOK) and auction bells."""
    spec = order.request.orders[0]
    start = next_open(order.placed)
    if spec.term in ("IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"):
        order.expires_at = None
    elif spec.term == "GOOD_FOR_DAY":
        order.expires_at = session_close(start) + (
            1.0 if spec.price_type.endswith("ON_CLOSE") or _fund(spec) else 0.0
        )
    elif spec.term == "GOOD_TILL_DATE" and spec.good_till is not None:
        order.expires_at = datetime.combine(spec.good_till, time(16, 0), EASTERN).timestamp()
    if spec.price_type in ("MARKET_ON_OPEN", "LIMIT_ON_OPEN"):
        order.expires_at = _next_bell(order.placed, time(9, 30), strictly=True) + 1.0


def _fund(spec: OrderSpec) -> bool:
    return spec.legs[0].security_type in ("MF", "MMF")


def _checkpoints(order: Order, now: float) -> list[float]:
    """Clock times in (checked, now] when ``order`` is looked at, in order."""
    spec = order.request.orders[0]
    low = order.checked
    bell = _auction_bell(order)
    if bell is not None:
        return [bell] if low < bell <= now else []
    first = _first_check(order)
    points: set[float] = set()
    if low < first <= now:
        points.add(first)
    if spec.term in ("IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"):
        return sorted(points)
    _add_rounds(points, order, max(low, first), now)
    _add_marks(points, order, first, now)
    return sorted(points)


def _auction_bell(order: Order) -> float | None:
    """The one time an opening or closing auction order (or a fund order) is looked at."""
    spec = order.request.orders[0]
    if spec.price_type in ("MARKET_ON_OPEN", "LIMIT_ON_OPEN"):
        return _next_bell(order.placed, time(9, 30), strictly=True)
    if spec.price_type in ("MARKET_ON_CLOSE", "LIMIT_ON_CLOSE") or _fund(spec):
        return session_close(next_open(order.placed))
    return None


def _add_rounds(points: set[float], order: Order, t: float, now: float) -> None:
    """The regular looks after ``t`` up to ``now``: every CHECK_EVERY in session for an
    option order, each morning after the bell otherwise (at most MAX_CHECKS in all)."""
    if any(leg.contract for leg in order.request.orders[0].legs):
        step = t
        while len(points) < MAX_CHECKS:
            step = next_open(step + CHECK_EVERY)
            if step > now:
                break
            points.add(step)
    else:
        day = t
        while len(points) < MAX_CHECKS:
            day = _next_bell(day, time(9, 30), strictly=True) + FILL_DELAY
            if day > now:
                break
            points.add(day)


def _add_marks(points: set[float], order: Order, first: float, now: float) -> None:
    """A look at each new price mark on the order's symbols, once the session is open."""
    low = order.checked
    legs = order.request.orders[0].legs
    symbols = {leg.contract.underlier if leg.contract else leg.symbol for leg in legs}
    for at, symbol in order.tape.log[order.marks_seen :]:
        if symbol in symbols and at <= now:
            when = max(at, first, low + 1e-6)
            if when <= now and session_open(when):
                points.add(when)


def _try_fill(order: Order, at: float) -> bool:
    """Fill ``order`` at ``at`` if it is marketable then."""
    spec = order.request.orders[0]
    tape = order.tape
    if spec.price_type in NET_TYPES or (len(spec.legs) > 1 and spec.price_type == "MARKET"):
        _, _, natural = multileg.net(spec.legs, at, lambda leg, t: leg_price(leg, t, tape))
        if not multileg.net_crosses(spec.price_type, spec.limit, natural):
            return False
        prices: list[float | None] = []
        for leg in spec.legs:
            bid, ask, _ = leg_price(leg, at, tape)
            prices.append(ask if leg.buys else bid)
    elif spec.price_type in ("TRAILING_STOP_CNST", "TRAILING_STOP_PRCT"):
        leg = spec.legs[0]
        _, _, last = leg_price(leg, at, tape)
        sells = not leg.buys
        if order.best is None or (last > order.best if sells else last < order.best):
            order.best = last
        stop = order.trail_stop()
        if stop is None or (last > stop if sells else last < stop):
            return False
        prices = [fill_price(OrderSpec("MARKET", spec.term, spec.session, False, 0, 0,
                                       spec.route, spec.legs), leg, at, tape)]  # fmt: skip
    else:
        prices = [fill_price(s, leg, at, tape) for s in order.request.orders for leg in s.legs]
    if any(p is None for p in prices):
        return False
    order.executed_at = at
    order.fills = {i: float(p) for i, p in enumerate(prices) if p is not None}
    return True


def advance(order: Order, now: float) -> None:
    """Look for fills of an open ``order`` between its last look and ``now``."""
    if now <= order.checked or order.executed_at is not None:
        return
    spec = order.request.orders[0]
    for at in _checkpoints(order, now):
        if order.cancelled_at is not None and at >= order.cancelled_at:
            break
        if order.expires_at is not None and at >= order.expires_at:
            break
        if _try_fill(order, at):
            break
        if spec.term in ("IMMEDIATE_OR_CANCEL", "FILL_OR_KILL") and order.cancelled_at is None:
            order.cancelled_at = order.placed + 1
            break
    order.checked = now
    order.marks_seen = len(order.tape.log)


def schedule(order: Order) -> None:
    """Fix the order's lapse times; fills are found as the clock moves (:func:`advance`)."""
    order.checked = order.placed
    order.marks_seen = len(order.tape.log)
    _settle(order)
    spec = order.request.orders[0]
    if spec.term in ("IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"):  # decided at once, as before
        advance(order, _first_check(order))
        if order.executed_at is None and order.cancelled_at is None:
            order.cancelled_at = order.placed + 1
        order.checked = order.placed


@dataclass
class OrderBook:
    previews: dict[int, Preview] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    seeded: set[str] = field(default_factory=set)
    next_preview_id: int = 3_429_218_279
    next_order_id: int = 485
    tape: multileg.Tape = field(default_factory=multileg.Tape)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def new_preview(
        self, account_key: str, request: Request, now: float, change_of: int | None = None
    ) -> Preview:
        with self.lock:
            preview = Preview(self.next_preview_id, account_key, request, now, change_of)
            self.previews[preview.preview_id] = preview
            self.next_preview_id += 1
            return preview

    def add(
        self,
        account_key: str,
        request: Request,
        placed: float,
        order_id: int | None = None,
        *,
        history: bool = False,
    ) -> Order:
        with self.lock:
            if order_id is None:
                order_id = self.next_order_id
                self.next_order_id += 1
            order = Order(order_id, account_key, request, placed, tape=self.tape, history=history)
            schedule(order)
            self.orders[order_id] = order
            return order

    def of_account(self, account_key: str) -> list[Order]:
        with self.lock:
            return sorted(
                (o for o in self.orders.values() if o.account_key == account_key),
                key=lambda o: (o.placed, o.order_id),
                reverse=True,
            )
