"""A slow person in a real browser: the link expires while the login waits, and is renewed
under the same prompt; cells run by hand afterwards; the saved notebook keeps a plain record
of how the login ended. On ipykernel 7 (JupyterLab) and ipykernel 6 (Colab's line; in
Notebook 7), from a kernelspec this module installs into a temp folder.

The emulator's links last :data:`LINK_SECONDS` here (its ``request_token_lifetime``; the
kernels learn it from ``ETRADE_NB_LINK_LIFETIME``), so sitting past one takes seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from etrade_nb.emulator import EmulatorServer

from .conftest import Jupyter
from .jupyter_page import (
    WAIT_MS,
    approve_in_new_tab,
    cell,
    cell_index,
    expect_authorized,
    open_notebook,
    paste_into_prompt,
    restart_and_run_all,
    run_cell,
    save_and_read,
    start_cell,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]
LINK_SECONDS = 20
QUICKSTART = "01-quickstart.ipynb"
IK6 = "ik6"
STALE = "Cell not executed due to pending input"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    """Links that expire in :data:`LINK_SECONDS` (both ends agree); auto-approve stays off."""
    with EmulatorServer(port=0, request_token_lifetime=LINK_SECONDS) as emu:
        yield emu


def _link(login_cell):
    return login_cell.locator(".widget-html a#etrade-authorize-link")


def _sit_past_the_link_then_sign_in(page, login_cell, *, paste_the_old_code: bool) -> None:
    """Approve the first link, let it expire, then sign in with the link that replaced it."""
    expect(login_cell).to_contain_text("Waiting for your code", timeout=WAIT_MS)
    first, old_code = approve_in_new_tab(page, page.context, login_cell)
    # The kernel renews the link in place; its prompt stays open the whole time.
    expect(_link(login_cell)).not_to_have_attribute(
        "href", first, timeout=(LINK_SECONDS + 15) * 1000
    )
    expect(login_cell).to_contain_text("The previous link expired, so this is a new one")
    expect(login_cell.locator("input.jp-Stdin-input")).to_have_count(1)
    if paste_the_old_code:  # a code for the expired link: one clear line, the prompt stays
        paste_into_prompt(login_cell, old_code)
        expect(login_cell).to_contain_text("If it came from an earlier link, that link has expired")
        expect(login_cell.locator("input.jp-Stdin-input")).to_have_count(1)
    second, code = approve_in_new_tab(page, page.context, login_cell)
    assert second != first
    paste_into_prompt(login_cell, code)
    expect_authorized(login_cell)


def _login_record(saved: str) -> list[dict]:
    """The login cell's saved outputs."""
    cells = json.loads(saved)["cells"]
    (login,) = [c for c in cells if "".join(c["source"]).startswith("%etrade_login")]
    return login["outputs"]


def test_lab_a_slow_person_signs_in_with_the_renewed_link_and_the_record_survives(
    lab: Jupyter, page, emulator: EmulatorServer
) -> None:
    nb = lab.root / QUICKSTART
    open_notebook(page, lab.url(QUICKSTART))
    restart_and_run_all(page)
    login = cell(page, cell_index(nb, "%etrade_login"))
    _sit_past_the_link_then_sign_in(page, login, paste_the_old_code=True)
    last = cell(page, cell_index(nb, "%etrade_logout"))
    expect(last).to_contain_text("Logged out: the token is revoked", timeout=WAIT_MS)
    # The login cell keeps its record; logout updated it rather than removing it.
    expect(login.locator(".jp-OutputArea")).to_contain_text(
        "Logged out (sandbox): etrade was authorized here"
    )
    # A cell run by hand just runs (no prompt was left pending in the front end).
    status = run_cell(page, cell_index(nb, "%etrade_status"))
    expect(status).to_contain_text("Not logged in as etrade")
    expect(page.get_by_text(STALE)).to_have_count(0)
    saved = save_and_read(page, nb, "Logged out (sandbox)")
    texts = ["".join(o["data"]["text/plain"]) for o in _login_record(saved) if "data" in o]
    assert [t for t in texts if t] == [
        "Logged out (sandbox): `etrade` was authorized here, then its token was revoked."
    ]
    assert "application/vnd.jupyter.widget-view+json" not in saved.split('"%etrade_status')[0]

    # Reopen the saved notebook (widget state was not saved): the record reads as text.
    page.close()
    reopened = page.context.new_page()
    open_notebook(reopened, lab.url(QUICKSTART))
    again = cell(reopened, cell_index(nb, "%etrade_login"))
    expect(again.locator(".jp-OutputArea")).to_contain_text(
        "Logged out (sandbox): etrade was authorized here"
    )
    expect(reopened.get_by_text("model not found")).to_have_count(0)
    reopened.close()


@pytest.fixture(scope="module")
def ipykernel6(notebook7: Jupyter) -> str:
    """A kernelspec whose kernel imports ipykernel 6 (installed here) before the venv's 7."""
    target = notebook7.root.parent / "ipykernel6"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--target", str(target), "ipykernel>=6.29,<7", "nest_asyncio"],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    spec = notebook7.root.parent / "jupyter-data" / "kernels" / IK6
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel 6)",
                "language": "python",
                "env": {"PYTHONPATH": str(target)},
            }
        )
    )
    return IK6


def test_notebook7_ipykernel6_renews_the_link_under_the_same_prompt(
    notebook7: Jupyter, ipykernel6: str, page
) -> None:
    source = json.loads((notebook7.root / QUICKSTART).read_text())
    source["metadata"]["kernelspec"] = {
        "name": ipykernel6,
        "display_name": "Python 3 (ipykernel 6)",
        "language": "python",
    }
    name = "01-quickstart-ik6.ipynb"
    nb = notebook7.root / name
    nb.write_text(json.dumps(source))
    open_notebook(page, notebook7.url(name))
    restart_and_run_all(page)
    login = cell(page, cell_index(nb, "%etrade_login"))
    _sit_past_the_link_then_sign_in(page, login, paste_the_old_code=False)
    last = cell(page, cell_index(nb, "%etrade_logout"))
    expect(last).to_contain_text("Logged out: the token is revoked", timeout=WAIT_MS)
    check = cell_index(nb, "%etrade_status")
    # Another way to end a waiting login: Interrupt. The next cell still runs by hand.
    _set_source(page, check, "%etrade_login --force")
    again = start_cell(page, check)
    expect(again.locator("input.jp-Stdin-input")).to_be_visible(timeout=WAIT_MS)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:interrupt-kernel')")
    expect(again).to_contain_text("Login for `etrade` stopped: interrupted.", timeout=WAIT_MS)
    _set_source(page, check, "import ipykernel; print('ipykernel', ipykernel.__version__)")
    by_hand = run_cell(page, check)
    expect(by_hand).to_contain_text("ipykernel 6.")
    expect(page.get_by_text(STALE)).to_have_count(0)


def _set_source(page, index: int, source: str) -> None:
    page.evaluate(
        """([i, src]) => {
          const panel = window.jupyterapp.shell.currentWidget;
          panel.content.widgets[i].model.sharedModel.setSource(src);
        }""",
        [index, source],
    )
