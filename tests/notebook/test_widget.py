"""NotebookLogin with the WidgetView, through the widgets' Python API against the emulator."""

from __future__ import annotations

import threading
import time

import pytest

from etrade_nb import NO_STORE, OAuthFlow, Session
from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.notebook.login import NotebookLogin
from etrade_nb.notebook.state import Phase, ViewState
from etrade_nb.notebook.widget import WidgetView
from etrade_nb.secret import Secret

from .conftest import Outputs, in_flight, request_token_of


@pytest.fixture
def bound() -> list[Session]:
    return []


@pytest.fixture
def outputs() -> Outputs:
    return Outputs()


@pytest.fixture
def login(flow: OAuthFlow, bound: list[Session], outputs: Outputs):
    login = NotebookLogin("etrade", flow, WidgetView(outputs), bind=bound.append, tick_seconds=None)
    login.show()
    yield login
    login.close()


@pytest.fixture
def widget(login: NotebookLogin) -> WidgetView:
    assert isinstance(login.view, WidgetView)
    return login.view


def exchanges(emulator: EmulatorServer) -> int:
    return sum(r.path == "/oauth/access_token" for r in emulator.log)


def test_the_view_does_no_io_until_shown(emulator: EmulatorServer) -> None:
    outputs = Outputs()
    view = WidgetView(outputs)  # no flow, no server, no display
    assert outputs.shown == [] and emulator.log == [] and view.link.value == ""
    view.show(ViewState("etrade", "sandbox", Phase.PENDING, url="http://x/a?key=k&token=t"))
    assert outputs.shown[0]["text/plain"].startswith("<etrade_nb LoginWidget sandbox `etrade`")
    view.close()


def test_link_code_submit_and_authorized(login, widget, approve_url, bound, emulator) -> None:
    url = login.flow.authorize_url
    assert url and url.replace("&", "&amp;") in widget.link.value
    assert 'id="etrade-authorize-link"' in widget.link.value
    assert "%etrade_verify CODE" in widget.link.value  # the widget is never the only way
    assert "sandbox" in widget.badge.value and "5 min" in widget.status.value
    assert widget.submit.description == "Submit"
    widget.code.value = approve_url(url)
    widget.submit.click()
    assert widget.code.value == ""
    assert "Authorized as <code>etrade</code> until 23:59 ET" in widget.link.value
    assert bound == [login.session] and exchanges(emulator) == 1
    assert repr(widget) == "<etrade_nb LoginWidget sandbox `etrade`: authorized, login finished>"


def test_sandbox_shows_once_after_success(login, widget, approve_url) -> None:
    widget.code.value = approve_url(login.flow.authorize_url)
    shown = " ".join(str(c.value) for c in (widget.badge, widget.link, widget.status))
    assert shown.count("sandbox") == 1 and widget.badge.layout.display == "none"


def test_saved_text_plain_says_the_login_finished(login, widget, outputs, approve_url) -> None:
    (before,) = outputs.shown
    assert before["text/plain"].startswith(
        "<etrade_nb LoginWidget sandbox `etrade`: waiting for the code>\n"
    )
    assert "%etrade_login --text" in before["text/plain"]
    assert "ETRADE_NB_UI=text" in before["text/plain"]
    token = request_token_of(login.flow.authorize_url)
    assert "http" not in before["text/plain"] and token not in before["text/plain"]
    widget.code.value = approve_url(login.flow.authorize_url)
    (after,) = outputs.shown  # the display was updated in place: what the notebook saves
    assert after["text/plain"].startswith("Authorized (sandbox) as `etrade` until")
    assert "Authorized as <code>etrade</code>" in after["text/html"]
    assert "application/vnd.jupyter.widget-view+json" not in after  # never "model not found"


def test_text_plain_is_the_same_for_every_link(flow: OAuthFlow, login, outputs) -> None:
    other = NotebookLogin("etrade", flow, WidgetView(outputs), bind=print, tick_seconds=None)
    flow.start(force=True)  # another request token
    other.show()
    assert outputs.shown[0]["text/plain"] == outputs.shown[1]["text/plain"]
    other.close()


def test_double_submit_exchanges_once(login, widget, approve_url, emulator) -> None:
    code = approve_url(login.flow.authorize_url)
    widget.code.value = code
    widget.submit.click()
    widget.submit.click()
    widget.code.value = code
    widget.submit.click()
    assert exchanges(emulator) == 1 and widget.submit.disabled


def test_a_submit_while_a_code_is_being_checked_is_dropped(
    login, widget, approve_url, emulator: EmulatorServer
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
    widget.code.value = approve_url(login.flow.authorize_url)
    assert login.session is not None and exchanges(emulator) == 2


def test_wrong_code_then_right_code_with_one_countdown(login, widget, approve_url, bound) -> None:
    widget.code.value = "WRONG1"
    widget.submit.click()
    assert "did not accept" in widget.status.value
    assert widget.status.value.count("works for") == 1  # the live countdown only
    assert widget.code.value == "" and not widget.code.disabled and not widget.submit.disabled
    assert bound == []
    widget.code.value = "not a code!"
    assert "letters and digits" in widget.status.value
    widget.code.value = approve_url(login.flow.authorize_url)
    assert bound and "Authorized" in widget.link.value


def test_a_lower_case_spaced_code_is_normalised_not_rejected(
    login, widget, approve_url, emulator
) -> None:
    code = approve_url(login.flow.authorize_url)
    widget.code.value = f" {code[:2].lower()} {code[2:].lower()} "
    assert login.session is not None and exchanges(emulator) == 1


def test_pasted_url_of_another_login_is_refused(login, widget) -> None:
    widget.code.value = "http://127.0.0.1/cb?oauth_token=other&oauth_verifier=K7Q2M"
    assert "earlier login" in widget.status.value and login.session is None


def test_empty_submit_asks_for_the_code(widget) -> None:
    widget.submit.click()
    assert "Paste the verification code" in widget.status.value


def test_expired_countdown_shows_a_new_link_by_itself(
    login, widget, clock: EmulatorClock, approve_url
) -> None:
    old = login.flow.authorize_url
    clock.advance(301)
    assert login.tick()
    new = login.flow.authorize_url
    assert new and new != old and new.replace("&", "&amp;") in widget.link.value
    assert request_token_of(old) not in widget.link.value  # the old link was replaced
    assert "expired" in widget.status.value
    widget.code.value = approve_url(new)
    assert login.session is not None


def test_expired_on_submit_shows_a_new_link(login, widget, clock: EmulatorClock, approve_url):
    code = approve_url(login.flow.authorize_url)
    clock.advance(301)
    widget.code.value = code
    assert "expired" in widget.status.value and login.flow.authorize_url
    assert login.session is None and not widget.submit.disabled


def test_renewals_are_bounded_and_the_last_link_leaves(
    flow: OAuthFlow, clock: EmulatorClock, outputs: Outputs
) -> None:
    login = NotebookLogin(
        "etrade", flow, WidgetView(outputs), bind=print, tick_seconds=None, renew_for=400
    )
    login.show()
    w = login.view
    assert isinstance(w, WidgetView)
    first = w.link.value
    clock.advance(301)
    assert login.tick() and w.link.value != first  # a new link in place
    assert "previous link expired" in w.status.value and "works for 5 min" in w.status.value
    clock.advance(301)
    assert not login.tick() and w.submit.disabled and "Run %etrade_login" in w.status.value
    assert login.phase is Phase.EXPIRED and "token=" not in w.link.value
    (record,) = outputs.shown  # nobody waited: the record says how it ended
    assert record["text/plain"] == (
        "The login link expired and no code came. Run %etrade_login for a new one."
    )
    login.close()


class BrokenFlow(OAuthFlow):
    def finish(self, verifier: str | Secret) -> Session:
        raise RuntimeError("kaboom")


def test_unexpected_error_is_shown_not_lost(emulator_env, clock, caplog) -> None:
    flow = BrokenFlow(store=NO_STORE, clock=clock)
    login = NotebookLogin("etrade", flow, WidgetView(Outputs()), bind=print, tick_seconds=None)
    login.show()
    widget = login.view
    assert isinstance(widget, WidgetView)
    widget.code.value = "K7Q2M"
    assert "Something unexpected went wrong" in widget.status.value
    assert "kaboom" not in widget.status.value and "K7Q2M" not in caplog.text


def test_live_badge(emulator_env, clock: EmulatorClock) -> None:
    flow = OAuthFlow(sandbox=False, clock=clock, store=NO_STORE)
    login = NotebookLogin("etrade", flow, WidgetView(Outputs()), bind=print, tick_seconds=None)
    login.show()
    assert isinstance(login.view, WidgetView)
    assert "LIVE" in login.view.badge.value and "real E*TRADE accounts" in login.view.badge.value
    login.close()


def test_timer_thread_counts_down_and_stops(flow: OAuthFlow, clock: EmulatorClock) -> None:
    login = NotebookLogin("etrade", flow, WidgetView(Outputs()), bind=print, tick_seconds=0.02)
    login.show()
    w = login.view
    assert isinstance(w, WidgetView)
    clock.advance(60)
    deadline = time.monotonic() + 5
    while "4 min 00 s" not in w.status.value and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "4 min 00 s" in w.status.value
    timer = login._timer
    assert timer is not None and timer.daemon
    login.close()
    timer.join(2)
    assert not timer.is_alive()


def widget_state(widget: WidgetView) -> str:
    parts = (widget.badge, widget.link, widget.code, widget.status, widget.row, widget.box)
    return repr([c.get_state() for c in parts])


def secrets_in(emulator: EmulatorServer) -> list[str]:
    found = [emulator.consumer_key, emulator.consumer_secret]
    for at in emulator.state.access_tokens.values():
        found += [at.token, at.secret]
    for rt in emulator.state.request_tokens.values():
        found += [rt.token, rt.secret]
    return found


def test_no_secret_in_any_trait_after_login(login, widget, approve_url, emulator) -> None:
    code = approve_url(login.flow.authorize_url)
    widget.code.value = code
    state = widget_state(widget)
    assert not [s for s in [code, *secrets_in(emulator)] if s in state]


def test_no_key_or_token_in_any_trait_after_cancel(login, widget, emulator) -> None:
    assert emulator.consumer_key in widget_state(widget)  # pending: the link is unavoidable
    login.cancel()
    assert login.phase is Phase.CANCELLED and "Login cancelled" in widget.status.value
    assert not [s for s in secrets_in(emulator) if s in widget_state(widget)]
