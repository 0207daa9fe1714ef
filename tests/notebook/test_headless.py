"""No widget front end: nbclient runs a real kernel (allow_stdin false) and nothing hangs."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from etrade_nb.emulator import EmulatorServer
from etrade_nb.notebook.manager import choose_ui

from .kernel import client, kernel_env, notebook, texts


@pytest.fixture
def live_emulator():
    with EmulatorServer(port=0) as emu:  # real time: the kernel uses time.time
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
