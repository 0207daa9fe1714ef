"""The loopback callback receiver, its rebinding and its URL planning, with a fake ``finish``."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from etrade_nb.errors import ConfigurationError, VerifierRejectedError
from etrade_nb.login.callback import WAIT_FOR_LOGIN, CallbackReceiver
from etrade_nb.login.callback_urls import (
    is_full_url,
    pending_token,
    plan_callback,
    suggested_callback_url,
)

# What Chromium, Firefox and Safari >= 16.4 send when E*TRADE's 302 lands on the receiver.
NAVIGATION = {"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none"}


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class FakeFinish:
    """Records queries; rejects the verifier ``BAD``."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, query: str) -> str:
        self.calls.append(query)
        if "oauth_verifier=BAD" in query:
            raise VerifierRejectedError("E*TRADE did not accept that verification code.")
        return "session"


@pytest.fixture
def finish() -> FakeFinish:
    return FakeFinish()


@pytest.fixture
def receiver(finish: FakeFinish):
    r = CallbackReceiver(finish, expected_token=lambda: "tok/1=").start(lifetime=30)
    yield r
    r.stop()


def test_success_answers_close_tab_calls_finish_once_then_410(receiver, finish) -> None:
    status, body = get(receiver.url + "?oauth_verifier=K7Q2M")
    assert status == 200 and "You can close this tab" in body
    assert finish.calls == ["oauth_verifier=K7Q2M"]
    assert receiver.wait(1)
    assert get(receiver.url + "?oauth_verifier=K7Q2M")[0] == 410
    assert get(receiver.url.replace("/callback", "/favicon.ico"))[0] == 410
    assert finish.calls == ["oauth_verifier=K7Q2M"]


@pytest.mark.parametrize(
    "suffix",
    ["?oauth_verifier=", "", "/other?oauth_verifier=K7Q2M", "?oauth_verifier=K&oauth_token=x"],
)
def test_bad_requests_get_400_without_side_effects_and_it_keeps_waiting(
    receiver, finish, suffix: str
) -> None:
    url = receiver.url + suffix if not suffix.startswith("/") else receiver.url[:-9] + suffix
    assert get(url)[0] == 400
    assert finish.calls == [] and not receiver.done.is_set()
    assert get(receiver.url + "?oauth_verifier=K7Q2M&oauth_token=tok%2F1%3D")[0] == 200


def test_a_rejected_code_is_the_only_exchange_for_that_link(finish) -> None:
    link = ["tok/1="]
    refused: list[str] = []
    r = CallbackReceiver(finish, expected_token=lambda: link[0], on_refused=refused.append)
    with r.start(lifetime=30):
        status, body = get(r.url + "?oauth_verifier=BAD", NAVIGATION)
        assert status == 400 and "did not accept" in body and "address bar" in body
        assert isinstance(r.error, VerifierRejectedError)
        assert len(refused) == 1 and "paste the address" in refused[0]
        for _ in range(5):  # the real redirect, or more stray requests: no more exchanges
            status, body = get(r.url + "?oauth_verifier=GOOD", NAVIGATION)
            assert status == 409 and "paste it into the notebook" in body
        assert finish.calls == ["oauth_verifier=BAD"] and r.exchanges == 1
        link[0] = "tok/2="  # a new link was shown: it gets its own single try
        assert get(r.url + "?oauth_verifier=GOOD", NAVIGATION)[0] == 200
        assert r.exchanges == 2


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}, "<img> on a web page"),
        ({"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}, "fetch() from a web page"),
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"}, "<iframe>"),
        ({"Sec-Fetch-Dest": "document"}, "no mode"),
        ({"Host": "evil.example:80"}, "DNS rebinding"),
        ({**NAVIGATION, "Host": "127.0.0.2"}, "another host"),
        ({"X-Forwarded-Context": "/user/a/proxy/1", "Host": "hub.example"}, "not proxied"),
    ],
)
def test_requests_that_are_not_the_browsers_redirect_get_403_and_no_exchange(
    receiver, finish, headers: dict[str, str], why: str
) -> None:
    assert get(receiver.url + "?oauth_verifier=K7Q2M", headers)[0] == 403, why
    assert finish.calls == [] and receiver.exchanges == 0
    assert get(receiver.url + "?oauth_verifier=K7Q2M", NAVIGATION)[0] == 200  # still its one try


@pytest.mark.parametrize(
    "query",
    ["oauth_verifier=a-b", "oauth_verifier=" + "A" * 65, "oauth_verifier=A&oauth_verifier=B"],
)
def test_malformed_verifiers_and_posts_never_exchange(receiver, finish, query: str) -> None:
    assert get(f"{receiver.url}?{query}", NAVIGATION)[0] == 400
    assert get(receiver.url + "?oauth_verifier=K7Q2M", NAVIGATION, method="POST")[0] == 405
    assert finish.calls == [] and receiver.exchanges == 0


def test_requests_without_sec_fetch_headers_count_as_the_one_try(receiver, finish) -> None:
    """Old browsers, curl, the emulator's robot: accepted when Host and shape are right."""
    assert get(receiver.url.replace("127.0.0.1", "localhost") + "?oauth_verifier=BAD")[0] == 400
    assert get(receiver.url + "?oauth_verifier=K7Q2M")[0] == 409
    assert finish.calls == ["oauth_verifier=BAD"]


def test_behind_jupyter_server_proxy(finish) -> None:
    relayed = {**NAVIGATION, "Host": "hub.example", "X-Forwarded-Context": "/user/a/proxy/1"}
    unknown = CallbackReceiver(finish, proxied=True).start(lifetime=30)
    with unknown:  # the hub's public host is not known: the proxy's header is enough
        assert get(unknown.url + "?oauth_verifier=K7Q2M", relayed)[0] == 200
    known = CallbackReceiver(finish, proxied=True, public_host="Hub.Example").start(lifetime=30)
    with known:
        evil = {**relayed, "Host": "evil.example"}
        assert get(known.url + "?oauth_verifier=K7Q2M", evil)[0] == 403
        assert get(known.url + "?oauth_verifier=K7Q2M", relayed)[0] == 200
    assert len(finish.calls) == 2


def test_lifetime_is_bounded_and_stop_releases_the_thread(finish) -> None:
    r = CallbackReceiver(finish).start(lifetime=0.3)
    r._thread.join(3)  # type: ignore[union-attr]
    assert not r.running
    r2 = CallbackReceiver(finish).start(lifetime=60)
    r2.stop()
    assert not r2.running and "stopped" in repr(r2)


def test_extend_keeps_it_alive() -> None:
    now = [0.0]
    r = CallbackReceiver(lambda q: None, clock=lambda: now[0])
    r._deadline = 10.0
    r.extend(100)
    assert r._deadline == 100.0


def test_busy_port_is_a_configuration_error(receiver) -> None:
    with pytest.raises(ConfigurationError, match="Cannot listen"):
        CallbackReceiver(lambda q: None, port=receiver.port).start()


def test_plan_without_url_local_and_behind_a_hub() -> None:
    plan = plan_callback(environ={})
    assert (plan.port, plan.path, plan.via_hub, plan.relay_prefix) == (0, "/callback", False, None)
    assert plan.url_for(8765, environ={}) == "http://127.0.0.1:8765/callback"
    hub = {"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"}
    assert plan_callback(environ=hub).via_hub
    assert plan_callback(environ=hub).relay_prefix == "/user/alice/"
    # no public URL: only the path is known, to be put after the hub's address
    assert suggested_callback_url(8765, hub) == "/user/alice/proxy/8765/callback"
    assert not is_full_url(suggested_callback_url(8765, hub))


def test_behind_a_hub_with_a_public_url_the_url_to_register_is_full() -> None:
    """Break 2 of issue 12: a bare path is useless to register and cannot be redirected to."""
    hub = {
        "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/",
        "JUPYTERHUB_PUBLIC_URL": "https://hub.example/user/alice/",
    }
    url = suggested_callback_url(8765, hub)
    assert url == "https://hub.example/user/alice/proxy/8765/callback" and is_full_url(url)
    assert plan_callback(environ=hub).url_for(8765, hub) == url
    # JupyterHub sets the variable empty when it does not know its public address
    assert suggested_callback_url(1, {**hub, "JUPYTERHUB_PUBLIC_URL": ""}).startswith("/user/")


def test_plan_from_registered_urls() -> None:
    local = plan_callback("http://127.0.0.1:8765/cb", environ={})
    assert (local.port, local.path, local.relay_prefix) == (8765, "/cb", None)
    hub = plan_callback("https://hub.example/user/alice/proxy/9000/callback", environ={})
    assert (hub.port, hub.path, hub.via_hub) == (9000, "/callback", True)
    assert hub.relay_prefix == "/user/alice/"
    assert hub.url_for(9000) == "https://hub.example/user/alice/proxy/9000/callback"
    assert (hub.public_host, local.public_host) == ("hub.example", "127.0.0.1:8765")
    assert plan_callback(environ={}).public_host is None
    own = plan_callback("https://me.example/etrade/cb", port=7000, environ={})
    assert (own.port, own.path) == (7000, "/etrade/cb")
    absolute = plan_callback("https://hub.example/user/a/proxy/absolute/9000/cb", environ={})
    assert (absolute.port, absolute.path) == (9000, "/user/a/proxy/absolute/9000/cb")


def test_a_hub_on_loopback_listens_on_the_proxied_port_not_the_hubs() -> None:
    """Break 3 of issue 12: the /proxy/<port>/ rule comes before the loopback rule."""
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"}
    plan = plan_callback("http://127.0.0.1:8000/user/alice/proxy/8790/callback", environ=env)
    assert (plan.port, plan.path, plan.via_hub) == (8790, "/callback", True)
    assert (plan.relay_prefix, plan.public_host) == ("/user/alice/", "127.0.0.1:8000")
    with CallbackReceiver(None).start(lifetime=30) as hub:  # holds "the hub's" port
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            free = s.getsockname()[1]
        url = f"http://127.0.0.1:{hub.port}/user/alice/proxy/{free}/callback"
        with CallbackReceiver(None, port=plan_callback(url, environ=env).port).start(30) as r:
            assert r.port == free  # not "Cannot listen on 127.0.0.1:<hub's port>"


def test_an_absolute_proxy_url_on_a_hub_is_refused_with_the_form_that_works() -> None:
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"}
    for tail, path in (("/cb", "/cb"), ("", "/callback")):
        url = f"https://hub.example/user/alice/proxy/absolute/9000{tail}"
        with pytest.raises(ConfigurationError, match="/proxy/absolute/PORT/ form") as info:
            plan_callback(url, environ=env)
        assert f"Register https://hub.example/user/alice/proxy/9000{path} with" in str(info.value)
        working = plan_callback(f"https://hub.example/user/alice/proxy/9000{path}", environ=env)
        assert (working.port, working.path, working.relay_prefix) == (9000, path, "/user/alice/")


def test_a_url_under_another_users_server_is_refused_up_front() -> None:
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/bob/"}
    with pytest.raises(ConfigurationError, match="runs under /user/bob/"):
        plan_callback("http://127.0.0.1:8000/user/alice/proxy/8790/callback", environ=env)


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("ftp://x/cb", "not a full http"),
        ("/user/alice/proxy/8790/callback", "not a full http"),
        ("http://127.0.0.1/cb", "no port"),
        ("https://me.example/cb", "--callback-port"),
    ],
)
def test_plan_errors_say_what_to_do(url: str, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        plan_callback(url, environ={})


def test_helpers() -> None:
    assert pending_token("http://h/a?key=k&token=%2Fab%3D") == "/ab="
    assert pending_token(None) is None


# -- a receiver started before the login (%etrade_callback), bound later ---------------------


def test_an_unbound_receiver_answers_503_and_exchanges_nothing(finish) -> None:
    with CallbackReceiver(None).start(lifetime=30) as r:
        assert not r.bound and "unbound" in repr(r)
        status, body = get(r.url + "?oauth_verifier=K7Q2M", NAVIGATION)
        assert status == 503 and "%etrade_login --callback" in body
        assert get(r.url + "?oauth_verifier=K7Q2M", {"Host": "evil.example"})[0] == 403
        assert r.exchanges == 0
        assert r.bind(finish, expected_token=lambda: "tok/1=")  # the login starts: same port
        assert r.bound and "waiting" in repr(r)
        assert get(r.url + "?oauth_verifier=K7Q2M", NAVIGATION)[0] == 200
        assert finish.calls == ["oauth_verifier=K7Q2M"] and r.wait(1)


def test_rebinding_hands_the_next_redirect_to_the_new_login(finish) -> None:
    second = FakeFinish()
    refused: list[str] = []
    r = CallbackReceiver(finish, expected_token=lambda: "tok/1=").start(lifetime=30)
    with r:
        assert get(r.url + "?oauth_verifier=K7Q2M&oauth_token=tok%2F1%3D", NAVIGATION)[0] == 200
        assert r.done.is_set()
        # a new login (new flow, new link) on the same receiver: not done any more
        assert r.bind(second, expected_token=lambda: "tok/2=", on_refused=refused.append)
        assert not r.done.is_set()
        late = get(r.url + "?oauth_verifier=K7Q2M&oauth_token=tok%2F1%3D", NAVIGATION)
        assert late[0] == 400 and "earlier login" in late[1]  # the old link's redirect
        status, _ = get(r.url + "?oauth_verifier=BAD&oauth_token=tok%2F2%3D", NAVIGATION)
        assert status == 400 and len(refused) == 1  # the new on_refused is told
        still = get(r.url + "?oauth_verifier=GOOD&oauth_token=tok%2F2%3D", NAVIGATION)
        assert still[0] == 409  # still one try
        # redirects here carry the token, so a token-less request is refused outright
        assert get(r.url + "?oauth_verifier=GOOD", NAVIGATION)[0] == 400
        assert finish.calls == ["oauth_verifier=K7Q2M&oauth_token=tok%2F1%3D"]
        assert second.calls == ["oauth_verifier=BAD&oauth_token=tok%2F2%3D"]


def test_rebinding_the_same_link_does_not_give_it_another_try(finish) -> None:
    r = CallbackReceiver(finish, expected_token=lambda: "tok/1=").start(lifetime=30)
    with r:
        assert get(r.url + "?oauth_verifier=BAD", NAVIGATION)[0] == 400
        assert r.bind(finish, expected_token=lambda: "tok/1=")  # %etrade_login re-run
        assert get(r.url + "?oauth_verifier=GOOD", NAVIGATION)[0] == 409
        assert r.exchanges == 1


def test_unbind_forgets_the_login(finish) -> None:
    with CallbackReceiver(finish).start(lifetime=30) as r:
        r.unbind()
        assert get(r.url + "?oauth_verifier=K7Q2M", NAVIGATION)[0] == 503
        assert finish.calls == [] and r.running


def own(r: CallbackReceiver) -> dict[str, str]:
    """The headers of a request to the receiver's own address."""
    return {"Host": f"127.0.0.1:{r.port}"}


def test_an_exchange_in_flight_cannot_mark_a_newer_login_done() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(query: str) -> None:
        entered.set()
        release.wait(5)

    r = CallbackReceiver(slow, expected_token=lambda: "tok/1=").start(lifetime=30)
    with r:
        answer: list[tuple[int, str, str]] = []
        worker = threading.Thread(
            target=lambda: answer.append(r._handle("/callback?oauth_verifier=A", own(r)))
        )
        worker.start()
        assert entered.wait(5)
        newer = FakeFinish()
        assert r.bind(newer, expected_token=lambda: "tok/2=")  # no wait for the exchange
        release.set()
        worker.join(5)
        assert answer[0][0] == 200 and not r.done.is_set()  # the old login did finish
        assert r._handle("/callback?oauth_verifier=B", own(r))[0] == 200 and r.done.is_set()
        assert newer.calls == ["oauth_verifier=B"]


def test_concurrent_binds_leave_one_consistent_binding() -> None:
    r = CallbackReceiver(None).start(lifetime=30)
    finishes = [FakeFinish() for _ in range(8)]
    with r:
        threads = [
            threading.Thread(target=r.bind, args=(f,), kwargs={"expected_token": lambda: None})
            for f in finishes
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(5)
        assert r._handle("/callback?oauth_verifier=K7Q2M", own(r))[0] == 200
        assert sum(len(f.calls) for f in finishes) == 1


def test_the_wait_for_a_login_is_bounded_then_bind_sets_the_links_lifetime() -> None:
    now = [0.0]
    r = CallbackReceiver(None, clock=lambda: now[0]).start(lifetime=WAIT_FOR_LOGIN)
    try:
        assert WAIT_FOR_LOGIN == 15 * 60 and r._deadline == WAIT_FOR_LOGIN
        now[0] = 100.0
        assert r.bind(lambda q: None, lifetime=360)
        assert r._deadline == 460.0  # the link's lifetime from now, as without a wait
        assert r.extend(30) and r._deadline == 460.0  # extend never shortens
        now[0] = 461.0
        r._thread.join(3)  # type: ignore[union-attr]
        assert not r.running
        assert not r.bind(lambda q: None) and not r.extend(60)  # stopped: start another
    finally:
        r.stop()


def test_an_unbound_receiver_stops_after_its_wait() -> None:
    now = [0.0]
    r = CallbackReceiver(None, clock=lambda: now[0]).start(lifetime=WAIT_FOR_LOGIN)
    try:
        now[0] = WAIT_FOR_LOGIN - 1
        time.sleep(0.3)
        assert r.running
        now[0] = WAIT_FOR_LOGIN
        r._thread.join(3)  # type: ignore[union-attr]
        assert not r.running and "stopped" in repr(r)
    finally:
        r.stop()


def test_bind_narrows_the_hosts_to_the_registered_one(finish) -> None:
    relayed = {**NAVIGATION, "Host": "hub.example", "X-Forwarded-Context": "/user/a/proxy/1"}
    with CallbackReceiver(None, proxied=True).start(lifetime=30) as r:
        assert r.bind(finish, public_host="Hub.Example")
        assert get(r.url + "?oauth_verifier=K7Q2M", {**relayed, "Host": "evil.example"})[0] == 403
        assert get(r.url + "?oauth_verifier=K7Q2M", relayed)[0] == 200


# -- under a hub: only requests relayed by this user's own server ----------------------------


def test_a_hub_receiver_takes_only_requests_relayed_under_its_own_server(finish) -> None:
    """Break 4 of issue 12: bob's /user/bob/proxy/<alice's port>/ must not use her exchange."""
    with CallbackReceiver(finish, relay_prefix="/user/alice/").start(lifetime=30) as r:
        own = f"/user/alice/proxy/{r.port}"
        hub = {**NAVIGATION, "Host": "127.0.0.1:8000"}
        for context in (f"/user/bob/proxy/{r.port}", "/user/alice/proxy/1", None):
            headers = dict(hub, **({"X-Forwarded-Context": context} if context else {}))
            status, body = get(r.url + "?oauth_verifier=K7Q2M", headers)
            assert status == 403, context
            assert context is None or "another server" in body  # None: not even relayed
        assert finish.calls == [] and r.exchanges == 0
        assert get(r.url + "?oauth_verifier=K7Q2M", {**hub, "X-Forwarded-Context": own})[0] == 200
        assert finish.calls == ["oauth_verifier=K7Q2M"]


def test_a_hub_receiver_also_knows_the_host_and_port_form_of_its_context(finish) -> None:
    with CallbackReceiver(finish, relay_prefix="/user/alice/").start(lifetime=30) as r:
        context = f"/user/alice/proxy/127.0.0.1:{r.port}/"
        headers = {**NAVIGATION, "Host": "hub.example", "X-Forwarded-Context": context}
        assert get(r.url + "?oauth_verifier=K7Q2M", headers)[0] == 200


def test_a_proxied_receiver_under_a_hub_takes_its_servers_prefix(finish, monkeypatch) -> None:
    """Safe by default: a caller that says only ``proxied=True`` still gets the relay rule."""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    with CallbackReceiver(finish, proxied=True).start(lifetime=30) as r:
        relayed = {**NAVIGATION, "Host": "hub.example"}
        bob = {**relayed, "X-Forwarded-Context": f"/user/bob/proxy/{r.port}"}
        assert get(r.url + "?oauth_verifier=K7Q2M", bob)[0] == 403 and r.exchanges == 0
        alice = {**bob, "X-Forwarded-Context": f"/user/alice/proxy/{r.port}"}
        assert get(r.url + "?oauth_verifier=K7Q2M", alice)[0] == 200
