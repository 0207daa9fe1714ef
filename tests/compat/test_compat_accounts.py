"""Accounts, balance, portfolio, lots, transactions: shapes checked against the reference."""

from __future__ import annotations

import pytest

from .conftest import FORMATS, MAIN, checked

pytestmark = pytest.mark.timeout(120)
TRADER = "6Hq1Pq5rB3yK0Vf9ZtWc2g"  # the 210-position account
CLOSED = "Xk2mW8vR4nT0bY6cJ1dQ3A"


def _keys(api):
    doc = checked(api.get("/v1/accounts/list"), "accounts", "json")
    return {a["accountIdKey"]: a for a in doc["Accounts"]["Account"]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_account_list(api, fmt):
    body = checked(api.get("/v1/accounts/list", fmt), "accounts", fmt)
    if fmt == "xml":
        assert len(body.findall("Accounts/Account")) >= 3
    else:
        statuses = {a["accountStatus"] for a in body["Accounts"]["Account"]}
        assert statuses == {"ACTIVE", "CLOSED"}  # closed accounts are listed [SBX-WET]


@pytest.mark.parametrize("fmt", FORMATS)
def test_balance_of_every_account(api, fmt):
    for key, account in _keys(api).items():
        params = {"instType": account["institutionType"], "realTimeNAV": "true"}
        reply = api.get(f"/v1/accounts/{key}/balance", fmt, params=params)
        checked(reply, "balance", fmt)
    reply = api.get(f"/v1/accounts/{MAIN}/balance", fmt)  # instType is required
    error = checked(reply, "error", fmt, status=400)
    code = error.findtext("code") if fmt == "xml" else error["code"]
    assert int(code) == 7002


@pytest.mark.parametrize(
    "view", ["QUICK", "PERFORMANCE", "FUNDAMENTAL", "OPTIONSWATCH", "COMPLETE"]
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_portfolio_views(api, fmt, view):
    reply = api.get(f"/v1/accounts/{MAIN}/portfolio", fmt, params={"view": view})
    body = checked(reply, "portfolio", fmt)
    block = {"QUICK": "Quick", "PERFORMANCE": "Performance", "FUNDAMENTAL": "Fundamental",
             "OPTIONSWATCH": "OptionsWatch", "COMPLETE": "Complete"}[view]  # fmt: skip
    if fmt == "xml":
        positions = body.findall("AccountPortfolio/Position")
        assert positions and all(p.find(block) is not None for p in positions)
        assert all(p.findtext("lotsDetails").endswith(p.findtext("positionId")) for p in positions)
        return
    positions = body["AccountPortfolio"][0]["Position"]
    assert all(block in p for p in positions)
    kinds = {p["Product"]["securityType"] for p in positions}
    assert kinds == {"EQ", "OPTN"}
    assert any(p["positionType"] == "SHORT" and p["quantity"] < 0 for p in positions)
    # URLs inside the answer keep the requested format (reference §1.2)
    assert all(p["lotsDetails"].endswith(".json") == (fmt == "json") for p in positions)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_portfolio_pages_follow_next(api, fmt):
    url = api.url(f"/v1/accounts/{TRADER}/portfolio", fmt)
    seen, pages = [], 0
    while url and pages < 10:
        body = checked(api.follow(url, fmt), "portfolio", fmt)
        pages += 1
        if fmt == "xml":
            entry = body.find("AccountPortfolio")
            seen += [p.findtext("positionId") for p in entry.findall("Position")]
            url = entry.findtext("next")
            total = int(entry.findtext("totalPages"))
        else:
            entry = body["AccountPortfolio"][0]
            seen += [str(p["positionId"]) for p in entry["Position"]]
            url = entry.get("next")
            total = entry["totalPages"]
    assert pages == total == 5  # 213 positions, 50 a page (the default count)
    assert len(seen) == len(set(seen)) == 213


def test_portfolio_totals_lots_and_sort(api):
    reply = api.get(f"/v1/accounts/{MAIN}/portfolio", params={
        "totalsRequired": "true", "lotsRequired": "true", "sortBy": "MARKET_VALUE",
        "sortOrder": "ASC", "count": "4",
    })  # fmt: skip
    body = checked(reply, "portfolio", "json")
    assert "Totals" in body
    positions = body["AccountPortfolio"][0]["Position"]
    values = [p["marketValue"] for p in positions]
    assert values == sorted(values) and len(values) == 4
    assert all(p["positionLot"] for p in positions)
    # an unknown or misspelt parameter is ignored, as E*TRADE does, and reported in a header
    reply = api.get(f"/v1/accounts/{MAIN}/portfolio", params={"veiw": "QUICK"})
    checked(reply, "portfolio", "json")
    assert reply.headers["X-Emulator-Ignored"] == "veiw"
    assert api.emu.log[-1].ignored == ("veiw",)
    reply = api.get(f"/v1/accounts/{MAIN}/portfolio", params={"view": "SLOW"})
    assert reply.status_code == 400


def test_empty_portfolio_is_204(api):
    reply = api.get(f"/v1/accounts/{CLOSED}/portfolio")
    assert reply.status_code == 204 and reply.content == b""


@pytest.mark.parametrize("fmt", FORMATS)
def test_position_lots_from_lots_details(api, fmt):
    doc = checked(api.get(f"/v1/accounts/{MAIN}/portfolio"), "portfolio", "json")
    position = doc["AccountPortfolio"][0]["Position"][0]
    url = position["lotsDetails"].removesuffix(".json") + (".json" if fmt == "json" else "")
    body = checked(api.follow(url, fmt), "lots", fmt)
    if fmt != "xml":
        assert sum(lot["remainingQty"] for lot in body["PositionLot"]) == position["quantity"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_transactions_pages_and_details(api, fmt):
    url = api.url(f"/v1/accounts/{MAIN}/transactions", fmt)
    total, count, pages, first = None, 0, 0, None
    while url and pages < 60:
        body = checked(api.follow(url, fmt), "transactions", fmt)
        pages += 1
        if fmt == "xml":
            count += len(body.findall("Transaction"))
            total = int(body.findtext("totalCount"))
            url = body.findtext("next")
            first = first or body.find("Transaction").findtext("detailsURI")
        else:
            count += len(body["Transaction"])
            total = body["totalCount"]
            assert body["moreTransactions"] == ("next" in body)
            url = body.get("next")
            first = first or body["Transaction"][0]["detailsURI"]
    assert total is not None and total >= 2000 and count == total  # two years, many pages
    assert pages == -(-total // 50)
    checked(api.follow(first, fmt), "transaction", fmt)


def test_transactions_filters_and_errors(api):
    path = f"/v1/accounts/{MAIN}/transactions"
    doc = checked(api.get(path, params={"count": "5", "sortOrder": "ASC"}), "transactions", "json")
    dates = [t["transactionDate"] for t in doc["Transaction"]]
    assert dates == sorted(dates) and doc["transactionCount"] == 5
    assert doc["marker"] == f"{doc['Transaction'][-1]['transactionId']}_{dates[-1] // 1000}"
    for params, code in [
        ({"count": "51"}, 2005), ({"startDate": "2024-01-01"}, 2004),
        ({"sortOrder": "UP"}, 2007), ({"startDate": "01012001", "endDate": "01022001"}, 2003),
    ]:  # fmt: skip
        error = checked(api.get(path, params=params), "error", "json", 400)
        assert error["code"] == code, params
    reply = api.get("/v1/accounts/nope/transactions")
    assert checked(reply, "error", "json", 400)["code"] == 102
