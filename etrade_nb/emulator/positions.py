"""Per-position numbers and view blocks for the portfolio (reference §2.4, §2.5).

``Quick`` is verified on the wire; ``Performance``, ``Fundamental``, ``OptionsWatch`` and
``Complete`` are the docs model's blocks with TitleCase names assumed (unverified).
"""

from __future__ import annotations

from typing import Any

from . import options
from .data import Holding
from .prices import company, price_of, seed

_DAY_MS = 86_400_000


def position_id(account_key: str, h: Holding) -> int:
    return 140_000_000_000 + seed(account_key + h.quote_symbol) % 1_000_000_000


def numbers(account_key: str, h: Holding, now: float, total_value: float) -> dict[str, Any]:
    """Prices and gains for one holding; ``total_value`` is the portfolio's market value."""
    if h.contract:
        m = options.market(h.contract, now)
        last, change = float(m["lastPrice"]), float(m["netChange"])
        bid, ask, volume = float(m["bid"]), float(m["ask"]), int(m["volume"])
    else:
        last = price_of(h.symbol)
        s = seed(h.symbol)
        change = round(((s >> 20) % 1000 - 500) / 100, 2)
        spread = max(0.01, round(last * 0.0004, 2))
        bid, ask, volume = round(last - spread, 2), round(last + spread, 2), (s >> 32) % 5_000_000
    mult = h.multiplier
    value = round(h.quantity * last * mult, 2)
    commissions = 0.0 if h.security_type == "MF" else 4.95 if h.contract is None else 6.95
    cost = round(h.quantity * h.price_paid * mult + commissions, 2)
    gain = round(value - cost, 2)
    days_gain = round(h.quantity * change * mult, 2)
    previous = round(last - change, 2)
    return {
        "positionId": position_id(account_key, h),
        "last": last,
        "change": change,
        "changePct": round(change / previous * 100, 4) if previous else 0.0,
        "bid": bid,
        "ask": ask,
        "volume": volume,
        "previous": previous,
        "value": value,
        "cost": cost,
        "gain": gain,
        "gainPct": round(gain / abs(cost) * 100, 4) if cost else 0.0,
        "daysGain": days_gain,
        "daysGainPct": round(days_gain / abs(value - days_gain) * 100, 4)
        if value != days_gain
        else 0.0,
        "pct": round(abs(value) / total_value * 100, 4) if total_value else 0.0,
        "commissions": commissions,
    }


def product(h: Holding) -> dict[str, Any]:
    if h.contract:
        fields = h.contract.product_fields()
        return {**fields, "productId": {"symbol": h.contract.underlier, "typeCode": "OPTION"}}
    return {
        "symbol": h.symbol,
        "securityType": h.security_type,
        "expiryYear": 0,
        "expiryMonth": 0,
        "expiryDay": 0,
        "strikePrice": 0,
        "productId": {
            "symbol": h.symbol,
            "typeCode": "MUTUAL_FUND" if h.security_type == "MF" else "EQUITY",
        },
    }


def view_block(
    view: str, h: Holding, n: dict[str, Any], now: float, status: str
) -> tuple[str, dict[str, Any]]:
    """The view's block name and content for one position."""
    t = int(now)
    s = seed(h.symbol)
    common = {
        "lastTrade": n["last"],
        "lastTradeTime": t,
        "change": n["change"],
        "changePct": n["changePct"],
    }
    if view == "QUICK":
        return "Quick", {**common, "volume": n["volume"], "quoteStatus": status}
    if view == "PERFORMANCE":
        return "Performance", {
            **common,
            "daysGain": n["daysGain"],
            "totalGain": n["gain"],
            "totalGainPct": n["gainPct"],
            "marketValue": n["value"],
            "quoteStatus": status,
        }
    if view == "FUNDAMENTAL":
        return "Fundamental", {
            **common,
            "peRatio": 0.0 if h.contract else 25.0,
            "eps": 0.0 if h.contract else round(n["last"] / 25, 2),
            "dividend": 0.0 if h.contract else round(n["last"] * (s % 40) / 4000, 2),
            "divYield": 0.0 if h.contract else round((s % 40) / 10, 2),
            "marketCap": 0.0 if h.contract else round(n["last"] * 1e9, 2),
            "week52Range": f"{round(n['last'] * 0.71, 2)}-{round(n['last'] * 1.35, 2)}",
            "quoteStatus": status,
        }
    if view == "OPTIONSWATCH":
        base = h.contract.underlier if h.contract else h.symbol
        return "OptionsWatch", {
            "baseSymbolAndPrice": f"{base} {price_of(base)}",
            "premium": n["last"] if h.contract else 0.0,
            "lastTrade": n["last"],
            "bid": n["bid"],
            "ask": n["ask"],
            "quoteStatus": status,
            "lastTradeTime": t,
        }
    return "Complete", complete(h, n, now, status)


def complete(h: Holding, n: dict[str, Any], now: float, status: str) -> dict[str, Any]:
    s = seed(h.symbol)
    g: dict[str, Any] = (
        options.greeks(h.contract, now)
        if h.contract
        else dict.fromkeys(("rho", "vega", "theta", "delta", "gamma", "iv"), 0.0)
    )
    c = h.contract
    spot = price_of(c.underlier) if c else n["last"]
    intrinsic = 0.0
    if c:
        intrinsic = max(0.0, spot - c.strike if c.call_put == "CALL" else c.strike - spot)
    return {
        "priceAdjustedFlag": False,
        "price": n["last"],
        "adjPrice": n["last"],
        "change": n["change"],
        "changePct": n["changePct"],
        "prevClose": n["previous"],
        "adjPrevClose": n["previous"],
        "volume": n["volume"],
        "lastTrade": n["last"],
        "lastTradeTime": int(now),
        "adjLastTrade": n["last"],
        "symbolDescription": c.display if c else company(h.symbol),
        "perform1Month": round(((s >> 3) % 2000 - 1000) / 100, 2),
        "perform3Month": round(((s >> 5) % 3000 - 1500) / 100, 2),
        "perform6Month": round(((s >> 7) % 4000 - 2000) / 100, 2),
        "perform12Month": round(((s >> 9) % 6000 - 3000) / 100, 2),
        "prevDayVolume": int(n["volume"] * 0.93),
        "tenDayVolume": int(n["volume"] * 1.05),
        "beta": round(0.5 + (s % 150) / 100, 2),
        "sv10DaysAvg": 0.0,
        "sv20DaysAvg": 0.0,
        "sv1MonAvg": 0.0,
        "sv2MonAvg": 0.0,
        "sv3MonAvg": 0.0,
        "sv4MonAvg": 0.0,
        "sv6MonAvg": 0.0,
        "week52High": round(n["last"] * 1.35, 2),
        "week52Low": round(n["last"] * 0.71, 2),
        "week52Range": f"{round(n['last'] * 0.71, 2)}-{round(n['last'] * 1.35, 2)}",
        "marketCap": 0.0 if c else round(n["last"] * 1e9, 2),
        "daysRange": f"{round(n['last'] * 0.987, 2)}-{round(n['last'] * 1.012, 2)}",
        "delta52WkHigh": round(n["last"] * 0.35, 2),
        "delta52WkLow": round(n["last"] * 0.29, 2),
        "currency": "USD",
        "exchange": "CINC" if c else "NSDQ",
        "marginable": h.security_type == "EQ" and not c,
        "bid": n["bid"],
        "ask": n["ask"],
        "bidAskSpread": round(n["ask"] - n["bid"], 2),
        "bidSize": 100 + s % 900,
        "askSize": 100 + (s >> 8) % 900,
        "open": n["previous"],
        "delta": g["delta"],
        "gamma": g["gamma"],
        "ivPct": round(g["iv"] * 100, 2),
        "rho": g["rho"],
        "theta": g["theta"],
        "vega": g["vega"],
        "baseSymbolAndPrice": f"{c.underlier} {spot}" if c else "",
        "premium": n["last"] if c else 0.0,
        "daysToExpiration": (c.expiry - options.today(now)).days if c else 0,
        "intrinsicValue": round(intrinsic, 2),
        "openInterest": int(options.market(c, now)["openInterest"]) if c else 0,
        "optionsAdjustedFlag": False,
        "deliverablesStr": f"100 {c.underlier}" if c else "",
        "optionMultiplier": 100.0 if c else 0.0,
        "baseSymbolPrice": spot if c else 0.0,
        "estEarnings": 0.0 if c else round(n["last"] / 25 * 1.08, 2),
        "eps": 0.0 if c else round(n["last"] / 25, 2),
        "peRatio": 0.0 if c else 25.0,
        "annualDividend": 0.0 if c else round(n["last"] * (s % 40) / 1000, 2),
        "dividend": 0.0 if c else round(n["last"] * (s % 40) / 4000, 2),
        "divYield": 0.0 if c else round((s % 40) / 10, 2),
        "divPayDate": 0,
        "exDividendDate": 0,
        "cusip": f"{s % 10**9:09d}",
        "quoteStatus": status,
    }


def lots(account_key: str, h: Holding, now: float) -> list[dict[str, Any]]:
    """1-3 tax lots that add up to the position (``PositionLot`` fields from the docs model)."""
    pid = position_id(account_key, h)
    n = numbers(account_key, h, now, 1.0)
    parts = 1 + seed(h.quote_symbol) % 3 if abs(h.quantity) >= 3 else 1
    sizes = [round(h.quantity / parts, 4)] * (parts - 1)
    sizes.append(round(h.quantity - sum(sizes), 4))
    rows = []
    for i, qty in enumerate(sizes):
        price = round(h.price_paid * (1 + (i - (parts - 1) / 2) * 0.03), 2)
        acquired = h.acquired_ms + i * 30 * _DAY_MS if h.acquired_ms > 0 else h.acquired_ms
        cost = round(qty * price * h.multiplier, 2)
        value = round(qty * n["last"] * h.multiplier, 2)
        long_term = h.acquired_ms > 0 and now * 1000 - acquired > 365 * _DAY_MS
        rows.append(
            {
                "positionId": pid,
                "positionLotId": pid * 10 + i + 1,
                "price": price,
                "termCode": 1 if long_term else 0,
                "daysGain": round(qty * n["change"] * h.multiplier, 2),
                "daysGainPct": round(n["changePct"], 4),
                "marketValue": value,
                "totalCost": cost,
                "totalCostForGainPct": abs(cost),
                "totalGain": round(value - cost, 2),
                "lotSourceCode": 0,
                "originalQty": qty,
                "remainingQty": qty,
                "availableQty": qty,
                "orderNo": 100 + i + seed(h.symbol) % 900,
                "legNo": 1,
                "acquiredDate": acquired,
                "locationCode": 0,
                "exchangeRate": 1.0,
                "settlementCurrency": "USD",
                "paymentCurrency": "USD",
                "adjPrice": price,
                "commPerShare": round(n["commissions"] / abs(h.quantity) / h.multiplier, 4),
                "feesPerShare": 0.0,
                "premiumAdj": 0.0,
                "shortType": 1 if qty < 0 else 0,
            }
        )
    return rows
