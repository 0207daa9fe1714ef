"""A person in a real browser: Restart Kernel and Run All with one paste in JupyterLab and
Notebook 7, the widget's own box (``--no-wait``), and callback mode."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import expect

from etrade_nb.emulator import EmulatorServer

from .jupyter_page import (
    WAIT_MS,
    approve_in_new_tab,
    cell,
    cell_index,
    expect_authorized,
    login_with_code,
    open_notebook,
    paste_into_prompt,
    restart_and_run_all,
    run_cell,
    run_cells,
    save_and_read,
    start_cell,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
QUICKSTART = "01-quickstart.ipynb"
CALLBACK = "03-callback.ipynb"


def _secrets(emu: EmulatorServer, code: str) -> list[str]:
    """Every secret the login produced, from the emulator's own state and request log."""
    found = [emu.consumer_secret]
    with emu.state.lock:
        for token, rt in emu.state.request_tokens.items():
            found += [token, rt.secret] + ([rt.verifier] if rt.verifier else [])
        for token, at in emu.state.access_tokens.items():
            found += [token, at.secret]
    found += [r.oauth_token for r in emu.log if r.oauth_token and r.path.startswith("/v1/")]
    found += [quote(s, safe="") for s in found if s]  # as they would sit in a URL
    return sorted({s for s in [*found, code] if s})


def _assert_secret_free(saved: str, secrets: list[str]) -> None:
    for marker in ("oauth_token_secret=", "oauth_verifier="):
        assert marker not in saved
    for secret in secrets:
        pattern = re.escape(secret) if len(secret) > 8 else rf"(?<![\w/+]){re.escape(secret)}(?!\w)"
        assert not re.search(pattern, saved), "a secret was saved in the notebook"


# Each demo notebook that logs in with a paste: (file, a checked cell near the end, its text).
RUN_ALL = {
    QUICKSTART: (
        'print(f"{len(accounts)} accounts',
        "4 accounts: Individual Brokerage, Roth IRA, Active Trader, Old Brokerage",
    ),
    "04-orders.ipynb": ("etrade.cancel_order", "cancelled: True"),
}


def _restart_and_run_all(jupyter, page, emulator: EmulatorServer, notebook: str) -> None:
    """The analyst's daily habit: one paste, and the run reaches the last data cell."""
    nb = jupyter.root / notebook
    open_notebook(page, jupyter.url(notebook))
    restart_and_run_all(page)
    login = cell(page, cell_index(nb, "%etrade_login"))
    expect(login).to_contain_text("Waiting for your code", timeout=WAIT_MS)
    url, code = approve_in_new_tab(page, page.context, login)
    assert url.startswith(emulator.authorize_url + "?key=")
    paste_into_prompt(login, f" {code.lower()} ")  # a sloppy paste is normalised, not refused
    expect_authorized(login)
    last = cell(page, cell_index(nb, "%etrade_logout"))
    expect(last).to_contain_text("Logged out: the token is revoked", timeout=WAIT_MS)
    source, text = RUN_ALL[notebook]
    expect(cell(page, cell_index(nb, source))).to_contain_text(text)
    assert login.locator("a#etrade-authorize-link").count() == 0  # the link left the output
    assert [r.status for r in emulator.log if r.path == "/oauth/access_token"][-1:] == [200]
    saved = save_and_read(page, nb, "Logged out")
    assert "Waiting for your code" not in saved
    _assert_secret_free(saved, _secrets(emulator, code))


@pytest.mark.parametrize("notebook", sorted(RUN_ALL))
def test_lab_restart_and_run_all_reaches_the_last_cell(lab, page, emulator, notebook) -> None:
    _restart_and_run_all(lab, page, emulator, notebook)


@pytest.mark.parametrize("notebook", sorted(RUN_ALL))
def test_notebook7_restart_and_run_all_reaches_the_last_cell(
    notebook7, page, emulator, notebook
) -> None:
    _restart_and_run_all(notebook7, page, emulator, notebook)


def test_lab_no_wait_login_through_the_widget_box(lab, page, emulator) -> None:
    nb = lab.root / QUICKSTART
    open_notebook(page, lab.url(QUICKSTART))
    run_cells(page, nb, "import os", "%load_ext etrade_nb")
    index = cell_index(nb, "%etrade_login")
    page.evaluate(
        """([i, src]) => {
          const panel = window.jupyterapp.shell.currentWidget;
          panel.content.widgets[i].model.sharedModel.setSource(src);
        }""",
        [index, "%etrade_login --no-wait --force"],
    )
    login = run_cell(page, index)  # returns at once: the box takes the code
    _, code = login_with_code(page, page.context, login)
    expect_authorized(login)
    accounts = run_cell(page, cell_index(nb, "accounts = etrade.accounts"))
    expect(accounts.locator(".jp-OutputArea-output")).to_contain_text(
        "Individual Brokerage", timeout=WAIT_MS
    )
    # the box left with the login: a plain record, which holds no code, took its place
    expect(login.locator(".widget-text input")).to_have_count(0)
    assert code not in login.inner_text()


def test_lab_callback_login_needs_no_code(lab, page) -> None:
    nb = lab.root / CALLBACK
    open_notebook(page, lab.url(CALLBACK))
    setup = run_cell(page, cell_index(nb, "import os"))
    expect(setup).to_contain_text("E*TRADE emulator (not the real E*TRADE): http://127.0.0.1:")
    run_cells(page, nb, "%load_ext etrade_nb")
    ready = run_cell(page, cell_index(nb, "CALLBACK_URL = %etrade_callback"))
    expect(ready).to_contain_text("Callback receiver ready. Register http://127.0.0.1:")
    registered = run_cell(page, cell_index(nb, "if CALLBACK_URL"))
    expect(registered).to_contain_text("Registered callback URL: http://127.0.0.1:")
    url = re.search(r"http://127\.0\.0\.1:\d+/callback", registered.inner_text())
    assert url and url.group(0) in ready.inner_text()  # the receiver's URL was registered
    index = cell_index(nb, "%etrade_login --callback")
    start_cell(page, index)
    login = cell(page, index)
    link = login.locator(".widget-html a#etrade-authorize-link")
    expect(link).to_be_visible(timeout=WAIT_MS)
    with page.context.expect_page() as new_tab:
        link.click()
    authorize = new_tab.value
    authorize.wait_for_load_state()
    authorize.locator("#accept").click()
    authorize.wait_for_url(re.compile(re.escape(url.group(0)) + r"\?"), timeout=WAIT_MS)
    verifier = parse_qs(urlsplit(authorize.url).query)["oauth_verifier"][0]
    page.bring_to_front()
    expect_authorized(login)  # nothing typed: the receiver got the code
    expect(login.locator("input.jp-Stdin-input")).to_have_count(0)  # the prompt went away
    check = run_cell(page, cell_index(nb, "accounts = etrade.accounts(as_frame=True)\nprint"))
    expect(check).to_contain_text(
        "4 accounts: Individual Brokerage, Roth IRA, Active Trader, Old Brokerage"
    )
    saved = save_and_read(page, nb, "4 accounts")
    _assert_secret_free(saved, [verifier])


def test_lab_callback_paste_route_when_the_redirect_cannot_reach_the_kernel(lab, page) -> None:
    nb = lab.root / CALLBACK
    open_notebook(page, lab.url(CALLBACK))
    # an earlier test may have signed this kernel in: start from logged out
    run_cells(page, nb, "import os", "%load_ext etrade_nb", "%etrade_logout")
    run_cells(page, nb, "CALLBACK_URL = %etrade_callback")
    run_cells(page, nb, "if CALLBACK_URL")
    login = start_cell(page, cell_index(nb, "%etrade_login --callback"))
    expect(login).to_contain_text("Waiting for E*TRADE to send your browser back", timeout=WAIT_MS)
    expect(login.locator("input.jp-Stdin-input")).to_have_count(0)  # no prompt to abandon
    expect(login.locator(".widget-text input")).to_be_hidden()  # no box it could not read
    # The redirect cannot reach the kernel (say, a firewall): the browser is sent to the
    # callback address (it holds the code), but the page there does not load.
    sent_to: list[str] = []

    def redirect_goes_nowhere(route) -> None:
        response = route.fetch(max_redirects=0)
        sent_to.append(response.headers["location"])
        route.fulfill(status=502, body="This site can't be reached")

    accept = re.compile(r"/authorize/accept")
    page.context.route(accept, redirect_goes_nowhere)
    try:
        with page.context.expect_page() as new_tab:
            login.locator(".widget-html a#etrade-authorize-link").click()
        tab = new_tab.value
        tab.wait_for_load_state()
        tab.locator("#accept").click()
        expect(tab.locator("body")).to_contain_text("can't be reached", timeout=WAIT_MS)
        tab.close()
    finally:
        page.context.unroute(accept)
    (landed,) = sent_to
    assert "oauth_verifier=" in landed
    page.bring_to_front()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:interrupt-kernel')")
    expect(login).to_contain_text(
        "UsageError: Stopped waiting for E*TRADE's redirect for `etrade`", timeout=WAIT_MS
    )
    box = login.locator(".widget-text input")
    expect(box).to_be_visible()  # the paste route is on screen, and its words say so
    expect(login).to_contain_text("into the box and press Enter")
    text = login.locator(".jp-OutputArea").inner_text()
    assert "Waiting for E*TRADE" not in text and "cancelled" not in text
    assert text.count("UsageError") == 1
    box.fill(landed)
    box.press("Enter")
    expect_authorized(login)
    check = run_cell(page, cell_index(nb, "accounts = etrade.accounts"))  # by hand: it runs
    expect(check).to_contain_text("4 accounts: Individual Brokerage")
