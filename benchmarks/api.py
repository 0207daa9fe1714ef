"""API helpers: calls per listing (paging, quote batching) and DataFrame construction cost.

- 2,000 transactions in ceil(2000/50) calls (E*TRADE's page is at most 50), on an in-process
  transport with exactly 2,000 rows and on the emulator's two years of history;
- a 200-position portfolio with quotes in ceil(200/50) quote calls (in process, and the
  emulator's largest portfolio);
- frames for a 5,000-row transaction list and a 5,000-option chain within 1.5x of
  ``pandas.json_normalize`` on the same JSON (measured interleaved, same run).
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timedelta

import pandas as pd

from etrade_nb.api.frames import option_chain_frame, transactions_frame
from etrade_nb.oauth.tokens import EASTERN

from .harness import Row, interleaved, ratio
from .live import Live
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


def _emulator_calls(live: Live) -> list[Row]:
    """The same counts against the emulator: its busiest history and largest portfolio."""
    session, stats = live.session, live.emulator.stats

    def count(fragment: str) -> int:
        return sum(n for k, n in dict(stats.requests_by_path).items() if fragment in k)

    accounts = [a for a in session.accounts() if a.get("accountStatus") != "CLOSED"]
    today = datetime.now(EASTERN).date()
    start = today - timedelta(days=729)  # two years, E*TRADE's documented history
    best: tuple[int, int, str] = (0, 0, "")
    for account in accounts:
        before = count("/transactions")
        rows = len(session.transactions(account["accountIdKey"], start, today, limit=None))
        best = max(best, (rows, count("/transactions") - before, account["accountId"]))
    rows, tx_calls, tx_account = best
    sizes = {
        a["accountIdKey"]: sum(
            len(p.get("Position", []))
            for p in session.portfolio(a["accountIdKey"])["AccountPortfolio"]
        )
        for a in accounts
    }
    largest = max(sizes, key=lambda k: sizes[k])
    before = count("/v1/market/quote/")
    start_t = time.perf_counter()
    frame = session.portfolio(largest, as_frame=True, with_quotes=True)
    wall = time.perf_counter() - start_t
    q_calls = count("/v1/market/quote/") - before
    symbols = frame["quoteSymbol"].nunique()
    return [
        Row(
            "api calls",
            f"emulator: transactions, {rows} rows (account {tx_account})",
            float(tx_calls),
            unit="calls",
            ratio=ratio(tx_calls, math.ceil(rows / 50)),
            baseline=f"ceil({rows}/50) = {math.ceil(rows / 50)}",
            target=1.0,
        ),
        Row(
            "api calls",
            f"emulator: portfolio of {len(frame)} with quotes",
            float(q_calls),
            unit="calls",
            ratio=ratio(q_calls, math.ceil(symbols / 50)),
            baseline=f"ceil({symbols}/50) = {math.ceil(symbols / 50)}",
            target=1.0,
            note=f"{symbols} distinct quote symbols; {wall * 1e3:.0f} ms at the session's "
            "market rate limit",
        ),
    ]


def run(live: Live, *, rounds: int, per_round: int) -> list[Row]:
    calls = _calls(max(1, rounds // 3)) + _emulator_calls(live)
    return calls + _frames(rounds=max(3, rounds // 2), per_round=per_round)
