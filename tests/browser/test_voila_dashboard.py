"""A person opens the Voila dashboard (05) in a real browser, signs in with the box, sees data.

Voila runs the notebook top to bottom with no prompt (``allow_stdin`` is false), shows no
code and has no cell to run anything in: the login box is the only way in, and the data
comes from ``etrade_nb.on_login`` once the code is accepted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import expect

from etrade_nb import NO_STORE, OAuthFlow
from etrade_nb.emulator import EmulatorServer

from .conftest import ROOT, _free_port, isolated_env
from .jupyter_page import WAIT_MS, approve_in_new_tab

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
DASHBOARD = "05-dashboard.ipynb"


@pytest.fixture(scope="module")
def voila(chromium: Path, emulator: EmulatorServer, tmp_path_factory) -> Iterator[str]:
    """``voila notebooks/05-dashboard.ipynb`` on 127.0.0.1 against the emulator; its URL."""
    tmp = tmp_path_factory.mktemp("voila")
    shutil.copy(ROOT / "notebooks" / DASHBOARD, tmp / DASHBOARD)
    env = isolated_env(tmp, {**emulator.environ(), "ETRADE_NB_TOKEN_CACHE": "memory"})
    port = _free_port()
    cmd = [
        sys.executable, "-m", "voila", str(tmp / DASHBOARD), "--no-browser",
        f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
    ]  # fmt: skip
    log_path = tmp / "voila.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"voila exited:\n{log_path.read_text()}")
            try:  # any answer will do: GET / would start a kernel and run the notebook
                requests.head(f"{url}voila/static/", timeout=2)
                break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"voila did not answer in 60 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _total_account_value(emulator: EmulatorServer) -> float:
    """What E*TRADE's API says now, through a login of the test's own."""
    flow = OAuthFlow(store=NO_STORE, environ=emulator.environ(), timeout=10)
    token = parse_qs(urlsplit(flow.start()).query)["token"][0]
    session = flow.finish(emulator.approve_token(token))
    key = session.accounts()[0]["accountIdKey"]
    return float(session.balance(key)["Computed"]["RealTimeValues"]["totalAccountValue"])


def test_voila_dashboard_from_sign_in_to_data(voila: str, page, emulator) -> None:
    page.goto(voila)
    body = page.locator("body")
    expect(page.locator(".widget-html a#etrade-authorize-link")).to_be_visible(timeout=WAIT_MS)
    expect(body).to_contain_text("appears once you are signed in to E*TRADE as etrade")
    shown = body.inner_text()
    assert "%etrade_verify" not in shown  # no cell to run it in
    for source in ("%load_ext", "%etrade_login", "on_login", "import "):  # no code shown
        assert source not in shown
    _, code = approve_in_new_tab(page, page.context, page)
    box = page.locator(".widget-text input")
    box.fill(code)
    box.press("Enter")
    expect(body).to_contain_text("Authorized as etrade", timeout=WAIT_MS)
    expect(body).to_contain_text("Individual Brokerage (83405188)", timeout=WAIT_MS)
    expect(body).to_contain_text("Total account value")
    shown = re.search(r"Total account value\s+\$([\d,]+\.\d\d)", body.inner_text())
    assert shown, "no dollar amount beside 'Total account value'"
    # the value moves with the emulator's clock (option prices), so compare within a cent
    # per thousand dollars rather than against a number written down on some day
    total = _total_account_value(emulator)
    assert float(shown[1].replace(",", "")) == pytest.approx(total, rel=1e-5)
    expect(body).to_contain_text("Portfolio: 9 positions")
    expect(page.locator(".widget-output img")).to_be_visible()  # the chart
    text = body.inner_text()
    for error in ("Traceback", "Error", "NameError", "not defined"):
        assert error not in text
    assert [r.status for r in emulator.log if r.path == "/oauth/access_token"][-1:] == [200]
