"""OAuthFlow stepped by hand against a scripted transport (no server)."""

import re

import pytest
import requests

from etrade_nb import (
    AccessToken,
    AuthorizeLinkExpiredError,
    ConfigurationError,
    FileTokenStore,
    LoginNotStartedError,
    LoginState,
    MemoryTokenStore,
    OAuthFlow,
    RetryPolicy,
    ServiceUnavailableError,
    Session,
    TokenMismatchError,
    VerifierFormatError,
    VerifierRejectedError,
)
from etrade_nb.oauth.signing import _ClockedClient
from etrade_nb.secret import Secret
from etrade_nb.storage.token_store import StoredToken
from tests.unit.fake_http import fake_http

KEY, SECRET = "282683cc9e4b8fc81dea6bc687d46758", "kd94hf93k423kf44"
REQ = "oauth_token=%2FiQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU%3D&oauth_token_secret=%2FrC9scEpzcwSEMy4vE7nodSzPLqfRINnTNY4voczyFM%3D&oauth_callback_confirmed=true"  # noqa: E501
ACCESS = "oauth_token=ACC%2Btoken%3D&oauth_token_secret=ACC%2Fsecret%3D"
REJECTED = (
    401,
    "<html>HTTP Status 401 - oauth_problem=token_rejected</html>",
    {"WWW-Authenticate": 'OAuth realm="",oauth_problem=token_rejected'},
)


class Clock:
    def __init__(self, t: float = 1_780_408_800.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def header(request: requests.PreparedRequest) -> dict[str, str]:
    auth = request.headers["Authorization"]
    auth = auth.decode() if isinstance(auth, bytes) else auth
    assert auth.startswith("OAuth ")
    return dict(re.findall(r'(\w+)="([^"]*)"', auth))


def make_flow(*answers, clock=None, store=None):
    http, adapter = fake_http(*answers)
    flow = OAuthFlow(
        KEY,
        SECRET,
        http=http,
        clock=clock or Clock(),
        store=store or MemoryTokenStore(),
        retry=RetryPolicy(sleep=lambda s: None),
        environ={},
    )
    return flow, adapter


def test_signature_matches_the_etrade_shaped_vector():
    # The sample key, nonce and timestamp printed on E*TRADE's OAuth doc pages, callback oob,
    # version 1.0; the expected signature was computed independently (it matches oauthlib).
    client = _ClockedClient(
        KEY,
        client_secret=SECRET,
        callback_uri="oob",
        nonce="LTg2ODUzOTQ5MTEzMTY3MzQwMzE=",
        clock=lambda: 1273254425,
    )
    _, headers, _ = client.sign("https://api.etrade.com/oauth/request_token", "GET")
    assert 'oauth_signature="SlKkW7vqiqI3b%2FvKDKt5X0tZLqI%3D"' in headers["Authorization"]


def test_start_gets_a_request_token_by_signed_get_with_oob_callback():
    clock = Clock()
    flow, adapter = make_flow((200, REQ), clock=clock)
    url = flow.start()
    assert url == (
        "https://us.etrade.com/e/t/etws/authorize?key=282683cc9e4b8fc81dea6bc687d46758"
        "&token=%2FiQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU%3D"
    )
    (request,) = adapter.sent
    assert request.method == "GET"
    assert request.url == "https://api.etrade.com/oauth/request_token"
    assert request.body is None
    fields = header(request)
    assert fields["oauth_callback"] == "oob"
    assert fields["oauth_consumer_key"] == KEY
    assert fields["oauth_signature_method"] == "HMAC-SHA1"
    assert fields["oauth_timestamp"] == str(int(clock.t))
    assert "oauth_token" not in fields
    assert flow.state is LoginState.PENDING and flow.seconds_left() == 300


def test_start_again_while_fresh_returns_the_same_link_without_a_request():
    clock = Clock()
    flow, adapter = make_flow((200, REQ), (200, REQ.replace("iQR", "xyz")), clock=clock)
    first = flow.start()
    clock.t += 200
    assert flow.start() == first
    assert len(adapter.sent) == 1
    clock.t += 101  # the link's 5 minutes are over
    assert flow.state is LoginState.EXPIRED and flow.authorize_url is None
    assert flow.start() != first
    assert len(adapter.sent) == 2


def test_wrong_code_can_be_retried_then_right_code_gives_a_session():
    store = MemoryTokenStore()
    flow, adapter = make_flow((200, REQ), REJECTED, (200, ACCESS), store=store)
    flow.start()
    with pytest.raises(VerifierRejectedError, match="submit it again; this link works for 5 min"):
        flow.finish("WRONG1")
    assert flow.state is LoginState.PENDING
    session = flow.finish(" K7Q2M\n")
    assert isinstance(session, Session) and flow.state is LoginState.AUTHORIZED
    fields = header(adapter.sent[-1])
    assert adapter.sent[-1].url == "https://api.etrade.com/oauth/access_token"
    assert adapter.sent[-1].method == "GET"
    assert fields["oauth_verifier"] == "K7Q2M"
    assert fields["oauth_token"] == "%2FiQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU%3D"
    assert "oauth_callback" not in fields
    # finishing again (a double click) does not exchange twice
    assert flow.finish("K7Q2M") is session
    assert len(adapter.sent) == 3
    stored = store.load(KEY, "sandbox", flow.clock())
    assert stored is not None and stored.token.token == "ACC+token="


def test_expired_link_is_reported_without_a_network_call():
    clock = Clock()
    flow, adapter = make_flow((200, REQ), clock=clock)
    flow.start()
    clock.t += 300
    with pytest.raises(AuthorizeLinkExpiredError, match=r"start\(\)"):
        flow.finish("K7Q2M")
    assert len(adapter.sent) == 1


def test_token_expired_answer_means_the_link_expired():
    flow, _ = make_flow(
        (200, REQ), (401, "", {"WWW-Authenticate": "OAuth oauth_problem=token_expired"})
    )
    flow.start()
    with pytest.raises(AuthorizeLinkExpiredError):
        flow.finish("K7Q2M")


def test_finish_before_start_and_pasted_url_of_another_login():
    flow, adapter = make_flow((200, REQ))
    with pytest.raises(LoginNotStartedError, match="start"):
        flow.finish("K7Q2M")
    flow.start()
    with pytest.raises(TokenMismatchError, match="earlier login"):
        flow.finish("https://cb/?oauth_token=OTHER%3D&oauth_verifier=K7Q2M")
    assert len(adapter.sent) == 1


def test_request_token_call_is_retried_on_500_then_gives_up_clearly():
    busy = (500, '{"Error":{"code":100,"message":"busy"}}')
    flow, adapter = make_flow(busy, busy, (200, REQ))
    assert flow.start().startswith("https://us.etrade.com/")
    assert len(adapter.sent) == 3
    flow2, adapter2 = make_flow(busy, busy, busy, busy)
    with pytest.raises(ServiceUnavailableError, match="try again in a minute"):
        flow2.start()
    assert len(adapter2.sent) == 4
    # every retry is signed anew (fresh nonce)
    nonces = {header(r)["oauth_nonce"] for r in adapter2.sent}
    assert len(nonces) == 4


def test_cached_session_comes_from_the_store_the_same_day():
    store = MemoryTokenStore()
    clock = Clock()
    flow, _ = make_flow((200, REQ), (200, ACCESS), clock=clock, store=store)
    flow.start()
    flow.finish("K7Q2M")
    again, adapter = make_flow(clock=clock, store=store)
    cached = again.cached_session()
    assert cached is not None and cached.expires_at == flow.session.expires_at
    assert adapter.sent == []
    clock.t = cached.expires_at  # midnight ET: gone
    assert again.cached_session() is None


def test_flow_repr_and_errors_hold_no_secret():
    flow, _ = make_flow((200, REQ), REJECTED)
    flow.start()
    with pytest.raises(VerifierRejectedError) as info:
        flow.finish("ABCDE")
    text = repr(flow) + str(info.value) + repr(info.value) + repr(flow.credentials)
    for secret in (
        SECRET,
        "iQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU",
        "rC9scEpzcwSEMy4v",
        "ABCDE",
    ):
        assert secret not in text


def test_blank_keys_are_a_configuration_error_that_says_what_to_do():
    with pytest.raises(ConfigurationError, match="developer portal"):
        OAuthFlow("   ", "   ", environ={}, store=MemoryTokenStore())
    with pytest.raises(ConfigurationError, match="callback must be"):
        OAuthFlow(KEY, SECRET, callback=None, environ={}, store=MemoryTokenStore())  # type: ignore[arg-type]


def test_finish_with_a_number_is_a_format_error_and_loses_the_link_nothing():
    flow, adapter = make_flow((200, REQ))
    flow.start()
    with pytest.raises(VerifierFormatError, match="text"):
        flow.finish(12345)
    assert flow.state.value == "pending" and len(adapter.sent) == 1


@pytest.mark.parametrize("problem", ["damaged", "loose folder"])
def test_a_bad_token_cache_never_blocks_a_login(tmp_path, caplog, problem):
    store = FileTokenStore(tmp_path / "tokens")
    flow, _ = make_flow((200, REQ), (200, ACCESS), store=store)
    store.save(
        KEY, "sandbox", StoredToken(AccessToken("old", Secret("oldsecret"), flow.clock()), 0.0)
    )
    if problem == "damaged":
        store.path_for(KEY, "sandbox").write_text('{"oauth_token": 12345}')
    else:
        store.directory.chmod(0o755)
    assert flow.cached_session() is None  # no TokenCacheError: the login goes on
    flow.start()
    session = flow.finish("K7Q2M")
    assert isinstance(session, Session) and flow.state is LoginState.AUTHORIZED
    if problem == "damaged":
        assert session.store_warning is None  # the bad file was replaced by the new token
        assert store.load(KEY, "sandbox", flow.clock()) is not None
    else:
        assert session.store_warning and "chmod 700" in session.store_warning
        assert caplog.text.count("chmod 700") == 2  # load said it once, save once
