"""Reference-shaped E*TRADE documents in bulk, and an in-process transport that pages them.

The API benchmarks need sizes the emulator's fixed demo data does not have (2,000
transactions, 200 positions, a 5,000-option chain). :class:`PagingAdapter` answers the
session's signed requests from memory the way the reference says E*TRADE pages: transactions
by ``marker`` (``count`` at most 50), portfolio by ``pageNumber`` (``count``), quotes at most
50 symbols a call. It counts calls per endpoint. No sockets: only the client is measured.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter

KEY = "bEnChMaRkAcCoUnTkEy01"
T0_MS = 1_717_000_000_000


def transactions(n: int) -> list[dict[str, Any]]:
    """``n`` transactions as in [PROD-TBB]: string ids, epoch ms, lower-case ``brokerage``."""
    return [
        {
            "transactionId": str(20059101214828 + i),
            "accountId": "83405188",
            "transactionDate": T0_MS - i * 3_600_000,
            "postDate": T0_MS - i * 3_600_000,
            "amount": round(-100.25 - i, 2),
            "description": f"BOUGHT {i % 40 + 1} SYM{i % 97}",
            "description2": "",
            "transactionType": "Bought" if i % 3 else "Sold",
            "memo": "",
            "imageFlag": False,
            "instType": "BROKERAGE",
            "storeId": 0,
            "brokerage": {
                "product": {"symbol": f"SYM{i % 97}", "securityType": "EQ"},
                "quantity": i % 40 + 1,
                "price": 10.0 + (i % 500) / 4,
                "settlementCurrency": "USD",
                "paymentCurrency": "USD",
                "fee": 0.0,
                "displaySymbol": f"SYM{i % 97}",
                "settlementDate": T0_MS - i * 3_600_000 + 172_800_000,
            },
            "detailsURI": f"https://api.etrade.com/v1/accounts/{KEY}/transactions.json/"
            f"{20059101214828 + i}?storeId=0",
        }
        for i in range(n)
    ]


def _option(kind: str, strike: float, expiry: tuple[int, int, int]) -> dict[str, Any]:
    y, m, d = expiry
    osi = f"SPY---{y % 100:02d}{m:02d}{d:02d}{kind[0]}{int(strike * 1000):08d}"
    return {
        "optionCategory": "STANDARD",
        "optionRootSymbol": "SPY",
        "timeStamp": T0_MS // 1000,
        "adjustedFlag": False,
        "displaySymbol": f"SPY {m}/{d}/{y} ${strike:g} {kind.title()}",
        "optionType": kind,
        "strikePrice": strike,
        "symbol": "SPY",
        "bid": 1.25,
        "ask": 1.3,
        "bidSize": 10,
        "askSize": 20,
        "inTheMoney": "y" if (kind == "CALL") == (strike < 500) else "n",
        "volume": 100,
        "openInterest": 1000,
        "netChange": -0.05,
        "lastPrice": 1.27,
        "quoteDetail": f"https://api.etrade.com/v1/market/quote/SPY:{y}:{m}:{d}:{kind}:{strike}",
        "osiKey": osi,
        "OptionGreeks": {
            "rho": 0.01,
            "vega": 0.2,
            "theta": -0.05,
            "delta": 0.5,
            "gamma": 0.01,
            "iv": 0.18,
            "currentValue": False,
        },
    }


def option_chain(rows: int) -> dict[str, Any]:
    """An ``OptionChainResponse`` with ``rows`` options (``rows / 2`` Call/Put pairs)."""
    pairs = [
        {
            "Call": _option("CALL", 250 + i * 0.5, (2026, 6, 19)),
            "Put": _option("PUT", 250 + i * 0.5, (2026, 6, 19)),
        }
        for i in range(rows // 2)
    ]
    return {
        "OptionChainResponse": {
            "OptionPair": pairs,
            "timeStamp": T0_MS // 1000,
            "quoteType": "DELAYED",
            "nearPrice": 500.0,
            "SelectedED": {"month": 6, "year": 2026, "day": 19},
        }
    }


def positions(n: int) -> list[dict[str, Any]]:
    return [
        {
            "positionId": 10_000 + i,
            "Product": {"symbol": f"SYM{i}", "securityType": "EQ"},
            "symbolDescription": f"SYM{i}",
            "dateAcquired": T0_MS - i * 86_400_000,
            "pricePaid": 10.0 + i,
            "quantity": 10 + i,
            "positionType": "LONG",
            "marketValue": (11.0 + i) * (10 + i),
            "totalGain": 10 + i,
            "Quick": {"lastTrade": 11.0 + i, "lastTradeTime": T0_MS // 1000, "volume": 1000},
            "lotsDetails": f"https://api.etrade.com/v1/accounts/{KEY}/portfolio/{10_000 + i}",
            "quoteDetails": f"https://api.etrade.com/v1/market/quote/SYM{i}",
        }
        for i in range(n)
    ]


def _quote(symbol: str) -> dict[str, Any]:
    return {
        "dateTimeUTC": T0_MS // 1000,
        "quoteStatus": "DELAYED",
        "ahFlag": "false",
        "All": {"lastTrade": 12.5, "bid": 12.4, "ask": 12.6, "totalVolume": 1000},
        "Product": {"symbol": symbol, "securityType": "EQ"},
    }


class PagingAdapter(BaseAdapter):
    """Serves one account's transactions, portfolio and quotes; counts calls per area."""

    def __init__(self, *, transactions: int = 0, positions_count: int = 0) -> None:
        super().__init__()
        self.transactions = globals()["transactions"](transactions)
        self.positions = positions(positions_count)
        self.calls: Counter[str] = Counter()

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url)
        path = unquote(parts.path).removesuffix(".json")
        query = dict(parse_qsl(parts.query))
        if path == "/v1/accounts/list":
            self.calls["accounts"] += 1
            doc: Any = {"AccountListResponse": {"Accounts": {"Account": [
                {"accountId": "83405188", "accountIdKey": KEY, "accountStatus": "ACTIVE"}
            ]}}}  # fmt: skip
        elif path.endswith("/transactions"):
            self.calls["transactions"] += 1
            doc = self._transactions(query)
        elif path.endswith("/portfolio"):
            self.calls["portfolio"] += 1
            doc = self._portfolio(query)
        elif path.startswith("/v1/market/quote/"):
            self.calls["quotes"] += 1
            symbols = path.rsplit("/", 1)[1].split(",")
            limit = 50 if query.get("overrideSymbolCount") == "true" else 25
            if len(symbols) > limit:
                return _response(request, 400, {"Error": {"code": 1025, "message": "Too many"}})
            doc = {"QuoteResponse": {"QuoteData": [_quote(s) for s in symbols]}}
        else:
            return _response(request, 404, {"Error": {"code": 1011, "message": "No such path"}})
        return _response(request, 200, doc)

    def _transactions(self, query: dict[str, str]) -> Any:
        count = int(query.get("count", 50))
        if not 1 <= count <= 50:
            return {"Error": {"code": 2005, "message": "count must be 1-50"}}
        start = int(query["marker"].split("_")[0]) - 20059101214828 if "marker" in query else 0
        page = self.transactions[start : start + count]
        body: dict[str, Any] = {
            "Transaction": page,
            "transactionCount": len(page),
            "totalCount": len(self.transactions),
            "moreTransactions": start + count < len(self.transactions),
        }
        if body["moreTransactions"]:
            body["marker"] = f"{20059101214828 + start + count}_{T0_MS // 1000}"
        return {"TransactionListResponse": body}

    def _portfolio(self, query: dict[str, str]) -> Any:
        count = int(query.get("count", 50))
        number = int(query.get("pageNumber", 1))
        total = max(1, -(-len(self.positions) // count))
        part: dict[str, Any] = {
            "accountId": "83405188",
            "totalPages": total,
            "Position": self.positions[(number - 1) * count : number * count],
        }
        if number < total:
            part["nextPageNo"] = number + 1
            part["next"] = (
                f"https://api.etrade.com/v1/accounts/{KEY}/portfolio?pageNumber={number + 1}"
            )
        return {"PortfolioResponse": {"AccountPortfolio": [part]}}

    def close(self) -> None:
        pass


def _response(request: Any, status: int, doc: Any) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(doc).encode()
    response.headers["Content-Type"] = "application/json"
    response.request = request
    response.url = request.url
    response.encoding = "utf-8"
    return response


def session_on(adapter: PagingAdapter) -> Any:
    """A sandbox :class:`Session` whose calls go to ``adapter`` (signed, not sent anywhere)."""
    from etrade_nb import AccessToken, Session, resolve_environment
    from etrade_nb.secret import Secret

    http = requests.Session()
    http.mount("https://", adapter)
    return Session(
        "benchmark-consumer-key",
        "benchmark-consumer-secret",
        AccessToken("benchmarkToken=", Secret("benchmarkTokenSecret="), issued_at=T0_MS / 1000),
        environment=resolve_environment(sandbox=True, environ={}),
        http=http,
        clock=lambda: T0_MS / 1000 + 60,
        rate_limit=None,
    )
