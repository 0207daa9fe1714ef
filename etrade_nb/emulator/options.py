"""Deterministic option market: expiry calendars, strikes, Black-Scholes prices and greeks.

Everything is a pure function of the underlier symbol and the emulator clock, so a chain,
a quote of one of its options and a position in it agree with each other.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from .prices import EASTERN, price_of, seed

RATE = 0.04  # risk-free rate used for every price
EXPIRY_TYPES = ("UNSPECIFIED", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "VIX", "ALL", "MONTHEND")
DAILY_SYMBOLS = frozenset({"SPY", "QQQ", "IWM"})
VIX_SYMBOLS = frozenset({"VIX", "^VIX"})
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Expiry:
    day: date
    kind: str  # WEEKLY, MONTHLY, QUARTERLY, DAILY, VIX, MONTHEND


@dataclass(frozen=True)
class Contract:
    underlier: str
    expiry: date
    call_put: str  # CALL or PUT
    strike: float

    @property
    def osi_key(self) -> str:
        """``IBM---180817C00200000``: root padded with ``-`` to 6, YYMMDD, C/P, strike x1000."""
        root = self.underlier.lstrip("^")[:6].ljust(6, "-")
        return f"{root}{self.expiry:%y%m%d}{self.call_put[0]}{round(self.strike * 1000):08d}"

    def product_fields(self) -> dict[str, Any]:
        """The option fields of a ``Product`` (orders and portfolio add their own productId)."""
        return {
            "symbol": self.underlier,
            "securityType": "OPTN",
            "callPut": self.call_put,
            "expiryYear": self.expiry.year,
            "expiryMonth": self.expiry.month,
            "expiryDay": self.expiry.day,
            "strikePrice": self.strike,
        }

    @property
    def quote_symbol(self) -> str:
        """``IBM:2018:8:17:CALL:200.000000``, the form quotes take (reference §2.8)."""
        e = self.expiry
        return f"{self.underlier}:{e.year}:{e.month}:{e.day}:{self.call_put}:{self.strike:.6f}"

    @property
    def display(self) -> str:
        """``IBM Aug 17 '18 $200 Call``."""
        strike = f"{self.strike:g}"
        kind = self.call_put.title()
        month = MONTHS[self.expiry.month - 1]
        return f"{self.underlier} {month} {self.expiry.day:02d} '{self.expiry:%y} ${strike} {kind}"


def today(now: float) -> date:
    return datetime.fromtimestamp(now, EASTERN).date()


def _third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(4 - first.weekday()) % 7 + 14)


def _last_business_day(year: int, month: int) -> date:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    day = nxt - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _add_months(d: date, n: int) -> tuple[int, int]:
    index = d.year * 12 + d.month - 1 + n
    return index // 12, index % 12 + 1


def _vix_days(start: date) -> Iterator[date]:
    """VIX options expire on Wednesdays, 30 days before SPX monthlies."""
    for n in range(0, 8):
        day = _third_friday(*_add_months(start, n)) - timedelta(days=30)
        yield day - timedelta(days=(day.weekday() - 2) % 7)


def _monthly_days(start: date) -> Iterator[date]:
    """Third Fridays of the next nine months, and January's of the next two years (LEAPS)."""
    for n in range(0, 9):
        yield _third_friday(*_add_months(start, n))
    for year in (start.year + 1, start.year + 2):
        yield _third_friday(year, 1)


def _quarterly_days(start: date) -> Iterator[date]:
    """Last business days of quarter-end months in the next year."""
    for n in range(0, 12):
        year, month = _add_months(start, n)
        if month % 3 == 0:
            yield _last_business_day(year, month)


def _month_end_days(start: date) -> Iterator[date]:
    """Last business days of this month and the next two."""
    for n in range(1, 4):
        yield _last_business_day(*_add_months(start, n - 1))


def _weekly_days(start: date) -> Iterator[date]:
    """The next five Fridays."""
    friday = start + timedelta(days=(4 - start.weekday()) % 7 or 7)
    for n in range(5):
        yield friday + timedelta(weeks=n)


def _daily_days(start: date) -> Iterator[date]:
    """The next five weekdays."""
    day = start
    for _ in range(5):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        yield day


# the expiry families every optionable symbol lists; on a day two share, the first names it
_FAMILIES: tuple[tuple[str, Callable[[date], Iterator[date]]], ...] = (
    ("MONTHLY", _monthly_days),
    ("QUARTERLY", _quarterly_days),
    ("MONTHEND", _month_end_days),
    ("WEEKLY", _weekly_days),
)


def expiries(symbol: str, now: float) -> list[Expiry]:
    """Every listed expiry after today, oldest first."""
    start = today(now)
    if symbol in VIX_SYMBOLS:
        families: tuple[tuple[str, Callable[[date], Iterator[date]]], ...] = (("VIX", _vix_days),)
    elif symbol in DAILY_SYMBOLS:
        families = (*_FAMILIES, ("DAILY", _daily_days))
    else:
        families = _FAMILIES
    found: dict[date, str] = {}
    for kind, days in families:
        for day in days(start):
            if day > start:
                found.setdefault(day, kind)
    return [Expiry(d, k) for d, k in sorted(found.items())]


def strike_step(price: float) -> float:
    return 1.0 if price < 50 else 2.5 if price < 200 else 5.0 if price < 500 else 10.0


def strikes(symbol: str) -> list[float]:
    """Listed strikes: 60% to 140% of the underlier's price."""
    price = price_of(symbol)
    step = strike_step(price)
    low = math.floor(price * 0.6 / step) * step
    count = int(price * 0.8 / step) + 2
    return [round(low + i * step, 2) for i in range(count) if low + i * step > 0]


def years_to(expiry: date, now: float) -> float:
    close = datetime.combine(expiry, time(16, 0), EASTERN).timestamp()
    return max(close - now, 3600.0) / (365.0 * 86400)


def volatility(contract: Contract) -> float:
    """Implied volatility with a smile: a base level per underlier, higher away from the money."""
    spot = price_of(contract.underlier)
    base = 0.18 + (seed(contract.underlier) % 300) / 1000
    moneyness = math.log(contract.strike / spot)
    return round(base + 0.35 * moneyness * moneyness, 4)


def _cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def greeks(contract: Contract, now: float, spot: float | None = None) -> dict[str, Any]:
    """``OptionGreeks`` as on the wire: Black-Scholes greeks (theta per day, vega and rho per
    1%) and ``currentValue``, a boolean (the docs model and example: whether the greeks are
    current), not a price. ``spot`` is the underlier's price (default: its stable
    pseudo-price)."""
    found: dict[str, Any] = dict(_model(contract, now, spot))
    del found["value"]
    found["currentValue"] = True
    return found


def value(contract: Contract, now: float, spot: float | None = None) -> float:
    """The contract's Black-Scholes value (the middle of the emulator's quote)."""
    return float(_model(contract, now, spot)["value"])


def _model(contract: Contract, now: float, spot: float | None = None) -> dict[str, float]:
    s, k = spot or price_of(contract.underlier), contract.strike
    t, sigma = years_to(contract.expiry, now), volatility(contract)
    d1 = (math.log(s / k) + (RATE + sigma * sigma / 2) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    disc = math.exp(-RATE * t)
    if contract.call_put == "CALL":
        value = s * _cdf(d1) - k * disc * _cdf(d2)
        delta = _cdf(d1)
        theta = -s * _pdf(d1) * sigma / (2 * math.sqrt(t)) - RATE * k * disc * _cdf(d2)
        rho = k * t * disc * _cdf(d2) / 100
    else:
        value = k * disc * _cdf(-d2) - s * _cdf(-d1)
        delta = _cdf(d1) - 1
        theta = -s * _pdf(d1) * sigma / (2 * math.sqrt(t)) + RATE * k * disc * _cdf(-d2)
        rho = -k * t * disc * _cdf(-d2) / 100
    return {
        "rho": round(rho, 4),
        "vega": round(s * _pdf(d1) * math.sqrt(t) / 100, 4),
        "theta": round(theta / 365, 4),
        "delta": round(delta, 4),
        "gamma": round(_pdf(d1) / (s * sigma * math.sqrt(t)), 4),
        "iv": sigma,
        "value": round(max(value, 0.01), 2),
    }


def market(contract: Contract, now: float, spot: float | None = None) -> dict[str, float | int]:
    """Bid, ask, last, sizes, volume and open interest for one contract."""
    mid = value(contract, now, spot)
    half = max(0.01, round(mid * 0.02, 2))
    h = seed(contract.osi_key)
    return {
        "bid": round(max(mid - half, 0.0), 2),
        "ask": round(mid + half, 2),
        "lastPrice": mid,
        "bidSize": 1 + h % 90,
        "askSize": 1 + (h >> 8) % 90,
        "volume": (h >> 16) % 5000,
        "openInterest": (h >> 32) % 40000,
        "netChange": round(((h >> 24) % 200 - 100) / 100 * max(mid * 0.05, 0.01), 2),
    }


def parse_symbol(symbol: str) -> Contract | None:
    """``IBM:2018:8:17:CALL:200.000000`` → a contract; None if not that shape."""
    parts = symbol.split(":")
    if len(parts) != 6 or parts[4] not in ("CALL", "PUT"):
        return None
    try:
        expiry = date(int(parts[1]), int(parts[2]), int(parts[3]))
        strike = float(parts[5])
    except ValueError:
        return None
    if strike <= 0 or not parts[0]:
        return None
    return Contract(parts[0], expiry, parts[4], strike)
