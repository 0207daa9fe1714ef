"""Frames: typed columns and indexes from documents shaped as in the API reference."""

from __future__ import annotations

import pandas as pd

from etrade_nb.api import frames
from tests.unit.api.conftest import ACCOUNTS, eastern_times

# [DOC-EX]/[PROD-TBB] shapes: lower-case brokerage/product, string ids, epoch ms, 0 = absent
TRANSACTIONS = [
    {
        "transactionId": "18151100002634",
        "accountId": "83405188",
        "transactionDate": 1527739200000,
        "postDate": 1527739200000,
        "amount": "-1500.5",
        "description": "BOUGHT 10 AAPL",
        "transactionType": "Bought",
        "brokerage": {
            "product": {"symbol": "AAPL", "securityType": "EQ"},
            "quantity": 10,
            "price": 150.05,
            "settlementCurrency": "USD",
            "fee": 0,
            "settlementDate": 0,
        },
        "detailsURI": "https://api.etrade.com/v1/accounts/k/transactions.json/18151100002634?storeId=0",
    },
    {
        "transactionId": "18151100002635",
        "accountId": "83405188",
        "transactionDate": 1527825600000,
        "postDate": 1527825600000,
        "amount": 20,
        "description": "DIVIDEND",
        "transactionType": "Dividend",
        "brokerage": {"product": {}, "quantity": 0, "price": 0, "fee": 0, "settlementDate": 0},
    },
]


def test_transactions_frame_types_and_index():
    frame = frames.transactions_frame(TRANSACTIONS)
    assert frame.index.name == "transactionId"
    assert list(frame.index) == ["18151100002634", "18151100002635"]
    assert eastern_times(frame["transactionDate"]) and frame["settlementDate"].isna().all()
    assert frame.loc["18151100002634", "transactionDate"].isoformat() == "2018-05-31T00:00:00-04:00"
    assert frame["amount"].dtype == "float64" and frame["amount"].tolist() == [-1500.5, 20.0]
    assert frame.loc["18151100002634", "symbol"] == "AAPL"
    assert {"price", "fee", "quantity", "settlementCurrency"} <= set(frame.columns)


def test_accounts_frame():
    accounts = ACCOUNTS["AccountListResponse"]["Accounts"]["Account"]
    frame = frames.accounts_frame(accounts)
    assert frame.index.name == "accountIdKey" and frame["closedDate"].isna().all()
    assert frame.loc["JIdOIAcSpwR1Jva7RQBraQ", "accountId"] == "84010429"


def test_empty_inputs_give_empty_frames_with_their_index_name():
    assert frames.orders_frame([]).index.names == ["orderId", "leg"]
    assert frames.alerts_frame([]).index.name == "id"
    assert frames.positions_frame({"AccountPortfolio": []}).index.name == "positionId"
    assert frames.option_chain_frame({"OptionPair": []}).index.name == "osiKey"
    assert isinstance(frames.quotes_frame([]), pd.DataFrame)


def test_clashing_view_fields_keep_their_block_prefix():
    portfolio = {
        "AccountPortfolio": [
            {
                "accountId": "1",
                "Position": [
                    {
                        "positionId": 5,
                        "marketValue": 100.0,
                        "Product": {"symbol": "AAPL", "securityType": "EQ"},
                        "Performance": {"marketValue": 101.0, "changePct": "1.5"},
                    }
                ],
            }
        ]
    }
    frame = frames.positions_frame(portfolio)
    assert frame.loc[5, "marketValue"] == 100.0
    assert frame.loc[5, "Performance.marketValue"] == 101.0
    assert frame.loc[5, "changePct"] == 1.5 and frame.loc[5, "accountId"] == "1"


def test_normalize_matches_json_normalize_names_and_values():
    from etrade_nb.api.frames.core import normalize

    ours = normalize(TRANSACTIONS)
    theirs = pd.json_normalize(TRANSACTIONS)
    assert sorted(ours.columns) == sorted(theirs.columns)
    pd.testing.assert_frame_equal(ours[sorted(ours.columns)], theirs[sorted(theirs.columns)])


def test_date_only_quote_fields_are_the_dates_etrade_meant():
    """E*TRADE stamps these dates as midnight UTC; in New York that is the evening before."""
    day = 1_792_972_800  # 2026-10-26 00:00 UTC
    quote = {
        "dateTimeUTC": 1_780_408_800,  # 2026-06-02 14:00 UTC, 10:00 in New York
        "All": {
            "exDividendDate": day,
            "dividendPayableDate": day + 86_400,
            "week52HiDate": day - 86_400,
            "week52LowDate": 0,  # E*TRADE's "no date"
            "timeOfLastTrade": 1_780_408_800,
        },
        "Product": {"symbol": "AAPL", "securityType": "EQ"},
    }
    frame = frames.quotes_frame([quote])
    row = frame.loc["AAPL"]
    assert row["exDividendDate"] == pd.Timestamp("2026-10-26")
    assert row["dividendPayableDate"] == pd.Timestamp("2026-10-27")
    assert row["week52HiDate"] == pd.Timestamp("2026-10-25")
    assert pd.isna(row["week52LowDate"])
    for name in ("exDividendDate", "dividendPayableDate", "week52HiDate", "week52LowDate"):
        assert frame[name].dtype.kind == "M" and getattr(frame[name].dtype, "tz", None) is None
    # a column says the zone it holds: dateTimeUTC in UTC, the other times in New York
    assert str(frame["dateTimeUTC"].dt.tz) == "UTC"
    assert row["dateTimeUTC"].isoformat() == "2026-06-02T14:00:00+00:00"
    assert eastern_times(frame["timeOfLastTrade"])
    assert row["timeOfLastTrade"].isoformat() == "2026-06-02T10:00:00-04:00"


def test_every_text_column_has_pandas_own_text_dtype():
    text = pd.Series(["x"]).dtype  # str from pandas 3 (object before)
    accounts = frames.accounts_frame(ACCOUNTS["AccountListResponse"]["Accounts"]["Account"])
    assert accounts["accountId"].dtype == text == accounts["accountDesc"].dtype
    transactions = frames.transactions_frame(TRANSACTIONS)
    for name in ("accountId", "symbol", "transactionType", "description"):
        assert transactions[name].dtype == text, name
    assert transactions.index.dtype == text
    assert pd.isna(transactions.loc["18151100002635", "symbol"])  # missing stays missing
