"""The loopback callback receiver and its URL planning, with a fake ``finish``."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from etrade_nb.callback import (
    CallbackReceiver,
    pending_token,
    per_session_host,
    plan_callback,
    suggested_callback_url,
)
from etrade_nb.errors import ConfigurationError, VerifierRejectedError


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
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


def test_rejected_code_is_a_400_page_with_the_message_and_a_retry_works(receiver, finish) -> None:
    status, body = get(receiver.url + "?oauth_verifier=BAD")
    assert status == 400 and "did not accept" in body
    assert isinstance(receiver.error, VerifierRejectedError)
    assert get(receiver.url + "?oauth_verifier=GOOD")[0] == 200


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
    assert (plan.port, plan.path, plan.via_hub) == (0, "/callback", False)
    assert plan.url_for(8765, environ={}) == "http://127.0.0.1:8765/callback"
    hub = {"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"}
    assert plan_callback(environ=hub).via_hub
    assert suggested_callback_url(8765, hub) == "/user/alice/proxy/8765/callback"


def test_plan_from_registered_urls() -> None:
    local = plan_callback("http://127.0.0.1:8765/cb", environ={})
    assert (local.port, local.path) == (8765, "/cb")
    hub = plan_callback("https://hub.example/user/alice/proxy/9000/callback", environ={})
    assert (hub.port, hub.path, hub.via_hub) == (9000, "/callback", True)
    assert hub.url_for(9000) == "https://hub.example/user/alice/proxy/9000/callback"
    own = plan_callback("https://me.example/etrade/cb", port=7000, environ={})
    assert (own.port, own.path) == (7000, "/etrade/cb")


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("ftp://x/cb", "not an http"),
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
    assert per_session_host({"BINDER_LAUNCH_HOST": "https://mybinder.org/"})
    assert not per_session_host({})
