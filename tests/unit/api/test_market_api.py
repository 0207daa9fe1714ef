"""Market and alert helpers on a scripted transport: parameters, paths, frames."""

from __future__ import annotations

from datetime import date

import pytest

from etrade_nb import ConfigurationError, ServiceUnavailableError
from tests.unit.api.conftest import eastern_times, make_session, ok, path, query


def _option(kind: str, strike: float) -> dict:
    letter = kind[0]
    return {
        "optionCategory": "STANDARD",
        "optionRootSymbol": "IBM",
        "timeStamp": 1_534_540_800,
        "adjustedFlag": False,
        "displaySymbol": f"IBM Aug 17 '18 ${strike:g} {kind.title()}",
        "optionType": kind,
        "strikePrice": strike,
        "symbol": "IBM",
        "bid": 1.5,
        "ask": 1.6,
        "bidSize": 10,
        "askSize": 12,
        "inTheMoney": "y" if (kind == "CALL") == (strike < 145) else "n",
        "volume": 5,
        "openInterest": 100,
        "netChange": -0.1,
        "lastPrice": 1.55,
        "quoteDetail": "https://api.etrade.com/v1/market/quote/IBM:2018:8:17:CALL:200.000000",
        "osiKey": f"IBM---180817{letter}00{int(strike * 1000):06d}",
        "OptionGreeks": {
            "rho": 0.01,
            "vega": 0.1,
            "theta": -0.02,
            "delta": 0.5,
            "gamma": 0.03,
            "iv": 0.2,
            "currentValue": False,
        },
    }


CHAIN = {
    "OptionChainResponse": {
        "OptionPair": [
            {"Call": _option("CALL", s), "Put": _option("PUT", s)} for s in (140.0, 145.0, 150.0)
        ],
        "timeStamp": 1_534_540_800,
        "quoteType": "DELAYED",
        "nearPrice": 145.0,
        "SelectedED": {"month": 8, "year": 2018, "day": 17},
    }
}


def test_option_chain_parameters_and_frame():
    session, adapter = make_session(ok(CHAIN))
    frame = session.option_chain(
        "ibm", date(2018, 8, 17), strike_near=145, strikes=3, include_weekly=True, as_frame=True
    )
    assert path(adapter.sent[0]) == "/v1/market/optionchains.json"
    assert query(adapter.sent[0]) == {
        "symbol": "IBM",
        "includeWeekly": "true",
        "skipAdjusted": "true",
        "optionCategory": "STANDARD",
        "chainType": "CALLPUT",
        "priceType": "ATNM",
        "expiryYear": "2018",
        "expiryMonth": "8",
        "expiryDay": "17",
        "strikePriceNear": "145",
        "noOfStrikes": "3",
    }
    assert len(frame) == 6 and frame.index.name == "osiKey"
    assert list(frame["optionType"].value_counts().sort_index()) == [3, 3]
    row = frame.loc["IBM---180817C00140000"]
    assert (row["delta"], row["strikePrice"], bool(row["inTheMoney"])) == (0.5, 140.0, True)
    assert eastern_times(frame["timeStamp"]) and frame["bid"].dtype == "float64"
    assert frame.attrs["nearPrice"] == 145.0 and frame.attrs["SelectedED"]["day"] == 17


def test_calls_only_chain_has_no_put_rows():
    only_calls = {"OptionChainResponse": {"OptionPair": [{"Call": _option("CALL", 150.0)}]}}
    session, _ = make_session(ok(only_calls))
    frame = session.option_chain("IBM", chain_type="call", as_frame=True)
    assert list(frame.index) == ["IBM---180817C00150000"]


def test_expirations_and_lookup():
    dates = {
        "OptionExpireDateResponse": {
            "ExpirationDate": [
                {"year": 2018, "month": 8, "day": 17, "expiryType": "MONTHLY"},
                {"year": 2018, "month": 8, "day": 24, "expiryType": "WEEKLY"},
            ]
        }
    }
    found = {
        "LookupResponse": {
            "Data": {"symbol": "AAPL", "description": "APPLE INC COM", "type": "EQUITY"}
        }
    }
    session, adapter = make_session(ok(dates), ok(found))
    frame = session.option_expirations("AAPL", expiry_type="weekly", as_frame=True)
    assert [d.date() for d in frame.index] == [date(2018, 8, 17), date(2018, 8, 24)]
    assert query(adapter.sent[0]) == {"symbol": "AAPL", "expiryType": "WEEKLY"}
    assert session.lookup("Apple Inc") == [found["LookupResponse"]["Data"]]
    assert path(adapter.sent[1]) == "/v1/market/lookup/Apple%20Inc.json"


def test_quotes_send_the_detail_flag_and_flatten_each_block():
    doc = {
        "QuoteResponse": {
            "QuoteData": [
                {
                    "dateTimeUTC": 1_780_408_800,
                    "quoteStatus": "DELAYED",
                    "ahFlag": "false",
                    "Option": {"bid": 2.4, "ask": 2.5, "OptionGreeks": {"delta": 0.45, "iv": 0.3}},
                    "Product": {
                        "symbol": "AAPL",
                        "securityType": "OPTN",
                        "callPut": "CALL",
                        "expiryYear": 2026,
                        "expiryMonth": 6,
                        "expiryDay": 19,
                        "strikePrice": 190,
                    },
                }
            ],
            "Messages": {
                "Message": {
                    "description": "XYZ is not a valid symbol",
                    "code": 1019,
                    "type": "WARNING",
                }
            },
        }
    }
    session, adapter = make_session(ok(doc))
    frame = session.quotes(
        "AAPL:2026:6:19:CALL:190,XYZ", "options", skip_mini_options_check=True, as_frame=True
    )
    assert query(adapter.sent[0]) == {"detailFlag": "OPTIONS", "skipMiniOptionsCheck": "true"}
    assert list(frame.index) == ["AAPL:2026:6:19:CALL:190.000000"]
    assert frame.iloc[0]["delta"] == 0.45 and not frame.iloc[0]["ahFlag"]
    assert str(frame["dateTimeUTC"].dt.tz) == "UTC"  # what its name says
    assert frame.iloc[0]["dateTimeUTC"].isoformat() == "2026-06-02T14:00:00+00:00"
    assert frame.attrs["messages"][0]["code"] == 1019
    with pytest.raises(ConfigurationError, match="detail='QUICK' is not one of ALL"):
        session.quotes("AAPL", "QUICK")


def test_alerts_empty_inbox_list_frame_details_and_delete():
    empty = (404, '{"Error":{"code":53,"message":"No alerts found"}}')
    alerts = {
        "AlertsResponse": {
            "totalAlerts": 2,
            "Alert": [
                {
                    "id": 6773,
                    "createTime": 1_529_563_499,
                    "subject": "AAPL up 5%",
                    "status": "UNREAD",
                },
                {"id": 6774, "createTime": 1_529_563_500, "subject": "Deposit", "status": "READ"},
            ],
        }
    }
    session, adapter = make_session(
        empty,
        ok(alerts),
        ok({"AlertDetailsResponse": {"id": 6773, "msgText": "text"}}),
        ok({"AlertsResponse": {"result": "SUCCESS"}}),
        *[(500, '{"Error":{"code":300,"message":"Alerts are unavailable"}}')] * 4,
    )
    assert session.alerts() == []
    frame = session.alerts(status="unread", direction="desc", search="AAPL", as_frame=True)
    assert query(adapter.sent[1]) == {
        "count": "300",
        "status": "UNREAD",
        "direction": "DESC",
        "search": "AAPL",
    }
    assert list(frame.index) == [6773, 6774] and eastern_times(frame["createTime"])
    assert session.alert(6773)["msgText"] == "text"
    assert query(adapter.sent[2]) == {"htmlTags": "false"}
    assert session.delete_alerts([6773, "6774"]) == {"result": "SUCCESS"}
    assert adapter.sent[3].method == "DELETE"
    assert path(adapter.sent[3]) == "/v1/user/alerts/6773,6774.json"
    with pytest.raises(ConfigurationError, match="positive numbers"):
        session.delete_alerts(["abc"])
    with pytest.raises(ServiceUnavailableError, match="HTTP 500"):
        session.alerts()  # a GET: retried, then reported; never an empty inbox
