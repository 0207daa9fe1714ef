"""The whole login against the running emulator: real signatures, real HTTP on 127.0.0.1."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest

from etrade_nb import (
    NO_STORE,
    AuthorizeLinkExpiredError,
    FileTokenStore,
    LoginState,
    OAuthFlow,
    ServiceUnavailableError,
    SignatureRejectedError,
    TokenMismatchError,
    TokenRejectedError,
    TokenState,
    VerifierRejectedError,
)
from etrade_nb.storage.token_store import StoredToken


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def test_whole_flow_then_accounts(flow, emulator):
    url = flow.start()
    assert url.startswith(emulator.authorize_url + "?key=" + emulator.consumer_key + "&token=")
    token = token_of(url)
    assert quote(token, safe="") in url  # tokens with / + = travel percent-encoded
    session = flow.finish(emulator.approve_token(token))
    accounts = session.accounts()
    assert len(accounts) >= 1 and all("accountIdKey" in a for a in accounts)
    calls = [(r.method, r.path, r.status) for r in emulator.log]
    assert calls[0] == ("GET", "/oauth/request_token", 200)
    assert ("GET", "/oauth/access_token", 200) in calls
    assert calls[-1][2] == 200


def test_authorize_page_is_what_the_link_opens(flow, emulator):
    import requests

    page = requests.get(flow.start(), timeout=10)
    assert page.status_code == 200 and 'id="accept"' in page.text


def test_wrong_verifier_then_right_one(flow, emulator):
    token = token_of(flow.start())
    right = emulator.approve_token(token)
    with pytest.raises(VerifierRejectedError, match="submit it again"):
        flow.finish("ZZZZ9" if right != "ZZZZ9" else "YYYY8")
    assert flow.state is LoginState.PENDING
    assert flow.finish(right).accounts()


def test_a_lower_case_spaced_out_code_is_normalised_before_it_is_sent(flow, emulator):
    right = emulator.approve_token(token_of(flow.start()))
    sloppy = f" {right[:2].lower()} {right[2:].lower()}\n"
    assert flow.finish(sloppy).accounts()
    assert [r.status for r in emulator.log if r.path == "/oauth/access_token"] == [200]


def test_pasted_callback_url_finishes_the_login(flow, emulator):
    token = token_of(flow.start())
    code = emulator.approve_token(token)
    pasted = f"https://myapp.example/cb?myapp=trading&oauth_verifier={code}"
    assert flow.finish(pasted).accounts()


def test_callback_url_of_another_login_is_refused(flow, emulator):
    token = token_of(flow.start())
    code = emulator.approve_token(token)
    with pytest.raises(TokenMismatchError):
        flow.finish(f"https://cb/?oauth_token=someoneElse%3D&oauth_verifier={code}")
    assert flow.finish(code).accounts()


def test_expired_request_token_then_a_fresh_link(flow, emulator, clock):
    first = flow.start()
    code = emulator.approve_token(token_of(first))
    clock.advance(301)
    with pytest.raises(AuthorizeLinkExpiredError, match="5 minutes"):
        flow.finish(code)
    second = flow.start()
    assert second != first
    assert flow.finish(emulator.approve_token(token_of(second))).accounts()


def test_expiry_seen_only_by_the_server_is_reported_as_expired(flow, emulator):
    token = token_of(flow.start())
    code = emulator.approve_token(token)
    emulator.expire_request_tokens()
    with pytest.raises(AuthorizeLinkExpiredError):
        flow.finish(code)


def test_start_again_returns_the_same_link_and_token(flow, emulator):
    first = flow.start()
    assert flow.start() == first
    issued = [r for r in emulator.log if r.path == "/oauth/request_token"]
    assert len(issued) == 1
    # the code for the first link still works after the "re-run"
    assert flow.finish(emulator.approve_token(token_of(first))).accounts()


def test_wrong_consumer_secret_is_explained(emulator_env, emulator, clock):
    bad = OAuthFlow(emulator.consumer_key, "0" * 32, store=NO_STORE, clock=clock)
    with pytest.raises(SignatureRejectedError, match="consumer secret"):
        bad.start()


def test_token_cache_survives_a_restart_the_same_day(emulator_env, emulator, clock, tmp_path):
    store = FileTokenStore(tmp_path / "tokens")
    first = OAuthFlow(store=store, clock=clock)
    first.finish(emulator.approve_token(token_of(first.start())))
    # a "restarted kernel": a new flow object finds the token without a login
    again = OAuthFlow(store=store, clock=clock)
    cached = again.cached_session()
    assert cached is not None and cached.accounts()
    assert len([r for r in emulator.log if r.path == "/oauth/request_token"]) == 1
    cached.revoke()
    assert again.cached_session() is None
    assert [p.name for p in (tmp_path / "tokens").iterdir()] == [".lock"]


def test_two_kernels_sharing_the_cache_never_destroy_the_newer_login(
    emulator_env, emulator, clock, tmp_path
):
    store = FileTokenStore(tmp_path / "tokens")
    old = OAuthFlow(store=store, clock=clock)
    old_session = old.finish(emulator.approve_token(token_of(old.start())))
    clock.advance(60)
    new = OAuthFlow(store=store, clock=clock)
    new_session = new.finish(emulator.approve_token(token_of(new.start())))
    # the older kernel renews (saves) and logs out (deletes): the newer login stays cached
    old_session.renew()
    old_session.revoke()
    cached = OAuthFlow(store=store, clock=clock).cached_session()
    assert cached is not None and cached.expires_at == new_session.expires_at
    assert cached.accounts()


def test_a_token_etrade_rejects_is_never_offered_again(emulator_env, emulator, clock, tmp_path):
    store = FileTokenStore(tmp_path / "tokens")
    flow = OAuthFlow(store=store, clock=clock)
    session = flow.finish(emulator.approve_token(token_of(flow.start())))
    other = OAuthFlow(store=store, clock=clock).cached_session()
    assert other is not None
    other.revoke()  # e.g. logged out from another kernel, or revoked at E*TRADE
    store.save(flow.consumer_key, "sandbox", StoredToken(session._token, clock()))  # stale copy
    with pytest.raises(TokenRejectedError, match="Log in again"):
        session.accounts()
    assert session.state is TokenState.REVOKED
    assert OAuthFlow(store=store, clock=clock).cached_session() is None


def test_a_broken_token_cache_does_not_lose_the_login(emulator_env, emulator, clock, tmp_path):
    folder = tmp_path / "tokens"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # readable by others: the store refuses it
    flow = OAuthFlow(store=FileTokenStore(folder), clock=clock)
    session = flow.finish(emulator.approve_token(token_of(flow.start())))
    assert session.accounts() and session.store_warning is not None
    assert "could not be saved" in session.store_warning and "chmod 700" in session.store_warning


def test_the_code_exchange_is_sent_once_and_a_used_up_link_says_so(flow, emulator):
    first = flow.start()
    code = emulator.approve_token(token_of(first))
    emulator.faults.fail_next(
        1, path_prefix="/oauth/access_token", after_processing=True, mode="reset"
    )
    with pytest.raises(ServiceUnavailableError, match="submit the same code again"):
        flow.finish(code)
    assert len([r for r in emulator.log if r.path == "/oauth/access_token"]) == 1
    with pytest.raises(AuthorizeLinkExpiredError, match="used it up"):
        flow.finish(code)
    assert flow.state is LoginState.EXPIRED
    second = flow.start()
    assert second != first
    assert flow.finish(emulator.approve_token(token_of(second))).accounts()


def test_proxy_variables_do_not_break_the_local_emulator(
    emulator_env, emulator, clock, monkeypatch
):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "")
    flow = OAuthFlow(store=NO_STORE, clock=clock)
    assert flow.finish(emulator.approve_token(token_of(flow.start()))).accounts()


def test_errors_keep_the_response_but_not_what_was_signed(flow, emulator):
    token = token_of(flow.start())
    emulator.approve_token(token)
    with pytest.raises(VerifierRejectedError) as info:
        flow.finish("WRONG9")
    sent = info.value.response.request.headers["Authorization"]
    assert "WRONG9" not in sent and quote(token, safe="") not in sent
    assert "oauth_timestamp" in sent
