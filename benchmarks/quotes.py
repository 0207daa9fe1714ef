"""Market data: 500 quotes through ``Session.quotes`` (50 per call) vs one call per symbol."""

from __future__ import annotations

import math
import statistics
import time

from etrade_nb.api.ratelimit import RateLimiter
from etrade_nb.api.session import QUOTE_BATCH_OVERRIDE

from .harness import Row, interleaved, ratio
from .live import Live

SYMBOLS = [f"SYM{i}" for i in range(500)]


def _quote_calls(live: Live) -> int:
    counts = dict(live.emulator.stats.requests_by_path)
    return sum(n for key, n in counts.items() if key.startswith("GET /v1/market/quote/"))


def _timed_quotes(live: Live, limiter: RateLimiter | None) -> tuple[float, int]:
    session = live.session
    session.market_limiter = limiter
    before = _quote_calls(live)
    start = time.perf_counter()
    quotes = session.quotes(SYMBOLS)
    wall = time.perf_counter() - start
    if len(quotes) != len(SYMBOLS):
        raise RuntimeError(f"expected {len(SYMBOLS)} quotes, got {len(quotes)}")
    return wall, _quote_calls(live) - before


def run(live: Live, *, rounds: int) -> list[Row]:
    session = live.session
    saved = session.market_limiter
    rate = saved.rate if saved is not None else 4.0
    floor_calls = math.ceil(len(SYMBOLS) / QUOTE_BATCH_OVERRIDE)
    batch = ",".join(SYMBOLS[:QUOTE_BATCH_OVERRIDE])
    params = {"detailFlag": "ALL", "overrideSymbolCount": "true"}
    one = interleaved(
        {"one": lambda: session.get(f"/v1/market/quote/{batch}", params=params)},
        rounds=rounds,
        per_round=5,
    )["one"]
    floor = floor_calls * one  # the same number of calls, one after another, no waiting
    try:
        limited = [_timed_quotes(live, RateLimiter(rate)) for _ in range(rounds)]
        unlimited = [_timed_quotes(live, None) for _ in range(rounds)]
        session.market_limiter = None
        before = _quote_calls(live)
        start = time.perf_counter()
        for symbol in SYMBOLS:
            session.get(f"/v1/market/quote/{symbol}", params={"detailFlag": "ALL"})
        single_wall, single_calls = time.perf_counter() - start, _quote_calls(live) - before
    finally:
        session.market_limiter = saved
    lim_wall = statistics.median(w for w, _ in limited)
    unl_wall = statistics.median(w for w, _ in unlimited)
    floor_note = f"floor = {floor_calls} sequential 50-symbol calls = {floor * 1e3:.1f} ms"
    return [
        Row(
            "500 quotes",
            f"Session.quotes, rate_limit={rate:g}/s (default)",
            lim_wall * 1e3,
            ratio=ratio(lim_wall, floor),
            baseline=f"{floor_calls} round trips",
            note=f"{limited[0][1]} calls; the limit, not the network, sets the pace "
            f"(at most {rate:g} calls in any second)",
            extra={"calls": limited[0][1]},
        ),
        Row(
            "500 quotes",
            "Session.quotes, unlimited",
            unl_wall * 1e3,
            ratio=ratio(unl_wall, floor),
            baseline=f"{floor_calls} round trips",
            note=f"{unlimited[0][1]} calls, 2 workers; {floor_note}",
            extra={"calls": unlimited[0][1]},
        ),
        Row(
            "500 quotes",
            "one GET per symbol, unlimited",
            single_wall * 1e3,
            ratio=ratio(single_wall, floor),
            baseline=f"{floor_calls} round trips",
            note=f"{single_calls} calls; at E*TRADE's 4/s market limit this would take "
            f"{len(SYMBOLS) / 4:.0f} s",
            extra={"calls": single_calls},
        ),
    ]
