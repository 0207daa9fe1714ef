"""User alerts: list, details, delete (reference §2.19-2.21), with read/deleted state."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .calls import Call
from .messages import ApiError

ERR_EMPTY = 53  # 404: no alerts [Dal]
ERR_ID = 499  # 400: alert id must be above zero [Dal]
_TAGS = re.compile(r"<[^>]+>")
_SEED = [  # (category, subject, symbol, html body)
    (
        "STOCK",
        "AAPL: price rose above 200.00",
        "AAPL",
        "<p>AAPL traded at <b>200.15</b>, above your 200.00 alert.</p>",
    ),
    (
        "ACCOUNT",
        "Your statement is ready",
        "",
        "<p>Your monthly <a href='#'>statement</a> is ready.</p>",
    ),
    (
        "STOCK",
        "MSFT: volume above 30,000,000",
        "MSFT",
        "<p>MSFT volume reached <b>31,204,400</b>.</p>",
    ),
    (
        "ACCOUNT",
        "Deposit received",
        "",
        "<p>We received your deposit of <b>$2,500.00</b>.</p>",
    ),
    (
        "STOCK",
        "TSLA: price fell below 240.00",
        "TSLA",
        "<p>TSLA traded at <b>239.80</b>, below your 240.00 alert.</p>",
    ),
    (
        "ACCOUNT",
        "Order executed: BUY 10 IBM",
        "",
        "<p>Your order to <b>BUY 10 IBM</b> was executed.</p>",
    ),
    (
        "STOCK",
        "GOOG: 52-week high",
        "GOOG",
        "<p>GOOG set a new <b>52-week high</b>.</p>",
    ),
    (
        "ACCOUNT",
        "Trade confirmation available",
        "",
        "<p>A trade confirmation is available.</p>",
    ),
    (
        "STOCK",
        "F: dividend declared",
        "F",
        "<p>Ford declared a dividend of <b>$0.15</b>.</p>",
    ),
    (
        "ACCOUNT",
        "Password changed",
        "",
        "<p>Your password was changed.</p>",
    ),
    (
        "STOCK",
        "IBM: earnings date announced",
        "IBM",
        "<p>IBM will report earnings soon.</p>",
    ),
    (
        "STOCK",
        "Café Holdings: S&P 500 +2%/week = new high",
        "SPY",
        "<p>The S&amp;P 500 rose <b>2%</b> this week.</p>",
    ),
    (
        "ACCOUNT",
        "Margin call resolved",
        "",
        "<p>Your margin call was <b>resolved</b>.</p>",
    ),
]


@dataclass
class Alert:
    id: int
    category: str
    subject: str
    symbol: str
    html: str
    create_time: int  # epoch seconds
    status: str = "UNREAD"
    read_time: int = 0
    delete_time: int = 0


@dataclass
class AlertBox:
    alerts: dict[int, Alert] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def seeded(self, now: float) -> dict[int, Alert]:
        """The inbox, filled on first use relative to ``now``; every third alert is read."""
        if not self.alerts:
            for i, (category, subject, symbol, html) in enumerate(_SEED):
                created = int(now) - (len(_SEED) - i) * 9 * 3600
                alert = Alert(6770 + i, category, subject, symbol, html, created)
                if i % 3 == 0:
                    alert.status, alert.read_time = "READ", created + 600
                self.alerts[alert.id] = alert
        return self.alerts


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
