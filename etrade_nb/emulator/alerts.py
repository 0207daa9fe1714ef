"""User alerts: list, details, delete (reference §2.19-2.21), with read/deleted state."""

from __future__ import annotations

import re
from typing import Any

from .alertbox import AlertBox
from .calls import Call
from .messages import ApiError

ERR_EMPTY = 53  # 404: no alerts [Dal]
ERR_ID = 499  # 400: alert id must be above zero [Dal]
_TAGS = re.compile(r"<[^>]+>")


def listing(call: Call) -> dict[str, Any]:
    q = call.query("count", "category", "status", "direction", "search")
    count = q.integer("count", 25, 1, 300)
    category = q.enum("category", ("STOCK", "ACCOUNT"))
    status = q.enum("status", ("READ", "UNREAD", "DELETED"))
    direction = q.enum("direction", ("ASC", "DESC"), "DESC")
    search = (q.text("search") or "").lower()
    box: AlertBox = call.ctx.alerts
    with box.lock:
        every = list(box.seeded(call.now).values())
        rows = [
            a
            for a in every
            if (category is None or a.category == category)
            and (a.status == status if status else a.status != "DELETED")
            and search in a.subject.lower()
        ]
        rows.sort(key=lambda a: (a.create_time, a.id), reverse=direction == "DESC")
        rows = rows[:count]
        if not rows:
            raise ApiError(404, ERR_EMPTY, "There are no alerts to show.")
        return {
            "AlertsResponse": {
                "totalAlerts": len(every),  # READ, UNREAD and DELETED [EJS]
                "Alert": [
                    {
                        "id": a.id,
                        "createTime": a.create_time,
                        "subject": a.subject,
                        "status": a.status,
                    }
                    for a in rows
                ],
            }
        }


def _id(text: str) -> int:
    if not text.lstrip("-").isdigit():
        raise ApiError(400, ERR_ID, f"Alert id {text!r} must be a number above zero.")
    number = int(text)
    if number <= 0:
        raise ApiError(400, ERR_ID, f"Alert id {number} must be above zero.")
    return number


def details(call: Call) -> dict[str, Any]:
    q = call.query("htmlTags")
    html = q.flag("htmlTags")
    wanted = _id(call.args["id"])
    box: AlertBox = call.ctx.alerts
    with box.lock:
        alerts = box.seeded(call.now)
        alert = alerts.get(wanted)
        if alert is None:
            raise ApiError(404, ERR_EMPTY, f"Alert {wanted} was not found.")
        if alert.status == "UNREAD":
            alert.status, alert.read_time = "READ", int(call.now)
        ids = sorted(a.id for a in alerts.values() if a.status != "DELETED" or a.id == wanted)
        at = ids.index(wanted)
        body: dict[str, Any] = {
            "id": alert.id,
            "createTime": alert.create_time,
            "subject": alert.subject,
            "msgText": alert.html if html else _TAGS.sub("", alert.html),
            "readTime": alert.read_time,
            "deleteTime": alert.delete_time,
        }
        if alert.symbol:
            body["symbol"] = alert.symbol
        body["next"] = call.url(f"/v1/user/alerts/{ids[at + 1]}") if at + 1 < len(ids) else ""
        body["prev"] = call.url(f"/v1/user/alerts/{ids[at - 1]}") if at > 0 else ""
    return {"AlertDetailsResponse": body}


def delete(call: Call) -> dict[str, Any]:
    call.query()
    wanted = [_id(part) for part in call.args["id"].split(",")]
    box: AlertBox = call.ctx.alerts
    failed = []
    with box.lock:
        alerts = box.seeded(call.now)
        for number in wanted:
            alert = alerts.get(number)
            if alert is None or alert.status == "DELETED":
                failed.append(number)
                continue
            alert.status, alert.delete_time = "DELETED", int(call.now)
    body: dict[str, Any] = {"result": "ERROR" if failed else "SUCCESS"}
    if failed:
        body["failedAlerts"] = {"alertId": failed}
    # Envelope name disputed (§2.21): the docs model's DeleteAlertsResponse is used;
    # etrade-cli and node-e-trade read AlertsResponse (unverified which production sends).
    return {"DeleteAlertsResponse": body}
