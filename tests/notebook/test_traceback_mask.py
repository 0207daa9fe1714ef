"""An Interrupt under ``%xmode Verbose`` shows no secret, in a real ipykernel.

The front end (jupyter_client) interrupts the kernel while the emulator holds the request:
first the code exchange of ``%etrade_verify CODE``, then an API call of the bound session.
The Verbose traceback then holds requests' and urllib3's frames with the signed header.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from nbclient.util import run_sync

from etrade_nb.emulator import EmulatorServer

from .kernel import client, kernel_env, notebook, secrets_of

pytestmark = pytest.mark.timeout(120)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def emu() -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0) as emu:
        yield emu


@pytest.fixture
def nbc(emu: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    kernel_env(monkeypatch, tmp_path, emu, ETRADE_NB_UI="text")
    c = client(notebook(), tmp_path)
    with c.setup_kernel():
        for code in ("%load_ext etrade_nb", "%xmode Verbose", "%etrade_login --no-wait"):
            assert run(c, code)["status"] == "ok"
        yield c


def run(nbc: Any, code: str, errors: list[str] | None = None) -> dict[str, Any]:
    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "error" and errors is not None:
            errors.append(ANSI.sub("", "\n".join(msg["content"]["traceback"])))

    reply = run_sync(nbc.kc.execute_interactive)(code, output_hook=hook, timeout=60)
    return dict(reply["content"])


def interrupted(nbc: Any, emu: EmulatorServer, code: str) -> str:
    """Run ``code`` while the emulator holds its next request; interrupt; the traceback."""
    held = len(emu.faults.delays)
    emu.faults.delay(4, n=1)
    msg_id = nbc.kc.execute(code)
    deadline = time.monotonic() + 30
    while len(emu.faults.delays) == held and time.monotonic() < deadline:
        time.sleep(0.02)  # the request is being held: nothing to await from the kernel
    assert len(emu.faults.delays) > held, "the request never reached the emulator"
    run_sync(nbc.km.interrupt_kernel)()
    errors: list[str] = []
    while True:
        msg = run_sync(nbc.kc.get_iopub_msg)(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "error":
            errors.append(ANSI.sub("", "\n".join(msg["content"]["traceback"])))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    (traceback,) = errors
    return traceback


def shown(traceback: str, emu: EmulatorServer, *extra: str) -> list[str]:
    values = {**secrets_of(emu), **{f"extra {i}": v for i, v in enumerate(extra)}}
    return [
        label
        for label, value in values.items()
        if "request token" not in label or "secret" in label  # the request token is public
        if value in traceback or quote(value, safe="") in traceback
    ]


def test_interrupted_code_exchange_and_api_call_show_no_secret(nbc, emu) -> None:
    with emu.state.lock:
        (request_token,) = emu.state.request_tokens
    code = emu.approve_token(request_token)
    traceback = interrupted(nbc, emu, f"%etrade_verify {code}")
    assert "KeyboardInterrupt" in traceback and "adapters.py" in traceback  # Verbose, deep
    assert "Authorization" in traceback and "***" in traceback
    assert shown(traceback, emu, code) == []

    emu.faults.reset()
    assert run(nbc, "%etrade_login --force --no-wait")["status"] == "ok"
    with emu.state.lock:
        fresh = [t for t in emu.state.request_tokens if t != request_token][-1]
    assert run(nbc, f"%etrade_verify {emu.approve_token(fresh)}")["status"] == "ok"
    traceback = interrupted(nbc, emu, "etrade.accounts()")
    assert "KeyboardInterrupt" in traceback and "adapters.py" in traceback
    assert shown(traceback, emu) == []
    ok: list[str] = []
    assert run(nbc, "1 + 1", ok)["status"] == "ok" and ok == []


@pytest.fixture
def plain(emu: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A kernel that uses the package from Python only: no %load_ext, so no display hook."""
    kernel_env(monkeypatch, tmp_path, emu)
    c = client(notebook(), tmp_path)
    with c.setup_kernel():
        code = "%xmode Verbose\nfrom etrade_nb import OAuthFlow\nflow = OAuthFlow()\nflow.start()"
        assert run(c, code)["status"] == "ok"
        yield c


def test_without_the_extension_the_signed_header_still_shows_as_a_mask(plain, emu) -> None:
    with emu.state.lock:
        (request_token,) = emu.state.request_tokens
    code = emu.approve_token(request_token)
    assert run(plain, f"etrade = flow.finish({code!r})")["status"] == "ok"
    traceback = interrupted(plain, emu, "etrade.accounts()")
    assert "KeyboardInterrupt" in traceback and "adapters.py" in traceback
    assert "OAuth ***" in traceback  # requests' and urllib3's frames print the mask
    assert shown(traceback, emu) == []


def test_every_live_secret_is_masked_plain_or_percent_encoded_until_it_goes() -> None:
    import gc

    from etrade_nb.notebook.traceback_mask import mask_text
    from etrade_nb.secret import Secret

    first, second = Secret("tok/+=value"), Secret("tok/+=value")  # equal values, both held
    del first
    gc.collect()
    text = "code = 'tok/+=value'  header = 'OAuth oauth_nonce=\"1\", x=\"tok%2F%2B%3Dvalue\"'"
    assert "tok" not in mask_text(text) and mask_text(text).count("***") == 2
    del second
    gc.collect()
    assert "tok/+=value" in mask_text("code = 'tok/+=value'")  # nothing kept once gone
