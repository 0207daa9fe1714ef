"""Positions after fills: what an account holds once its orders execute, leg by leg.

Each executed leg of an order placed through the API moves the account's position in that
security (buys add, sells take away; ALL_I_OWN sells the whole position), at the leg's
fill price. The seeded order history is left out: the seeded holdings already include it.
"""

from __future__ import annotations

from dataclasses import replace

from . import data
from .orderbook import Order, OrderBook, leg_commission


def _executed(book: OrderBook, account_key: str, now: float) -> list[Order]:
    with book.lock:
        done = [
            o for o in book.of_account(account_key) if not o.history and o.status(now) == "EXECUTED"
        ]
    return sorted(done, key=lambda o: (o.executed_at or 0, o.order_id))


def cash_moved(book: OrderBook, account_key: str, now: float) -> float:
    """What executed orders did to the account's cash: sales and credits in, purchases,
    debits and commissions out (an ALL_I_OWN sale at the seeded position it sold)."""
    before = {h.symbol: h.quantity for h in data.holdings(account_key, now) if not h.contract}
    total = 0.0
    for order in _executed(book, account_key, now):
        index = 0
        for spec in order.request.orders:
            for leg in spec.legs:
                price = order.fills.get(index, 0.0)
                index += 1
                if leg.quantity_type == "DOLLAR":
                    value = leg.quantity
                elif leg.quantity_type == "ALL_I_OWN":
                    value = price * abs(before.get(leg.symbol, 0.0))
                else:
                    value = price * leg.quantity * leg.multiplier
                total += (-value if leg.buys else value) - leg_commission(leg)
    return round(total, 2)


def holdings(book: OrderBook, account_key: str, now: float) -> list[data.Holding]:
    """The account's holdings at ``now``: the seeded ones moved by every executed leg."""
    rows = data.holdings(account_key, now)
    executed = _executed(book, account_key, now)
    by_symbol = {h.quote_symbol: i for i, h in enumerate(rows)}
    for order in executed:
        index = 0
        for spec in order.request.orders:
            for leg in spec.legs:
                price = order.fills.get(index, 0.0)
                index += 1
                key = leg.contract.quote_symbol if leg.contract else leg.symbol
                at = by_symbol.get(key)
                held = rows[at] if at is not None else None
                if leg.quantity_type == "ALL_I_OWN":
                    change = -(held.quantity if held else 0.0)
                elif leg.quantity_type == "DOLLAR":
                    change = round(leg.quantity / price, 3) if price else 0.0
                    change = change if leg.buys else -change
                else:
                    change = leg.quantity if leg.buys else -leg.quantity
                if held is None:
                    stamp = int((order.executed_at or now) * 1000)
                    kind = "OPTN" if leg.contract else leg.security_type
                    if kind == "MMF":
                        kind = "MF"
                    rows.append(data.Holding(leg.symbol, change, price, stamp, kind, leg.contract))
                    by_symbol[key] = len(rows) - 1
                    continue
                total = held.quantity + change
                paid = held.price_paid
                if total and (held.quantity >= 0) == (change >= 0):  # adding: average the cost
                    paid = round((held.price_paid * held.quantity + price * change) / total, 4)
                rows[at] = replace(held, quantity=round(total, 4), price_paid=paid)  # type: ignore[index]
    return [h for h in rows if h.quantity]
