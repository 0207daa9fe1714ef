import logging

from etrade_nb.oauth.redaction import MASK, install_log_filter, redact, register_secret


def test_registered_secrets_are_masked_raw_and_percent_encoded():
    register_secret("s3cr/et+val=")
    text = "a s3cr/et+val= b s3cr%2Fet%2Bval%3D c"
    assert redact(text) == f"a {MASK} b {MASK} c"


def test_oauth_fields_are_masked_by_shape():
    header = (
        'OAuth oauth_nonce="n", oauth_token="abc%2B", oauth_signature="sig%3D", '
        'oauth_verifier="K7Q2M"'
    )
    out = redact("{'Authorization': " + repr(header) + "}")
    for leaked in ("abc%2B", "sig%3D", "K7Q2M"):
        assert leaked not in out
    assert "oauth_token=abc&oauth_token_secret=xyz" not in redact(
        "oauth_token=abc&oauth_token_secret=xyz"
    )
    assert redact("oauth_token=abc&x=1") == f"oauth_token={MASK}&x=1"


def test_short_values_are_not_registered():
    register_secret("ab", None, "")
    assert redact("ab cd") == "ab cd"


def test_library_debug_logs_are_redacted(caplog):
    import requests_oauthlib.oauth1_auth  # noqa: F401

    install_log_filter()
    register_secret("TOPSECRETTOKEN")
    logger = logging.getLogger("requests_oauthlib.oauth1_auth")
    with caplog.at_level(logging.DEBUG):
        logger.debug(
            "Updated headers: %s", {"Authorization": b'OAuth oauth_token="TOPSECRETTOKEN"'}
        )
        logger.debug("token %s", "TOPSECRETTOKEN")
    assert "TOPSECRETTOKEN" not in caplog.text
    assert caplog.text.count(MASK) >= 2


def test_the_whole_authorization_header_is_masked_in_reprs_and_lines():
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
