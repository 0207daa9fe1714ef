"""The emulated customer: accounts and what they hold (stable across runs).

Account fields follow the sandbox capture (reference §2.2). Holdings are equities, ETFs, a
mutual fund, short stock and options; one account holds 210 positions so that portfolio
pages and quote batching have something to chew on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .options import Contract, expiries, strike_step
from .prices import price_of, seed

MAIN_KEY = "dBZOKt9xDrtRSAOl4MSiiA"
IRA_KEY = "JIdOIAcSpwR1Jva7RQBraQ"
TRADER_KEY = "6Hq1Pq5rB3yK0Vf9ZtWc2g"
CLOSED_KEY = "Xk2mW8vR4nT0bY6cJ1dQ3A"


def _account(
    account_id: str, key: str, mode: str, desc: str, name: str, kind: str, closed: int = 0
) -> dict[str, Any]:
    return {
        "accountId": account_id,
        "accountIdKey": key,
        "accountMode": mode,
        "accountDesc": desc,
        "accountName": name,
        "accountType": kind,
        "institutionType": "BROKERAGE",
        "accountStatus": "CLOSED" if closed else "ACTIVE",
        "closedDate": closed,  # epoch seconds, 0 while open [SBX-WET]
        "shareWorksAccount": False,
        "fcManagedMssbClosedAccount": False,
    }


ACCOUNTS: list[dict[str, Any]] = [
    _account("83405188", MAIN_KEY, "MARGIN", "INDIVIDUAL", "Individual Brokerage", "INDIVIDUAL"),
    _account("84010429", IRA_KEY, "CASH", "ROTH IRA", "Roth IRA", "ROTHIRA"),
    _account("83559172", TRADER_KEY, "MARGIN", "INDIVIDUAL", "Active Trader", "MARGIN"),
    _account("82771130", CLOSED_KEY, "CASH", "INDIVIDUAL", "Old Brokerage", "CASH", 1_640_995_200),
]
ACCOUNTS_BY_KEY = {a["accountIdKey"]: a for a in ACCOUNTS}
ACCOUNTS_BY_ID = {a["accountId"]: a for a in ACCOUNTS}
CASH = {MAIN_KEY: 25_000.00, IRA_KEY: 4_210.55, TRADER_KEY: 182_340.10, CLOSED_KEY: 0.0}


@dataclass(frozen=True)
class Holding:
    """One position. ``contract`` is set for options; ``quantity`` < 0 is short."""

    symbol: str
    quantity: float
    price_paid: float
    acquired_ms: int
    security_type: str = "EQ"  # EQ, OPTN, MF
    contract: Contract | None = None

    @property
    def quote_symbol(self) -> str:
        return self.contract.quote_symbol if self.contract else self.symbol

    @property
    def multiplier(self) -> int:
        return 100 if self.contract else 1


_DAY_MS = 86_400_000
_BASE_MS = 1_600_000_000_000  # 2020-09-13: old lots
# E*TRADE sends placeholders such as -57600000 for unknown acquisition dates [PROD-TBB].
UNKNOWN_DATE = -57_600_000

_FIXED: dict[str, list[tuple[str, float, float, int, str]]] = {
    MAIN_KEY: [
        ("GOOG", 10, 1050.00, _BASE_MS, "EQ"),
        ("MSFT", 25, 98.40, _BASE_MS + 40 * _DAY_MS, "EQ"),
        ("BRK.B", 5, 201.15, _BASE_MS + 90 * _DAY_MS, "EQ"),
        ("AAPL", 120, 142.10, _BASE_MS + 300 * _DAY_MS, "EQ"),
        ("TSLA", -20, 251.30, _BASE_MS + 700 * _DAY_MS, "EQ"),
        ("IBM", 30, 121.05, UNKNOWN_DATE, "EQ"),
        ("F", 400, 11.82, _BASE_MS + 820 * _DAY_MS, "EQ"),
    ],
    IRA_KEY: [
        ("VTI", 40, 140.25, _BASE_MS + 10 * _DAY_MS, "EQ"),
        ("AAPL", 15, 152.30, _BASE_MS + 200 * _DAY_MS, "EQ"),
        ("VFIAX", 12.5, 301.77, _BASE_MS + 365 * _DAY_MS, "MF"),
    ],
    CLOSED_KEY: [],
}
# (underlier, months ahead, CALL/PUT, strike as a fraction of spot, quantity in contracts)
_OPTIONS: dict[str, list[tuple[str, int, str, float, int]]] = {
    MAIN_KEY: [("AAPL", 1, "CALL", 1.05, 2), ("MSFT", 2, "PUT", 0.9, -1)],
    TRADER_KEY: [
        ("SPY", 1, "CALL", 1.0, 5),
        ("QQQ", 1, "PUT", 0.95, -3),
        ("IBM", 3, "CALL", 1.1, 1),
    ],
}


def _ticker(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "Z" + letters[i // 26 % 26] + letters[i % 26] + ("X" if i >= 676 else "")


def _generated(n: int) -> list[tuple[str, float, float, int, str]]:
    rows = []
    for i in range(n):
        symbol = _ticker(i)
        h = seed(symbol)
        paid = round(price_of(symbol) * (0.7 + (h % 600) / 1000), 2)
        rows.append((symbol, float(10 + h % 490), paid, _BASE_MS + (h % 1500) * _DAY_MS, "EQ"))
    return rows


_FIXED[TRADER_KEY] = _generated(210)


def holdings(account_key: str, now: float) -> list[Holding]:
    """What ``account_key`` holds at ``now`` (option expiries move with the clock)."""
    rows = [Holding(s, q, p, d, t) for s, q, p, d, t in _FIXED.get(account_key, [])]
    for underlier, months, call_put, ratio, qty in _OPTIONS.get(account_key, []):
        monthly = [e.day for e in expiries(underlier, now) if e.kind == "MONTHLY"]
        expiry = monthly[min(months, len(monthly)) - 1]
        spot = price_of(underlier)
        step = strike_step(spot)
        strike = round(round(spot * ratio / step) * step, 2)
        contract = Contract(underlier, expiry, call_put, strike)
        paid = round(2 + seed(contract.osi_key) % 1500 / 100, 2)
        acquired = int(now // 86400 * 86400 * 1000) - (10 + seed(underlier) % 20) * _DAY_MS
        rows.append(Holding(underlier, qty, paid, acquired, "OPTN", contract))
    return rows
