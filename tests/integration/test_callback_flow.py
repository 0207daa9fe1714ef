"""Callback mode end to end: emulator Accept → 302 → CallbackReceiver → OAuthFlow.finish."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from etrade_nb import OAuthFlow, Session
from etrade_nb.emulator import EmulatorServer
from etrade_nb.login.callback import WAIT_FOR_LOGIN, CallbackReceiver

# A current browser's headers on a top-level navigation (the 302 after Accept is one).
NAVIGATION = {
    "Sec-Fetch-Mode": "navigate",
    "Sec-Fetch-Dest": "document",
    "Sec-Fetch-Site": "same-site",
}


def browser_accept(authorize_url: str) -> requests.Response:
    """What a person's browser does: open the page, click Accept, follow the redirect."""
    query = parse_qs(urlsplit(authorize_url).query)
    fields = {"key": query["key"][0], "token": query["token"][0]}
    page = authorize_url.split("?")[0]
    assert requests.get(authorize_url, timeout=5).status_code == 200
    return requests.post(page + "/accept", data=fields, headers=NAVIGATION, timeout=10)


def exchanges(emulator: EmulatorServer) -> int:
    return sum(r.path == "/oauth/access_token" for r in emulator.log)


def test_redirect_finishes_the_flow_without_copy_paste(
    flow: OAuthFlow, emulator: EmulatorServer
) -> None:
    sessions: list[Session] = []
    receiver = CallbackReceiver(
        lambda q: sessions.append(flow.finish(q)),
        expected_token=lambda: flow.pending_token,
    )
    with receiver.start(lifetime=30):
        emulator.register_consumer(
            emulator.consumer_key, emulator.consumer_secret, callback_url=receiver.url
        )
        landing = browser_accept(flow.start())
        assert landing.status_code == 200 and "You can close this tab" in landing.text
        assert receiver.wait(5)
    assert len(sessions) == 1 and sessions[0] is flow.session
    assert flow.session is not None and flow.session.get("/v1/accounts/list")
    assert [r.status for r in emulator.log if r.path == "/oauth/access_token"] == [200]


def test_redirect_of_an_earlier_login_is_refused_and_the_current_one_still_works(
    flow: OAuthFlow, emulator: EmulatorServer
) -> None:
    receiver = CallbackReceiver(flow.finish, expected_token=lambda: flow.pending_token).start(
        lifetime=30
    )
    try:
        emulator.register_consumer(
            emulator.consumer_key,
            emulator.consumer_secret,
            callback_url=receiver.url + "?oauth_token=someone-else",
        )
        refused = browser_accept(flow.start())
        assert refused.status_code == 400 and not receiver.done.is_set()
        assert not any(r.path == "/oauth/access_token" for r in emulator.log)
        emulator.register_consumer(
            emulator.consumer_key, emulator.consumer_secret, callback_url=receiver.url
        )
        flow.start(force=True)
        assert browser_accept(flow.start()).status_code == 200
        assert receiver.wait(5) and flow.session is not None
    finally:
        receiver.stop()


def test_stray_requests_cannot_burn_the_request_token(
    flow: OAuthFlow, emulator: EmulatorServer
) -> None:
    """A web page's <img>, a rebinding host, then one local process: one exchange in all."""
    receiver = CallbackReceiver(flow.finish, expected_token=lambda: flow.pending_token).start(
        lifetime=30
    )
    try:
        emulator.register_consumer(
            emulator.consumer_key, emulator.consumer_secret, callback_url=receiver.url
        )
        flow.start()
        stray = receiver.url + "?oauth_verifier=WRONG1"
        img = {
            "Sec-Fetch-Mode": "no-cors",
            "Sec-Fetch-Dest": "image",
            "Sec-Fetch-Site": "cross-site",
        }
        assert requests.get(stray, headers=img, timeout=5).status_code == 403
        rebound = {"Host": f"attacker.example:{receiver.port}"}
        assert requests.get(stray, headers=rebound, timeout=5).status_code == 403
        assert exchanges(emulator) == 0
        # a local process (no Sec-Fetch headers, right Host) gets the single try, and no more
        for _ in range(6):
            assert requests.get(stray, timeout=5).status_code in (400, 409)
        assert exchanges(emulator) == 1 and receiver.exchanges == 1
        assert flow.authorize_url is not None
        landing = browser_accept(flow.authorize_url)  # the person's real redirect
        assert landing.status_code == 409 and "address bar" in landing.text
        assert exchanges(emulator) == 1
        session = flow.finish(landing.url)  # pasted by hand: the request token is still alive
        assert session.get("/v1/accounts/list") and exchanges(emulator) == 2
    finally:
        receiver.stop()


def test_a_receiver_started_before_the_login_takes_its_redirect(
    flow: OAuthFlow, emulator: EmulatorServer
) -> None:
    """%etrade_callback's order: receiver (URL known), registration, then the login binds it."""
    receiver = CallbackReceiver(None).start(lifetime=WAIT_FOR_LOGIN)
    try:
        emulator.register_consumer(
            emulator.consumer_key, emulator.consumer_secret, callback_url=receiver.url
        )
        early = requests.get(receiver.url + "?oauth_verifier=K7Q2M", timeout=5)
        assert early.status_code == 503 and exchanges(emulator) == 0
        url = flow.start()
        assert receiver.bind(
            flow.finish,
            expected_token=lambda: flow.pending_token,
            lifetime=flow.seconds_left() + 60,
        )
        landing = browser_accept(url)
        assert landing.status_code == 200 and receiver.wait(5)
        assert flow.session is not None and exchanges(emulator) == 1
    finally:
        receiver.stop()
