"""The one OAuth log filter: masks by shape, installed on first signing, holds no state."""

import logging
from typing import Any

import requests

from etrade_nb.oauth.log_filter import LOG_FILTER, MASK, OAUTH_LOGGERS, redact
from etrade_nb.oauth.signing import oauth1
from etrade_nb.secret import Secret

TOKEN, TOKEN_SECRET, VERIFIER, CONSUMER_SECRET = (
    "/iQRtoken+value=",
    "tokSECRETvalue",
    "K7Q2M",
    "consSECRETvalue",
)


def _sign(**kw: Any) -> requests.PreparedRequest:
    auth = oauth1("ck", Secret(CONSUMER_SECRET), clock=lambda: 1_700_000_000.0, **kw)
    request = requests.Request("GET", "https://api.example.test/oauth/access_token").prepare()
    return auth(request)


def test_signing_at_debug_level_logs_no_credential(caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        signed = _sign(token=TOKEN, token_secret=Secret(TOKEN_SECRET), verifier=Secret(VERIFIER))
    header = signed.headers["Authorization"]
    header = header.decode() if isinstance(header, bytes) else header
    signature = header.split('oauth_signature="', 1)[1].split('"', 1)[0]
    assert "Signing: signature base string" in caplog.text  # oauthlib did log, masked
    for value in (TOKEN, "%2FiQRtoken%2Bvalue%3D", VERIFIER, TOKEN_SECRET, CONSUMER_SECRET):
        assert value not in caplog.text, value
    assert signature not in caplog.text


def test_the_filter_is_installed_once_and_keeps_no_state() -> None:
    for _ in range(200):
        _sign(token=f"tok{_}", token_secret=Secret(f"sec{_}"))
    for name in OAUTH_LOGGERS:
        assert logging.getLogger(name).filters.count(LOG_FILTER) == 1
    assert vars(LOG_FILTER) == vars(logging.Filter())  # nothing learnt from 200 logins


def test_oauth_fields_are_masked_by_shape() -> None:
    header = (
        'OAuth oauth_nonce="n", oauth_token="abc%2B", oauth_signature="sig%3D", '
        'oauth_verifier="K7Q2M"'
    )
    out = redact("{'Authorization': " + repr(header) + "}")
    for leaked in ("abc%2B", "sig%3D", "K7Q2M"):
        assert leaked not in out
    assert redact("oauth_token=abc&oauth_token_secret=xyz") == (
        f"oauth_token={MASK}&oauth_token_secret={MASK}"
    )
    assert redact("oauth_token=abc&x=1") == f"oauth_token={MASK}&x=1"
    assert "SECRETT" not in redact("[('oauth_token', 'SECRETT'), ('oauth_nonce', '1')]")
    assert "SECRETT" not in redact("GET&u&oauth_token%3DSECRETT%26oauth_nonce%3D1")


def test_the_whole_authorization_header_is_masked_in_reprs_and_lines() -> None:
    header = 'OAuth oauth_nonce="1498", oauth_timestamp="1", oauth_consumer_key="ck"'
    for text in (
        "{'Authorization': '" + header + "', 'Accept': 'application/json'}",
        "{'Authorization': b'" + header + "'}",
        "Authorization: " + header,
    ):
        out = redact(text)
        assert "1498" not in out and "ck" not in out.split("Authorization", 1)[1], out
    assert "'Accept': 'application/json'" in redact(
        "{'Authorization': '" + header + "', 'Accept': 'application/json'}"
    )


def test_other_records_pass_unchanged(caplog) -> None:
    logger = logging.getLogger("oauthlib")
    _sign()
    with caplog.at_level(logging.DEBUG, logger="oauthlib"):
        logger.debug("plain %s", "words")
    assert "plain words" in caplog.text


def test_names_are_masked_decoded_and_case_folded() -> None:
    """Servers decode a query's names: every spelling of a secret field is masked."""
    for spelled in (
        "oauth%5Fverifier", "OAUTH_VERIFIER", "%6Fauth_Verifier", "oauth%255Fverifier",
        "OAuth_Token", "oauth_token%5Fsecret",
    ):  # fmt: skip
        for line in (f"GET /cb?{spelled}=K7Q2M&x=1 HTTP/1.1", f"/cb?a=1&{spelled}%3DK7Q2M"):
            assert "K7Q2M" not in redact(line), line
    kept = "oauth_nonce=N1&oauth_timestamp=17&oauth_consumer_key=ck&oauth%5Fcallback=oob"
    assert redact(kept) == kept


def test_the_signed_header_hides_itself_from_reprs_but_is_sent_whole() -> None:
    """What a Verbose traceback or a debugger prints for requests' and urllib3's frames."""
    signed = _sign(token=TOKEN, token_secret=Secret(TOKEN_SECRET), verifier=Secret(VERIFIER))
    header = signed.headers["Authorization"]
    shown = repr(signed.headers) + repr(dict(signed.headers)) + repr([header])
    assert "OAuth ***" in shown and "%2FiQRtoken" not in shown and VERIFIER not in shown
    plain = header.decode() if isinstance(header, bytes) else str.__str__(header)
    assert 'oauth_token="%2FiQRtoken%2Bvalue%3D"' in plain  # the wire gets every character
    assert f'oauth_verifier="{VERIFIER}"' in plain
