"""A Session on a scripted transport (tests/unit/fake_http.py) for the API helpers."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from etrade_nb import AccessToken, RetryPolicy, Session, resolve_environment
from etrade_nb.secret import Secret
from tests.unit.fake_http import FakeAdapter, fake_http

T0 = 1_780_408_800.0  # 2026-06-02 10:00 in New York

ACCOUNTS = {
    "AccountListResponse": {
        "Accounts": {
            "Account": [
                {
                    "accountId": "83405188",
                    "accountIdKey": "dBZOKt9xDrtRSAOl4MSiiA",
                    "accountDesc": "Individual Brokerage",
                    "accountStatus": "ACTIVE",
                    "institutionType": "BROKERAGE",
                    "closedDate": 0,
                },
                {
                    "accountId": "84010429",
                    "accountIdKey": "JIdOIAcSpwR1Jva7RQBraQ",
                    "accountDesc": "Roth IRA",
                    "accountStatus": "ACTIVE",
                    "institutionType": "BROKERAGE",
                    "closedDate": 0,
                },
            ]
        }
    }
}
KEY = "dBZOKt9xDrtRSAOl4MSiiA"


def eastern_times(column: Any) -> bool:
    """True if ``column`` holds tz-aware datetimes in America/New_York."""
    import pandas as pd

    dtype = column.dtype
    return isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "America/New_York"


def ok(doc: Any) -> tuple[int, str]:
    return (200, json.dumps(doc))


def query(request: Any) -> dict[str, str]:
    """The query parameters of a sent request."""
    return dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))


def path(request: Any) -> str:
    return urlsplit(request.url).path


def body(request: Any) -> Any:
    raw = request.body
    return json.loads(raw.decode() if isinstance(raw, bytes) else raw)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t


def make_session(*answers: Any, sandbox: bool = True) -> tuple[Session, FakeAdapter]:
    http, adapter = fake_http(*answers)
    session = Session(
        "ckey",
        "csecret",
        AccessToken("TOKEN+/=", Secret("TSECRET"), issued_at=T0),
        environment=resolve_environment(sandbox=sandbox, environ={}),
        http=http,
        clock=Clock(),
        retry=RetryPolicy(sleep=lambda s: None),
        rate_limit=None,
    )
    return session, adapter
