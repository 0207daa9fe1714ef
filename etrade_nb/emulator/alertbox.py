"""The alert inbox the emulator keeps: seeded alerts with read/deleted state."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

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
