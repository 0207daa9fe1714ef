"""Session stepped against a scripted transport: paths, renew, retries, no order repeats."""

import json
from urllib.parse import unquote

import pytest

from etrade_nb import (
    AccessToken,
    AccessTokenExpiredError,
    AccessTokenInactiveError,
    ApiError,
    ConfigurationError,
    MemoryTokenStore,
    OrderStatusUnknownError,
    RetryPolicy,
    ServiceUnavailableError,
    Session,
    TokenRejectedError,
    TokenState,
    resolve_environment,
)
from etrade_nb.oauth.tokens import IDLE_LIMIT
from etrade_nb.secret import Secret
from tests.unit.fake_http import fake_http

T0 = 1_780_408_800.0  # 10:00 in New York
EXPIRED = (401, "", {"WWW-Authenticate": 'OAuth realm="",oauth_problem=token_expired'})
BUSY = (500, '{"Error":{"code":100,"message":"The requested service is not available."}}')
ACCOUNTS = {"AccountListResponse": {"Accounts": {"Account": [{"accountIdKey": "a1"}]}}}


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t


def make_session(*answers, sandbox=True, store=None):
    http, adapter = fake_http(*answers)
    clock = Clock()
    delays: list[float] = []
    session = Session(
        "ckey",
        "csecret",
        AccessToken("TOKEN+/=", Secret("TSECRET"), issued_at=T0),
        environment=resolve_environment(sandbox=sandbox, environ={}),
        http=http,
        clock=clock,
        store=store,
        retry=RetryPolicy(sleep=delays.append),
        rate_limit=None,
    )
    return session, adapter, clock, delays


def test_get_uses_json_suffix_accept_header_and_the_data_host():
    session, adapter, *_ = make_session((200, json.dumps(ACCOUNTS)))
    assert session.accounts() == [{"accountIdKey": "a1"}]
    (request,) = adapter.sent
    assert request.url == "https://apisb.etrade.com/v1/accounts/list.json"
    assert request.headers["Accept"] in ("application/json", b"application/json")
    assert b'oauth_token="TOKEN%2B%2F%3D"' in _auth(request)


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("accounts/list", "https://apisb.etrade.com/v1/accounts/list.json"),
        ("/v1/accounts/list.json", "https://apisb.etrade.com/v1/accounts/list.json"),
        (
            "https://apisb.etrade.com/v1/market/quote/GOOG",
            "https://apisb.etrade.com/v1/market/quote/GOOG.json",
        ),
    ],
)
def test_paths_are_normalised(path, url):
    session, adapter, *_ = make_session((200, "{}"))
    session.get(path)
    assert adapter.sent[0].url == url


def test_a_query_written_into_the_path_is_kept_as_parameters():
    session, adapter, *_ = make_session((200, "{}"))
    session.get("/v1/accounts/a1/transactions?count=5&startDate=01012026", params={"count": 9})
    url = adapter.sent[0].url
    assert url.startswith("https://apisb.etrade.com/v1/accounts/a1/transactions.json?")
    assert sorted(url.split("?")[1].split("&")) == ["count=9", "startDate=01012026"]


def test_repeated_query_keys_survive_and_xml_is_refused():
    session, adapter, *_ = make_session((200, "{}"))
    session.get("/v1/market/lookup/x?a=1&a=2")
    assert adapter.sent[0].url.endswith("/v1/market/lookup/x.json?a=1&a=2")
    with pytest.raises(ConfigurationError, match=r"drop the \.xml suffix"):
        session.get("/v1/accounts/list.xml")


def test_oauth_paths_are_not_api_calls():
    session, adapter, *_ = make_session()
    with pytest.raises(ConfigurationError, match="renew"):
        session.get("/oauth/renew_access_token")
    assert adapter.sent == []


def test_live_repr_carries_a_warning_line():
    session, *_ = make_session(sandbox=False)
    assert repr(session).splitlines() == [
        "<etrade_nb.Session live: active>",
        "LIVE: calls act on your real E*TRADE accounts",
    ]


def test_signed_requests_never_go_to_another_host():
    session, adapter, *_ = make_session()
    with pytest.raises(ConfigurationError, match="Refusing"):
        session.get("https://evil.example.com/v1/accounts/list")
    assert adapter.sent == []


def test_idle_token_is_renewed_before_the_call():
    session, adapter, clock, _ = make_session(
        (200, "Access Token has been renewed"), (200, json.dumps(ACCOUNTS))
    )
    clock.t += IDLE_LIMIT + 1
    assert session.state is TokenState.INACTIVE
    session.accounts()
    assert [r.url for r in adapter.sent] == [
        "https://api.etrade.com/oauth/renew_access_token",
        "https://apisb.etrade.com/v1/accounts/list.json",
    ]
    assert session.state is TokenState.ACTIVE


def test_get_meeting_token_expired_is_renewed_and_sent_once_more():
    session, adapter, *_ = make_session(EXPIRED, (200, "renewed"), (200, "{}"))
    assert session.get("/v1/accounts/list") == {}
    assert [r.method for r in adapter.sent] == ["GET", "GET", "GET"]
    assert "renew_access_token" in adapter.sent[1].url


def test_post_meeting_token_expired_is_renewed_but_not_resent():
    session, adapter, *_ = make_session(EXPIRED, (200, "renewed"))
    with pytest.raises(AccessTokenInactiveError, match="did NOT act on it"):
        session.post("/v1/accounts/a1/orders/place", json={"PlaceOrderRequest": {}})
    assert [r.method for r in adapter.sent] == ["POST", "GET"]


def test_post_is_never_retried_on_500():
    session, adapter, _, delays = make_session(BUSY)
    with pytest.raises(OrderStatusUnknownError, match="may or may not") as info:
        session.post("/v1/accounts/a1/orders/place", json={"x": 1})
    assert "orders" in str(info.value)
    assert len(adapter.sent) == 1 and delays == []


def test_get_is_retried_with_backoff_then_fails_clearly():
    session, adapter, _, delays = make_session(BUSY, BUSY, BUSY, BUSY)
    with pytest.raises(ServiceUnavailableError, match="failed 4 times"):
        session.get("/v1/accounts/list")
    assert len(adapter.sent) == 4
    assert delays == [0.5, 1.0, 2.0]


RATE_LIMITED = (400, "<html><body>Number of requests exceeded the rate limit set</body></html>")


def test_rate_limited_get_waits_and_retries_but_post_does_not():
    session, adapter, _, delays = make_session(RATE_LIMITED, (200, "{}"), RATE_LIMITED)
    assert session.get("/v1/accounts/list") == {}
    assert delays == [1.0] and len(adapter.sent) == 2
    with pytest.raises(ApiError, match="did NOT act on this request"):
        session.post("/v1/accounts/a1/orders/preview", json={})
    assert len(adapter.sent) == 3 and delays == [1.0]


def test_auth_failure_dressed_as_500_is_not_retried():
    body = (
        "<Error><message>Unauthorized request - invalid Consumer key and/or session token"
        "</message></Error>"
    )
    session, adapter, *_ = make_session((500, body))
    with pytest.raises(TokenRejectedError, match="Log in again"):
        session.get("/v1/accounts/list")
    assert len(adapter.sent) == 1


def test_expired_token_raises_before_sending():
    store = MemoryTokenStore()
    session, adapter, clock, _ = make_session(store=store)
    clock.t = session.expires_at
    with pytest.raises(AccessTokenExpiredError, match=r"midnight US Eastern.*Log in again"):
        session.get("/v1/accounts/list")
    with pytest.raises(AccessTokenExpiredError):
        session.renew()
    assert adapter.sent == []


def test_api_error_document_and_no_content():
    err = '{"Error":{"code":1023,"message":"Too many symbols"}}'
    session, *_ = make_session((400, err), (204, ""))
    with pytest.raises(ApiError) as info:
        session.get("/v1/market/quote/A")
    assert info.value.code == 1023 and info.value.status == 400
    assert "Too many symbols" in str(info.value)
    assert session.get("/v1/accounts/list") is None


def test_live_orders_need_an_explicit_opt_in():
    session, adapter, *_ = make_session((200, "{}"), sandbox=False)
    with pytest.raises(ConfigurationError, match="enable_live_trading"):
        session.post("/v1/accounts/a1/orders/place", json={})
    assert adapter.sent == []
    session.enable_live_trading()
    session.post("/v1/accounts/a1/orders/place", json={})
    assert adapter.sent[0].url == "https://api.etrade.com/v1/accounts/a1/orders/place.json"
    assert "LIVE" in session.status().lines()[-1]


def test_revoke_forgets_the_token_and_ends_the_session():
    store = MemoryTokenStore()
    session, adapter, *_ = make_session((200, "Revoked Access Token"), store=store)
    from etrade_nb.storage.token_store import StoredToken

    store.save("ckey", "sandbox", StoredToken(session._token, T0))
    session.revoke()
    assert store.load("ckey", "sandbox", T0) is None
    assert session.state is TokenState.REVOKED
    assert "revoke_access_token" in adapter.sent[0].url
    with pytest.raises(TokenRejectedError, match="logged out"):
        session.get("/v1/accounts/list")


def test_quotes_are_batched_50_per_call_and_keep_order():
    symbols = [f"S{i}" for i in range(60)] + ["BRK.B", "^VIX", "GOOG:2026:12:18:CALL:190.000000"]

    def answer(request):
        from tests.unit.fake_http import make_response

        path = request.path_url.split("?")[0]
        names = unquote(path.rsplit("/", 1)[1].removesuffix(".json")).split(",")
        data = [{"Product": {"symbol": n}, "All": {"lastTrade": 1.0}} for n in names]
        return make_response(request, 200, json.dumps({"QuoteResponse": {"QuoteData": data}}), {})

    session, adapter, *_ = make_session(answer, answer)
    quotes = session.quotes(symbols, max_workers=1)
    assert len(adapter.sent) == 2
    assert "overrideSymbolCount=true" in adapter.sent[0].url
    assert "overrideSymbolCount" not in adapter.sent[1].url
    assert "/quote/S50,S51," in adapter.sent[1].url
    assert (
        "%5EVIX" in adapter.sent[1].url and "GOOG:2026:12:18:CALL:190.000000" in adapter.sent[1].url
    )
    assert [q["Product"]["symbol"] for q in quotes][-3:] == [
        "BRK.B",
        "^VIX",
        "GOOG:2026:12:18:CALL:190.000000",
    ]


def test_quotes_without_override_use_25():
    session, adapter, *_ = make_session(*[(200, "{}")] * 2)
    session.quotes([f"S{i}" for i in range(30)], override_symbol_count=False, max_workers=1)
    assert len(adapter.sent) == 2
    assert all("overrideSymbolCount" not in r.url for r in adapter.sent)


def test_repr_is_stable_and_secret_free():
    session, *_ = make_session()
    assert repr(session) == "<etrade_nb.Session sandbox: active>"
    html = session._repr_html_()
    for secret in ("TOKEN", "TSECRET", "csecret"):
        assert secret not in repr(session) and secret not in html
    assert "sandbox" in html and "23:59 ET" in html and "midnight ET" in html


def _auth(request) -> bytes:
    value = request.headers["Authorization"]
    return value if isinstance(value, bytes) else value.encode()


# -- guards judge the request that goes on the wire ----------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/v1/accounts/K/ord%65rs/place",  # requests decodes %65 to "e" before sending
        "/v1/accounts/K/%6Frders/preview",
        "/v1/accounts/K/ORDERS/place",
        "/v1/accounts/K/Orders/preview",
        "/v1/accounts/K/orders%2Fplace",
        "https://api.etrade.com/v1/accounts/K/ord%65rs/place",
        "https://API.ETRADE.COM/v1/accounts/K/orders/place",
    ],
)
def test_live_order_guard_judges_the_path_as_sent(path):
    session, adapter, *_ = make_session((200, "{}"), sandbox=False)
    for method in ("POST", "PUT", "DELETE"):
        with pytest.raises(ConfigurationError, match="enable_live_trading"):
            session.request(method, path, json={})
    assert adapter.sent == []


@pytest.mark.parametrize(
    "path",
    [
        "/v1/../oauth/renew_access_token",
        "/v1/%2e%2e/oauth/revoke_access_token",
        "/v1/accounts/./../../oauth/renew_access_token",
        "/OAUTH/renew_access_token",
        "/%6Fauth/renew_access_token",
        "/v1/accounts/..%2F..%2Foauth/renew_access_token",
        "/v1/accounts/list/%2E%2E/orders",
        "/v1/accounts/..\\..\\oauth/renew_access_token",
    ],
)
def test_oauth_and_dot_segment_paths_are_refused_before_sending(path):
    session, adapter, *_ = make_session()
    with pytest.raises(ConfigurationError) as info:
        session.get(path)
    assert "renew" in info.value.message or "'..'" in info.value.message
    assert adapter.sent == []


def test_a_fragment_in_the_path_is_refused_rather_than_dropped():
    session, adapter, *_ = make_session()
    with pytest.raises(ConfigurationError, match="#"):
        session.get("/v1/accounts/list#/../../oauth/renew_access_token")
    assert adapter.sent == []


@pytest.mark.parametrize(
    "url",
    [
        "https://apisb.etrade.com@evil.example.com/v1/accounts/list",
        "https://apisb.etrade.com.evil.example.com/v1/accounts/list",
        "https://user@apisb.etrade.com/v1/accounts/list",
        "http://apisb.etrade.com/v1/accounts/list",
        "https://apisb.etrade.com\\@evil.example.com/v1/accounts/list",
        "//evil.example.com/v1/accounts/list",
    ],
)
def test_foreign_hosts_are_refused_however_written(url):
    session, adapter, *_ = make_session()
    with pytest.raises(ConfigurationError):
        session.get(url)
    assert adapter.sent == []


def test_canonical_paths_still_go_out_unchanged():
    session, adapter, *_ = make_session((200, "{}"), (200, "{}"), (200, "{}"), sandbox=False)
    session.get("/v1/accounts/a%2Fb/orders")  # GET: reading orders needs no opt-in
    session.get("/v1/market/quote/%5EVIX,BRK.B")
    session.get("https://API.etrade.com/v1/accounts/list")
    assert [r.url for r in adapter.sent] == [
        "https://api.etrade.com/v1/accounts/a%2Fb/orders.json",
        "https://api.etrade.com/v1/market/quote/%5EVIX,BRK.B.json",
        "https://api.etrade.com/v1/accounts/list.json",
    ]


@pytest.mark.parametrize("path", [123, None, b"/v1/accounts/list"])
def test_a_path_that_is_not_text_is_a_configuration_error(path):
    session, adapter, *_ = make_session()
    with pytest.raises(ConfigurationError, match="text"):
        session.get(path)
    assert adapter.sent == []


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "https://api.etrade.com/v1/accounts/K/ord%65rs/place.json"),
        ("PUT", "https://api.etrade.com/v1/accounts/K/ORDERS/cancel.json"),
        ("GET", "https://api.etrade.com/v1/accounts/K/%2e%2e/list.json"),
        ("GET", "https://api.etrade.com/oauth/access_token"),
        ("POST", "https://api.etrade.com/oauth/renew_access_token"),
        ("GET", "https://evil.example.com/v1/accounts/list.json"),
    ],
)
def test_the_signer_itself_refuses_what_the_guards_refuse(method, url):
    """Code that sends through the session's signer without Session.request (a new helper
    module, say) gets the same guards, judged on the prepared request."""
    from etrade_nb.api.transport import RetryPolicy as Policy
    from etrade_nb.api.transport import send

    session, adapter, *_ = make_session((200, "{}"), sandbox=False)
    with pytest.raises(ConfigurationError):
        send(session._http, method, url, auth=session._auth, timeout=5, policy=Policy(), what="x")
    assert adapter.sent == []


@pytest.mark.parametrize("symbol", ["/", "\\", "./x", "a/../b", "%", "..x"])
def test_encoded_slashes_in_a_quoted_symbol_stay_data(symbol):
    from urllib.parse import quote

    session, adapter, *_ = make_session((200, "{}"))
    session.get(f"/v1/market/quote/{quote(symbol, safe='')}")
    assert len(adapter.sent) == 1


def test_a_malformed_escape_is_a_configuration_error():
    session, adapter, *_ = make_session()
    with pytest.raises(ConfigurationError, match="%"):
        session.get("/v1/accounts/%zz/list")
    assert adapter.sent == []


@pytest.mark.parametrize(
    "base", ["https://api.etrade.com", "https://API.ETRADE.COM.", "https://etws.etrade.com/"]
)
def test_a_sandbox_login_on_a_production_host_is_live(base):
    """The guard and the badge follow the host requests go to, not the environment's name."""
    http, adapter = fake_http((200, "{}"))
    env = resolve_environment(sandbox=True, environ={"ETRADE_NB_API_BASE": base})
    session = Session(
        "ckey",
        "csecret",
        AccessToken("T", "S", issued_at=T0),
        environment=env,
        http=http,
        clock=Clock(),
        rate_limit=None,
    )
    assert env.target == "live" and not session.sandbox
    with pytest.raises(ConfigurationError, match="enable_live_trading") as info:
        session.post("/v1/accounts/a1/orders/place", json={})
    assert "live host" in str(info.value) and adapter.sent == []
    assert "LIVE" in repr(session) and ">LIVE<" in session._repr_html_()
    assert session.status().environment == "live"


def test_an_unknown_host_is_neither_sandbox_nor_live_and_says_so():
    http, adapter = fake_http((200, "{}"), (200, "{}"))
    env = resolve_environment(sandbox=True, environ={"ETRADE_NB_API_BASE": "https://gw.corp"})
    session = Session(
        "ckey",
        "csecret",
        AccessToken("T", "S", issued_at=T0),
        environment=env,
        http=http,
        clock=Clock(),
        rate_limit=None,
    )
    assert env.target == "unknown" and env.label == "unknown host gw.corp"
    with pytest.raises(ConfigurationError, match="not an E\\*TRADE host"):
        session.post("/v1/accounts/a1/orders/place", json={})
    assert adapter.sent == []
    html = session._repr_html_()
    assert "unknown host gw.corp" in html and "LIVE" not in html and "sandbox" not in html
    assert "enable_live_trading" in repr(session)
    session.get("/v1/accounts/list")  # reading is fine
    session.enable_live_trading()
    session.post("/v1/accounts/a1/orders/place", json={})
    assert len(adapter.sent) == 2


def test_the_sandbox_host_and_the_emulator_keep_their_names():
    sb = resolve_environment(
        sandbox=False, environ={"ETRADE_NB_API_BASE": "https://apisb.etrade.com"}
    )
    assert sb.target == "sandbox"
    assert resolve_environment(sandbox=True, environ={}).target == "sandbox"
    assert resolve_environment(sandbox=False, environ={}).target == "live"
    local = {"ETRADE_NB_API_BASE": "http://127.0.0.1:8765"}
    assert resolve_environment(sandbox=False, environ=local).target == "live"
    assert resolve_environment(sandbox=True, environ=local).target == "sandbox"
