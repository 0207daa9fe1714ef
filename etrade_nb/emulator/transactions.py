"""Two years of deterministic transactions per account, listed by page and by id (§2.6, §2.7).

Transaction ids are 14 digits and page markers ``<transactionId>_<epoch seconds>``, as in the
production and docs examples (``20059101214828_1582876800``).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

from . import data
from .calls import Call, not_found
from .messages import ApiError
from .options import today
from .prices import EASTERN, company, price_of, seed

ERR_INVALID = 100  # 400 "request could not be completed" [Dt]; used for a bad marker (chosen)
ERR_RANGE = 2002
ERR_TOO_OLD = 2003
ERR_DATE = 2004
ERR_COUNT = 2005
ERR_SORT = 2007
HISTORY_DAYS = 730  # "two years" in the parameter text; error 2003's text says three (§1.6)
PER_DAY = {data.MAIN_KEY: 4, data.IRA_KEY: 0.5, data.TRADER_KEY: 2, data.CLOSED_KEY: 0}
_SYMBOLS = ("AAPL", "MSFT", "GOOG", "IBM", "TSLA", "F", "NVDA", "AMZN", "VTI", "SPY")
SPREADSHEETS = (
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def _midnight_ms(d: date) -> int:
    return int(datetime.combine(d, time(0, 0), EASTERN).timestamp() * 1000)


def _one(key: str, d: date, seq: int, day: date) -> dict[str, Any]:
    """The ``seq``-th transaction of day ``d``; the details view adds to these fields."""
    account = data.ACCOUNTS_BY_KEY[key]
    h = seed(f"{key}{d.isoformat()}{seq}")
    tid = f"{d:%y}{d.timetuple().tm_yday:03d}{int(account['accountId']) % 10000:04d}{seq:05d}"
    kind = ("Bought", "Sold", "Bought", "Sold", "Dividend", "Transfer", "Interest", "Fee")[h % 8]
    symbol = _SYMBOLS[(h >> 8) % len(_SYMBOLS)]
    price = round(price_of(symbol) * (0.85 + ((h >> 16) % 300) / 1000), 2)
    qty = float(1 + (h >> 24) % 50)
    fee = 0.0
    if kind in ("Bought", "Sold"):
        fee = 0.0 if (h >> 32) % 4 else 4.95
        qty = -qty if kind == "Sold" else qty
        amount = round(-qty * price - fee, 2)
        description = f"{'BOUGHT' if kind == 'Bought' else 'SOLD'} {abs(qty):g} {company(symbol)}"
    elif kind == "Dividend":
        amount, qty, price = round(qty * price * 0.004, 2), 0.0, 0.0
        description = f"DIVIDEND {company(symbol)}"
    elif kind == "Transfer":
        amount, qty, price, symbol = float(500 * (1 + (h >> 40) % 20)), 0.0, 0.0, ""
        description = "TRANSFER FROM BANK ACCOUNT"
    elif kind == "Interest":
        amount, qty, price, symbol = round(((h >> 40) % 5000) / 100, 2), 0.0, 0.0, ""
        description = "INTEREST ON CREDIT BALANCE"
    else:
        amount, qty, price, symbol = -round(((h >> 40) % 2500) / 100, 2), 0.0, 0.0, ""
        description = "ADR CUSTODY FEE"
    when = _midnight_ms(d)
    settle = d + timedelta(days=1 if kind in ("Bought", "Sold") else 0)
    return {
        "transactionId": tid,
        "accountId": account["accountId"],
        "transactionDate": when,
        "postDate": when,
        "amount": amount,
        "description": description,
        "description2": "",
        "transactionType": kind,
        "memo": "",
        "imageFlag": False,
        "instType": "BROKERAGE",
        "storeId": 0 if (day - d).days < 365 else 1,  # older ones live in store 1
        "brokerage": {
            "product": {"symbol": symbol, "securityType": "EQ" if symbol else ""},
            "quantity": qty,
            "price": price,
            "settlementCurrency": "USD",
            "paymentCurrency": "USD",
            "fee": fee,
            "displaySymbol": symbol,
            "settlementDate": _midnight_ms(settle) if symbol else 0,
        },
    }


@functools.lru_cache(maxsize=8)
def history(key: str, day: date) -> tuple[dict[str, Any], ...]:
    """Every transaction of ``key`` over the two years before ``day``, newest first."""
    rate = PER_DAY.get(key, 0)
    rows: list[dict[str, Any]] = []
    for back in range(1, HISTORY_DAYS + 1):
        d = day - timedelta(days=back)
        if d.weekday() >= 5 or not rate:
            continue
        n = int(rate) if rate >= 1 else int(seed(f"{key}{d}") % int(1 / rate) == 0)
        rows.extend(_one(key, d, seq, day) for seq in range(n, 0, -1))
    return tuple(rows)


def marker_of(t: dict[str, Any]) -> str:
    return f"{t['transactionId']}_{t['transactionDate'] // 1000}"


def details_uri(call: Call, key: str, t: dict[str, Any]) -> str:
    """``…/transactions.json/{id}?storeId=0``: the ``.json`` lands mid-path [PROD-TBB]."""
    mid = ".json" if call.suffixed else ""
    tid, store = t["transactionId"], t["storeId"]
    return f"{call.base}/v1/accounts/{key}/transactions{mid}/{tid}?storeId={store}"


def _check_accept(call: Call) -> None:
    accept = call.req.headers.get("accept", "").lower()
    if any(kind in accept for kind in SPREADSHEETS) and "application/json" not in accept:
        raise ApiError(
            406,
            ERR_INVALID,
            "The emulator does not produce spreadsheets; ask for application/json or "
            "application/xml.",
        )


def listing(call: Call) -> dict[str, Any] | None:
    _check_accept(call)
    q = call.query("startDate", "endDate", "sortOrder", "marker", "count")
    account = call.account()
    start = q.mmddyyyy("startDate", ERR_DATE)
    end = q.mmddyyyy("endDate", ERR_DATE)
    order = q.enum("sortOrder", ("ASC", "DESC"), "DESC", ERR_SORT)
    count = q.integer("count", 50, 1, 50, ERR_COUNT)
    assert count is not None
    day = today(call.now)
    if start is not None and (day - start).days > HISTORY_DAYS:
        raise ApiError(400, ERR_TOO_OLD, "startDate is more than two years ago.")
    if start is not None and end is not None and start > end:
        raise ApiError(400, ERR_RANGE, "startDate is after endDate.")
    key = account["accountIdKey"]
    low = _midnight_ms(start) if start else 0
    high = _midnight_ms(end) if end else 1 << 62
    rows = [t for t in history(key, day) if low <= t["transactionDate"] <= high]
    if order == "ASC":
        rows.reverse()
    marker = q.text("marker")
    offset = 0
    if marker is not None:
        positions = {marker_of(t): i for i, t in enumerate(rows)}
        if marker not in positions:
            raise ApiError(400, ERR_INVALID, f"Invalid marker {marker!r}: start without one.")
        offset = positions[marker] + 1
    page = rows[offset : offset + count]
    if not page:
        return None  # 204, code 53 [Dt]
    more = offset + count < len(rows)
    body: dict[str, Any] = {}
    if more:
        params = [(k, v) for k, v in q.values.items() if k not in ("marker", "count")]
        nxt = marker_of(page[-1])
        body["next"] = call.url(
            f"/v1/accounts/{key}/transactions", [*params, ("marker", nxt), ("count", count)]
        )
        body["marker"] = nxt
        # Opaque and URL-encoded in production; here: the markers of the next few pages.
        ahead = range(offset + count, min(len(rows), offset + count * 11), count)
        body["pageMarkers"] = quote(",".join(marker_of(rows[i - 1]) for i in ahead), safe="")
    body["moreTransactions"] = more
    body["transactionCount"] = len(page)
    body["totalCount"] = len(rows)
    body["Transaction"] = [{**t, "detailsURI": details_uri(call, key, t)} for t in page]
    return {"TransactionListResponse": body}


_CATEGORIES = {
    "Bought": (1, 0, "Trades", "Investments"),
    "Sold": (1, 0, "Trades", "Investments"),
    "Dividend": (2, 0, "Dividends", "Income"),
    "Interest": (3, 0, "Interest", "Income"),
    "Transfer": (4, 0, "Deposits", "Cash"),
    "Fee": (5, 0, "Fees", "Cash"),
}


def details(call: Call) -> dict[str, Any]:
    q = call.query("storeId")
    account = call.account()
    store = q.integer("storeId", None, 0, None)
    key = account["accountIdKey"]
    wanted = call.args["transaction"]
    found = next((t for t in history(key, today(call.now)) if t["transactionId"] == wanted), None)
    if found is None or (store is not None and store != found["storeId"]):
        raise not_found(f"Transaction {wanted}" + (f" in store {store}" if store else ""))
    b = found["brokerage"]
    cat_id, parent, name, parent_name = _CATEGORIES[found["transactionType"]]
    return {
        "TransactionDetailsResponse": {
            "transactionId": found["transactionId"],
            "accountId": found["accountId"],
            "transactionDate": found["transactionDate"],
            "amount": found["amount"],
            "description": found["description"],
            "Category": {
                "categoryId": cat_id,
                "parentId": parent,
                "categoryName": name,
                "parentName": parent_name,
            },
            "Brokerage": {  # capitalised here, lower-case in the list (node-e-trade PR #7)
                "transactionType": found["transactionType"],
                "Product": b["product"],
                "quantity": b["quantity"],
                "price": b["price"],
                "settlementCurrency": b["settlementCurrency"],
                "paymentCurrency": b["paymentCurrency"],
                "fee": b["fee"],
                "memo": found["memo"],
                "checkNo": "",
                "orderNo": str(seed(found["transactionId"]) % 1000),
            },
        }
    }
