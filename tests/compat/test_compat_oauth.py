"""Token calls as third-party clients send them (reference §1.4)."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
import requests
from oauthlib.oauth1 import SIGNATURE_TYPE_BODY, SIGNATURE_TYPE_QUERY
from requests_oauthlib import OAuth1, OAuth1Session

from .conftest import MAIN, checked, login

pytestmark = pytest.mark.timeout(60)


def test_requests_oauthlib_fetch_token_calls_post(emu):
    token, secret = login(emu)
    token_calls = [r for r in emu.log if r.path.startswith("/oauth/")]
    assert [(r.method, r.path, r.status) for r in token_calls] == [
        ("POST", "/oauth/request_token", 200),
        ("POST", "/oauth/access_token", 200),
    ]
    http = requests.Session()
    http.auth = OAuth1(emu.consumer_key, emu.consumer_secret, token, secret)
    reply = http.get(emu.url + "/v1/accounts/list.json", timeout=10)
    checked(reply, "accounts", "json")


def test_oauth_parameters_in_a_form_body_as_rauth_posts_them(emu):
    """rauth's POST without header_auth puts every oauth_* in a form-encoded body."""
    auth = OAuth1(
        emu.consumer_key, emu.consumer_secret, callback_uri="oob",
        signature_type=SIGNATURE_TYPE_BODY,
    )  # fmt: skip
    reply = requests.post(
        emu.url + "/oauth/request_token",
        data={},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=auth,
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    request = dict(parse_qsl(reply.text))
    verifier = emu.approve_token(request["oauth_token"])
    auth = OAuth1(
        emu.consumer_key, emu.consumer_secret, request["oauth_token"],
        request["oauth_token_secret"], verifier=verifier, signature_type=SIGNATURE_TYPE_BODY,
    )  # fmt: skip
    reply = requests.post(
        emu.url + "/oauth/access_token",
        data={},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=auth,
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    assert set(dict(parse_qsl(reply.text))) == {"oauth_token", "oauth_token_secret"}


def test_query_string_get_as_the_official_sample_sends_it(emu):
    """rauth's get_request_token: GET, oauth_* in the query, plus format=json."""
    auth = OAuth1(
        emu.consumer_key, emu.consumer_secret, callback_uri="oob",
        signature_type=SIGNATURE_TYPE_QUERY,
    )  # fmt: skip
    reply = requests.get(
        emu.url + "/oauth/request_token", params={"format": "json"}, auth=auth, timeout=10
    )
    assert reply.status_code == 200, reply.text
    form = dict(parse_qsl(reply.text))  # still form-encoded: the sample parses it so
    assert form["oauth_callback_confirmed"] == "true"
    # Any other stray parameter is refused, not ignored.
    reply = requests.get(
        emu.url + "/oauth/request_token", params={"colour": "blue"}, auth=auth, timeout=10
    )
    assert reply.status_code == 400 and "oauth_parameters_rejected=colour" in reply.text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_renew_and_revoke(emu, method):
    token, secret = login(emu)
    auth = OAuth1(emu.consumer_key, emu.consumer_secret, token, secret)
    reply = requests.request(method, emu.url + "/oauth/renew_access_token", auth=auth, timeout=10)
    assert (reply.status_code, reply.text) == (200, "Access Token has been renewed")
    reply = requests.request(method, emu.url + "/oauth/revoke_access_token", auth=auth, timeout=10)
    assert (reply.status_code, reply.text) == (200, "Revoked Access Token")
    reply = requests.get(emu.url + f"/v1/accounts/{MAIN}/balance.json", auth=auth, timeout=10)
    assert reply.status_code == 401 and "token_rejected" in reply.text


def test_oauth1session_as_a_data_client(emu):
    """pyetrade's pattern: one OAuth1Session for token calls, then data calls on it."""
    token, secret = login(emu)
    session = OAuth1Session(emu.consumer_key, emu.consumer_secret, token, secret)
    reply = session.get(emu.url + "/v1/accounts/list", timeout=10)
    checked(reply, "accounts", "xml")
