"""``etrade_nb.on_login``: code that runs once the login has finished, now or later."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import etrade_nb
from etrade_nb import ConfigurationError, Session
from etrade_nb.notebook.hooks import waiting_text
from etrade_nb.notebook.manager import LoginManager, choose_ui
from etrade_nb.notebook.widget import WidgetView

from .conftest import Outputs, widget_of


def run(ip: InteractiveShell, cell: str) -> str:
    with capture_output() as captured:
        ip.run_cell(cell)
    shown = "\n".join(o.data.get("text/plain", "") for o in captured.outputs)
    return "\n".join(part for part in (shown, captured.stdout) if part)


def login_and_verify(ip: InteractiveShell, manager: LoginManager, approve_url, name="etrade"):
    named = "" if name == "etrade" else f" --name {name}"
    run(ip, f"%etrade_login --text --force{named}")  # not today's token of another name
    return run(ip, f"%etrade_verify {approve_url(manager.logins[name].flow.authorize_url)}{named}")


def test_signed_in_already_runs_now_in_this_cell(ip, manager, approve_url) -> None:
    login_and_verify(ip, manager, approve_url)
    cell = "import etrade_nb\n@etrade_nb.on_login\ndef f(s):\n    print('now', s.state.value)"
    out = run(ip, cell)
    assert "now active" in out and waiting_text("etrade") not in out


def test_waits_for_the_login_then_runs_once(ip, manager, approve_url) -> None:
    calls: list[Session] = []
    ip.user_ns["calls"] = calls
    out = run(ip, "import etrade_nb\n@etrade_nb.on_login\ndef dash(s):\n    calls.append(s)")
    assert out.strip() == waiting_text("etrade") and calls == []
    assert ip.user_ns["dash"].__name__ == "dash"  # the decorator hands the function back
    run(ip, "%etrade_login --text")
    assert calls == []  # a login that has not finished runs nothing
    login_and_verify(ip, manager, approve_url)
    assert calls == [ip.user_ns["etrade"]]
    run(ip, "%etrade_login")  # reusing the session later does not run it again
    assert len(calls) == 1


def test_rerunning_the_cell_replaces_the_waiting_function(ip, manager, approve_url) -> None:
    calls: list[str] = []
    ip.user_ns["calls"] = calls
    cell = "@etrade_nb.on_login(name='paper')\ndef dash(s):\n    calls.append('dash')"
    run(ip, "import etrade_nb")
    run(ip, cell)
    run(ip, cell)
    run(ip, "etrade_nb.on_login(lambda s: calls.append('other'), name='paper')")
    login_and_verify(ip, manager, approve_url)
    assert calls == []  # `etrade` is not `paper`
    login_and_verify(ip, manager, approve_url, name="paper")
    assert sorted(calls) == ["dash", "other"]


def test_an_error_in_one_function_is_shown_and_the_others_still_run(
    ip, manager, approve_url
) -> None:
    calls: list[str] = []
    ip.user_ns["calls"] = calls
    run(ip, "import etrade_nb\n@etrade_nb.on_login\ndef broken(s):\n    raise ValueError('oops')")
    run(ip, "etrade_nb.on_login(lambda s: calls.append('ok'))")
    out = login_and_verify(ip, manager, approve_url)
    assert "ValueError" in out and "oops" in out
    assert calls == ["ok"] and isinstance(ip.user_ns["etrade"], Session)
    assert "Authorized (sandbox) as `etrade`" in out  # the login itself finished


def test_with_the_widget_the_function_draws_into_its_own_area(ip, manager, approve_url) -> None:
    shown = Outputs()
    manager.hooks.display = shown
    drawn: list[str] = []
    manager.on_login(lambda s: drawn.append(s.environment.name))
    hook = next(iter(manager.hooks.pending["etrade"].values()))
    assert hook.output is not None  # an ipywidgets.Output, shown where on_login was called
    assert shown.plain() == waiting_text("etrade")
    assert hook.output.outputs[0]["data"]["text/plain"] == waiting_text("etrade")
    manager.login(ui="widget", wait=False)
    login = manager.logins["etrade"]
    widget_of(login).code.value = approve_url(login.flow.authorize_url)  # typed in the box
    assert drawn == ["sandbox"] and hook.output.outputs == ()  # the waiting line left
    assert manager.hooks.waiting("etrade") == 0


def test_not_a_function_and_no_ipython_are_clear_errors(monkeypatch) -> None:
    with pytest.raises(ConfigurationError, match="needs a function"):
        etrade_nb.on_login("etrade")  # type: ignore[call-overload]
    import IPython

    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    with pytest.raises(ConfigurationError, match="plain Python"):
        etrade_nb.on_login(print)


def test_voila_gets_the_login_box_without_magic_words(monkeypatch) -> None:
    class Kernel:
        _allow_stdin = False  # Voila executes like nbclient: nobody answers a prompt

    class Shell:
        kernel = Kernel()

    voila = {"VOILA_KERNEL_ID": "k1", "VOILA_SERVER_URL": "/"}
    assert choose_ui(Shell(), environ={}) == "text"
    assert choose_ui(Shell(), environ=voila) == "widget"
    assert choose_ui(Shell(), environ={**voila, "ETRADE_NB_UI": "text"}) == "text"
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    from etrade_nb.notebook.state import Phase, ViewState

    state = ViewState("etrade", "sandbox", Phase.PENDING, url="http://127.0.0.1:1/a?x=1")
    page = WidgetView(Outputs(), cells=False)
    page.render(state)
    notebook = WidgetView(Outputs())
    notebook.render(state)
    assert "%etrade_verify" not in page.link.value and "paste the code below" in page.link.value
    assert "%etrade_verify" in notebook.link.value
