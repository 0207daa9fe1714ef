"""Quotes, lookup, option expire dates and option chains against the reference's shapes."""

from __future__ import annotations

import pytest

from .conftest import FORMATS, checked

pytestmark = pytest.mark.timeout(120)
FLAGS = ("ALL", "FUNDAMENTAL", "INTRADAY", "OPTIONS", "WEEK_52", "MF_DETAIL")
BLOCKS = {"ALL": "All", "FUNDAMENTAL": "Fundamental", "INTRADAY": "Intraday",
          "OPTIONS": "Option", "WEEK_52": "Week52", "MF_DETAIL": "MutualFund"}  # fmt: skip


def _code(error, fmt):
    return int(error.findtext("code")) if fmt == "xml" else error["code"]


def _expiries(api, symbol="AAPL"):
    body = checked(
        api.get("/v1/market/optionexpiredate", params={"symbol": symbol}), "expiries", "json"
    )
    return body["ExpirationDate"]


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_quote_detail_blocks(api, fmt, flag):
    reply = api.get("/v1/market/quote/AAPL,BRK.B,VFIAX", fmt, params={"detailFlag": flag})
    body = checked(reply, "quotes", fmt)
    block = BLOCKS[flag]
    if fmt == "xml":
        quotes = body.findall("QuoteData")
        assert len(quotes) == 3 and all(q.find(block) is not None for q in quotes)
    else:
        assert all(block in q for q in body["QuoteData"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_quote_all_uses_primary_exchange_and_option_symbols(api, fmt):
    e = _expiries(api)[0]
    option = f"AAPL:{e['year']}:{e['month']}:{e['day']}:CALL:150.000000"
    params = {"requireEarningsDate": "true", "skipMiniOptionsCheck": "false"}
    reply = api.get(f"/v1/market/quote/MSFT,{option}", fmt, params=params)
    body = checked(reply, "quotes", fmt)
    if fmt == "xml":
        assert body.find("QuoteData/All/primaryExchange") is not None
        return
    stock, contract = body["QuoteData"]
    assert "exchange" not in stock["All"] and stock["All"]["primaryExchange"]
    assert stock["hasMiniOptions"] is False and stock["All"]["nextEarningDate"]
    assert contract["Product"]["securityType"] == "OPTN" and contract["All"]["osiKey"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_quote_errors(api, fmt):
    symbols = ",".join(f"S{i}" for i in range(26))
    error = checked(api.get(f"/v1/market/quote/{symbols}", fmt), "error", fmt, 400)
    assert _code(error, fmt) == 1023
    symbols = ",".join(f"S{i}" for i in range(51))
    reply = api.get(f"/v1/market/quote/{symbols}", fmt, params={"overrideSymbolCount": "true"})
    assert _code(checked(reply, "error", fmt, 400), fmt) == 1025
    reply = api.get("/v1/market/quote/AAPL", fmt, params={"detailFlag": "EVERYTHING"})
    assert _code(checked(reply, "error", fmt, 400), fmt) == 1020
    body = checked(api.get("/v1/market/quote/AAPL,ZZZZZZ", fmt), "quotes", fmt)
    if fmt != "xml":
        assert body["Messages"]["Message"][0]["code"] == 1019
    # pyetrade's lower-case detailflag is ignored, as E*TRADE ignores it, and reported
    reply = api.get("/v1/market/quote/AAPL", fmt, params={"detailflag": "INTRADAY"})
    checked(reply, "quotes", fmt)
    assert reply.headers["X-Emulator-Ignored"] == "detailflag"
    assert "Intraday" not in reply.text and "All" in reply.text  # detailFlag's default, ALL
    # strict mode refuses it by name, with a hint
    api.emu.strict = True
    try:
        reply = api.get("/v1/market/quote/AAPL", fmt, params={"detailflag": "ALL"})
    finally:
        api.emu.strict = False
    error = checked(reply, "error", fmt, 400)
    message = error.findtext("message") if fmt == "xml" else error["message"]
    assert "Did you mean detailFlag?" in message


@pytest.mark.parametrize("fmt", FORMATS)
def test_lookup(api, fmt):
    body = checked(api.get("/v1/market/lookup/apple", fmt), "lookup", fmt)
    if fmt != "xml":
        assert body["Data"] == [
            {"symbol": "AAPL", "description": "APPLE INC COM", "type": "EQUITY"}
        ]
    body = checked(api.get("/v1/market/lookup/no%20such%20company", fmt), "lookup", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_option_expire_dates(api, fmt):
    reply = api.get("/v1/market/optionexpiredate", fmt, params={"symbol": "SPY"})
    body = checked(reply, "expiries", fmt)
    if fmt != "xml":
        kinds = {e["expiryType"] for e in body["ExpirationDate"]}
        assert {"WEEKLY", "MONTHLY", "QUARTERLY", "DAILY"} <= kinds
    reply = api.get(
        "/v1/market/optionexpiredate", fmt, params={"symbol": "SPY", "expiryType": "MONTHLY"}
    )
    body = checked(reply, "expiries", fmt)
    if fmt != "xml":
        assert {e["expiryType"] for e in body["ExpirationDate"]} == {"MONTHLY"}
    error = checked(api.get("/v1/market/optionexpiredate", fmt), "error", fmt, 400)
    assert _code(error, fmt) == 10043


@pytest.mark.parametrize("fmt", FORMATS)
def test_option_chains_over_several_expiries(api, fmt):
    monthly = [e for e in _expiries(api, "IBM") if e["expiryType"] == "MONTHLY"][:3]
    assert len(monthly) == 3
    for e in monthly:
        params = {"symbol": "IBM", "expiryYear": e["year"], "expiryMonth": f"{e['month']:02d}",
                  "expiryDay": e["day"], "noOfStrikes": 6, "includeWeekly": "true"}  # fmt: skip
        body = checked(api.get("/v1/market/optionchains", fmt, params=params), "chain", fmt)
        if fmt == "xml":
            assert len(body.findall("OptionPair")) == 6
            assert body.findtext("SelectedED/day") == str(e["day"])
            continue
        assert body["SelectedED"] == {"day": e["day"], "month": e["month"], "year": e["year"]}
        pairs = body["OptionPair"]
        assert len(pairs) == 6 and all({"Call", "Put"} == set(p) for p in pairs)
        calls = [p["Call"]["OptionGreeks"]["delta"] for p in pairs]
        assert calls == sorted(calls, reverse=True) and all(0 <= d <= 1 for d in calls)


def test_option_chain_filters_and_errors(api):
    params = {"symbol": "AAPL", "chainType": "PUT", "priceType": "ALL"}
    body = checked(api.get("/v1/market/optionchains", params=params), "chain", "json")
    assert all(set(p) == {"Put"} for p in body["OptionPair"]) and len(body["OptionPair"]) > 20
    for params, code in [
        ({"symbol": "AAPL", "optionCategory": "MINI"}, 10038),
        ({"symbol": "AAPL", "expiryYear": "1999", "expiryMonth": "1", "expiryDay": "15"}, 10039),
        ({}, 10043),
    ]:  # fmt: skip
        error = checked(api.get("/v1/market/optionchains", params=params), "error", "json", 400)
        assert error["code"] == code, params
    # a misspelt parameter is ignored (and reported), as E*TRADE ignores it
    reply = api.get("/v1/market/optionchains", params={"symbol": "AAPL", "skipAdjust": "true"})
    checked(reply, "chain", "json")
    assert reply.headers["X-Emulator-Ignored"] == "skipAdjust"
