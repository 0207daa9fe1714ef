"""Market endpoints: quotes, lookup, option chains, option expire dates (reference §2.8-2.11).

Lookup and option-chain error codes 10031-10046 are documented [Dm] but their meanings were
retrieved only for 10038 (no minis), 10039 (bad expiry) and 10043 (missing symbol); the
emulator uses 10033 for an unknown symbol and 10031 for any other invalid value (chosen).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from . import options, quotes
from .calls import Call
from .messages import ApiError
from .params import Query
from .prices import COMPANIES, is_valid_symbol, price_of

MAX_SYMBOLS, MAX_SYMBOLS_OVERRIDE = 25, 50
ERR_QUOTE_SYMBOL = 1019  # invalid symbol [Dq]
ERR_DETAIL_FLAG = 1020  # invalid detail flag [Dq]
ERR_OVER_25 = 1023  # more than 25 symbols [Dq]
ERR_OVER_50 = 1025  # more than 50 symbols [Dq]
ERR_INVALID = 10031  # chosen for "any other invalid value" (meaning not retrieved)
ERR_SYMBOL = 10033
ERR_NO_MINIS = 10038
ERR_EXPIRY = 10039
ERR_MISSING_SYMBOL = 10043


def quote(call: Call) -> dict[str, Any]:
    q = call.query(
        "detailFlag", "requireEarningsDate", "overrideSymbolCount", "skipMiniOptionsCheck"
    )
    detail = q.enum("detailFlag", quotes.DETAIL_FLAGS, "ALL", ERR_DETAIL_FLAG)
    earnings = q.flag("requireEarningsDate")
    override = q.flag("overrideSymbolCount")
    mini_check = not q.flag("skipMiniOptionsCheck")
    symbols = [s.strip().upper() for s in call.args["symbols"].split(",")]
    if not all(symbols):
        raise ApiError(400, ERR_QUOTE_SYMBOL, "The symbol list contains an empty symbol.")
    if override and len(symbols) > MAX_SYMBOLS_OVERRIDE:
        raise ApiError(400, ERR_OVER_50, f"Too many symbols: {len(symbols)}. The maximum is 50.")
    if not override and len(symbols) > MAX_SYMBOLS:
        raise ApiError(
            400,
            ERR_OVER_25,
            f"Too many symbols: {len(symbols)}. The maximum is 25, "
            "or 50 with overrideSymbolCount=true.",
        )
    assert detail is not None
    found = [
        quotes.quote(s, detail, call.now, earnings, mini_check, call.ctx.orders.tape)
        for s in symbols
        if is_valid_symbol(s)
    ]
    # [Dq] note: invalid symbols come back as QuoteResponse.Messages inside a 200 (chosen over
    # the error table's 400/1019, which production's choice between is unverified).
    messages = [
        {"description": f"{s} is not a valid symbol", "code": ERR_QUOTE_SYMBOL, "type": "ERROR"}
        for s in symbols
        if not is_valid_symbol(s)
    ]
    body: dict[str, Any] = {}
    if found:
        body["QuoteData"] = found
    if messages:
        body["Messages"] = {"Message": messages}
    return {"QuoteResponse": body}


def lookup(call: Call) -> dict[str, Any]:
    call.query()
    search = call.args["search"].strip()
    if not search:
        raise ApiError(400, ERR_MISSING_SYMBOL, "Enter a company name to look up.")
    words = search.upper().split()
    matches = [
        {"symbol": symbol, "description": description, "type": kind}
        for symbol, (description, kind) in COMPANIES.items()
        if all(w in description or w == symbol for w in words)
    ]
    # With no match etrade-cli's test expects an empty <LookupResponse/> (unverified).
    return {"LookupResponse": {"Data": matches} if matches else {}}


def _symbol(call: Call, q: Query) -> str:
    symbol = q.text("symbol")
    if not symbol:
        raise ApiError(400, ERR_MISSING_SYMBOL, "The symbol parameter is required.")
    symbol = symbol.upper()
    if not is_valid_symbol(symbol) or ":" in symbol:
        raise ApiError(400, ERR_SYMBOL, f"{symbol} is not a valid symbol.")
    return symbol


def expire_dates(call: Call) -> dict[str, Any]:
    q = call.query("symbol", "expiryType")
    symbol = _symbol(call, q)
    kind = q.enum("expiryType", options.EXPIRY_TYPES, "ALL", ERR_INVALID)
    listed = options.expiries(symbol, call.now)
    if kind not in ("ALL", "UNSPECIFIED"):
        listed = [e for e in listed if e.kind == kind]
    dates = [
        {"year": e.day.year, "month": e.day.month, "day": e.day.day, "expiryType": e.kind}
        for e in listed
    ]
    return {"OptionExpireDateResponse": {"ExpirationDate": dates} if dates else {}}


def _expiry(q: Any, listed: list[options.Expiry], weekly: bool) -> date:
    year = q.integer("expiryYear", None, 1900, 2200, ERR_EXPIRY)
    month = q.integer("expiryMonth", None, 1, 12, ERR_EXPIRY)  # "08" and "8" both work [Dm]
    day = q.integer("expiryDay", None, 1, 31, ERR_EXPIRY)
    if year is None and month is None and day is None:
        usable = [e for e in listed if weekly or e.kind not in ("WEEKLY", "DAILY")]
        return (usable or listed)[0].day
    if year is None or (day is not None and month is None):
        raise ApiError(
            400, ERR_EXPIRY, "Give expiryYear, expiryYear+expiryMonth, or all three expiry parts."
        )
    chosen = [
        e
        for e in listed
        if e.day.year == year
        and (month is None or e.day.month == month)
        and (day is None or e.day.day == day)
    ]
    if day is None:  # a month or a year: its standard monthly expiry first
        chosen.sort(key=lambda e: (e.kind != "MONTHLY", e.day))
    if not chosen:
        raise ApiError(
            400,
            ERR_EXPIRY,
            "No options expire on that date; GET /v1/market/optionexpiredate lists the dates.",
        )
    return chosen[0].day


def chain(call: Call) -> dict[str, Any]:
    q = call.query(
        "symbol", "expiryYear", "expiryMonth", "expiryDay", "strikePriceNear", "noOfStrikes",
        "includeWeekly", "skipAdjusted", "optionCategory", "chainType", "priceType",
    )  # fmt: skip
    symbol = _symbol(call, q)
    weekly = q.flag("includeWeekly", False, ERR_INVALID)
    # The emulator lists no adjusted (post-corporate-action) options, so skipAdjusted=false
    # and =true give the same chain; the value is still checked.
    q.flag("skipAdjusted", True, ERR_INVALID)
    category = q.enum("optionCategory", ("STANDARD", "ALL", "MINI"), "STANDARD", ERR_INVALID)
    if category == "MINI":
        raise ApiError(400, ERR_NO_MINIS, f"{symbol} has no mini options.")
    chain_type = q.enum("chainType", ("CALL", "PUT", "CALLPUT"), "CALLPUT", ERR_INVALID)
    price_type = q.enum("priceType", ("ATNM", "ALL"), "ATNM", ERR_INVALID)
    near = q.number("strikePriceNear", ERR_INVALID)
    count = q.integer("noOfStrikes", None, 1, 500, ERR_INVALID)
    expiry = _expiry(q, options.expiries(symbol, call.now), weekly)
    spot = call.ctx.orders.tape.price(symbol, call.now)  # a price given to the emulator, if any
    center = price_of(symbol) if near is None else near
    strikes = options.strikes(symbol)
    if count is None and price_type == "ATNM":
        count = 10  # chosen: the docs give no default strike count for ATNM
    if count is not None:
        strikes = sorted(sorted(strikes, key=lambda k: (abs(k - center), k))[:count])
    pairs = []
    for strike in strikes:
        pair: dict[str, Any] = {}
        for kind, key in (("CALL", "Call"), ("PUT", "Put")):
            if chain_type in (kind, "CALLPUT"):
                pair[key] = _option(call, options.Contract(symbol, expiry, kind, strike), spot)
        pairs.append(pair)
    return {
        "OptionChainResponse": {
            "OptionPair": pairs,
            "timeStamp": int(call.now),
            "quoteType": "DELAYED",
            "nearPrice": min(strikes, key=lambda k: abs(k - center)) if strikes else 0.0,
            "SelectedED": {"day": expiry.day, "month": expiry.month, "year": expiry.year},
        }
    }


def _option(call: Call, c: options.Contract, spot: float) -> dict[str, Any]:
    m = options.market(c, call.now, spot)
    itm = spot > c.strike if c.call_put == "CALL" else spot < c.strike
    return {
        "optionCategory": "STANDARD",
        "optionRootSymbol": c.underlier,
        "timeStamp": int(call.now),
        "adjustedFlag": False,
        "displaySymbol": c.display,
        "optionType": c.call_put,
        "strikePrice": c.strike,
        "symbol": c.underlier,
        "bid": m["bid"],
        "ask": m["ask"],
        "bidSize": m["bidSize"],
        "askSize": m["askSize"],
        "inTheMoney": "y" if itm else "n",
        "volume": m["volume"],
        "openInterest": m["openInterest"],
        "netChange": m["netChange"],
        "lastPrice": m["lastPrice"],
        "quoteDetail": call.url("/v1/market/quote/" + c.quote_symbol, suffix=False),
        "osiKey": c.osi_key,
        "OptionGreeks": options.greeks(c, call.now, spot),
    }
