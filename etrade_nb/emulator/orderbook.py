"""The order book and its lifecycle on the emulator's clock.

An order is OPEN when placed. A marketable one (MARKET, or a limit/stop the current price
crosses) is EXECUTED 5 seconds into the regular session (09:30-16:00 ET, weekdays; no
holiday calendar). GOOD_FOR_DAY orders that never fill are EXPIRED at that session's close;
IMMEDIATE_OR_CANCEL and FILL_OR_KILL ones are CANCELLED a second after placement. A cancel
makes an OPEN order CANCELLED; a change replaces it with a new order id (§2.17).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from . import options
from .ordercheck import Leg, OrderSpec, Request
from .prices import EASTERN, price_of

FILL_DELAY = 5.0  # seconds into the session
PREVIEW_LIFETIME = 180.0  # a preview id is documented as usable for 3 minutes [EJS]
OPTION_COMMISSION = 0.65  # per contract; equities trade commission-free


def session_open(now: float) -> bool:
    local = datetime.fromtimestamp(now, EASTERN)
    return local.weekday() < 5 and time(9, 30) <= local.time() < time(16, 0)


def next_open(now: float) -> float:
    """``now`` if the regular session is open, else the next 09:30 ET on a weekday."""
    if session_open(now):
        return now
    local = datetime.fromtimestamp(now, EASTERN)
    day = local.date()
    if local.time() >= time(9, 30):
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 30), EASTERN).timestamp()


def session_close(start: float) -> float:
    local = datetime.fromtimestamp(start, EASTERN)
    return datetime.combine(local.date(), time(16, 0), EASTERN).timestamp()


def leg_price(leg: Leg, now: float) -> tuple[float, float, float]:
    """(bid, ask, last) of the leg's security."""
    if leg.contract:
        m = options.market(leg.contract, now)
        return float(m["bid"]), float(m["ask"]), float(m["lastPrice"])
    last = price_of(leg.symbol)
    spread = max(0.01, round(last * 0.0004, 2))
    return round(last - spread, 2), round(last + spread, 2), last


def fill_price(spec: OrderSpec, leg: Leg, now: float) -> float | None:
    """The price the leg fills at now, or None if the order is not marketable."""
    bid, ask, last = leg_price(leg, now)
    market = ask if leg.buys else bid
    if spec.price_type in ("NET_DEBIT", "NET_CREDIT", "NET_EVEN"):
        return market  # spreads fill leg by leg at the market (a simplification)
    if spec.price_type in ("STOP", "STOP_LIMIT"):
        triggered = last >= spec.stop if leg.buys else last <= spec.stop
        if not triggered:
            return None
    if spec.price_type in ("LIMIT", "STOP_LIMIT"):
        ok = spec.limit >= ask if leg.buys else spec.limit <= bid
        return (min(spec.limit, ask) if leg.buys else max(spec.limit, bid)) if ok else None
    return market


def estimate(spec: OrderSpec, now: float) -> tuple[float, float]:
    """(estimatedTotalAmount, estimatedCommission): sells negative, as E*TRADE shows them."""
    total, commission = 0.0, 0.0
    for leg in spec.legs:
        bid, ask, _ = leg_price(leg, now)
        price = spec.limit or spec.stop or (ask if leg.buys else bid)
        if spec.price_type in ("NET_DEBIT", "NET_CREDIT", "NET_EVEN"):
            price = ask if leg.buys else bid
        fee = OPTION_COMMISSION * leg.quantity if leg.contract else 0.0
        commission += fee
        value = price * leg.quantity * leg.multiplier
        total += value if leg.buys else -value
    return round(total + commission, 2), round(commission, 2)


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

    def status(self, now: float) -> str:
        if self.cancelled_at is not None and now >= self.cancelled_at:
            return "CANCELLED"
        if self.executed_at is not None and now >= self.executed_at:
            return "EXECUTED"
        if self.expires_at is not None and now >= self.expires_at:
            return "EXPIRED"
        return "OPEN"


def schedule(order: Order) -> None:
    """Decide when (and at what price) ``order`` fills, or when it lapses."""
    spec = order.request.orders[0]
    start = max(order.placed, next_open(order.placed))
    when = start + FILL_DELAY
    prices = [fill_price(s, leg, when) for s in order.request.orders for leg in s.legs]
    if all(p is not None for p in prices):
        order.executed_at = when
        order.fills = {i: float(p) for i, p in enumerate(prices) if p is not None}
    elif spec.term in ("IMMEDIATE_OR_CANCEL", "FILL_OR_KILL"):
        order.cancelled_at = order.placed + 1
    elif spec.term == "GOOD_FOR_DAY":
        order.expires_at = session_close(next_open(order.placed))


@dataclass
class OrderBook:
    previews: dict[int, Preview] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    seeded: set[str] = field(default_factory=set)
    next_preview_id: int = 3_429_218_279
    next_order_id: int = 485
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
        self, account_key: str, request: Request, placed: float, order_id: int | None = None
    ) -> Order:
        with self.lock:
            if order_id is None:
                order_id = self.next_order_id
                self.next_order_id += 1
            order = Order(order_id, account_key, request, placed)
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
