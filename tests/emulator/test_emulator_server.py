"""The emulator's OAuth 1.0a flow and every error path, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from datetime import time as dt_time
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from oauthlib.common import urldecode
from requests_oauthlib import OAuth1Session

from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.emulator.state import EASTERN

ACCOUNTS = "/v1/accounts/list.json"


def enc(value: str) -> str:
    return quote(value, safe="-._~")


def _assert_oauth_error(reply, problem: str, status: int = 401) -> None:
    assert reply.status == status, reply.text
    assert reply.problem == problem
    assert "www-authenticate" not in reply.headers  # off by default: not documented by E*TRADE


# -- lifecycle ------------------------------------------------------------------------


def test_start_stop_port_zero_loopback_only():
    server = EmulatorServer().start()
    try:
        assert server.is_running
        assert server.port > 0
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert server.authorize_url == server.url + "/e/t/etws/authorize"
        assert server._httpd is not None
        assert server._httpd.server_address[0] == "127.0.0.1"
        with urllib.request.urlopen(server.url + "/", timeout=5) as r:
            assert r.status == 200
            assert "not the real E*TRADE" in r.read().decode()
    finally:
        server.stop()
    assert not server.is_running
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), timeout=2):
        pass


@pytest.mark.skipif(os.name != "posix", reason="SO_REUSEADDR is only set on POSIX")
def test_restart_on_the_same_port(clock, make_client):
    emu = EmulatorServer(clock=clock).start()
    port = emu.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/")  # a keep-alive connection the server closes first: TIME_WAIT
    conn.getresponse().read()
    emu.stop()
    conn.close()
    emu = EmulatorServer(port=port, clock=clock).start()  # at once, not ~60 s later
    try:
        assert emu.port == port
        make_client(emu).login(emu)
    finally:
        emu.stop()
    emu.start()  # the same object restarts too
    try:
        assert emu.port == port
    finally:
        emu.stop()


def test_context_manager_and_environ():
    with EmulatorServer(port=0) as emu:
        assert emu.is_running
        env = emu.environ()
        assert env == {
            "ETRADE_NB_API_BASE": emu.url,
            "ETRADE_NB_AUTHORIZE_URL": emu.authorize_url,
            "ETRADE_CONSUMER_KEY": emu.consumer_key,
            "ETRADE_CONSUMER_SECRET": emu.consumer_secret,
        }
        assert re.fullmatch(r"[0-9a-f]{32}", emu.consumer_key)
        assert re.fullmatch(r"[0-9a-f]{32}", emu.consumer_secret)
        assert emu.consumer_secret not in repr(emu)
    assert not emu.is_running


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", ""])
def test_refuses_non_loopback_host(host):
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(host=host)


def test_clock():
    clock = EmulatorClock(start=100.0)
    assert clock() == 100.0
    assert clock.advance(5) == 105.0
    clock.set(7)
    assert clock() == 7.0


# -- the happy path ---------------------------------------------------------------------


def test_full_flow_with_stdlib_client(emu, client):
    reply = client.get("/oauth/request_token", oauth=client.oauth_params(oauth_callback="oob"))
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/x-www-form-urlencoded"
    raw = reply.text
    assert raw.endswith("&oauth_callback_confirmed=true")
    form = reply.form()
    token, secret = form["oauth_token"], form["oauth_token_secret"]
    for value in (token, secret):
        assert len(value) == 44 and value.endswith("=") and re.search(r"[/+]", value)
    assert f"oauth_token={quote(token, safe='')}&" in raw  # percent-encoded on the wire
    client.token, client.token_secret = token, secret

    page = (
        urllib.request.urlopen(
            f"{emu.authorize_url}?key={emu.consumer_key}&token={quote(token, safe='')}", timeout=5
        )
        .read()
        .decode()
    )
    assert 'id="accept"' in page and 'id="decline"' in page
    assert emu.consumer_key in page and 'method="post"' in page

    verifier = emu.approve_token(token)
    assert re.fullmatch(r"[A-Z0-9]{5}", verifier)
    access, _ = client.access_token(verifier)
    assert access != token and len(access) == 44

    reply = client.get(ACCOUNTS)
    assert reply.status == 200
    accounts = reply.json()["AccountListResponse"]["Accounts"]["Account"]
    assert len(accounts) == 4 and {"accountIdKey", "accountId"} <= set(accounts[0])

    reply = client.get("/oauth/renew_access_token")
    assert (reply.status, reply.text) == (200, "Access Token has been renewed")
    reply = client.get("/oauth/revoke_access_token")
    assert (reply.status, reply.text) == (200, "Revoked Access Token")
    _assert_oauth_error(client.get(ACCOUNTS), "token_rejected")
    _assert_oauth_error(client.get("/oauth/renew_access_token"), "token_rejected")
    assert emu.stats.renewals == 1 and emu.stats.revocations == 1


def test_oauth_params_in_query_string(emu, client):
    reply = client.get(
        "/oauth/request_token", oauth=client.oauth_params(oauth_callback="oob"), where="query"
    )
    assert reply.status == 200, reply.text
    form = reply.form()
    client.token, client.token_secret = form["oauth_token"], form["oauth_token_secret"]
    client.access_token(emu.approve_token(client.token))
    assert client.get(ACCOUNTS, where="query").status == 200
    assert all("oauth_signature" not in rec.query for rec in emu.log)


def test_full_flow_with_requests_oauthlib():
    """An independent peer: requests-oauthlib signs, the emulator verifies."""
    with EmulatorServer() as emu:  # real clock: oauthlib stamps time.time()
        key, secret = emu.consumer_key, emu.consumer_secret
        session = OAuth1Session(key, client_secret=secret, callback_uri="oob")
        reply = session.get(emu.url + "/oauth/request_token", timeout=10)
        assert reply.status_code == 200, reply.text
        request = dict(urldecode(reply.text))
        verifier = emu.approve_token(request["oauth_token"])

        session = OAuth1Session(
            key,
            client_secret=secret,
            resource_owner_key=request["oauth_token"],
            resource_owner_secret=request["oauth_token_secret"],
            verifier=verifier,
        )
        reply = session.get(emu.url + "/oauth/access_token", timeout=10)
        assert reply.status_code == 200, reply.text
        access = dict(parse_qsl(reply.text))

        session = OAuth1Session(
            key,
            client_secret=secret,
            resource_owner_key=access["oauth_token"],
            resource_owner_secret=access["oauth_token_secret"],
        )
        reply = session.get(emu.url + ACCOUNTS, timeout=10)
        assert reply.status_code == 200, reply.text
        assert "AccountListResponse" in reply.json()
        symbols = "BRK.B,^VIX,GOOG:2026:12:18:CALL:190.000000"
        reply = session.get(
            f"{emu.url}/v1/market/quote/{symbols}.json",
            params={"detailFlag": "ALL", "requireEarningsDate": "true"},
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        got = [q["Product"]["symbol"] for q in reply.json()["QuoteResponse"]["QuoteData"]]
        assert got == ["BRK.B", "^VIX", "GOOG"]
        # A free-text query value with reserved characters is signed and checked too.
        reply = session.get(
            f"{emu.url}/v1/user/alerts.json", params={"search": "a b+c & d=e"}, timeout=10
        )
        assert reply.status_code == 404 and reply.json()["Error"]["code"] == 53
        assert session.get(emu.url + "/oauth/renew_access_token", timeout=10).text == (
            "Access Token has been renewed"
        )
        assert emu.stats.signatures_rejected == 0


# -- error paths ------------------------------------------------------------------------


def test_bad_signature(emu, logged_in):
    reply = logged_in.get(ACCOUNTS, signature="tR3+Ty81lMeYAr/Fid0kMTYa/WM=")
    _assert_oauth_error(reply, "signature_invalid")
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"Error": {"code": 401, "message": "oauth_problem=signature_invalid"}}
    assert emu.stats.signatures_rejected == 1


def test_wrong_consumer_secret_on_request_token(emu, client):
    oauth = client.oauth_params(oauth_callback="oob")
    reply = client.get("/oauth/request_token", oauth=oauth, consumer_secret="0" * 32)
    _assert_oauth_error(reply, "signature_invalid")
    assert reply.text.startswith("<html><head><title>Apache Tomcat/7.0 - Error report</title>")
    assert "<h1>HTTP Status 401 - oauth_problem=signature_invalid</h1>" in reply.text
    assert emu.consumer_secret not in reply.text


def test_wrong_token_secret(logged_in):
    _assert_oauth_error(logged_in.get(ACCOUNTS, token_secret="nope"), "signature_invalid")


def test_signing_with_unencoded_secret_fails(emu, client):
    client.request_token()
    verifier = emu.approve_token(client.token)
    oauth = client.oauth_params(oauth_verifier=verifier)
    # Shinmera/north#2: the token secret (with / + =) must be percent-encoded in the key.
    params = list(oauth.items())
    uri = f"http://127.0.0.1:{emu.port}/oauth/access_token"
    norm = "&".join(f"{k}={v}" for k, v in sorted((enc(k), enc(v)) for k, v in params))
    base = f"GET&{enc(uri)}&{enc(norm)}"
    key = f"{emu.consumer_secret}&{client.token_secret}".encode()
    bad = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
    reply = client.get("/oauth/access_token", oauth=oauth, signature=bad)
    _assert_oauth_error(reply, "signature_invalid")


def test_unknown_consumer_key(client):
    client.consumer_key = "0123456789abcdef0123456789abcdef"
    reply = client.get("/oauth/request_token", oauth=client.oauth_params(oauth_callback="oob"))
    _assert_oauth_error(reply, "consumer_key_rejected")


@pytest.mark.parametrize("skew", [301, -301, 3600])
def test_timestamp_skew(client, clock, skew):
    oauth = client.oauth_params(oauth_callback="oob", oauth_timestamp=str(int(clock()) + skew))
    reply = client.get("/oauth/request_token", oauth=oauth)
    _assert_oauth_error(reply, "timestamp_refused")
    low, high = int(clock()) - 300, int(clock()) + 300
    # In the Tomcat page's heading, in the form the client's parser reads (raw body text).
    expected = f"oauth_problem=timestamp_refused&amp;oauth_acceptable_timestamps={low}-{high}"
    assert f"<h1>HTTP Status 401 - {expected}</h1>" in reply.text


def test_timestamp_at_window_edge_is_accepted(client, clock):
    oauth = client.oauth_params(oauth_callback="oob", oauth_timestamp=str(int(clock()) - 300))
    assert client.get("/oauth/request_token", oauth=oauth).status == 200


def test_nonce_reuse(emu, logged_in):
    oauth = logged_in.oauth_params()
    assert logged_in.get(ACCOUNTS, oauth=oauth).status == 200
    reply = logged_in.get(ACCOUNTS, oauth=oauth)
    _assert_oauth_error(reply, "nonce_used")
    assert emu.stats.nonce_reuse_rejected == 1
    # A different timestamp makes the same nonce acceptable again (RFC 5849 §3.3).
    oauth["oauth_timestamp"] = str(int(oauth["oauth_timestamp"]) + 1)
    assert logged_in.get(ACCOUNTS, oauth=oauth).status == 200


def test_wrong_verifier_then_right_one(emu, client):
    client.request_token()
    verifier = emu.approve_token(client.token)
    wrong = "AAAAA" if verifier != "AAAAA" else "BBBBB"
    _assert_oauth_error(client.access_token_reply(wrong), "token_rejected")
    _assert_oauth_error(client.access_token_reply(verifier.lower()), "token_rejected")
    client.access_token(verifier)
    assert client.get(ACCOUNTS).status == 200


def test_five_wrong_verifiers_burn_the_request_token(emu, client):
    client.request_token()
    verifier = emu.approve_token(client.token)
    for _ in range(5):
        _assert_oauth_error(client.access_token_reply("WRONG"), "token_rejected")
    _assert_oauth_error(client.access_token_reply(verifier), "token_rejected")
    assert emu.stats.verifiers_rejected == 5


def test_not_yet_approved(client):
    client.request_token()
    _assert_oauth_error(client.access_token_reply("ABCDE"), "token_rejected")


def test_request_token_is_single_use(emu, client):
    token, secret = client.request_token()
    verifier = emu.approve_token(token)
    client.access_token(verifier)
    client.token, client.token_secret = token, secret
    _assert_oauth_error(client.access_token_reply(verifier), "token_rejected")


def test_request_token_expires_after_five_minutes(emu, client, clock):
    client.request_token()
    verifier = emu.approve_token(client.token)
    clock.advance(300)
    _assert_oauth_error(client.access_token_reply(verifier), "token_expired")


def test_expire_request_tokens_without_clock(emu, client):
    client.request_token()
    verifier = emu.approve_token(client.token)
    emu.expire_request_tokens()
    _assert_oauth_error(client.access_token_reply(verifier), "token_expired")
    with pytest.raises(KeyError):
        emu.approve_token(client.token)


def test_request_token_cannot_be_used_as_access_token(client):
    client.request_token()
    _assert_oauth_error(client.get(ACCOUNTS), "token_rejected")


def test_idle_two_hours_then_renew(emu, logged_in, clock):
    clock.advance(2 * 3600 - 1)  # 16:26 → 18:26 ET, same day
    assert logged_in.get(ACCOUNTS).status == 200  # resets the idle timer
    clock.advance(2 * 3600 + 1)
    _assert_oauth_error(logged_in.get(ACCOUNTS), "token_expired")
    assert logged_in.get("/oauth/renew_access_token").status == 200
    assert logged_in.get(ACCOUNTS).status == 200


def test_idle_access_tokens_without_clock(emu, logged_in):
    emu.idle_access_tokens()
    _assert_oauth_error(logged_in.get(ACCOUNTS), "token_expired")
    assert logged_in.get("/oauth/renew_access_token").status == 200
    assert logged_in.get(ACCOUNTS).status == 200


def test_midnight_eastern_expiry_cannot_be_renewed(emu, logged_in, clock):
    issued = datetime.fromtimestamp(clock(), EASTERN)
    midnight = datetime.combine(issued.date() + timedelta(days=1), dt_time(0), EASTERN).timestamp()
    clock.set(midnight - 60)
    assert logged_in.get("/oauth/renew_access_token").status == 200
    assert logged_in.get(ACCOUNTS).status == 200
    clock.set(midnight)
    _assert_oauth_error(logged_in.get(ACCOUNTS), "token_expired")
    _assert_oauth_error(logged_in.get("/oauth/renew_access_token"), "token_expired")


def test_midnight_is_eastern_not_utc(emu, client, clock):
    # 23:30 ET on 2026-03-07 (EST, UTC-5) is already 04:30 UTC on the 8th.
    clock.set(datetime(2026, 3, 7, 23, 30, tzinfo=EASTERN).timestamp())
    client.login(emu)
    clock.advance(29 * 60)
    assert client.get(ACCOUNTS).status == 200
    clock.advance(60)
    _assert_oauth_error(client.get(ACCOUNTS), "token_expired")


def test_expire_access_tokens_without_clock(emu, logged_in):
    emu.expire_access_tokens()
    _assert_oauth_error(logged_in.get(ACCOUNTS), "token_expired")
    _assert_oauth_error(logged_in.get("/oauth/renew_access_token"), "token_expired")


def test_token_endpoints_take_get_and_post_but_not_put(client):
    """E*TRADE accepts POST on the token endpoints (requests-oauthlib and rauth POST there)."""
    reply = client.request(
        "POST", "/oauth/request_token", oauth=client.oauth_params(oauth_callback="oob")
    )
    assert reply.status == 200 and reply.form()["oauth_callback_confirmed"] == "true"
    reply = client.request(
        "PUT", "/oauth/request_token", oauth=client.oauth_params(oauth_callback="oob")
    )
    assert reply.status == 405
    assert reply.headers["allow"] == "GET, POST"


def test_oauth_params_in_header_and_query_rejected(client):
    reply = client.get(
        "/oauth/request_token", oauth=client.oauth_params(oauth_callback="oob"), where="both"
    )
    _assert_oauth_error(reply, "parameter_rejected", 400)


def test_oauth_params_in_body_rejected(logged_in):
    body = b"oauth_nonce=abc"
    reply = logged_in.request(
        "POST",
        "/v1/accounts/dBZOKt9xDrtRSAOl4MSiiA/orders/preview.json",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _assert_oauth_error(reply, "parameter_rejected", 400)


@pytest.mark.parametrize("missing", ["oauth_nonce", "oauth_timestamp", "oauth_callback"])
def test_missing_parameter(client, missing):
    oauth = client.oauth_params(oauth_callback="oob")
    del oauth[missing]
    reply = client.get("/oauth/request_token", oauth=oauth)
    _assert_oauth_error(reply, "parameter_absent", 400)
    assert f"oauth_parameters_absent={missing}" in reply.problem_text


def test_missing_signature_and_token(logged_in):
    oauth = logged_in.oauth_params()
    del oauth["oauth_token"]
    reply = logged_in.get(ACCOUNTS, oauth=oauth, sign=False)
    _assert_oauth_error(reply, "parameter_absent", 400)
    assert "oauth_parameters_absent=oauth_signature&oauth_token" in reply.problem_text
    assert "oauth_parameters_absent=oauth_signature%26oauth_token" in reply.text  # form-encoded


def test_unsigned_request_rejected(logged_in):
    reply = logged_in.get(ACCOUNTS, sign=False, oauth={})
    _assert_oauth_error(reply, "parameter_absent", 400)


def test_signature_method_and_version(client):
    oauth = client.oauth_params(oauth_callback="oob", oauth_signature_method="PLAINTEXT")
    reply = client.get("/oauth/request_token", oauth=oauth)
    _assert_oauth_error(reply, "signature_method_rejected", 400)
    oauth = client.oauth_params(oauth_callback="oob", oauth_version="2.0")
    _assert_oauth_error(client.get("/oauth/request_token", oauth=oauth), "version_rejected", 400)
    oauth = client.oauth_params(oauth_callback="oob")
    del oauth["oauth_version"]  # optional
    assert client.get("/oauth/request_token", oauth=oauth).status == 200


def test_callback_must_be_oob(client):
    oauth = client.oauth_params(oauth_callback="http://127.0.0.1:9/cb")
    reply = client.get("/oauth/request_token", oauth=oauth)
    _assert_oauth_error(reply, "parameter_rejected", 400)


def test_duplicate_oauth_parameter_rejected(client):
    oauth = client.oauth_params(oauth_callback="oob")
    sig = client.sign("GET", "/oauth/request_token", list(oauth.items()))
    header = "OAuth " + ",".join(f'{k}="{v}"' for k, v in oauth.items())
    header += f',oauth_nonce="other",oauth_signature="{quote(sig, safe="")}"'
    reply = client.get("/oauth/request_token", oauth={}, sign=False,
                       headers={"Authorization": header})  # fmt: skip
    _assert_oauth_error(reply, "parameter_rejected", 400)


def test_log_and_stats_hold_no_secrets(emu, logged_in):
    logged_in.get(ACCOUNTS, where="query")
    dump = repr(emu.log) + repr(emu.stats)
    assert emu.consumer_secret not in dump
    assert logged_in.token_secret not in dump
    assert "'oauth_signature':" not in dump
    assert emu.log[-1].oauth_token == logged_in.token
    assert emu.log[-1].path == ACCOUNTS and emu.log[-1].status == 200
    assert emu.stats.requests == len(emu.log)


# -- authorize pages --------------------------------------------------------------------


def _open(url: str, data: bytes | None = None) -> tuple[int, str, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data), timeout=5) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def _form_data(emu: EmulatorServer, token: str, key: str | None = None) -> bytes:
    return f"key={key or emu.consumer_key}&token={quote(token, safe='')}".encode()


def test_authorize_page_and_accept(emu, client):
    token, _ = client.request_token()
    status, page, _ = _open(f"{emu.authorize_url}?key={emu.consumer_key}&token={quote(token)}")
    assert status == 200
    assert "Authorize" in page and "not the real E*TRADE" in page
    assert 'action="authorize/accept"' in page and 'id="accept"' in page
    status, page, _ = _open(emu.authorize_url + "/accept", _form_data(emu, token))
    assert status == 200 and "Authorization Complete" in page
    code = re.search(r'<span[^>]*id="verification-code">([A-Z0-9]{5})</span>', page)
    assert code and "copy this code back into your application" in page.lower()
    client.access_token(code.group(1))


def test_authorize_page_bad_links(emu, client):
    token, _ = client.request_token()
    for query in ["", f"key={emu.consumer_key}&token=nope", f"key=other&token={quote(token)}"]:
        status, page, _ = _open(f"{emu.authorize_url}?{query}")
        assert status == 400 and "expired" in page and "new link" in page
    status, _, headers = _open(f"{emu.authorize_url}/accept?key=k&token=t")
    assert status == 405 and headers["Allow"] == "POST"


def test_authorize_page_after_expiry(emu, client, clock):
    token, _ = client.request_token()
    clock.advance(301)
    status, page, _ = _open(f"{emu.authorize_url}?key={emu.consumer_key}&token={quote(token)}")
    assert status == 400 and "expired" in page


def test_decline(emu, client):
    token, _ = client.request_token()
    status, page, _ = _open(emu.authorize_url + "/decline", _form_data(emu, token))
    assert status == 200 and "Declined" in page
    _assert_oauth_error(client.access_token_reply("ABCDE"), "token_rejected")


def test_accept_with_registered_callback_redirects(emu, make_client):
    key, secret = "a" * 32, "b" * 32
    emu.register_consumer(key, secret, callback_url="https://x.example/cb?myapp=trading#frag")
    client = make_client(emu, key, secret)
    token, _ = client.request_token()
    status, _, headers = _open(emu.authorize_url + "/accept", _form_data(emu, token, key))
    assert status == 302
    location = urlsplit(headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "x.example", "/cb")
    query = parse_qsl(location.query)
    assert [k for k, _ in query] == ["myapp", "oauth_verifier"]
    assert query[0] == ("myapp", "trading")
    client.access_token(query[1][1])
    assert client.get(ACCOUNTS).status == 200


def test_server_default_callback_url(clock, make_client):
    with EmulatorServer(clock=clock, callback_url="http://127.0.0.1:1/cb") as emu:
        client = make_client(emu)
        token, _ = client.request_token()
        status, _, headers = _open(emu.authorize_url + "/accept", _form_data(emu, token))
        assert status == 302
        assert re.fullmatch(r"http://127\.0\.0\.1:1/cb\?oauth_verifier=[A-Z0-9]{5}",
                            headers["Location"])  # fmt: skip


def test_stop_closes_keep_alive_connections(clock):
    emu = EmulatorServer(clock=clock).start()
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=5)
    conn.request("GET", "/")
    conn.getresponse().read()
    thread = emu._thread
    emu.stop()  # would block (then fail the join) if it waited for the idle keep-alive
    assert thread is not None and not thread.is_alive()
    with pytest.raises((OSError, http.client.HTTPException)):
        conn.request("GET", "/")
        conn.getresponse().read()
    conn.close()


def _raw_header(client, oauth: dict[str, str], path: str, encode_token: bool) -> str:
    sig = client.sign("GET", path, list(oauth.items()))
    parts = [
        f'{k}="{v if (k == "oauth_token" and not encode_token) else enc(v)}"'
        for k, v in oauth.items()
    ]
    return 'OAuth realm="",' + ",".join(parts) + f',oauth_signature="{enc(sig)}"'


def test_unencoded_token_in_header_rejected(logged_in):
    """RFC 5849 §3.5.1: header values are percent-encoded; a raw / + = token is refused."""
    header = _raw_header(logged_in, logged_in.oauth_params(), ACCOUNTS, encode_token=False)
    reply = logged_in.get(ACCOUNTS, oauth={}, sign=False, headers={"Authorization": header})
    _assert_oauth_error(reply, "parameter_rejected", 400)
    assert "oauth_parameters_rejected=oauth_token" in reply.problem_text
    header = _raw_header(logged_in, logged_in.oauth_params(), ACCOUNTS, encode_token=True)
    reply = logged_in.get(ACCOUNTS, oauth={}, sign=False, headers={"Authorization": header})
    assert reply.status == 200


def test_unquoted_header_value_rejected(logged_in):
    header = _raw_header(logged_in, logged_in.oauth_params(), ACCOUNTS, encode_token=True)
    header = header.replace('oauth_nonce="', "oauth_nonce=").replace(
        '",oauth_signature_method', ",oauth_signature_method"
    )
    reply = logged_in.get(ACCOUNTS, oauth={}, sign=False, headers={"Authorization": header})
    _assert_oauth_error(reply, "parameter_rejected", 400)


def test_stats_snapshot(emu, logged_in):
    logged_in.get(ACCOUNTS)
    snap = emu.stats.as_dict()
    assert snap["requests"] == 3 and snap["requests_by_path"]["GET " + ACCOUNTS] == 1
    assert dataclasses.asdict(emu.stats)["access_tokens_issued"] == 1


# -- where OAuth problems are reported ------------------------------------------------


def test_problem_in_json_body_for_json_data_calls(logged_in, clock):
    oauth = logged_in.oauth_params(oauth_timestamp=str(int(clock()) + 900))
    reply = logged_in.get(ACCOUNTS, oauth=oauth)
    assert reply.status == 401 and reply.headers["content-type"] == "application/json"
    assert "www-authenticate" not in reply.headers
    low, high = int(clock()) - 300, int(clock()) + 300
    assert reply.json() == {
        "Error": {
            "code": 401,
            "message": f"oauth_problem=timestamp_refused&oauth_acceptable_timestamps={low}-{high}",
        }
    }


def test_problem_in_tomcat_page_for_xml_data_calls(logged_in):
    reply = logged_in.get("/v1/accounts/list", oauth=logged_in.oauth_params(oauth_token="nope"))
    assert reply.status == 401 and reply.headers["content-type"].startswith("text/html")
    assert "<h1>HTTP Status 401 - oauth_problem=token_rejected</h1>" in reply.text
    assert "www-authenticate" not in reply.headers


def test_problem_header_is_opt_in(clock, make_client):
    with EmulatorServer(clock=clock, problem_header=True) as emu:
        assert emu.problem_header is True
        client = make_client(emu)
        oauth = client.oauth_params(oauth_callback="oob", oauth_timestamp=str(int(clock()) - 900))
        reply = client.get("/oauth/request_token", oauth=oauth)
        low, high = int(clock()) - 300, int(clock()) + 300
        assert reply.headers["www-authenticate"] == (
            'OAuth realm="",oauth_problem=timestamp_refused,'
            f"oauth_acceptable_timestamps={low}-{high}"
        )
        assert reply.problem == "timestamp_refused"  # and still in the body
        emu.problem_header = False
        reply = client.get("/oauth/request_token", oauth=oauth)
        assert "www-authenticate" not in reply.headers


def test_the_client_reads_the_problem_and_window_from_the_body(logged_in, clock):
    """etrade_nb.api.responses parses what the emulator sends by default (no header)."""
    import requests

    from etrade_nb.api.responses import clock_skew, oauth_problem

    base = f"http://127.0.0.1:{logged_in.port}"
    for path, extra in (("/oauth/request_token", {"oauth_callback": "oob"}), (ACCOUNTS, {})):
        oauth = logged_in.oauth_params(oauth_timestamp=str(int(clock()) + 900), **extra)
        oauth["oauth_signature"] = "x"  # the timestamp is refused before the signature is read
        header = 'OAuth realm="",' + ",".join(f'{k}="{enc(v)}"' for k, v in oauth.items())
        response = requests.get(base + path, headers={"Authorization": header}, timeout=10)
        assert "WWW-Authenticate" not in response.headers
        found = oauth_problem(response)
        assert found is not None and found[0] == "timestamp_refused", response.text
        assert clock_skew(response, found[1]) == 900


def test_error_documents_are_json(logged_in):
    body = logged_in.get(ACCOUNTS, oauth=logged_in.oauth_params(oauth_token="x")).body
    assert json.loads(body)["Error"]["message"] == "oauth_problem=token_rejected"


def test_a_stuck_connection_is_closed_and_its_thread_ends(clock):
    """A client that stops sending (mid-request or idle) does not keep a thread forever."""
    with EmulatorServer(port=0, clock=clock, idle_timeout=0.5) as emu:
        stuck = [socket.create_connection(("127.0.0.1", emu.port), timeout=10) for _ in range(3)]
        stuck[0].sendall(b"GET /v1/accounts/list.json HTTP/1.1\r\nHost: x")  # never finished
        stuck[1].sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")  # answered, then idle
        for sock in stuck:
            with sock:
                received = b""
                while chunk := sock.recv(65536):  # returns b"" once the emulator closes
                    received += chunk
        assert received == b""  # the silent one got no answer, only the close
        deadline = time.monotonic() + 10
        while emu._httpd is not None and emu._httpd.connections and time.monotonic() < deadline:
            time.sleep(0.01)  # the handler threads finish right after the close
        assert emu._httpd is not None and not emu._httpd.connections


def test_auto_approve_follows_the_demo_switch_unless_given(monkeypatch) -> None:
    """Notebooks start ``EmulatorServer()``: the robot works only where demos/CI switch it on."""
    monkeypatch.delenv("ETRADE_NB_DEMO_AUTO_APPROVE", raising=False)
    assert EmulatorServer().auto_approve is False
    monkeypatch.setenv("ETRADE_NB_DEMO_AUTO_APPROVE", "1")
    assert EmulatorServer().auto_approve is True
    assert EmulatorServer(auto_approve=False).auto_approve is False
    monkeypatch.setenv("ETRADE_NB_DEMO_AUTO_APPROVE", "no")
    assert EmulatorServer().auto_approve is False
