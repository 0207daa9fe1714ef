"""What every endpoint handler can reach: state, counters, order book, alerts, settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from .alertbox import AlertBox
from .orderbook import OrderBook
from .state import State, Stats


@dataclass
class Context:
    state: State
    stats: Stats = field(default_factory=Stats)
    orders: OrderBook = field(default_factory=OrderBook)
    alerts: AlertBox = field(default_factory=AlertBox)
    auto_approve: bool = False
    problem_header: bool = False  # also send WWW-Authenticate: OAuth ...oauth_problem=
    strict: bool = False  # refuse what E*TRADE ignores (see .leniency)
