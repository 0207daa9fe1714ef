"""Two users on a real JupyterHub, driven by Chromium: widget login, callback login, apart.

Each user signs in to the hub, logs in to E*TRADE (the emulator) with the widget and with the
shipped ``03-callback.ipynb`` (callback mode through jupyter-server-proxy: no paste), and
gets a session of their own in their own kernel. Alice runs the notebook as shipped; bob logs
in with ``%etrade_login --callback <the registered URL>``, a URL on the loopback hub's port.
Bob cannot reach alice's server, and his request to
``/user/bob/proxy/<alice's receiver port>/callback`` is refused without using up alice's one
exchange (her callback login still works after it). No token file is left behind, and no
verifier reaches the hub's log (which holds the user servers' logs) in clear.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Response, expect

from tests.browser.jupyter_page import (
    WAIT_MS,
    cell,
    cell_index,
    expect_authorized,
    login_with_code,
    open_notebook,
    run_cell,
    start_cell,
)

from .conftest import PASSWORD, ROOT, USERS, Hub

pytestmark = pytest.mark.timeout(300)
CALLBACK_NB = ROOT / "notebooks" / "03-callback.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
_workspace = iter(range(1000))


def status(response: Response | None) -> int:
    """The HTTP status of a page load (Playwright gives None for same-document navigations)."""
    assert response is not None, "the page did not load"
    return response.status


def sign_in(context: BrowserContext, hub: Hub, user: str) -> Page:
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=WAIT_MS)
    return page


def open_in_lab(page: Page, hub: Hub, user: str, notebook: str) -> None:
    url = f"{hub.url}/user/{user}/lab/workspaces/w{next(_workspace)}/tree/{notebook}"
    open_notebook(page, url)


def widget_login(page: Page, context: BrowserContext, hub: Hub, user: str) -> str:
    """widget.ipynb: paste the code into the widget; returns the kernel's own report."""
    open_in_lab(page, hub, user, "widget.ipynb")
    run_cell(page, 0)
    login = start_cell(page, 1)
    url, _code = login_with_code(page, context, login)
    assert url.startswith(f"/user/{user}/proxy/{hub.emulator.port}/")  # through their server
    expect_authorized(login)
    report = run_cell(page, 2).locator(".jp-OutputArea-output")
    expect(report).to_contain_text("accounts", timeout=WAIT_MS)
    return report.inner_text()


_APPEND_CELL = """(source) => {
  const model = window.jupyterapp.shell.currentWidget.content.model.sharedModel;
  const n = model.cells.length;
  model.insertCell(n, {cell_type: 'code', source});
  return n;
}"""


def start_callback_login(
    page: Page, hub: Hub, user: str, *, explicit: bool = False
) -> tuple[str, Any]:
    """03-callback.ipynb up to the login widget; returns (CALLBACK_URL, the login cell).

    ``explicit``: log in with ``%etrade_login --callback $CALLBACK_URL`` (the registered URL,
    on the loopback hub: break 3) in a cell appended to the notebook, instead of its own."""
    open_in_lab(page, hub, user, "03-callback.ipynb")
    for source in ("import os", "%load_ext", "CALLBACK_URL = %etrade_callback"):
        run_cell(page, cell_index(CALLBACK_NB, source))
    shown = cell(page, cell_index(CALLBACK_NB, "CALLBACK_URL = %etrade_callback"))
    text = shown.locator(".jp-OutputArea-output").first.inner_text()
    found = re.search(r"Register (\S+) as this consumer key", text)
    assert found, text
    callback_url = found.group(1)
    registered = run_cell(page, cell_index(CALLBACK_NB, "if CALLBACK_URL"))
    expect(registered).to_contain_text(f"Registered callback URL: {callback_url}")
    if explicit:
        index = page.evaluate(_APPEND_CELL, "%etrade_login --callback $CALLBACK_URL")
    else:
        index = cell_index(CALLBACK_NB, "%etrade_login --callback")
    login = start_cell(page, index)
    expect(login.locator(".widget-html a#etrade-authorize-link")).to_be_visible(timeout=WAIT_MS)
    return callback_url, login


def finish_callback_login(
    page: Page, context: BrowserContext, login: Any, callback_url: str
) -> str:
    """Click the link and Accept; E*TRADE's redirect signs in with no paste. Returns the
    address the browser landed on (it holds the verifier)."""
    with context.expect_page() as new_tab:
        login.locator(".widget-html a#etrade-authorize-link").click()
    tab = new_tab.value
    tab.wait_for_load_state()
    tab.locator("#accept").click()
    expect(tab.locator("h2")).to_have_text("Signed in to E*TRADE", timeout=WAIT_MS)
    landed = tab.url
    assert landed.startswith(callback_url + "?"), (landed, callback_url)
    tab.close()
    page.bring_to_front()
    expect_authorized(login)
    accounts = run_cell(
        page, cell_index(CALLBACK_NB, "accounts = etrade.accounts(as_frame=True)\nprint")
    )
    expect(accounts.locator(".jp-OutputArea-output")).to_contain_text(re.compile(r"\d+ accounts:"))
    for source in ("%etrade_logout", "emulator.stop()"):
        run_cell(page, cell_index(CALLBACK_NB, source))
    return landed


def _screenshots(contexts: list[BrowserContext], name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for i, context in enumerate(contexts):
        for j, page in enumerate(context.pages):
            with contextlib.suppress(Exception):  # a closed tab: nothing to keep
                page.screenshot(path=str(ARTIFACTS / f"{name}-{i}-{j}.png"))


def test_two_users_log_in_apart_and_leave_nothing_behind(hub: Hub, browser: Any) -> None:
    alice_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    bob_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    landed: list[str] = []
    try:
        alice = sign_in(alice_ctx, hub, "alice")
        report = widget_login(alice, alice_ctx, hub, "alice")
        assert re.search(r"kernel of alice \| Session sandbox \| [1-9]\d* accounts", report)

        callback_url, alice_login = start_callback_login(alice, hub, "alice")
        # the full URL under alice's server (break 2), on the proxied port (break 3)
        found = re.fullmatch(rf"{hub.url}/user/alice/proxy/(\d+)/callback", callback_url)
        assert found is not None
        port = int(found[1])

        bob = sign_in(bob_ctx, hub, "bob")
        # bob cannot open alice's server, nor reach her receiver through it
        assert status(bob.goto(f"{hub.url}/user/alice/lab")) == 403
        via_alice = f"{hub.url}/user/alice/proxy/{port}/callback?oauth_verifier=BOBSAYS1"
        assert status(bob.goto(via_alice)) == 403
        # through his own server the port is alice's receiver (shared loopback): refused
        # without an exchange (break 4)
        via_bob = f"{hub.url}/user/bob/proxy/{port}/callback?oauth_verifier=BOBSAYS2"
        answer = bob.goto(via_bob)
        assert status(answer) == 403 and "another server" in bob.content()

        # alice's one exchange is intact: her callback login works, no paste (break 1)
        landed.append(finish_callback_login(alice, alice_ctx, alice_login, callback_url))

        report = widget_login(bob, bob_ctx, hub, "bob")
        assert re.search(r"kernel of bob \| Session sandbox \| [1-9]\d* accounts", report)
        bob_url, bob_login = start_callback_login(bob, hub, "bob", explicit=True)
        assert bob_url.startswith(f"{hub.url}/user/bob/proxy/")
        landed.append(finish_callback_login(bob, bob_ctx, bob_login, bob_url))
    except BaseException:
        _screenshots([alice_ctx, bob_ctx], "hub")
        raise
    finally:
        alice_ctx.close()
        bob_ctx.close()

    # two widget logins, two different access tokens from the hub's emulator
    tokens = hub.emulator.state.access_tokens
    assert len(tokens) == 2
    # no token file: memory-only cache on a hub; no token or secret in any file of the homes
    secrets = [t.token for t in tokens.values()] + [t.secret for t in tokens.values()]
    for path in hub.homes.rglob("*"):
        if path.is_file() and path.stat().st_size < 5_000_000:
            data = path.read_bytes()
            assert not any(s.encode() in data for s in secrets), f"a token in {path}"
            folders = path.relative_to(hub.homes).parts[1:-1]
            assert not any("etrade" in part.lower() for part in folders), f"left behind: {path}"
    for user in USERS:  # the token cache's folder (<cache>/etrade-nb/tokens) was never made
        assert not (hub.home(user) / ".cache" / "etrade-nb").exists()
    # the verifiers (the landing addresses hold them) never reach the log in clear
    log = hub.log.read_text(errors="replace")
    assert "/callback?" in log  # the callback requests were logged...
    for address in landed:
        found = re.search(r"oauth_verifier=(\w+)", address)
        assert found is not None
        verifier = found[1]
        assert verifier not in log, "a verifier in the hub/server log"
    for fake in ("BOBSAYS1", "BOBSAYS2"):
        assert fake not in log
