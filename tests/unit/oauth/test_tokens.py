from datetime import datetime

from etrade_nb.oauth.tokens import (
    EASTERN,
    IDLE_LIMIT,
    AccessToken,
    RequestToken,
    TokenState,
    access_token_state,
    format_duration,
    format_eastern,
    format_valid_until,
    next_midnight_eastern,
)
from etrade_nb.secret import Secret


def et(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    return datetime(year, month, day, hour, minute, second, tzinfo=EASTERN).timestamp()


def test_midnight_is_the_next_one_in_new_york():
    assert next_midnight_eastern(et(2026, 6, 2, 10, 0)) == et(2026, 6, 3, 0, 0)
    assert next_midnight_eastern(et(2026, 6, 2, 23, 59, 59)) == et(2026, 6, 3, 0, 0)
    # exactly at midnight the token issued now lives until the next midnight
    assert next_midnight_eastern(et(2026, 6, 3, 0, 0)) == et(2026, 6, 4, 0, 0)


def test_midnight_across_daylight_saving_changes():
    # 2026-03-08 is 23 hours long in New York, 2026-11-01 is 25 hours long.
    assert next_midnight_eastern(et(2026, 3, 8, 1, 0)) - et(2026, 3, 8, 1, 0) == 22 * 3600
    assert next_midnight_eastern(et(2026, 11, 1, 0, 30)) - et(2026, 11, 1, 0, 30) == 24.5 * 3600


def test_access_token_states():
    issued = et(2026, 6, 2, 10, 0)
    token = AccessToken("tok", Secret("sec"), issued_at=issued)
    assert token.expires_at == et(2026, 6, 3, 0, 0)
    assert access_token_state(token, issued, issued + 60) is TokenState.ACTIVE
    assert access_token_state(token, issued, issued + IDLE_LIMIT) is TokenState.INACTIVE
    assert access_token_state(token, issued + 3 * 3600, issued + 4 * 3600) is TokenState.ACTIVE
    assert access_token_state(token, issued, token.expires_at) is TokenState.EXPIRED


def test_request_token_lives_five_minutes():
    rt = RequestToken("t", Secret("s"), issued_at=1000.0)
    assert not rt.expired(1299.0)
    assert rt.expired(1300.0)


def test_token_reprs_hide_secrets():
    # a plain str is wrapped in a Secret on the way in, as the annotation promises
    text = repr(AccessToken("TOKEN-VALUE", "SECRET-VALUE", issued_at=1.0))
    text += repr(RequestToken("REQ-TOKEN", "REQ-SECRET", issued_at=1.0))  # type: ignore[arg-type]
    for secret in ("TOKEN-VALUE", "SECRET-VALUE", "REQ-TOKEN", "REQ-SECRET"):
        assert secret not in text


def test_formatting():
    assert format_eastern(et(2026, 6, 3, 0, 0)) == "00:00 ET"
    assert format_valid_until(et(2026, 6, 3, 0, 0)) == "23:59 ET"
    assert format_duration(3900) == "1 h 05 min"
    assert format_duration(250) == "4 min 10 s"
    assert format_duration(9) == "9 s"
    assert format_duration(0) == "expired"
