"""The magics in a real IPython shell against the emulator: login, verify, status, logout."""

from __future__ import annotations

import os
import threading

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from etrade_nb import Session
from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.notebook.manager import LoginManager

from .conftest import in_flight, request_token_of, widget_of


def run(ip: InteractiveShell, cell: str) -> list[dict[str, str]]:
    with capture_output() as captured:
        ip.run_cell(cell)
    return [o.data for o in captured.outputs]


def plain(outputs: list[dict[str, str]]) -> str:
    return "\n".join(o.get("text/plain", "") for o in outputs)


def request_tokens(emulator: EmulatorServer) -> int:
    return sum(r.path == "/oauth/request_token" and r.status == 200 for r in emulator.log)


def test_text_login_then_verify_binds_the_name(ip, manager: LoginManager, approve_url) -> None:
    out = plain(run(ip, "%etrade_login --text"))
    url = manager.logins["etrade"].flow.authorize_url
    assert url is not None and url in out and "Then run:  %etrade_verify CODE" in out
    shown = run(ip, f"%etrade_verify {approve_url(url)}")
    session = ip.user_ns["etrade"]
    assert isinstance(session, Session) and repr(session) == "<etrade_nb.Session sandbox: active>"
    # the link (with its request token) was replaced in place by the status line
    assert plain(shown).splitlines()[-1] == "Authorized (sandbox) as `etrade` until 23:59 ET"
    assert request_token_of(url) not in plain(shown)


def test_verify_accepts_a_pasted_callback_url_and_a_name(ip, manager, approve_url) -> None:
    run(ip, "%etrade_login --text --name paper")
    url = manager.logins["paper"].flow.authorize_url
    run(ip, f'%etrade_verify "https://cb.example/x?oauth_verifier={approve_url(url)}" --name paper')
    assert isinstance(ip.user_ns["paper"], Session) and "etrade" not in ip.user_ns


def test_rerun_while_pending_shows_the_same_link(ip, manager, emulator, clock) -> None:
    run(ip, "%etrade_login --text")
    first = manager.logins["etrade"].flow
    url = first.authorize_url
    out = plain(run(ip, "%etrade_login --text"))
    assert manager.logins["etrade"].flow is first and url in out
    assert request_tokens(emulator) == 1
    clock.advance(301)  # expired: the same flow gets a fresh link
    out = plain(run(ip, "%etrade_login --text"))
    assert manager.logins["etrade"].flow is first and first.authorize_url in out
    assert first.authorize_url != url and request_tokens(emulator) == 2


def test_rerun_reuses_a_session_unless_force(ip, manager, emulator, approve_url) -> None:
    run(ip, "%etrade_login --text")
    run(ip, f"%etrade_verify {approve_url(manager.logins['etrade'].flow.authorize_url)}")
    session = ip.user_ns["etrade"]
    out = plain(run(ip, "%etrade_login"))
    assert "Already logged in as `etrade` (this kernel's session)" in out
    assert "token: active" in out and ip.user_ns["etrade"] is session
    assert request_tokens(emulator) == 1
    out = plain(run(ip, "%etrade_login --force --text"))
    assert "%etrade_verify CODE" in out and request_tokens(emulator) == 2


def test_rerun_reuses_the_cached_token_of_a_new_kernel(ip, manager, approve_url) -> None:
    run(ip, "%etrade_login --text")
    run(ip, f"%etrade_verify {approve_url(manager.logins['etrade'].flow.authorize_url)}")
    manager.logins.clear()  # as after a kernel restart: only the token store remains
    del ip.user_ns["etrade"]
    out = plain(run(ip, "%etrade_login"))
    assert "today's saved token" in out and isinstance(ip.user_ns["etrade"], Session)


def test_widget_login_binds_and_double_submit_exchanges_once(
    ip, manager, emulator, approve_url
) -> None:
    out = run(ip, "%etrade_login --widget")
    assert any("application/vnd.jupyter.widget-view+json" in o for o in out)
    login = manager.logins["etrade"]
    w = widget_of(login)
    assert "LoginWidget sandbox `etrade`" in plain(out)
    w.code.value = approve_url(login.flow.authorize_url)
    w.submit.click()
    w.submit.click()
    assert ip.user_ns["etrade"] is login.session
    assert sum(r.path == "/oauth/access_token" for r in emulator.log) == 1
    run(ip, "%etrade_login --widget")  # re-run: reuses the session, no new widget
    assert manager.logins["etrade"].view is w


def test_widget_submits_during_an_exchange_in_flight_are_dropped(
    ip, manager, emulator, approve_url
) -> None:
    run(ip, "%etrade_login --widget")
    login = manager.logins["etrade"]
    w = widget_of(login)
    code = approve_url(login.flow.authorize_url)
    emulator.faults.delay(0.5, n=1)  # E*TRADE is slow to answer the first code
    first = in_flight(w, lambda: setattr(w.code, "value", "WRONG1"))
    clicks = [threading.Thread(target=w.submit.click) for _ in range(2)]
    w.code.value = code  # typed and submitted again while the first is checked: dropped
    for t in clicks:
        t.start()
    for t in [*clicks, first]:
        t.join(5)
    assert sum(r.path == "/oauth/access_token" for r in emulator.log) == 1
    assert "etrade" not in ip.user_ns and w.code.value == ""
    w.code.value = code  # the person submits again once told the first code was wrong
    assert ip.user_ns["etrade"] is login.session
    assert sum(r.path == "/oauth/access_token" for r in emulator.log) == 2


def test_widget_rerun_while_pending_shows_the_same_widget(ip, manager, emulator) -> None:
    run(ip, "%etrade_login --widget")
    w = manager.logins["etrade"].view
    run(ip, "%etrade_login --widget")
    assert manager.logins["etrade"].view is w and request_tokens(emulator) == 1


def test_verify_goes_through_the_widget(ip, manager, approve_url) -> None:
    run(ip, "%etrade_login --widget")
    login = manager.logins["etrade"]
    w = widget_of(login)
    with pytest.raises(UsageError, match="did not accept"):
        run(ip, "%etrade_verify WRONG1")
    assert "did not accept" in w.status.value
    run(ip, f"%etrade_verify {approve_url(login.flow.authorize_url)}")
    assert "Authorized" in w.link.value and ip.user_ns["etrade"] is login.session


def test_live_is_explicit_and_loud(ip, manager) -> None:
    out = plain(run(ip, "%etrade_login --live --text"))
    assert out.startswith("LIVE:") and manager.logins["etrade"].flow.environment.name == "live"
    run(ip, "%etrade_login --live --widget --force")
    assert "LIVE" in widget_of(manager.logins["etrade"]).badge.value


def test_status_and_logout(ip, manager, emulator, approve_url) -> None:
    assert "Not logged in" in plain(run(ip, "%etrade_status"))
    run(ip, "%etrade_login --text")
    assert "waiting for the code" in plain(run(ip, "%etrade_status"))
    run(ip, f"%etrade_verify {approve_url(manager.logins['etrade'].flow.authorize_url)}")
    out = plain(run(ip, "%etrade_status"))
    assert "environment: sandbox" in out and "goes idle: in 2 h 00 min" in out
    assert "23:59 ET" in out
    session = ip.user_ns["etrade"]
    out = plain(run(ip, "%etrade_logout"))
    assert "revoked" in out and "etrade" not in ip.user_ns
    assert session.state.value == "revoked"
    assert any(r.path == "/oauth/revoke_access_token" for r in emulator.log)
    assert "today's saved token" not in plain(run(ip, "%etrade_login --text"))


def login_text(ip, approve_url, manager) -> Session:
    run(ip, "%etrade_login --text")
    run(ip, f"%etrade_verify {approve_url(manager.logins['etrade'].flow.authorize_url)}")
    return ip.user_ns["etrade"]


@pytest.mark.parametrize("mode", ["status", "reset"])
def test_a_failed_logout_keeps_the_login_and_can_be_retried(
    ip, manager, emulator, approve_url, fast_retry, mode: str
) -> None:
    session = login_text(ip, approve_url, manager)
    session.retry = fast_retry  # 3 retries without sleeping
    path = "/oauth/revoke_access_token"
    emulator.faults.fail_next(4, status=500, path_prefix=path, mode=mode)
    with pytest.raises(UsageError, match=r"stays bound .* Run %etrade_logout again to retry"):
        ip.run_cell("%etrade_logout")
    assert sum(r.path == path for r in emulator.log) in (0, 4)  # a reset is not logged
    assert ip.user_ns["etrade"] is session and session.state.value == "active"
    assert "token: active" in plain(run(ip, "%etrade_status"))
    out = plain(run(ip, "%etrade_logout"))  # E*TRADE answers again: the retry works
    assert "revoked" in out and "etrade" not in ip.user_ns
    assert session.state.value == "revoked" and "etrade" not in manager.logins
    assert "nothing to log out" in plain(run(ip, "%etrade_logout"))


def test_logout_of_a_dead_token_unbinds(ip, manager, approve_url, clock) -> None:
    session = login_text(ip, approve_url, manager)
    clock.advance(24 * 3600)  # past midnight ET: nothing to revoke at E*TRADE
    out = plain(run(ip, "%etrade_status"))
    assert "token: expired" in out and out.endswith("Log in again with %etrade_login.")
    assert "unbound" in plain(run(ip, "%etrade_logout")) and "etrade" not in ip.user_ns
    assert session.state.value in ("expired", "revoked")


def test_errors_are_usage_errors_with_the_next_step(ip, monkeypatch) -> None:
    with pytest.raises(UsageError, match="Run %etrade_login"):
        ip.run_cell("%etrade_verify K7Q2M")
    with pytest.raises(UsageError, match="not a Python identifier"):
        ip.run_cell("%etrade_login --name 1x")
    monkeypatch.delenv("ETRADE_CONSUMER_SECRET")
    monkeypatch.setenv("ETRADE_CONSUMER_KEY", "")
    with pytest.raises(UsageError, match="No E\\*TRADE consumer key"):
        ip.run_cell("%etrade_login --force")


def test_help_is_there(ip) -> None:
    magics = ("etrade_login", "etrade_verify", "etrade_callback", "etrade_status", "etrade_logout")
    for magic in magics:
        doc = ip.find_line_magic(magic).__doc__
        assert doc and f"%{magic}" in doc and "--name" in doc
    assert "--callback" in ip.find_line_magic("etrade_login").__doc__
    doc = " ".join(ip.find_line_magic("etrade_callback").__doc__.split())
    assert "--port PORT" in doc and "waits 15 minutes" in doc
    assert "CALLBACK_URL = %etrade_callback" in doc


def test_auto_approve_demo_path(ip, monkeypatch, clock: EmulatorClock) -> None:
    with EmulatorServer(port=0, clock=clock, auto_approve=True, strict=True) as emu:
        for key, value in emu.environ().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("ETRADE_NB_DEMO_AUTO_APPROVE", "1")
        out = plain(run(ip, "%etrade_login --text"))
        assert out.endswith("(auto-approved by the local emulator)")
        assert isinstance(ip.user_ns["etrade"], Session)


def test_auto_approve_refuses_a_non_loopback_link(ip, manager, monkeypatch) -> None:
    monkeypatch.setenv("ETRADE_NB_DEMO_AUTO_APPROVE", "1")
    monkeypatch.setenv("ETRADE_NB_AUTHORIZE_URL", "https://us.etrade.com/e/t/etws/authorize")
    out = plain(run(ip, "%etrade_login --text"))
    assert "not the local emulator" in out and "etrade" not in ip.user_ns
    assert manager.logins["etrade"].flow.authorize_url.startswith("https://us.etrade.com/")


def test_callback_mode_end_to_end(ip, manager, clock: EmulatorClock, monkeypatch) -> None:
    from etrade_nb.emulator import approve

    with EmulatorServer(port=0, clock=clock, auto_approve=True, strict=True) as emu:
        for key, value in emu.environ().items():
            monkeypatch.setenv(key, value)
        out = plain(run(ip, "%etrade_login --widget --callback"))
        rec = manager.logins["etrade"]
        assert rec.receiver is not None and f"Register {rec.receiver.url}" in out
        emu.register_consumer(emu.consumer_key, emu.consumer_secret, callback_url=rec.receiver.url)
        approve(rec.flow.authorize_url)  # the browser: Accept → 302 → our receiver
        assert rec.receiver.wait(5)
        assert "Authorized as" in widget_of(rec).link.value
        assert ip.user_ns["etrade"] is rec.session


def test_callback_tries_once_then_the_widget_says_paste(ip, manager, approve_url) -> None:
    import requests

    run(ip, "%etrade_login --widget --callback")
    rec = manager.logins["etrade"]
    stray = requests.get(rec.receiver.url + "?oauth_verifier=WRONG1", timeout=5)
    assert stray.status_code == 400 and "address bar" in stray.text
    assert "did not accept" in widget_of(rec).status.value
    assert "will not try again for this link" in widget_of(rec).status.value
    again = requests.get(rec.receiver.url + "?oauth_verifier=WRONG2", timeout=5)
    assert again.status_code == 409 and rec.receiver.exchanges == 1
    widget_of(rec).code.value = approve_url(rec.flow.authorize_url)  # the box keeps working
    assert ip.user_ns["etrade"] is rec.session


def test_callback_on_binder_falls_back_to_copy_paste(ip, manager, monkeypatch) -> None:
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    shown = run(ip, "%etrade_login --text --callback")
    out = plain(shown)
    assert out.count("Binder gives every session a new address") == 1  # once, not in red
    assert "#b00020" not in str([d.get("text/html") for d in shown if "Binder" in str(d)])
    assert manager.logins["etrade"].receiver is None and "%etrade_verify CODE" in out


class _Kernel:
    """Just what the magics read of an ipykernel: whether this request may ask for input."""

    _allow_stdin = True


def test_verify_without_code_asks_in_a_password_box(
    ip, manager, approve_url, monkeypatch, prompt, can_wait
):
    run(ip, "%etrade_login --text")
    code = approve_url(manager.logins["etrade"].flow.authorize_url)
    monkeypatch.setattr(ip, "kernel", _Kernel(), raising=False)
    can_wait[0] = True
    prompt.answers = [code]
    scrubbed: list[str] = []
    monkeypatch.setattr(ip, "set_next_input", lambda *a, **k: scrubbed.append("scrubbed"))
    run(ip, "%etrade_verify")
    assert prompt.prompts == ["E*TRADE verification code: "]
    assert scrubbed == []  # no scrub needed: the cell has no code
    assert isinstance(ip.user_ns["etrade"], Session)


def test_verify_with_code_in_a_kernel_removes_it_from_the_cell(
    ip, manager, approve_url, monkeypatch
):
    run(ip, "%etrade_login --text")
    code = approve_url(manager.logins["etrade"].flow.authorize_url)
    monkeypatch.setattr(ip, "kernel", _Kernel(), raising=False)
    replaced: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        ip, "set_next_input", lambda text, replace=False: replaced.append((text, replace))
    )
    run(ip, f"%etrade_verify {code}")
    assert isinstance(ip.user_ns["etrade"], Session)
    ((text, replace),) = replaced
    assert replace and code not in text and text.startswith("%etrade_verify")


def test_verify_without_code_and_without_input_says_what_to_run(ip, manager, monkeypatch):
    monkeypatch.delenv("ETRADE_NB_VERIFIER", raising=False)
    run(ip, "%etrade_login --text")
    with pytest.raises(UsageError, match="set ETRADE_NB_VERIFIER in the kernel") as error:
        ip.run_line_magic("etrade_verify", "")
    assert "run %etrade_verify CODE" in str(error.value)
    assert "saved with the notebook unless the front end removes it" in str(error.value)


def test_verify_reads_the_code_once_from_the_environment(
    ip, manager, approve_url, monkeypatch, prompt, can_wait
):
    run(ip, "%etrade_login --text --name paper")
    can_wait[0] = True  # prompt.answers is empty: asking would fail the test
    monkeypatch.setenv(
        "ETRADE_NB_VERIFIER", approve_url(manager.logins["paper"].flow.authorize_url)
    )
    monkeypatch.setattr(ip, "kernel", _Kernel(), raising=False)
    monkeypatch.setattr(ip, "set_next_input", lambda *a, **k: pytest.fail("nothing to scrub"))
    run(ip, "%etrade_verify --name paper")  # a prompt could be shown: still not asked
    assert isinstance(ip.user_ns["paper"], Session)
    assert "ETRADE_NB_VERIFIER" not in os.environ  # read once, then gone


def test_verify_help_says_a_typed_code_is_saved(ip) -> None:
    doc = " ".join(ip.find_line_magic("etrade_verify").__doc__.split())
    assert "saved with the notebook unless the front end removes it" in doc
    assert "ETRADE_NB_VERIFIER" in doc


# -- %etrade_callback: the URL to register before the login ----------------------------------


def test_etrade_callback_prints_and_returns_the_url(ip, manager) -> None:
    with capture_output() as captured:
        ip.run_cell("CALLBACK_URL = %etrade_callback")
    receiver = manager.desk.receiver("etrade")
    url = ip.user_ns.pop("CALLBACK_URL")
    assert url == receiver.url == f"http://127.0.0.1:{receiver.port}/callback"
    out = plain([o.data for o in captured.outputs])
    assert f"Register {url} as this consumer key's callback URL" in out
    assert "then run %etrade_login --callback within 15 min." in out
    assert receiver.running and not receiver.bound
    # re-run: the same receiver and URL (nothing to register again)
    assert ip.run_line_magic("etrade_callback", "") == url
    assert manager.desk.receiver("etrade") is receiver


def test_etrade_callback_port_and_name(ip, manager) -> None:
    url = ip.run_line_magic("etrade_callback", "--name paper")
    port = manager.desk.receiver("paper").port
    assert ip.run_line_magic("etrade_callback", f"--name paper --port {port}") == url
    with pytest.raises(UsageError, match=f"Cannot listen on 127.0.0.1:{port}"):
        ip.run_line_magic("etrade_callback", f"--port {port}")  # taken by `paper`'s receiver
    with pytest.raises(UsageError, match="not a port number"):
        ip.run_line_magic("etrade_callback", "--port 70000")
    with pytest.raises(UsageError, match="not a Python identifier"):
        ip.run_line_magic("etrade_callback", "--name 1x")


def test_etrade_callback_behind_jupyterhub_gives_the_full_url(ip, manager, monkeypatch):
    """Break 2 of issue 12: with the hub's public URL known, the full URL to register."""
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_URL", "http://127.0.0.1:8000/user/alice/")
    out = plain(run(ip, "URL = %etrade_callback"))
    receiver = manager.desk.receiver("etrade")
    url = f"http://127.0.0.1:8000/user/alice/proxy/{receiver.port}/callback"
    assert ip.user_ns.pop("URL") == url
    assert f"Register {url} as this consumer key's callback URL" in out
    assert receiver._relay_prefix == "/user/alice/"
    login = plain(run(ip, "%etrade_login --text --callback"))
    assert f"E*TRADE sends your browser to {url}, the registered callback URL." in login
    assert manager.logins["etrade"].receiver is receiver and receiver.bound


def test_etrade_callback_behind_a_hub_without_public_url_says_what_to_prepend(
    ip, manager, monkeypatch
):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/alice/")
    outputs = run(ip, "URL = %etrade_callback")
    receiver = manager.desk.receiver("etrade")
    path = f"/user/alice/proxy/{receiver.port}/callback"
    assert ip.user_ns.pop("URL") == path
    out = plain(outputs)
    assert f"as in the browser's address bar) followed by {path}" in out
    assert "c.JupyterHub.public_url" in out
    # the browser completes a relative link with the page's own origin
    assert f'<a href="{path}"' in outputs[-1]["text/html"]
    assert receiver._relay_prefix == "/user/alice/"


def test_etrade_callback_on_binder_starts_nothing(ip, manager, monkeypatch) -> None:
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    out = plain(run(ip, "URL = %etrade_callback"))
    assert ip.user_ns.pop("URL") is None and "Binder gives every session a new address" in out
    assert "etrade" not in manager.logins and manager.desk.receiver("etrade") is None


@pytest.mark.parametrize("given", ["", " $CALLBACK_URL"])
def test_login_callback_binds_the_running_receiver(ip, manager, given: str) -> None:
    ip.run_cell("CALLBACK_URL = %etrade_callback")
    receiver = manager.desk.receiver("etrade")
    out = plain(run(ip, f"%etrade_login --widget --callback{given}"))
    rec = manager.logins["etrade"]
    assert rec.receiver is receiver and receiver.bound
    url = ip.user_ns.pop("CALLBACK_URL")
    assert "No login box shown?" in out  # the widget's text/plain; the words are in the box
    status = widget_of(rec).status.value
    assert f"E*TRADE sends your browser to {url}, the registered callback URL." in status
    assert rec.redirect_expected  # a person would wait for the redirect, not in a prompt
    run(ip, "%etrade_login --widget --callback --force")  # a new flow: still the same receiver
    assert manager.logins["etrade"].receiver is receiver and receiver.running


@pytest.mark.parametrize("ui", ["--text", "--widget"])
def test_etrade_callback_end_to_end_with_the_emulator_redirect(
    ip, manager, clock: EmulatorClock, monkeypatch, ui: str
) -> None:
    from etrade_nb.emulator import approve

    with EmulatorServer(port=0, clock=clock, auto_approve=True, strict=True) as emu:
        for key, value in emu.environ().items():
            monkeypatch.setenv(key, value)
        ip.run_cell("CALLBACK_URL = %etrade_callback")
        url = ip.user_ns.pop("CALLBACK_URL")
        emu.register_consumer(emu.consumer_key, emu.consumer_secret, callback_url=url)
        run(ip, f"%etrade_login {ui} --callback")
        rec = manager.logins["etrade"]
        assert rec.receiver.url == url
        assert approve(rec.flow.authorize_url)  # the browser: Accept → 302 → our receiver
        assert rec.receiver.wait(5) and rec.receiver.exchanges == 1
        assert ip.user_ns["etrade"] is rec.flow.session
        assert [r.status for r in emu.log if r.path == "/oauth/access_token"] == [200]


def test_etrade_callback_waits_a_bounded_time_then_restarts_on_the_same_port(
    ip, manager, receiver_now
) -> None:
    now = receiver_now
    url = ip.run_line_magic("etrade_callback", "")
    receiver = manager.desk.receiver("etrade")
    assert manager.desk.wait == 15 * 60 and receiver._deadline == 15 * 60
    now[0] = 15 * 60  # no login within the wait: it stops by itself
    receiver._thread.join(3)
    assert not receiver.running
    out = plain(run(ip, "%etrade_login --widget --callback"))
    rec = manager.logins["etrade"]
    assert rec.receiver is not receiver and rec.receiver.url == url  # the registered URL
    assert rec.receiver.bound and "No login box shown?" in out
    assert f"E*TRADE sends your browser to {url}" in widget_of(rec).status.value
    assert rec.receiver._deadline == pytest.approx(now[0] + rec.flow.seconds_left() + 60)


def test_a_bound_receiver_lives_for_the_link(ip, manager, receiver_now) -> None:
    now = receiver_now
    ip.run_line_magic("etrade_callback", "")
    now[0] = 100.0
    run(ip, "%etrade_login --widget --callback")
    rec = manager.logins["etrade"]
    assert rec.receiver._deadline == pytest.approx(100.0 + rec.flow.seconds_left() + 60)
