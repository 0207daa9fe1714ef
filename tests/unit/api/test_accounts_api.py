"""Accounts helpers on a scripted transport: account names, pages, markers, caps, 204s."""

from __future__ import annotations

import pandas as pd
import pytest

from etrade_nb import ConfigurationError, ResponseFormatError
from tests.unit.api.conftest import ACCOUNTS, KEY, eastern_times, make_session, ok, path, query

ROTH = "JIdOIAcSpwR1Jva7RQBraQ"


def _transactions(start: int, n: int, more: bool) -> dict:
    page = {
        "Transaction": [
            {
                "transactionId": str(18151100000000 + i),
                "accountId": "83405188",
                "transactionDate": 1_527_739_200_000 + i * 86_400_000,
                "amount": -10.5 * (i + 1),
                "description": "BOUGHT",
                "transactionType": "Bought",
                "brokerage": {
                    "product": {"symbol": "AAPL", "securityType": "EQ"},
                    "quantity": 1,
                    "price": 10.5,
                    "fee": 0,
                    "settlementDate": 0,
                },
            }
            for i in range(start, start + n)
        ],
        "transactionCount": n,
        "moreTransactions": more,
    }
    if more:
        page["marker"] = f"{18151100000000 + start + n}_1527739200"
        page["next"] = "https://apisb.etrade.com/v1/accounts/k/transactions?marker=x&count=50"
    return {"TransactionListResponse": page}


def test_account_number_resolves_to_its_key_with_one_list_call():
    session, adapter = make_session(
        ok(ACCOUNTS), ok({"BalanceResponse": {"accountId": "84010429"}}), ok({})
    )
    assert session.balance("84010429") == {"accountId": "84010429"}
    session.balance(ROTH)  # the key itself: no second list call
    paths = [path(r) for r in adapter.sent]
    assert paths == [
        "/v1/accounts/list.json",
        f"/v1/accounts/{ROTH}/balance.json",
        f"/v1/accounts/{ROTH}/balance.json",
    ]
    assert query(adapter.sent[1]) == {"instType": "BROKERAGE", "realTimeNAV": "true"}


def test_unknown_account_refreshes_once_then_names_the_known_ones():
    session, adapter = make_session(ok(ACCOUNTS), ok(ACCOUNTS))
    session.accounts()
    with pytest.raises(ConfigurationError, match=r"No account '999'.*83405188 \(Individual"):
        session.balance("999")
    assert len(adapter.sent) == 2  # the cached list, then one refresh; no balance call


def test_an_accounts_row_names_its_account():
    session, adapter = make_session(ok({}), ok(ACCOUNTS), ok({}))
    session.portfolio(ACCOUNTS["AccountListResponse"]["Accounts"]["Account"][0])
    rows = session.accounts(as_frame=True)
    session.portfolio(rows.iloc[1])
    assert [path(r) for r in adapter.sent] == [
        f"/v1/accounts/{KEY}/portfolio.json",
        "/v1/accounts/list.json",
        f"/v1/accounts/{ROTH}/portfolio.json",
    ]


def test_transactions_follow_the_marker_in_full_pages():
    pages = [_transactions(i * 50, 50, True) for i in range(3)] + [_transactions(150, 20, False)]
    session, adapter = make_session(ok(ACCOUNTS), *[ok(p) for p in pages])
    rows = session.transactions("83405188", "2026-01-01", "2026-03-31", sort_order="asc")
    assert len(rows) == 170 and rows.more is False
    sent = [query(r) for r in adapter.sent[1:]]
    assert all(q["count"] == "50" for q in sent)
    assert sent[0] == {
        "count": "50",
        "startDate": "01012026",
        "endDate": "03312026",
        "sortOrder": "ASC",
    }
    assert [q.get("marker") for q in sent] == [
        None,
        "18151100000050_1527739200",
        "18151100000100_1527739200",
        "18151100000150_1527739200",
    ]


def test_transactions_stop_at_the_cap_and_say_so():
    session, adapter = make_session(
        ok(ACCOUNTS), *[ok(_transactions(i * 50, 50, True)) for i in range(2)]
    )
    with pytest.warns(UserWarning, match="Stopped after 70 transactions"):
        rows = session.transactions(KEY, limit=70)
    assert len(rows) == 70 and rows.more is True
    assert len(adapter.sent) == 3


def test_transactions_refuse_half_a_range_and_a_looping_marker():
    session, _ = make_session()
    with pytest.raises(ConfigurationError, match="both start and end"):
        session.transactions(KEY, start="2026-01-01")
    same = _transactions(0, 50, True)
    session, _ = make_session(ok(ACCOUNTS), ok(same), ok(same))
    with pytest.raises(ResponseFormatError, match="twice"):
        session.transactions(KEY)


def test_no_transactions_is_an_empty_list_and_frame():
    session, _ = make_session(ok(ACCOUNTS), (204, ""), (204, ""))
    assert session.transactions(KEY) == []
    frame = session.transactions(KEY, as_frame=True)
    assert len(frame) == 0 and frame.index.name == "transactionId"


def test_transaction_details_and_store_id():
    details = {"TransactionDetailsResponse": {"transactionId": "1", "Category": {}}}
    session, adapter = make_session(ok(ACCOUNTS), ok(details))
    assert session.transaction(KEY, 18151100002634, store_id=0)["transactionId"] == "1"
    assert path(adapter.sent[1]).endswith(f"/{KEY}/transactions/18151100002634.json")
    assert query(adapter.sent[1]) == {"storeId": "0"}


def _portfolio_page(first: int, n: int, next_page: int | None) -> dict:
    part = {
        "accountId": "83405188",
        "totalPages": 2,
        "Position": [
            {
                "positionId": 1000 + i,
                "Product": {"symbol": f"S{i}", "securityType": "EQ"},
                "quantity": 10,
                "dateAcquired": -57600000,
                "pricePaid": 5,
                "marketValue": 60.5,
                "Quick": {"lastTrade": 6.05, "lastTradeTime": 1_780_408_800, "volume": 7},
            }
            for i in range(first, first + n)
        ],
    }
    if next_page:
        part["nextPageNo"] = next_page
        part["next"] = "https://apisb.etrade.com/v1/accounts/k/portfolio?pageNumber=2"
    return {"PortfolioResponse": {"AccountPortfolio": [part]}}


def test_portfolio_merges_every_page_and_sends_the_view():
    session, adapter = make_session(
        ok(ACCOUNTS), ok(_portfolio_page(0, 50, 2)), ok(_portfolio_page(50, 5, None))
    )
    doc = session.portfolio(KEY, view="performance", totals=True, sort_by="symbol")
    (part,) = doc["AccountPortfolio"]
    assert len(part["Position"]) == 55 and "nextPageNo" not in part
    first, second = (query(r) for r in adapter.sent[1:])
    assert first == {
        "view": "PERFORMANCE",
        "count": "50",
        "sortBy": "SYMBOL",
        "totalsRequired": "true",
    }
    assert second["pageNumber"] == "2"


def test_portfolio_refuses_an_unknown_view():
    session, adapter = make_session()
    with pytest.raises(ConfigurationError, match="view='lots' is not one of QUICK"):
        session.portfolio(KEY, view="lots")
    assert adapter.sent == []


def test_portfolio_frame_with_quotes_in_batches_of_fifty():
    quotes = [
        {
            "QuoteResponse": {
                "QuoteData": [
                    {"Product": {"symbol": f"S{i}", "securityType": "EQ"}, "All": {"bid": 1.0 + i}}
                    for i in range(start, min(start + 50, 55))
                ]
            }
        }
        for start in (0, 50)
    ]
    session, adapter = make_session(
        ok(ACCOUNTS),
        ok(_portfolio_page(0, 50, 2)),
        ok(_portfolio_page(50, 5, None)),
        ok(quotes[0]),
        ok(quotes[1]),
    )
    frame = session.portfolio("83405188", as_frame=True, with_quotes=True)
    assert len(frame) == 55 and frame.index.name == "positionId"
    assert frame.loc[1054, "quote.bid"] == 55.0
    assert eastern_times(frame["dateAcquired"])
    assert frame["dateAcquired"].isna().all()  # E*TRADE's -57600000 "no date" placeholder
    traded = frame.loc[1000, "lastTradeTime"]
    assert isinstance(traded, pd.Timestamp)
    assert traded.isoformat() == "2026-06-02T10:00:00-04:00"
    quote_calls = [r for r in adapter.sent if "/market/quote/" in (r.url or "")]
    assert len(quote_calls) == 2


def test_position_lots():
    lots = {
        "PositionLotsResponse": {
            "PositionLot": {"positionLotId": 7, "acquiredDate": 1_527_739_200_000, "price": "12.5"}
        }
    }
    session, adapter = make_session(ok(ACCOUNTS), ok(lots))
    frame = session.position_lots("83405188", 1000, as_frame=True)
    assert path(adapter.sent[1]) == f"/v1/accounts/{KEY}/portfolio/1000.json"
    assert frame.loc[7, "price"] == 12.5 and frame["acquiredDate"].dt.tz is not None
