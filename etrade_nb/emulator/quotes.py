"""``QuoteData`` for one symbol and detail flag (reference §2.8).

``All`` and its field names come from production captures. The other blocks
(``Fundamental``, ``Intraday``, ``Option``, ``Week52``, ``MutualFund``) use the docs model's
names with TitleCase assumed, as the reference says (unverified on the wire).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from . import options
from .legs import Tape
from .prices import MUTUAL_FUNDS, company, et_time, seed

STILL = Tape()  # no prices given: every price is the stable pseudo-price

DETAIL_FLAGS = ("ALL", "FUNDAMENTAL", "INTRADAY", "OPTIONS", "WEEK_52", "MF_DETAIL")
BLOCKS = {
    "ALL": "All",
    "FUNDAMENTAL": "Fundamental",
    "INTRADAY": "Intraday",
    "OPTIONS": "Option",
    "WEEK_52": "Week52",
    "MF_DETAIL": "MutualFund",
}


def _epoch(d: date) -> int:
    return int((d - date(1970, 1, 1)).total_seconds())


def _base(symbol: str, now: float, tape: Tape) -> dict[str, Any]:
    """Prices shared by every block; options are priced by Black-Scholes."""
    h = seed(symbol)
    contract = options.parse_symbol(symbol)
    spot = tape.price(contract.underlier if contract else symbol, now)
    if contract:
        m = options.market(contract, now, spot)
        last, bid, ask = float(m["lastPrice"]), float(m["bid"]), float(m["ask"])
        change = float(m["netChange"])
        volume, bid_size, ask_size = int(m["volume"]), int(m["bidSize"]), int(m["askSize"])
    else:
        last = spot
        spread = max(0.01, round(last * 0.0004, 2))
        bid, ask = round(last - spread, 2), round(last + spread, 2)
        change = round(((h >> 20) % 1000 - 500) / 100, 2)
        volume = (h >> 32) % 50_000_000 + 1000
        bid_size, ask_size = 100 + h % 900, 100 + (h >> 8) % 900
    previous = round(last - change, 2)
    return {
        "last": last,
        "bid": bid,
        "ask": ask,
        "bidSize": bid_size,
        "askSize": ask_size,
        "change": change,
        "changePct": round(change / previous * 100, 2) if previous else 0.0,
        "previous": previous,
        "volume": volume,
        "high": round(max(last, previous) * 1.012, 2),
        "low": round(min(last, previous) * 0.987, 2),
        "high52": round(last * 1.35, 2),
        "low52": round(last * 0.71, 2),
        "eps": round(last / 25, 2),
        "name": company(contract.underlier if contract else symbol),
        "contract": contract,
        "spot": spot,
    }


def _option_fields(p: dict[str, Any], now: float) -> dict[str, Any]:
    contract: options.Contract | None = p["contract"]
    if contract is None:
        return {
            "daysToExpiration": 0,
            "openInterest": 0,
            "intrinsicValue": 0.0,
            "timePremium": 0.0,
            "optionMultiplier": 0.0,
            "contractSize": 0.0,
            "osiKey": "",
            "optionPreviousBidPrice": 0.0,
            "optionPreviousAskPrice": 0.0,
        }
    spot = p["spot"]
    intrinsic = max(
        0.0, spot - contract.strike if contract.call_put == "CALL" else contract.strike - spot
    )
    m = options.market(contract, now, spot)
    return {
        "daysToExpiration": (contract.expiry - options.today(now)).days,
        "openInterest": m["openInterest"],
        "intrinsicValue": round(intrinsic, 2),
        "timePremium": round(max(p["last"] - intrinsic, 0.0), 2),
        "optionMultiplier": 100.0,
        "contractSize": 100.0,
        "osiKey": contract.osi_key,
        "optionPreviousBidPrice": round(p["bid"] - p["change"], 2),
        "optionPreviousAskPrice": round(p["ask"] - p["change"], 2),
    }


def _all(symbol: str, p: dict[str, Any], now: float, earnings: bool) -> dict[str, Any]:
    h = seed(symbol)
    day = options.today(now)
    contract: options.Contract | None = p["contract"]
    dividend = round(p["last"] * (h % 40) / 4000, 2) if not contract else 0.0
    block: dict[str, Any] = {
        "adjustedFlag": False,
        "ask": p["ask"],
        "askSize": p["askSize"],
        "askTime": et_time(now),
        "bid": p["bid"],
        "bidExchange": "",
        "bidSize": p["bidSize"],
        "bidTime": et_time(now),
        "changeClose": p["change"],
        "changeClosePercentage": p["changePct"],
        "companyName": p["name"],
        "dirLast": "1" if p["change"] >= 0 else "2",  # a string on the wire [PROD-TBB]
        "dividend": dividend,
        "eps": p["eps"] if not contract else 0.0,
        "estEarnings": round(p["eps"] * 1.08, 2) if not contract else 0.0,
        "exDividendDate": _epoch(day - timedelta(days=20 + h % 60)),
        "high": p["high"],
        "high52": p["high52"],
        "lastTrade": p["last"],
        "low": p["low"],
        "low52": p["low52"],
        "open": p["previous"],
        "optionStyle": "AMERICAN" if contract else "",
        "optionUnderlier": contract.underlier if contract else "",
        "optionUnderlierExchange": "",
        "previousClose": p["previous"],
        "previousDayVolume": int(p["volume"] * 0.93),
        "primaryExchange": "CINC" if contract else ("NYSE" if h % 3 == 0 else "NSDQ"),
        "symbolDescription": contract.display if contract else p["name"],
        "totalVolume": p["volume"],
        "upc": 0,
        "cashDeliverable": 0,
        "marketCap": round(p["last"] * 1_000_000_000, 2) if not contract else 0.0,
        "sharesOutstanding": 1_000_000_000 if not contract else 0,
        "nextEarningDate": (day + timedelta(days=30 + h % 60)).strftime("%m/%d/%Y")
        if earnings
        else "",
        "beta": round(0.5 + (h % 150) / 100, 2),
        "yield": round(dividend * 4 / p["last"] * 100, 4) if p["last"] else 0.0,
        "declaredDividend": dividend,
        "dividendPayableDate": _epoch(day + timedelta(days=10 + h % 30)),
        "pe": 25.0 if not contract else 0.0,
        "week52LowDate": _epoch(day - timedelta(days=100 + h % 200)),
        "week52HiDate": _epoch(day - timedelta(days=5 + h % 90)),
        **_option_fields(p, now),
        "expirationDate": _epoch(contract.expiry) if contract else 0,
        "timeOfLastTrade": int(now),
        "averageVolume": int(p["volume"] * 1.1),
        "ExtendedHourQuoteDetail": {
            "lastPrice": p["last"],
            "change": 0.0,
            "percentChange": 0.0,
            "bid": p["bid"],
            "bidSize": p["bidSize"],
            "ask": p["ask"],
            "askSize": p["askSize"],
            "volume": 0,
            "timeOfLastTrade": int(now),
            "timeZone": "EDT",
            "quoteStatus": "EH_CLOSED",
        },
    }
    return block


def _mutual_fund(symbol: str, p: dict[str, Any], now: float) -> dict[str, Any]:
    h = seed(symbol)
    day = options.today(now)
    returns = {
        f"averageAnnualReturn{n}Yr": round(((h >> n) % 1500) / 100, 2) for n in (1, 3, 5, 10)
    }
    return {
        "symbolDescription": p["name"],
        "cusip": f"{h % 10**9:09d}",
        "changeClose": p["change"],
        "previousClose": p["previous"],
        "transactionFee": "0",  # a string in the docs model, like earlyRedemptionFee
        "earlyRedemptionFee": "0",
        "availability": "Open to new investors",
        "initialInvestment": 3000.0,
        "subsequentInvestment": 1.0,
        "fundFamily": p["name"].split()[0] + " FUNDS",
        "fundName": p["name"],
        "changeClosePercentage": p["changePct"],
        "timeOfLastTrade": int(now),
        "netAssetValue": p["last"],
        "publicOfferPrice": p["last"],
        "netExpenseRatio": 0.04,
        "grossExpenseRatio": 0.04,
        "orderCutoffTime": 1600,
        "salesCharge": "0",
        "initialIraInvestment": 3000.0,
        "subsequentIraInvestment": 1.0,
        "NetAssets": {"value": round(p["last"] * 3.2e9, 2), "asOfDate": _epoch(day) * 1000},
        "fundInceptionDate": 974_073_600,  # epoch seconds, like every other quote time
        "sevenDayCurrentYield": 0.0,
        "annualTotalReturn": round((h % 2500) / 100, 2),
        "weightedAverageMaturity": 0.0,
        **returns,
        "high52": p["high52"],
        "low52": p["low52"],
        "week52LowDate": _epoch(day - timedelta(days=100 + h % 200)),
        "week52HiDate": _epoch(day - timedelta(days=5 + h % 90)),
        "exchangeName": "MUTUAL FUND",
        "sinceInception": round((h % 1200) / 100, 2),
        "quarterlySinceInception": round((h % 1100) / 100, 2),
        "lastTrade": p["last"],
        "actual12B1Fee": 0.0,
        "performanceAsOfDate": f"{day:%m/%d/%Y}",  # strings in the docs model
        "qtrlyPerformanceAsOfDate": f"{day:%m/%d/%Y}",
        "Redemption": {"minMonth": "0", "feePercent": "0", "isFrontEnd": "0"},
        "morningStarCategory": "Large Blend",
        "monthlyTrailingReturn1Y": returns["averageAnnualReturn1Yr"],
        "deferredSalesCharges": [],
        "frontEndSalesCharges": [],
        "exchangeCode": "MF",
    }


def quote(
    symbol: str,
    detail: str,
    now: float,
    earnings: bool,
    mini_check: bool,
    tape: Tape = STILL,
) -> dict[str, Any]:
    """One ``QuoteData`` entry."""
    p = _base(symbol, now, tape)
    contract: options.Contract | None = p["contract"]
    mf = symbol in MUTUAL_FUNDS
    product: dict[str, Any] = {"symbol": symbol, "securityType": "MF" if mf else "EQ"}
    if contract:
        product = {
            "symbol": contract.underlier,
            "securityType": "OPTN",
            "callPut": contract.call_put,
            "expiryYear": contract.expiry.year,
            "expiryMonth": contract.expiry.month,
            "expiryDay": contract.expiry.day,
            "strikePrice": contract.strike,
        }
    data: dict[str, Any] = {
        "dateTime": et_time(now),
        "dateTimeUTC": int(now),
        "quoteStatus": "DELAYED",
        "ahFlag": "false",  # a string on the wire [PROD-TBB]
    }
    if mini_check and not contract:  # present only when the mini-options check runs [Dq]
        data["hasMiniOptions"] = False
    if detail == "MF_DETAIL":  # [Dq]: MF_DETAIL adds timeZone and dstFlag
        data["timeZone"] = "ET"
        data["dstFlag"] = True
    block: dict[str, Any]
    if detail == "ALL":
        block = _all(symbol, p, now, earnings)
    elif detail == "FUNDAMENTAL":
        block = {
            "companyName": p["name"],
            "eps": p["eps"],
            "estEarnings": round(p["eps"] * 1.08, 2),
            "high52": p["high52"],
            "lastTrade": p["last"],
            "low52": p["low52"],
            "symbolDescription": p["name"],
        }
    elif detail == "INTRADAY":
        block = {
            "ask": p["ask"],
            "bid": p["bid"],
            "changeClose": p["change"],
            "changeClosePercentage": p["changePct"],
            "companyName": p["name"],
            "high": p["high"],
            "lastTrade": p["last"],
            "low": p["low"],
            "totalVolume": p["volume"],
        }
    elif detail == "OPTIONS":
        opt = _option_fields(p, now)
        block = {
            "ask": p["ask"],
            "askSize": p["askSize"],
            "bid": p["bid"],
            "bidSize": p["bidSize"],
            "companyName": p["name"],
            "daysToExpiration": opt["daysToExpiration"],
            "lastTrade": p["last"],
            "openInterest": opt["openInterest"],
            "optionPreviousBidPrice": opt["optionPreviousBidPrice"],
            "optionPreviousAskPrice": opt["optionPreviousAskPrice"],
            "osiKey": opt["osiKey"],
            "intrinsicValue": opt["intrinsicValue"],
            "timePremium": opt["timePremium"],
            "optionMultiplier": opt["optionMultiplier"],
            "contractSize": opt["contractSize"],
            "symbolDescription": contract.display if contract else p["name"],
            "OptionGreeks": options.greeks(contract, now)
            if contract
            else {
                **dict.fromkeys(("rho", "vega", "theta", "delta", "gamma", "iv"), 0.0),
                "currentValue": False,
            },
        }
    elif detail == "WEEK_52":
        block = {
            "companyName": p["name"],
            "high52": p["high52"],
            "lastTrade": p["last"],
            "low52": p["low52"],
            "perf12Months": round(((seed(symbol) >> 4) % 8000 - 3000) / 100, 2),
            "previousClose": p["previous"],
            "symbolDescription": p["name"],
            "totalVolume": p["volume"],
        }
    else:
        block = _mutual_fund(symbol, p, now)
    data[BLOCKS[detail]] = block
    data["Product"] = product
    return data
