"""No widget front end: nbclient runs a real kernel (allow_stdin false) and nothing hangs."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from jupyter_client.asynchronous.client import AsyncKernelClient
from nbclient import NotebookClient
from nbclient.util import run_sync

from etrade_nb.emulator import EmulatorServer
from etrade_nb.notebook.manager import choose_ui

from .kernel import client, kernel_env, leaks, notebook, save, secrets_of, texts

AUTHORIZE = re.compile(r"http://\S+/authorize\?\S+")


@pytest.fixture
def live_emulator():
    with EmulatorServer(port=0, strict=True) as emu:  # real time: the kernel uses time.time
        yield emu


def test_headless_login_prints_the_link_and_the_verify_command(
    live_emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kernel_env(monkeypatch, tmp_path, live_emulator)
    nb = notebook("%load_ext etrade_nb", "%etrade_login", "", "etrade")
    c = client(nb, tmp_path)
    with c.setup_kernel():
        c.execute_cell(nb.cells[0], 0)
        started = time.monotonic()
        c.execute_cell(nb.cells[1], 1)
        assert time.monotonic() - started < 30  # never waits for a person
        login = nb.cells[1]
        assert not [
            o
            for o in login.outputs
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        ]
        plain = texts(login)
        assert "Then run:  %etrade_verify CODE" in plain
        assert '<a id="etrade-authorize-link"' in texts(login, "text/html")
        url = re.search(r"http://\S+/authorize\?\S+", plain).group(0)  # type: ignore[union-attr]
        code = live_emulator.approve_token(parse_qs(urlsplit(url).query)["token"][0])
        nb.cells[2].source = f"%etrade_verify {code}"
        c.execute_cell(nb.cells[2], 2)
        c.execute_cell(nb.cells[3], 3)
    assert texts(nb.cells[3]) == "<etrade_nb.Session sandbox: active>"
    # nbclient applied the display update: the link is gone, the status line took its place
    assert texts(nb.cells[1]).startswith("Authorized (sandbox) as `etrade` until")
    assert "token=" not in texts(nb.cells[1], "text/html")
    # nbclient ignores set_next_input(replace=True): the typed code stays in the saved cell
    saved = save(nb, tmp_path / "typed.ipynb")
    assert [k for k in leaks(saved, secrets_of(live_emulator)) if k.startswith("verifier")]


def run_silently(c: NotebookClient, code: str) -> None:
    """What a driver script does: an execute request that no notebook cell records."""
    assert isinstance(c.kc, AsyncKernelClient)  # what nbclient starts
    reply = run_sync(c.kc.execute_interactive)(code, silent=True, store_history=False, timeout=30)
    assert reply["content"]["status"] == "ok"


@pytest.mark.parametrize("ui", ["text", "widget"])
def test_headless_verify_from_the_environment_saves_no_secret(
    ui: str, live_emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kernel_env(monkeypatch, tmp_path, live_emulator)
    nb = notebook(
        "%load_ext etrade_nb",
        f"%etrade_login --{ui}",
        "%etrade_verify",
        "etrade",
        "import os; 'ETRADE_NB_VERIFIER' in os.environ",
    )
    c = client(nb, tmp_path, store_widget_state=True)
    with c.setup_kernel():
        c.execute_cell(nb.cells[0], 0)
        c.execute_cell(nb.cells[1], 1)
        login = texts(nb.cells[1])
        if ui == "text":
            assert "set ETRADE_NB_VERIFIER in the kernel" in login
            link = AUTHORIZE.search(login).group(0)  # type: ignore[union-attr]
            token = parse_qs(urlsplit(link).query)["token"][0]
        else:  # what a front end without ipywidgets shows: the way out, not the link
            assert "run %etrade_login --text (or set ETRADE_NB_UI=text)" in login
            assert "token=" not in login and "http" not in login
            with live_emulator.state.lock:  # the person reads the link off the widget
                (token,) = live_emulator.state.request_tokens
        code = live_emulator.approve_token(token)
        run_silently(c, f"import os; os.environ['ETRADE_NB_VERIFIER'] = {code!r}")
        for i in (2, 3, 4):
            c.execute_cell(nb.cells[i], i)
        c.set_widgets_metadata()
    path = save(nb, tmp_path / "headless.ipynb")
    secrets = secrets_of(live_emulator)
    assert texts(nb.cells[3]) == "<etrade_nb.Session sandbox: active>"
    assert texts(nb.cells[4]) == "False"  # read once, then removed
    assert "verifier 0" in secrets and "access token 0" in secrets
    assert leaks(path, secrets) == []
    if ui == "widget":  # the scan covered the saved widget state, too
        assert "Authorized as <code>etrade</code>" in json.dumps(
            json.loads(path.read_text())["metadata"]["widgets"]
        )


def test_choose_ui_heuristics(monkeypatch: pytest.MonkeyPatch) -> None:
    class Kernel:
        _allow_stdin = True

    class Shell:
        kernel = Kernel()

    assert choose_ui(object(), environ={}) == "text"  # terminal IPython / plain Python
    assert choose_ui(Shell(), environ={}) == "widget"  # Lab, Notebook 7, VS Code
    Shell.kernel._allow_stdin = False
    assert choose_ui(Shell(), environ={}) == "text"  # nbclient, papermill, nbval
    assert choose_ui(Shell(), environ={"ETRADE_NB_UI": "widget"}) == "widget"
    assert choose_ui(Shell(), "text", environ={"ETRADE_NB_UI": "widget"}) == "text"
