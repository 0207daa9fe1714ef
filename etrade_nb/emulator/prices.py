"""Stable pseudo-random numbers per symbol: prices, sizes, company names, time formats."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from .state import EASTERN

__all__ = ["EASTERN", "company", "et_time", "is_valid_symbol", "price_of", "seed"]

INVALID_SYMBOLS = frozenset({"INVALID", "ZZZZZZ", "XXXXX"})
_EQUITY = re.compile(r"^[A-Z0-9^][A-Z0-9.^\-]{0,11}$")
_OPTION = re.compile(
    r"^([A-Z0-9.^\-]{1,12}):(\d{4}):(\d{1,2}):(\d{1,2}):(CALL|PUT):(\d+(?:\.\d+)?)$"
)
COMPANIES: dict[str, tuple[str, str]] = {  # symbol: (description, lookup type)
    "AAPL": ("APPLE INC COM", "EQUITY"),
    "MSFT": ("MICROSOFT CORP COM", "EQUITY"),
    "GOOG": ("ALPHABET INC CAP STK CL C", "EQUITY"),
    "GOOGL": ("ALPHABET INC CAP STK CL A", "EQUITY"),
    "BRK.B": ("BERKSHIRE HATHAWAY INC DEL CL B NEW", "EQUITY"),
    "TSLA": ("TESLA INC COM", "EQUITY"),
    "IBM": ("INTERNATIONAL BUSINESS MACHS COM", "EQUITY"),
    "AMZN": ("AMAZON COM INC COM", "EQUITY"),
    "NVDA": ("NVIDIA CORPORATION COM", "EQUITY"),
    "META": ("META PLATFORMS INC CL A", "EQUITY"),
    "F": ("FORD MTR CO DEL COM", "EQUITY"),
    "VTI": ("VANGUARD INDEX FDS TOTAL STK MKT", "ETF"),
    "SPY": ("SPDR S&P 500 ETF TR TR UNIT", "ETF"),
    "QQQ": ("INVESCO QQQ TR UNIT SER 1", "ETF"),
    "IWM": ("ISHARES TR RUSSELL 2000 ETF", "ETF"),
    "VFIAX": ("VANGUARD 500 INDEX FUND ADMIRAL CL", "MUTUAL_FUND"),
    "FXAIX": ("FIDELITY 500 INDEX FUND", "MUTUAL_FUND"),
    "^VIX": ("CBOE VOLATILITY INDEX", "INDEX"),
}
MUTUAL_FUNDS = frozenset(s for s, (_, t) in COMPANIES.items() if t == "MUTUAL_FUND")


def seed(symbol: str) -> int:
    return int.from_bytes(hashlib.sha256(symbol.encode("utf-8")).digest()[:8], "big")


def price_of(symbol: str) -> float:
    """A stable pseudo-price in [5, 1005) derived from the symbol."""
    return round(5 + (seed(symbol) % 100_000) / 100, 2)


def is_valid_symbol(symbol: str) -> bool:
    if symbol in INVALID_SYMBOLS:
        return False
    return bool(_EQUITY.match(symbol) or _OPTION.match(symbol))


def company(symbol: str) -> str:
    known = COMPANIES.get(symbol)
    return known[0] if known else f"{symbol} EMULATED CORP COM"


def et_time(now: float) -> str:
    """``09:06:38 EDT 03-12-2020``, the quote ``dateTime`` form (reference §1.6)."""
    return datetime.fromtimestamp(now, EASTERN).strftime("%H:%M:%S %Z %m-%d-%Y")
