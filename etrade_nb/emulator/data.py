"""Sandbox-style canned data: accounts, balances, positions and deterministic quotes."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from .state import EASTERN

ACCOUNTS: list[dict[str, Any]] = [
    {
        "accountId": "83405188",
        "accountIdKey": "dBZOKt9xDrtRSAOl4MSiiA",
        "accountMode": "MARGIN",
        "accountDesc": "INDIVIDUAL",
        "accountName": "Individual Brokerage",
        "accountType": "INDIVIDUAL",
        "institutionType": "BROKERAGE",
        "accountStatus": "ACTIVE",
        "closedDate": 0,
    },
    {
        "accountId": "84010429",
        "accountIdKey": "JIdOIAcSpwR1Jva7RQBraQ",
        "accountMode": "CASH",
        "accountDesc": "ROTH IRA",
        "accountName": "Roth IRA",
        "accountType": "ROTHIRA",
        "institutionType": "BROKERAGE",
        "accountStatus": "ACTIVE",
        "closedDate": 0,
    },
]
ACCOUNTS_BY_KEY = {a["accountIdKey"]: a for a in ACCOUNTS}

_POSITIONS = {
    "dBZOKt9xDrtRSAOl4MSiiA": [("GOOG", 10, 1050.00), ("MSFT", 25, 98.40), ("BRK.B", 5, 201.15)],
    "JIdOIAcSpwR1Jva7RQBraQ": [("VTI", 40, 140.25), ("AAPL", 15, 152.30)],
}

INVALID_SYMBOLS = {"INVALID", "ZZZZZZ", "XXXXX"}
_EQUITY = re.compile(r"^[A-Z0-9^][A-Z0-9.^\-]{0,11}$")
_OPTION = re.compile(
    r"^([A-Z0-9.^\-]{1,12}):(\d{4}):(\d{1,2}):(\d{1,2}):(CALL|PUT):(\d+(?:\.\d+)?)$"
)
DETAIL_FLAGS = ("ALL", "FUNDAMENTAL", "INTRADAY", "OPTIONS", "WEEK_52", "MF_DETAIL")


def _seed(symbol: str) -> int:
    return int.from_bytes(hashlib.sha256(symbol.encode("utf-8")).digest()[:8], "big")


def price_of(symbol: str) -> float:
    """A stable pseudo-price in [5, 1005) derived from the symbol."""
    return round(5 + (_seed(symbol) % 100_000) / 100, 2)


def is_valid_symbol(symbol: str) -> bool:
    if symbol in INVALID_SYMBOLS:
        return False
    return bool(_EQUITY.match(symbol) or _OPTION.match(symbol))


def _et_time(now: float) -> str:
    return datetime.fromtimestamp(now, EASTERN).strftime("%H:%M:%S %Z %m-%d-%Y")


def quote(symbol: str, detail: str, now: float) -> dict[str, Any]:
    """One ``QuoteData`` entry, E*TRADE-shaped."""
    seed = _seed(symbol)
    option = _OPTION.match(symbol)
    last = price_of(symbol)
    spread = max(0.01, round(last * 0.0004, 2))
    change = round(((seed >> 20) % 1000 - 500) / 100, 2)
    volume = (seed >> 32) % 50_000_000 + 1000
    product: dict[str, Any] = {"symbol": symbol, "securityType": "OPTN" if option else "EQ"}
    if option:
        underlier, year, month, day, kind, strike = option.groups()
        product.update(
            symbol=underlier,
            callPut=kind,
            expiryYear=int(year),
            expiryMonth=int(month),
            expiryDay=int(day),
            strikePrice=float(strike),
        )
    data: dict[str, Any] = {
        "dateTime": _et_time(now),
        "dateTimeUTC": int(now),
        "quoteStatus": "DELAYED",
        "ahFlag": "false",
        "Product": product,
    }
    prices = {
        "lastTrade": last,
        "bid": round(last - spread, 2),
        "ask": round(last + spread, 2),
        "high": round(last * 1.012, 2),
        "low": round(last * 0.987, 2),
        "totalVolume": volume,
        "changeClose": change,
        "changeClosePercentage": round(change / last * 100, 2),
        "companyName": f"{symbol} EMULATED CORP",
    }
    if detail == "ALL":
        data["All"] = {
            **prices,
            "adjustedFlag": False,
            "bidSize": 100 + seed % 900,
            "askSize": 100 + (seed >> 8) % 900,
            "open": round(last - change, 2),
            "previousClose": round(last - change, 2),
            "high52": round(last * 1.35, 2),
            "low52": round(last * 0.71, 2),
            "eps": round(last / 25, 2),
            "pe": 25.0,
            "marketCap": round(last * 1_000_000_000, 2),
            "sharesOutstanding": 1_000_000_000,
            "dividend": 0.0,
            "exchange": "NSDQ",
            "exchangeName": "NASDAQ NM",
            "timeOfLastTrade": int(now),
        }
    elif detail == "FUNDAMENTAL":
        data["Fundamental"] = {
            "companyName": prices["companyName"],
            "eps": round(last / 25, 2),
            "high52": round(last * 1.35, 2),
            "low52": round(last * 0.71, 2),
            "lastTrade": last,
            "symbolDescription": prices["companyName"],
        }
    elif detail == "INTRADAY":
        data["Intraday"] = {
            k: prices[k]
            for k in (
                "ask",
                "bid",
                "changeClose",
                "lastTrade",
                "high",
                "low",
                "totalVolume",
                "companyName",
                "changeClosePercentage",
            )
        }
    elif detail == "OPTIONS":
        data["Option"] = {
            "ask": prices["ask"],
            "bid": prices["bid"],
            "lastTrade": last,
            "openInterest": seed % 10_000,
            "companyName": prices["companyName"],
        }
    elif detail == "WEEK_52":
        data["Week52"] = {
            "high52": round(last * 1.35, 2),
            "low52": round(last * 0.71, 2),
            "lastTrade": last,
            "companyName": prices["companyName"],
        }
    else:  # MF_DETAIL
        data["MutualFund"] = {
            "netAssetValue": last,
            "publicOfferPrice": last,
            "symbolDescription": prices["companyName"],
        }
    return data


def balance(account: dict[str, Any], now: float) -> dict[str, Any]:
    total = sum(q * price_of(s) for s, q, _ in _POSITIONS[account["accountIdKey"]])
    cash = 25_000.00 if account["accountMode"] == "MARGIN" else 4_210.55
    return {
        "BalanceResponse": {
            "accountId": account["accountId"],
            "institutionType": "BROKERAGE",
            "asOfDate": int(now * 1000),
            "accountType": account["accountType"],
            "optionLevel": "LEVEL_2",
            "accountDescription": account["accountDesc"],
            "quoteMode": 6,
            "dayTraderStatus": "NO_PDT",
            "accountMode": account["accountMode"],
            "Cash": {"fundsForOpenOrdersCash": 0.0, "moneyMktBalance": 0.0},
            "Computed": {
                "cashAvailableForInvestment": cash,
                "cashAvailableForWithdrawal": cash,
                "netCash": cash,
                "cashBalance": cash,
                "cashBuyingPower": cash,
                "marginBuyingPower": cash * 2 if account["accountMode"] == "MARGIN" else 0.0,
                "RealTimeValues": {
                    "totalAccountValue": round(total + cash, 2),
                    "netMv": round(total, 2),
                    "netMvLong": round(total, 2),
                    "netMvShort": 0.0,
                },
            },
        }
    }


def portfolio(account: dict[str, Any], now: float) -> dict[str, Any]:
    rows = _POSITIONS[account["accountIdKey"]]
    total = sum(q * price_of(s) for s, q, _ in rows)
    positions = []
    for i, (symbol, qty, paid) in enumerate(rows):
        last = price_of(symbol)
        value = round(qty * last, 2)
        cost = round(qty * paid, 2)
        positions.append(
            {
                "positionId": 140_000_000_000 + _seed(symbol) % 1_000_000_000 + i,
                "symbolDescription": symbol,
                "dateAcquired": 1_500_000_000_000 + i * 86_400_000,
                "pricePaid": paid,
                "commissions": 0.0,
                "otherFees": 0.0,
                "quantity": qty,
                "positionIndicator": "TYPE2",
                "positionType": "LONG",
                "daysGain": 0.0,
                "daysGainPct": 0.0,
                "marketValue": value,
                "totalCost": cost,
                "totalGain": round(value - cost, 2),
                "totalGainPct": round((value - cost) / cost * 100, 4),
                "pctOfPortfolio": round(value / total * 100, 4),
                "costPerShare": paid,
                "Product": {"symbol": symbol, "securityType": "EQ"},
                "Quick": {"lastTrade": last, "lastTradeTime": int(now), "volume": 0},
            }
        )
    return {
        "PortfolioResponse": {
            "AccountPortfolio": [
                {"accountId": account["accountId"], "Position": positions, "totalPages": 1}
            ]
        }
    }
