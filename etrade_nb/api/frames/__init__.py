"""pandas DataFrames from E*TRADE documents (optional: ``pip install 'etrade-nb[pandas]'``).

Every builder works column-wise (``json_normalize``, ``to_datetime``, ``to_numeric``): epoch
times become datetimes in America/New_York, money becomes ``float64``, and each frame has an
index that names its rows (``accountIdKey``, ``positionId``, ``transactionId``, ``osiKey``…).
pandas is imported only when a frame is built.
"""

from __future__ import annotations

from .accounts import accounts_frame, lots_frame, positions_frame, transactions_frame
from .core import TIMEZONE
from .market import expirations_frame, lookup_frame, option_chain_frame, quotes_frame
from .orders import alerts_frame, orders_frame

__all__ = [
    "TIMEZONE",
    "accounts_frame",
    "alerts_frame",
    "expirations_frame",
    "lookup_frame",
    "lots_frame",
    "option_chain_frame",
    "orders_frame",
    "positions_frame",
    "quotes_frame",
    "transactions_frame",
]
