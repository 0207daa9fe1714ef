"""Account endpoints: list, balance, portfolio (views, totals, lots, pages), position lots.

References: §2.2-2.5. The portfolio's error codes were not retrieved (reference §1.9), so a
bad portfolio parameter is answered with the emulator's own ``ERR_PARAMETER``.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from . import data, fills, positions
from .calls import Call, not_found
from .messages import ApiError
from .params import ERR_PARAMETER
from .prices import EASTERN

ERR_INST_TYPE = 7002  # bad institution type [Dcomp]
ERR_INVALID_ACCOUNT = 7001  # invalid account [Dcomp]
ACCOUNT_TYPES = (
    "AMMCHK", "ARO", "BCHK", "BENFIRA", "BENFROTHIRA", "BENF_ESTATE_IRA", "BENF_MINOR_IRA",
    "BENF_ROTH_ESTATE_IRA", "BENF_ROTH_MINOR_IRA", "BENF_ROTH_TRUST_IRA", "BENF_TRUST_IRA",
    "BRKCD", "BROKER", "CASH", "C_CORP", "CONTRIBUTORY", "COVERDELL_ESA", "CONVERSION_ROTH_IRA",
    "CREDITCARD", "COMM_PROP", "CONSERVATOR", "CORPORATION", "CSA", "CUSTODIAL",
    "DVP", "ESTATE", "EMPCHK", "EMPMMCA", "ETCHK", "ETMMCHK", "HEIL", "HELOC", "INDCHK",
    "INDIVIDUAL", "INDIVIDUAL_K", "INVCLUB", "INVCLUB_C_CORP", "INVCLUB_LLC_C_CORP",
    "INVCLUB_LLC_PARTNERSHIP", "INVCLUB_LLC_S_CORP", "INVCLUB_PARTNERSHIP", "INVCLUB_S_CORP",
    "INVCLUB_TRUST", "IRA_ROLLOVER", "JOINT", "JTTEN", "JTWROS", "LLC_C_CORP",
    "LLC_PARTNERSHIP", "LLC_S_CORP", "LLP", "LLP_C_CORP", "LLP_S_CORP", "IRA", "IRACD",
    "MONEY_PURCHASE", "MARGIN", "MRCHK", "MUTUAL_FUND", "NONCUSTODIAL_ACCOUNT", "NON_PROFIT",
    "OTHER", "PARTNER", "PARTNERSHIP", "PARTNERSHIP_C_CORP", "PARTNERSHIP_S_CORP", "PDT_ACCOUNT",
    "PM_ACCOUNT", "PREFCD", "PREFIRACD", "PROFIT_SHARING", "PROPRIETARY", "REGCD", "ROTHIRA",
    "ROTH_INDIVIDUAL_K", "ROTH_IRA_MINORS", "SARSEPIRA", "S_CORP", "SEPIRA", "SIMPLE_IRA",
    "TIC", "TRD_IRA_MINORS", "TRUST", "VARCD", "MONEY_MARKET", "INVALID",
)  # fmt: skip
VIEWS = ("PERFORMANCE", "FUNDAMENTAL", "OPTIONSWATCH", "QUICK", "COMPLETE")
# sortBy value → a field of the position's COMPLETE-like sort row (docs spellings kept: BI,
# INSTRINIC_VALUE; BID is accepted too because etrade-cli sends it).
SORT_FIELDS: dict[str, str] = {
    "SYMBOL": "symbol", "TYPE_NAME": "securityType", "EXCHANGE_NAME": "exchange",
    "CURRENCY": "currency", "QUANTITY": "quantity", "LONG_OR_SHORT": "positionType",
    "DATE_ACQUIRED": "dateAcquired", "PRICEPAID": "pricePaid", "TOTAL_GAIN": "totalGain",
    "TOTAL_GAIN_PCT": "totalGainPct", "MARKET_VALUE": "marketValue", "BI": "bid", "BID": "bid",
    "ASK": "ask", "PRICE_CHANGE": "change", "PRICE_CHANGE_PCT": "changePct", "VOLUME": "volume",
    "WEEK_52_HIGH": "week52High", "WEEK_52_LOW": "week52Low", "EPS": "eps",
    "PE_RATIO": "peRatio", "OPTION_TYPE": "callPut", "STRIKE_PRICE": "strikePrice",
    "PREMIUM": "premium", "EXPIRATION": "expiration", "DAYS_GAIN": "daysGain",
    "COMMISSION": "commissions", "MARKETCAP": "marketCap", "PREV_CLOSE": "prevClose",
    "OPEN": "open", "DAYS_RANGE": "daysRange", "TOTAL_COST": "totalCost",
    "DAYS_GAIN_PCT": "daysGainPct", "PCT_OF_PORTFOLIO": "pctOfPortfolio",
    "LAST_TRADE_TIME": "lastTradeTime", "BASE_SYMBOL_PRICE": "baseSymbolPrice",
    "WEEK_52_RANGE": "week52Range", "LAST_TRADE": "lastTrade",
    "SYMBOL_DESC": "symbolDescription", "BID_SIZE": "bidSize", "ASK_SIZE": "askSize",
    "OTHER_FEES": "otherFees", "HELD_AS": "positionIndicator",
    "OPTION_MULTIPLIER": "optionMultiplier", "DELIVERABLES": "deliverablesStr",
    "COST_PERSHARE": "costPerShare", "DIVIDEND": "dividend", "DIV_YIELD": "divYield",
    "DIV_PAY_DATE": "divPayDate", "EST_EARN": "estEarnings", "EX_DIV_DATE": "exDividendDate",
    "TEN_DAY_AVG_VOL": "tenDayVolume", "BETA": "beta", "BID_ASK_SPREAD": "bidAskSpread",
    "MARGINABLE": "marginable", "DELTA_52WK_HI": "delta52WkHigh",
    "DELTA_52WK_LOW": "delta52WkLow", "PERF_1MON": "perform1Month",
    "ANNUAL_DIV": "annualDividend", "PERF_12MON": "perform12Month",
    "PERF_3MON": "perform3Month", "PERF_6MON": "perform6Month", "PRE_DAY_VOL": "prevDayVolume",
    "SV_1MON_AVG": "sv1MonAvg", "SV_10DAY_AVG": "sv10DaysAvg", "SV_20DAY_AVG": "sv20DaysAvg",
    "SV_2MON_AVG": "sv2MonAvg", "SV_3MON_AVG": "sv3MonAvg", "SV_4MON_AVG": "sv4MonAvg",
    "SV_6MON_AVG": "sv6MonAvg", "DELTA": "delta", "GAMMA": "gamma", "IV_PCT": "ivPct",
    "THETA": "theta", "VEGA": "vega", "ADJ_NONADJ_FLAG": "optionsAdjustedFlag",
    "DAYS_EXPIRATION": "daysToExpiration", "OPEN_INTEREST": "openInterest",
    "INSTRINIC_VALUE": "intrinsicValue", "RHO": "rho", "TYPE_CODE": "securityType",
    "DISPLAY_SYMBOL": "symbolDescription", "AFTER_HOURS_PCTCHANGE": "changePct",
    "PRE_MARKET_PCTCHANGE": "changePct", "EXPAND_COLLAPSE_FLAG": "symbol",
}  # fmt: skip


def account_list(call: Call) -> dict[str, Any]:
    call.query()
    return {"AccountListResponse": {"Accounts": {"Account": data.ACCOUNTS}}}


def balance(call: Call) -> dict[str, Any]:
    q = call.query("instType", "accountType", "realTimeNAV")
    account = call.account()
    if q.text("instType") is None:
        raise ApiError(400, ERR_INST_TYPE, "instType is required: send instType=BROKERAGE.")
    q.enum("instType", ("BROKERAGE",), code=ERR_INST_TYPE)
    kind = q.enum("accountType", ACCOUNT_TYPES, code=ERR_INVALID_ACCOUNT)
    if kind is not None and kind != account["accountType"]:
        raise ApiError(400, ERR_INVALID_ACCOUNT, f"accountType {kind} does not match this account.")
    real_time = q.flag("realTimeNAV")
    key = account["accountIdKey"]
    held = fills.holdings(call.ctx.orders, key, call.now)
    rows = [positions.numbers(key, h, call.now, 1.0) for h in held]
    # realTimeNAV=true values positions at the last trade, false at the previous close.
    price = "value" if real_time else "previous"
    values = [
        r["value"] if real_time else round(h.quantity * r[price] * h.multiplier, 2)
        for h, r in zip(held, rows, strict=True)
    ]
    long_mv = round(sum(v for v in values if v > 0), 2)
    short_mv = round(sum(v for v in values if v < 0), 2)
    cash = round(data.CASH[key] + fills.cash_moved(call.ctx.orders, key, call.now), 2)
    margin = account["accountMode"] == "MARGIN"
    computed: dict[str, Any] = {
        "cashAvailableForInvestment": cash,
        "cashAvailableForWithdrawal": cash,
        "totalAvailableForWithdrawal": cash,
        "netCash": cash,
        "cashBalance": cash,
        "settledCashForInvestment": cash,
        "unSettledCashForInvestment": 0.0,
        "fundsWithheldFromPurchasePower": 0.0,
        "fundsWithheldFromWithdrawal": 0.0,
        "cashBuyingPower": cash,
        "accountBalance": round(cash + long_mv + short_mv, 2),
        "OpenCalls": {"minEquityCall": 0.0, "fedCall": 0.0, "cashCall": 0.0, "houseCall": 0.0},
        "RealTimeValues": {
            "totalAccountValue": round(cash + long_mv + short_mv, 2),
            "netMv": round(long_mv + short_mv, 2),
            "netMvLong": long_mv,
            "netMvShort": short_mv,
            "totalLongValue": long_mv,
        },
    }
    if margin:  # the sandbox drops fields that do not apply [SBX-WET]
        computed.update(
            marginBuyingPower=round(cash * 2 + long_mv * 0.5, 2),
            dtMarginBuyingPower=round(cash * 4, 2),
            dtCashBuyingPower=cash,
            marginBalance=0.0,
            shortAdjustBalance=short_mv,
            regtEquity=round(cash + long_mv + short_mv, 2),
            regtEquityPercent=100.0,
        )
    body: dict[str, Any] = {
        "accountId": account["accountId"],
        "accountType": account["accountType"],
        "optionLevel": "LEVEL_4" if margin else "LEVEL_2",
        "accountDescription": account["accountDesc"],
        "quoteMode": 6,
        "dayTraderStatus": "NO_PDT",
        "accountMode": account["accountMode"],
        "Cash": {"fundsForOpenOrdersCash": 0.0, "moneyMktBalance": 0.0},
        "Computed": computed,
    }
    if margin:
        body["Margin"] = {"dtCashOpenOrderReserve": 0.0, "dtMarginOpenOrderReserve": 0.0}
    return {"BalanceResponse": body}


def _quote_status(session: str, now: float) -> str:
    if session == "REGULAR":
        return "DELAYED"
    local = datetime.fromtimestamp(now, EASTERN)
    minutes = local.hour * 60 + local.minute
    extended = local.weekday() < 5 and (420 <= minutes < 570 or 960 <= minutes < 1200)
    return "EH_REALTIME" if extended else "EH_CLOSED"


def _sort_value(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, (int, float)) else (1, str(value))


def portfolio(call: Call) -> dict[str, Any] | None:
    q = call.query(
        "count", "sortBy", "sortOrder", "pageNumber", "marketSession", "totalsRequired",
        "lotsRequired", "view",
    )  # fmt: skip
    account = call.account()
    count = q.integer("count", 50, 1, None)
    sort_by = q.enum("sortBy", SORT_FIELDS)
    descending = q.enum("sortOrder", ("ASC", "DESC"), "DESC") == "DESC"
    page = q.integer("pageNumber", 1, 1, None)
    session = q.enum("marketSession", ("REGULAR", "EXTENDED"), "REGULAR")
    totals = q.flag("totalsRequired")
    with_lots = q.flag("lotsRequired")
    view = q.enum("view", VIEWS, "QUICK")
    assert count is not None and page is not None and session is not None and view is not None
    key = account["accountIdKey"]
    held = fills.holdings(call.ctx.orders, key, call.now)
    if not held:
        return None  # an empty portfolio is 204 [SAMPLE]
    status = _quote_status(session, call.now)
    first = [positions.numbers(key, h, call.now, 1.0) for h in held]
    total_value = sum(abs(n["value"]) for n in first)
    rows = []
    for h in held:
        n = positions.numbers(key, h, call.now, total_value)
        block_name, block = positions.view_block(view, h, n, call.now, status)
        p: dict[str, Any] = {
            "positionId": n["positionId"],
            "Product": positions.product(h),
            "osiKey": h.contract.osi_key if h.contract else "",
            "symbolDescription": h.contract.display if h.contract else h.symbol,
            "dateAcquired": h.acquired_ms,
            "pricePaid": h.price_paid,
            "commissions": n["commissions"],
            "otherFees": 0.0,
            "quantity": h.quantity,
            "positionIndicator": "TYPE5" if h.quantity < 0 else "TYPE2",
            "positionType": "SHORT" if h.quantity < 0 else "LONG",
            "daysGain": n["daysGain"],
            "daysGainPct": n["daysGainPct"],
            "marketValue": n["value"],
            "totalCost": n["cost"],
            "totalGain": n["gain"],
            "totalGainPct": n["gainPct"],
            "pctOfPortfolio": n["pct"],
            "costPerShare": round(n["cost"] / h.quantity / h.multiplier, 4),
            "todayCommissions": 0.0,
            "todayFees": 0.0,
            "todayPricePaid": 0.0,
            "todayQuantity": 0,
            "adjPrevClose": n["previous"],
            block_name: block,
            "lotsDetails": call.url(f"/v1/accounts/{key}/portfolio/{n['positionId']}"),
            "quoteDetails": call.url(f"/v1/market/quote/{h.quote_symbol}"),
        }
        if with_lots:  # docs model name, unverified on the wire
            p["positionLot"] = positions.lots(key, h, call.now)
        rows.append((p, h, n))
    if sort_by is not None:
        field = SORT_FIELDS[sort_by]

        def sort_key(row: tuple[dict[str, Any], Any, Any]) -> tuple[int, Any]:
            p, h, n = row
            flat = {**positions.complete(h, n, call.now, status), **p, **p["Product"]}
            flat["callPut"] = p["Product"].get("callPut", "")
            flat["expiration"] = h.contract.expiry.isoformat() if h.contract else ""
            return _sort_value(flat.get(field, ""))

        rows.sort(key=sort_key, reverse=descending)
    pages = math.ceil(len(rows) / count)
    if page > pages:
        raise ApiError(400, ERR_PARAMETER, f"pageNumber {page} is past the last page ({pages}).")
    chunk = [p for p, _, _ in rows[(page - 1) * count : page * count]]
    entry: dict[str, Any] = {"accountId": account["accountId"]}
    if page < pages:  # next/nextPageNo only while pages remain [PROD-TBB]
        params = [(k, v) for k, v in q.values.items() if k != "pageNumber"]
        entry["next"] = call.url(
            f"/v1/accounts/{key}/portfolio", [*params, ("pageNumber", page + 1)]
        )
        entry["nextPageNo"] = str(page + 1)  # a string in the docs model
    entry["totalPages"] = pages  # the wire name; the docs say totalNoOfPages [PROD-TBB]
    entry["Position"] = chunk
    body: dict[str, Any] = {}
    if totals:  # wire name from an etrade-cli comment (unverified)
        value = round(sum(n["value"] for _, _, n in rows), 2)
        cost = round(sum(n["cost"] for _, _, n in rows), 2)
        day = round(sum(n["daysGain"] for _, _, n in rows), 2)
        body["Totals"] = {
            "todaysGainLoss": day,
            "todaysGainLossPct": round(day / abs(value - day) * 100, 4) if value != day else 0.0,
            "totalMarketValue": value,
            "totalGainLoss": round(value - cost, 2),
            "totalGainLossPct": round((value - cost) / abs(cost) * 100, 4) if cost else 0.0,
            "totalPricePaid": cost,
            "cashBalance": data.CASH[key],
        }
    body["AccountPortfolio"] = [entry]
    return {"PortfolioResponse": body}


def position_lots(call: Call) -> dict[str, Any]:
    call.query()
    account = call.account()
    key = account["accountIdKey"]
    wanted = call.args["position"]
    for h in fills.holdings(call.ctx.orders, key, call.now):
        if str(positions.position_id(key, h)) == wanted:
            # Envelope from etrade-cli's comment and lotsandlots' model (no capture).
            return {"PositionLotsResponse": {"PositionLot": positions.lots(key, h, call.now)}}
    raise not_found(f"Position {wanted}")
