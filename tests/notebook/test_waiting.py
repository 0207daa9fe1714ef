"""The waiting %etrade_login in a real IPython shell: a scripted person at the stdin prompt."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from etrade_nb import OAuthFlow, Session
from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.notebook.login import LoginStoppedError, NotebookLogin
from etrade_nb.notebook.manager import LoginManager
from etrade_nb.notebook.state import Phase
from etrade_nb.notebook.widget import WidgetView

from .conftest import Outputs, Prompt, widget_of


def run(ip: InteractiveShell, cell: str) -> str:
    with capture_output() as captured:
        ip.run_cell(cell)
    return "\n".join(o.data.get("text/plain", "") for o in captured.outputs)


def final(*captures: Any) -> list[dict[str, str]]:
    """What the notebook keeps: each display's last update, in the order first shown."""
    kept: dict[object, dict[str, str]] = {}
    for captured in captures:
        for out in captured.outputs:
            kept[(out.transient or {}).get("display_id") or id(out)] = out.data
    return list(kept.values())


def link(manager: LoginManager, name: str = "etrade") -> str:
    url = manager.logins[name].flow.authorize_url
    assert url
    return url


def blocked_until_released(seconds: float = 5.0) -> None:
    """A prompt nobody answers: it ends only when another thread releases it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.01)
    raise AssertionError("the prompt was never released")


@pytest.fixture
def interactive(can_wait: list[bool]) -> None:
    can_wait[0] = True  # a front end where a person can answer (allow_stdin)


@pytest.mark.usefixtures("interactive")
@pytest.mark.parametrize("ui", ["--text", "--widget"])
def test_login_waits_for_the_code_then_the_name_is_bound(ip, manager, prompt, approve_url, ui):
    prompt.answers = [lambda: approve_url(link(manager))]
    run(ip, f"%etrade_login {ui}")
    assert prompt.prompts == ["E*TRADE code for `etrade` (Enter alone stops the login): "]
    assert isinstance(ip.user_ns["etrade"], Session)  # the next cell of a Run All sees it
    assert manager.logins["etrade"].phase is Phase.AUTHORIZED


@pytest.mark.usefixtures("interactive")
def test_the_wait_is_visible_and_the_box_steps_aside(ip, manager, prompt, approve_url) -> None:
    seen: list[tuple[str, object]] = []

    def answer() -> str:
        w = widget_of(manager.logins["etrade"])
        seen.append((w.status.value, w.row.layout.display))
        return approve_url(link(manager))

    prompt.answers = [answer]
    run(ip, "%etrade_login --widget")
    ((status, row),) = seen
    assert "Waiting for your code" in status and "works for 5 min" in status
    assert row == "none"  # one place to paste: the prompt under the output


@pytest.mark.usefixtures("interactive")
def test_text_wait_says_so_then_leaves_no_link(ip, manager, prompt, approve_url) -> None:
    prompt.answers = [lambda: approve_url(link(manager))]
    with capture_output() as captured:
        ip.run_cell("%etrade_login --text")
    shown = [o.data["text/plain"] for o in captured.outputs]
    waiting = [text for text in shown if "Waiting for your code" in text]
    assert waiting and "%etrade_verify CODE" not in waiting[-1]
    assert shown[-1].startswith("Authorized (sandbox) as `etrade`")  # replaced the link


@pytest.mark.usefixtures("interactive")
def test_a_wrong_code_asks_again(ip, manager, prompt, approve_url, emulator) -> None:
    prompt.answers = ["WRONG1", lambda: approve_url(link(manager))]
    run(ip, "%etrade_login --widget")
    assert len(prompt.prompts) == 2 and isinstance(ip.user_ns["etrade"], Session)
    assert [r.status for r in emulator.log if r.path == "/oauth/access_token"] == [401, 200]


@pytest.mark.usefixtures("interactive")
@pytest.mark.parametrize(
    ("answer", "why"), [("", "no code was given"), (KeyboardInterrupt(), "interrupted")]
)
def test_cancel_or_interrupt_stops_with_one_line(ip, manager, prompt, emulator, answer, why):
    prompt.answers = [answer]
    with capture_output() as captured, pytest.raises(UsageError) as error:
        ip.run_cell("%etrade_login --text")
    message = str(error.value)
    assert message.startswith(f"Login for `etrade` stopped: {why}.") and "\n" not in message
    assert "run this cell again" in message and "etrade" not in ip.user_ns
    login = manager.logins["etrade"]
    assert login.phase is Phase.CANCELLED
    kept = final(captured)  # the login's output, updated in place
    with emulator.state.lock:
        (token,) = emulator.state.request_tokens
    assert token not in str(kept) and emulator.consumer_key not in str(kept)
    # one line says it (the error): the login's own output is left empty, not a second one
    assert all(data == {"text/plain": ""} for data in kept)


@pytest.mark.usefixtures("interactive")
def test_no_wait_keeps_todays_behaviour(ip, manager, prompt) -> None:
    out = run(ip, "%etrade_login --text --no-wait")
    assert prompt.prompts == [] and "Then run:  %etrade_verify CODE" in out
    assert manager.logins["etrade"].phase is Phase.PENDING


def test_headless_never_waits(ip, manager, prompt) -> None:
    out = run(ip, "%etrade_login --widget")  # can_wait is False: nbclient, papermill, Voila
    assert prompt.prompts == [] and "waiting for the code" in out


@pytest.mark.usefixtures("interactive")
def test_a_callback_login_waits_for_the_redirect_without_a_prompt(
    ip, manager, prompt, clock: EmulatorClock, monkeypatch
) -> None:
    # No stdin prompt in callback mode: a prompt the kernel had to release itself would stay
    # pending in JupyterLab and block every cell run by hand afterwards.
    from etrade_nb.emulator import approve

    with EmulatorServer(port=0, clock=clock, auto_approve=True, strict=True) as emu:
        for key, value in emu.environ().items():
            monkeypatch.setenv(key, value)
        url = ip.run_line_magic("etrade_callback", "")
        emu.register_consumer(emu.consumer_key, emu.consumer_secret, callback_url=url)

        def the_browser_redirects() -> None:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # until the login shows its link
                login = manager.logins.get("etrade")
                if login is not None and login.flow.authorize_url and login.waiting:
                    approve(login.flow.authorize_url)
                    return
                time.sleep(0.02)

        threading.Thread(target=the_browser_redirects, daemon=True).start()
        prompt.answers = []
        with capture_output() as captured:
            ip.run_cell("%etrade_login --widget --callback")
        assert isinstance(ip.user_ns["etrade"], Session)
        assert prompt.prompts == []  # nothing was left pending in the front end
        shown = final(captured)
        assert len(shown) == 1  # one output, the login's: no separate "waiting" line
        assert shown[0]["text/plain"].startswith("Authorized (sandbox) as `etrade` until")
        assert "E*TRADE sends your browser" not in str(shown[0])
        assert [r.status for r in emu.log if r.path == "/oauth/access_token"] == [200]


@pytest.mark.usefixtures("interactive")
def test_an_expired_link_is_renewed_under_the_same_prompt(
    ip, manager, prompt, clock: EmulatorClock, approve_url, emulator
) -> None:
    seen: dict[str, str] = {}

    def sit_past_the_link() -> str:  # the person is slow; the first link expires
        login = manager.logins["etrade"]
        seen["first"] = link(manager)
        seen["old code"] = approve_url(seen["first"])  # approved, but too late
        clock.advance(301)
        assert login.tick()  # the timer thread: a new link, in place
        seen["status"] = widget_of(login).status.value
        return seen["old code"]  # the prompt was never released: this answers it

    def paste_the_new_code() -> str:
        seen["rejected"] = widget_of(manager.logins["etrade"]).status.value
        seen["second"] = link(manager)
        return approve_url(seen["second"])

    prompt.answers = [sit_past_the_link, paste_the_new_code]
    run(ip, "%etrade_login --widget")
    assert isinstance(ip.user_ns["etrade"], Session) and len(prompt.prompts) == 2
    assert seen["second"] != seen["first"]
    assert "previous link expired, so this is a new one" in seen["status"]
    assert "works for 5 min" in seen["status"] and "Waiting for your code" in seen["status"]
    assert "If it came from an earlier link, that link has expired" in seen["rejected"]
    assert seen["rejected"].count("<br>") == 2  # one line, then the waiting line, the countdown
    assert [r.status for r in emulator.log if r.path == "/oauth/access_token"] == [401, 200]


@pytest.mark.usefixtures("interactive")
def test_after_an_hour_of_links_enter_stops_the_login(ip, manager, prompt, clock) -> None:
    said: list[str] = []

    def an_hour_passes() -> str:
        login = manager.logins["etrade"]
        for _ in range(11):  # 12 links of 5 minutes: an hour
            clock.advance(300)
            assert login.tick()
        clock.advance(300)
        assert not login.tick()  # no 13th link
        said.append(widget_of(login).status.value)
        return ""  # Enter

    prompt.answers = [an_hour_passes]
    with capture_output() as captured, pytest.raises(UsageError) as error:
        ip.run_cell("%etrade_login --widget")
    assert "Press Enter in the box below to stop the login" in said[0]
    assert str(error.value).startswith("Login for `etrade` stopped: no code came within an hour.")
    login = manager.logins["etrade"]
    assert login.phase is Phase.EXPIRED and "etrade" not in ip.user_ns
    assert final(captured) == [{"text/plain": ""}]  # the error line is the one line


def test_a_code_from_the_widget_thread_is_exchanged_on_the_main_thread(
    flow: OAuthFlow, approve_url
) -> None:
    threads: list[str] = []
    view = WidgetView(Outputs())
    login = NotebookLogin(
        "etrade",
        flow,
        view,
        bind=lambda s: threads.append(threading.current_thread().name),
        tick_seconds=None,
    )
    login.show()
    login.redirect_expected = True  # waits on the clock, where a widget message may arrive
    code = approve_url(flow.authorize_url)
    typist = threading.Timer(0.2, setattr, args=(view.code, "value", code))
    typist.start()
    session = login.wait(Prompt())
    assert isinstance(session, Session) and threads == ["MainThread"]
    login.close()


@pytest.mark.usefixtures("interactive")
def test_interrupting_the_wait_for_the_redirect_leaves_the_paste_route(
    ip, manager, prompt, approve_url, monkeypatch
) -> None:
    ip.run_cell("CALLBACK_URL = %etrade_callback")

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt  # the person pressed ■ while the cell waits

    monkeypatch.setattr(time, "sleep", interrupted)  # the login waits in time.sleep
    with capture_output() as captured, pytest.raises(UsageError) as error:
        ip.run_cell("%etrade_login --widget --callback")
    monkeypatch.undo()
    message = str(error.value)
    assert message.startswith("Stopped waiting for E*TRADE's redirect for `etrade`")
    assert "\n" not in message and prompt.prompts == []
    login = manager.logins["etrade"]
    w = widget_of(login)
    assert login.phase is Phase.PENDING and login.receiver is not None and login.receiver.bound
    assert w.row.layout.display is None and not w.code.disabled  # the box is on screen now
    assert "into the box and press Enter" in w.status.value
    assert "Waiting for E*TRADE" not in w.status.value
    assert len(final(captured)) == 1  # the login's output and the error: nothing else
    w.code.value = approve_url(link(manager))  # the paste route
    assert isinstance(ip.user_ns["etrade"], Session) and login.phase is Phase.AUTHORIZED


@pytest.mark.usefixtures("interactive")
def test_logout_updates_the_login_record(ip, manager, prompt, approve_url) -> None:
    prompt.answers = [lambda: approve_url(link(manager))]
    with capture_output() as login_cell:
        ip.run_cell("%etrade_login --widget")
    (record,) = final(login_cell)
    assert record["text/plain"].startswith("Authorized (sandbox) as `etrade` until")
    assert "application/vnd.jupyter.widget-view+json" not in record  # any viewer reads it
    with capture_output() as logout_cell:
        ip.run_cell("%etrade_logout")
    record, said = final(login_cell, logout_cell)  # the record was updated, not removed
    assert record["text/plain"] == (
        "Logged out (sandbox): `etrade` was authorized here, then its token was revoked."
    )
    assert "Logged out" in record["text/html"] and said["text/plain"].startswith("Logged out:")


def test_wait_on_an_ended_login_stops(flow: OAuthFlow) -> None:
    login = NotebookLogin("et2", flow, WidgetView(Outputs()), bind=print, tick_seconds=None)
    login.show()
    login.cancel()
    with pytest.raises(LoginStoppedError, match=r"%etrade_login --no-wait --name et2"):
        login.wait(Prompt())


# -- %etrade_verify without --name ------------------------------------------------------------


def test_code_only_verify_finishes_the_only_pending_login(ip, manager, approve_url) -> None:
    run(ip, "%etrade_login --text")
    run(ip, f"%etrade_verify {approve_url(link(manager))}")
    first = ip.user_ns["etrade"]
    run(ip, "%etrade_login --text --name et2 --force")  # --force: not today's saved token
    out = run(ip, f"%etrade_verify {approve_url(link(manager, 'et2'))}")
    assert "Authorized (sandbox) as `et2`" in out and "as `etrade`" not in out
    assert isinstance(ip.user_ns["et2"], Session) and ip.user_ns["et2"] is not first


def test_code_only_verify_with_two_pending_says_which_name(ip, manager, emulator) -> None:
    run(ip, "%etrade_login --text")
    run(ip, "%etrade_login --text --name et2")
    with pytest.raises(UsageError, match=r"2 logins wait for a code \(--name et2, --name etrade\)"):
        ip.run_cell("%etrade_verify K7Q2M")
    assert not [r for r in emulator.log if r.path == "/oauth/access_token"]


def test_verify_never_reports_a_login_that_did_not_happen(ip, manager, approve_url) -> None:
    run(ip, "%etrade_login --text")
    run(ip, f"%etrade_verify {approve_url(link(manager))}")
    with pytest.raises(UsageError, match="`etrade` is already logged in and no login"):
        ip.run_cell("%etrade_verify K7Q2M --name etrade")


@pytest.mark.usefixtures("interactive")
def test_a_front_end_without_prompts_falls_back_to_not_waiting(ip, manager, prompt, approve_url):
    from IPython.core.error import StdinNotImplementedError

    prompt.answers = [StdinNotImplementedError("raw_input was called, but ...")]
    run(ip, "%etrade_login --widget")  # no error: the login stays open, with a hint
    login = manager.logins["etrade"]
    w = widget_of(login)
    assert login.phase is Phase.PENDING and not login.waiting
    assert "cannot answer the kernel" in w.status.value
    assert w.row.layout.display is None  # the box is back
    w.code.value = approve_url(link(manager))
    assert isinstance(ip.user_ns["etrade"], Session)


@pytest.mark.usefixtures("interactive")
def test_running_the_cell_again_after_a_cancel_logs_in(ip, manager, prompt, approve_url, emulator):
    prompt.answers = [""]
    with pytest.raises(UsageError, match="no code was given"):
        ip.run_cell("%etrade_login --widget")
    first = link(manager)
    seen: list[str] = []

    def approve_the_link() -> str:
        seen.append(link(manager))
        return approve_url(link(manager))

    prompt.answers = [approve_the_link]
    run(ip, "%etrade_login --widget")  # the same, still fresh, link: no new request token
    assert seen == [first]
    assert isinstance(ip.user_ns["etrade"], Session)
    assert sum(r.path == "/oauth/request_token" for r in emulator.log) == 1


@pytest.mark.usefixtures("interactive")
def test_no_new_link_to_be_had_keeps_the_prompt_until_enter(
    ip, manager, prompt, clock, monkeypatch
) -> None:
    from etrade_nb.errors import TransportError

    said: list[str] = []

    def e_trade_is_down() -> str:
        login = manager.logins["etrade"]

        def fails(**kwargs: object) -> str:
            raise TransportError("E*TRADE did not answer (timeout).")

        monkeypatch.setattr(login.flow, "start", fails)
        clock.advance(300)
        assert not login.tick()  # the login ended, but the prompt was not taken away
        said.append(widget_of(login).status.value)
        return "K7Q2M"  # whatever is typed now stops it: that link is gone

    prompt.answers = [e_trade_is_down]
    with pytest.raises(UsageError, match="stopped: no new link could be had"):
        ip.run_cell("%etrade_login --widget")
    assert "E*TRADE did not answer (timeout). Press Enter in the box below" in said[0]
    assert len(prompt.prompts) == 1
