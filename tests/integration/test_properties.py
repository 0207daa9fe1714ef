"""Parameter encoding against the emulator's independent RFC 5849 verifier (hypothesis).

Arbitrary symbols in the path and arbitrary query keys and values (unicode, reserved
characters, spaces, ``+``, ``%``) go through ``Session.get``; every request must verify: the
emulator never answers 401 ``signature_invalid``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etrade_nb import ApiError, AuthError

pytestmark = pytest.mark.timeout(300)

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_chars = st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00")
_symbols = st.text(_chars, min_size=1, max_size=12).filter(lambda s: s.strip().strip(".") != "")
_keys = st.text(_chars, min_size=1, max_size=10).filter(lambda k: not k.startswith("oauth_"))
_params = st.dictionaries(_keys, st.text(_chars, max_size=20), max_size=4)


def _get(session, path: str, params: dict[str, str]) -> None:
    try:
        session.get(path, params=params)
    except AuthError as exc:  # the only failure that would mean a signing bug
        raise AssertionError(f"signature refused for {path!r} {params!r}: {exc}") from None
    except ApiError:
        pass  # E*TRADE-shaped "bad symbol/parameter" answers are fine: the signature verified


@SETTINGS
@given(symbol=_symbols, params=_params)
def test_quote_paths_and_query_values_always_verify(session, emulator, symbol, params) -> None:
    _get(session, f"/v1/market/quote/{quote(symbol, safe='')}", {"detailFlag": "ALL", **params})
    assert emulator.stats.signatures_rejected == 0
    assert emulator.stats.nonce_reuse_rejected == 0


@SETTINGS
@given(params=_params)
def test_account_calls_with_arbitrary_query_values_verify(session, emulator, params) -> None:
    _get(session, "/v1/accounts/list", params)
    assert emulator.stats.signatures_rejected == 0


@SETTINGS
@given(symbols=st.lists(_symbols.filter(lambda s: "," not in s), min_size=1, max_size=60))
def test_session_quotes_of_arbitrary_symbols_verify(session, emulator, symbols) -> None:
    session.market_limiter = None  # no waiting between examples
    try:
        session.quotes(symbols)
    except AuthError as exc:
        raise AssertionError(f"signature refused for {symbols!r}: {exc}") from None
    except ApiError:
        pass
    assert emulator.stats.signatures_rejected == 0
