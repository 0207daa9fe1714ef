"""Login latency: ``start()`` + ``finish()`` vs two bare round trips (run this last: each
login replaces the session's token at the emulator)."""

from __future__ import annotations

import statistics
import time
from urllib.parse import parse_qs, urlsplit

import requests

from .harness import Row, interleaved, ratio
from .live import Live


def run(live: Live, *, rounds: int) -> list[Row]:
    flow, emu = live.flow, live.emulator
    plain = requests.Session()
    floor_url = emu.url + "/no-such-page"
    plain.get(floor_url, timeout=30)
    samples = []
    for _ in range(rounds * 3):
        start = time.perf_counter()
        url = flow.start(force=True)
        middle = time.perf_counter()
        code = emu.approve_token(parse_qs(urlsplit(url).query)["token"][0])  # the user, untimed
        resumed = time.perf_counter()
        flow.finish(code)
        samples.append((middle - start) + (time.perf_counter() - resumed))
    login = statistics.median(samples)
    floor = (
        2
        * interleaved(
            {"rt": lambda: plain.get(floor_url, timeout=30).content}, rounds=rounds, per_round=10
        )["rt"]
    )
    return [
        Row(
            "login",
            "OAuthFlow.start() + finish()",
            login * 1e3,
            ratio=ratio(login, floor),
            baseline="2 bare round trips",
            note=f"median of {len(samples)} logins (the user's approval is not timed); "
            f"2 unsigned round trips = {floor * 1e3:.3f} ms",
        )
    ]
