"""API helpers: calls per listing (paging, quote batching) and DataFrame construction cost.

- 2,000 transactions in ceil(2000/50) calls (E*TRADE's page is at most 50);
- a 200-position portfolio with quotes in ceil(200/50) quote calls;
- frames for a 5,000-row transaction list and a 5,000-option chain within 1.5x of
  ``pandas.json_normalize`` on the same JSON (measured interleaved, same run).
"""

from __future__ import annotations

import math
import time

import pandas as pd

from etrade_nb.api.frames import option_chain_frame, transactions_frame

from .harness import Row, interleaved, ratio
from .synthetic import KEY, PagingAdapter, option_chain, session_on, transactions

HISTORY = 2000
POSITIONS = 200
FRAME_ROWS = 5000


def _calls(rounds: int) -> list[Row]:
    adapter = PagingAdapter(transactions=HISTORY, positions_count=POSITIONS)
    session = session_on(adapter)
    session.accounts()  # resolve the account once, outside the counts
    walls = []
    for _ in range(rounds):
        adapter.calls.clear()
        start = time.perf_counter()
        rows = session.transactions(KEY, limit=None)
        walls.append(time.perf_counter() - start)
        if len(rows) != HISTORY:
            raise RuntimeError(f"expected {HISTORY} transactions, got {len(rows)}")
    tx_calls, tx_floor = adapter.calls["transactions"], math.ceil(HISTORY / 50)
    adapter.calls.clear()
    start = time.perf_counter()
    frame = session.portfolio(KEY, as_frame=True, with_quotes=True)
    pf_wall = time.perf_counter() - start
    if len(frame) != POSITIONS or frame["quote.lastTrade"].isna().any():
        raise RuntimeError("the portfolio frame lacks positions or quotes")
    q_calls, q_floor = adapter.calls["quotes"], math.ceil(POSITIONS / 50)
    return [
        Row(
            "api calls",
            f"transactions, {HISTORY} rows",
            float(tx_calls),
            unit="calls",
            ratio=ratio(tx_calls, tx_floor),
            baseline=f"ceil({HISTORY}/50) = {tx_floor}",
            target=1.0,
            note=f"median {sorted(walls)[len(walls) // 2] * 1e3:.0f} ms for all pages "
            "(in-process transport: client cost only)",
        ),
        Row(
            "api calls",
            f"portfolio of {POSITIONS} with quotes",
            float(q_calls),
            unit="calls",
            ratio=ratio(q_calls, q_floor),
            baseline=f"ceil({POSITIONS}/50) = {q_floor}",
            target=1.0,
            note=f"{adapter.calls['portfolio']} portfolio pages + {q_calls} quote calls, "
            f"{pf_wall * 1e3:.0f} ms",
        ),
    ]


def _frames(rounds: int, per_round: int) -> list[Row]:
    txs = transactions(FRAME_ROWS)
    chain = option_chain(FRAME_ROWS)["OptionChainResponse"]
    pairs = chain["OptionPair"]
    built = option_chain_frame(chain)
    if len(built) != FRAME_ROWS or len(transactions_frame(txs)) != FRAME_ROWS:
        raise RuntimeError("frame builders lost rows")
    med = interleaved(
        {
            "tx": lambda: transactions_frame(txs),
            "tx_normalize": lambda: pd.json_normalize(txs),
            "chain": lambda: option_chain_frame(chain),
            "chain_normalize": lambda: pd.json_normalize(pairs),
        },
        rounds=rounds,
        per_round=per_round,
    )
    return [
        Row(
            "frames",
            f"transactions_frame, {FRAME_ROWS} rows",
            med["tx"] * 1e3,
            ratio=ratio(med["tx"], med["tx_normalize"]),
            baseline="json_normalize",
            target=1.5,
            note="typed: datetimes (ET), floats, transactionId index",
        ),
        Row(
            "frames",
            f"option_chain_frame, {FRAME_ROWS} options",
            med["chain"] * 1e3,
            ratio=ratio(med["chain"], med["chain_normalize"]),
            baseline="json_normalize",
            target=1.5,
            note="long format (one row per call/put), greeks as columns, osiKey index",
        ),
        Row("frames", "pandas.json_normalize, transactions", med["tx_normalize"] * 1e3),
        Row("frames", "pandas.json_normalize, option pairs", med["chain_normalize"] * 1e3),
    ]


def run(*, rounds: int, per_round: int) -> list[Row]:
    return _calls(max(1, rounds // 3)) + _frames(rounds=max(3, rounds // 2), per_round=per_round)
