"""LoginWidget through its Python API against the running emulator (no browser, no kernel)."""

from __future__ import annotations

import threading
import time

import pytest

from etrade_nb import NO_STORE, OAuthFlow, Session
from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.notebook.widget import LoginWidget

from .conftest import in_flight, request_token_of


@pytest.fixture
def bound() -> list[Session]:
    return []


@pytest.fixture
def widget(flow: OAuthFlow, bound: list[Session]):
    w = LoginWidget(flow, on_session=bound.append, timer=False)
    yield w
    w.close()


def exchanges(emulator: EmulatorServer) -> int:
    return sum(r.path == "/oauth/access_token" for r in emulator.log)


def test_link_code_submit_and_authorized(widget: LoginWidget, approve_url, bound, emulator) -> None:
    url = widget.flow.authorize_url
    assert url and url.replace("&", "&amp;") in widget.link.value
    assert 'id="etrade-authorize-link"' in widget.link.value
    assert "%etrade_verify CODE" in widget.link.value  # the widget is never the only way
    assert "sandbox" in widget.badge.value and "5 min" in widget.status.value
    assert widget.submit.description == "Submit"
    widget.code.value = approve_url(url)
    widget.submit.click()
    assert widget.code.value == ""
    assert "Authorized (sandbox) as <code>etrade</code> until 23:59 ET" in widget.link.value
    assert bound == [widget.session] and exchanges(emulator) == 1
    assert repr(widget) == "<etrade_nb LoginWidget sandbox `etrade`: authorized>"


def test_text_plain_tells_a_front_end_without_widgets_what_to_do(
    widget: LoginWidget, flow: OAuthFlow, approve_url
) -> None:
    plain = widget._repr_mimebundle_()["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()
    assert plain.startswith("<etrade_nb LoginWidget sandbox `etrade`: waiting for the code>\n")
    assert "%etrade_login --text" in plain and "ETRADE_NB_UI=text" in plain
    assert "%etrade_verify CODE" in plain
    token = request_token_of(widget.flow.authorize_url)
    assert "http" not in plain and token not in plain and "token=" not in plain
    flow.start(force=True)  # another link, another request token: the same text (nbval)
    other = LoginWidget(flow, timer=False)
    assert other._repr_mimebundle_()["text/plain"] == plain
    other.close()
    widget.code.value = approve_url(widget.flow.authorize_url)
    done = widget._repr_mimebundle_()["text/plain"]
    assert done == "<etrade_nb LoginWidget sandbox `etrade`: authorized>"


def test_double_submit_exchanges_once(widget: LoginWidget, approve_url, emulator) -> None:
    code = approve_url(widget.flow.authorize_url)
    widget.code.value = code
    widget.submit.click()
    widget.submit.click()
    widget.code.value = code
    widget.submit.click()
    assert exchanges(emulator) == 1 and widget.submit.disabled


def test_a_submit_while_a_code_is_being_checked_is_dropped(
    widget: LoginWidget, approve_url, emulator: EmulatorServer
) -> None:
    """Really concurrent: the emulator holds the first exchange while two more submits come."""
    emulator.faults.delay(0.5, n=1)
    first = in_flight(widget, lambda: setattr(widget.code, "value", "WRONG1"))
    second = threading.Thread(target=lambda: setattr(widget.code, "value", "WRONG2"))
    second.start()
    second.join(5)
    widget.submit.click()
    assert widget.code.value == "" and first.is_alive()  # dropped; nothing left in the trait
    assert "Checking the code" in widget.status.value
    first.join(5)
    assert exchanges(emulator) == 1 and "did not accept" in widget.status.value
    widget.code.value = approve_url(widget.flow.authorize_url)
    assert widget.session is not None and exchanges(emulator) == 2


def test_wrong_code_then_right_code(widget: LoginWidget, approve_url, bound) -> None:
    widget.code.value = "WRONG1"
    widget.submit.click()
    assert "did not accept" in widget.status.value
    assert widget.code.value == "" and not widget.code.disabled and not widget.submit.disabled
    assert bound == []
    widget.code.value = "not a code!"
    assert "letters and digits" in widget.status.value
    widget.code.value = approve_url(widget.flow.authorize_url)
    assert bound and "Authorized" in widget.link.value


def test_pasted_url_of_another_login_is_refused(widget: LoginWidget) -> None:
    widget.code.value = "http://127.0.0.1/cb?oauth_token=other&oauth_verifier=K7Q2M"
    assert "earlier login" in widget.status.value and widget.session is None


def test_empty_submit_asks_for_the_code(widget: LoginWidget) -> None:
    widget.submit.click()
    assert "Paste the verification code" in widget.status.value


def test_expired_countdown_shows_a_new_link_by_itself(
    widget: LoginWidget, clock: EmulatorClock, approve_url
) -> None:
    old = widget.flow.authorize_url
    clock.advance(301)
    assert widget.tick()
    new = widget.flow.authorize_url
    assert new and new != old and new.replace("&", "&amp;") in widget.link.value
    assert "expired" in widget.status.value
    widget.code.value = approve_url(new)
    assert widget.session is not None


def test_expired_on_submit_shows_a_new_link(
    widget: LoginWidget, clock: EmulatorClock, approve_url
) -> None:
    code = approve_url(widget.flow.authorize_url)
    clock.advance(301)
    widget.code.value = code
    assert "expired" in widget.status.value and widget.flow.authorize_url
    assert widget.session is None and not widget.submit.disabled


def test_refreshes_are_bounded(flow: OAuthFlow, clock: EmulatorClock) -> None:
    w = LoginWidget(flow, timer=False, max_refreshes=1)
    clock.advance(301)
    assert w.tick()
    clock.advance(301)
    assert not w.tick() and w.submit.disabled and "Run %etrade_login" in w.status.value
    w.close()


def test_unexpected_error_is_shown_not_lost(widget: LoginWidget, monkeypatch, caplog) -> None:
    def boom(text: str) -> Session:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(widget.flow, "finish", boom)
    widget.code.value = "K7Q2M"
    assert "Something unexpected went wrong" in widget.status.value
    assert "kaboom" not in widget.status.value and "K7Q2M" not in caplog.text


def test_live_badge(emulator_env, clock: EmulatorClock) -> None:
    flow = OAuthFlow(sandbox=False, clock=clock, store=NO_STORE)
    w = LoginWidget(flow, timer=False)
    assert "LIVE" in w.badge.value and "real E*TRADE accounts" in w.badge.value
    w.close()


def test_timer_thread_counts_down_and_stops(flow: OAuthFlow, clock: EmulatorClock) -> None:
    w = LoginWidget(flow, tick_seconds=0.02)
    clock.advance(60)
    deadline = time.monotonic() + 5
    while "4 min 00 s" not in w.status.value and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "4 min 00 s" in w.status.value
    assert w._timer is not None and w._timer.daemon
    w.close()
    w._timer.join(2)
    assert not w._timer.is_alive()


def test_no_secret_in_any_trait_after_login(widget: LoginWidget, approve_url, emulator) -> None:
    code = approve_url(widget.flow.authorize_url)
    widget.code.value = code
    state = repr([c.get_state() for c in (widget.badge, widget.link, widget.code, widget.status)])
    secrets = [code, emulator.consumer_secret]
    for at in emulator.state.access_tokens.values():
        secrets += [at.token, at.secret]
    for rt in emulator.state.request_tokens.values():
        secrets += [rt.token, rt.secret]
    assert not [s for s in secrets if s in state]
