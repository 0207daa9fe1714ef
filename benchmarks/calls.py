"""Signed-call overhead: ``Session.get`` vs requests-oauthlib's ``OAuth1Session`` (and pyetrade)."""

from __future__ import annotations

from collections.abc import Callable

import requests
from requests_oauthlib import OAuth1Session

from .harness import Row, interleaved, ratio
from .live import Live

PATH = "/v1/accounts/list"


def _peer_oauth1(live: Live) -> Callable[[], None]:
    peer = OAuth1Session(**live.credentials)
    url = live.emulator.url + PATH + ".json"

    def call() -> None:
        response = peer.get(url, headers={"Accept": "application/json"}, timeout=30)
        response.raise_for_status()
        response.json()

    return call


def _floor(live: Live) -> Callable[[], None]:
    plain = requests.Session()
    url = live.emulator.url + "/no-such-page"  # unsigned: the emulator's 404 page

    def call() -> None:
        plain.get(url, timeout=30).content  # noqa: B018

    return call


def _pyetrade(live: Live) -> tuple[Callable[[], None] | None, str]:
    try:
        import pyetrade
    except Exception as exc:  # not installed, or broken by its pinned dependencies
        return None, f"pyetrade not measured ({type(exc).__name__}: {exc})"
    accounts = pyetrade.ETradeAccounts(**live.credentials, dev=True)
    accounts.base_url = live.emulator.url + "/v1/accounts"

    def call() -> None:
        accounts.list_accounts(resp_format="json")

    return call, f"pyetrade {getattr(pyetrade, '__version__', '?')} ETradeAccounts.list_accounts"


def run(live: Live, *, rounds: int, per_round: int) -> list[Row]:
    session = live.session
    contenders: dict[str, Callable[[], None]] = {
        "etrade_nb": lambda: session.get(PATH),
        "OAuth1Session": _peer_oauth1(live),
        "floor": _floor(live),
    }
    pyetrade_call, pyetrade_note = _pyetrade(live)
    if pyetrade_call is not None:
        contenders["pyetrade"] = pyetrade_call
    for fn in contenders.values():  # warm up connections and caches
        fn()
    med = interleaved(contenders, rounds=rounds, per_round=per_round)
    base = med["OAuth1Session"]
    rows = [
        Row(
            "signed GET",
            "etrade_nb Session.get",
            med["etrade_nb"] * 1e3,
            ratio=ratio(med["etrade_nb"], base),
            baseline="OAuth1Session",
            target=1.05,
            note=f"{rounds} interleaved rounds x {per_round} sequential GETs {PATH}",
        ),
        Row("signed GET", "requests-oauthlib OAuth1Session", base * 1e3, ratio=1.0),
        Row(
            "signed GET",
            "unsigned loopback round trip (floor)",
            med["floor"] * 1e3,
            ratio=ratio(med["floor"], base),
            baseline="OAuth1Session",
        ),
    ]
    if pyetrade_call is not None:
        rows.append(
            Row(
                "signed GET",
                "pyetrade",
                med["pyetrade"] * 1e3,
                ratio=ratio(med["pyetrade"], base),
                baseline="OAuth1Session",
                note=pyetrade_note,
            )
        )
    else:
        rows.append(Row("signed GET", "pyetrade", float("nan"), note=pyetrade_note))
    return rows
