"""User alerts: list, details, delete against the reference's shapes (§2.19-2.21)."""

from __future__ import annotations

import pytest

from .conftest import FORMATS, checked

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("fmt", FORMATS)
def test_alert_list_and_details(api, fmt):
    body = checked(api.get("/v1/user/alerts", fmt), "alerts", fmt)
    if fmt == "xml":
        first = body.find("Alert").findtext("id")
    else:
        times = [a["createTime"] for a in body["Alert"]]
        assert times == sorted(times, reverse=True)  # DESC by default
        first = body["Alert"][0]["id"]
    details = checked(api.get(f"/v1/user/alerts/{first}", fmt), "alert", fmt)
    if fmt != "xml":
        assert "<" not in details["msgText"] and details["readTime"] > 0
    details = checked(api.get(f"/v1/user/alerts/{first}", fmt, params={"htmlTags": "true"}),
                      "alert", fmt)  # fmt: skip
    if fmt != "xml":
        assert "<" in details["msgText"]


def test_alert_filters(api):
    body = checked(api.get("/v1/user/alerts", params={"category": "STOCK", "direction": "ASC",
                                                      "count": 3}), "alerts", "json")  # fmt: skip
    assert len(body["Alert"]) == 3
    assert [a["createTime"] for a in body["Alert"]] == sorted(
        a["createTime"] for a in body["Alert"]
    )
    body = checked(api.get("/v1/user/alerts", params={"search": "deposit"}), "alerts", "json")
    assert [a["subject"] for a in body["Alert"]] == ["Deposit received"]
    reply = api.get("/v1/user/alerts", params={"search": "nothing like this"})
    assert checked(reply, "error", "json", 404)["code"] == 53
    assert api.get("/v1/user/alerts", params={"count": "301"}).status_code == 400
    assert checked(api.get("/v1/user/alerts/0"), "error", "json", 400)["code"] == 499


@pytest.mark.parametrize("fmt", FORMATS)
def test_delete_alerts(api, fmt):
    listed = checked(api.get("/v1/user/alerts", params={"status": "READ"}), "alerts", "json")
    ids = [a["id"] for a in listed["Alert"]][:2]
    if len(ids) < 2:
        listed = checked(api.get("/v1/user/alerts", params={"status": "UNREAD"}), "alerts", "json")
        ids = [a["id"] for a in listed["Alert"]][:2]
    path = "/v1/user/alerts/" + ",".join(str(i) for i in ids)
    body = checked(api.call("DELETE", path, fmt), "delete_alerts", fmt)
    result = body.findtext("result") if fmt == "xml" else body["result"]
    assert result == "SUCCESS"
    body = checked(api.call("DELETE", path, fmt), "delete_alerts", fmt)  # already deleted
    if fmt != "xml":
        assert body == {"result": "ERROR", "failedAlerts": {"alertId": ids}}
    deleted = checked(api.get("/v1/user/alerts", params={"status": "DELETED"}), "alerts", "json")
    assert set(ids) <= {a["id"] for a in deleted["Alert"]}
