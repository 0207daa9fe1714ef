"""The waiting login in a real ipykernel, driven as JupyterLab drives it (allow_stdin=True).

jupyter_client plays the front end: it answers the kernel's ``input_request`` (the prompt
under the cell) or interrupts the kernel, as a person would.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from jupyter_client.asynchronous.client import AsyncKernelClient
from nbclient.util import run_sync

from etrade_nb.emulator import EmulatorServer, approve
from etrade_nb.environments import authorize_url

from .kernel import client, kernel_env, notebook

pytestmark = pytest.mark.timeout(120)
AUTHORIZE = re.compile(r"http://\S+/authorize\?\S+")


@pytest.fixture
def live_emulator() -> Iterator[EmulatorServer]:
    # real time: the kernel's clock
    with EmulatorServer(port=0, auto_approve=True, strict=True) as emu:
        yield emu


@pytest.fixture
def nbc(
    live_emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    kernel_env(monkeypatch, tmp_path, live_emulator, ETRADE_NB_UI="text")
    c = client(notebook(), tmp_path)
    with c.setup_kernel():
        execute(c.kc, "%load_ext etrade_nb")
        yield c


@pytest.fixture
def kc(nbc: Any) -> Any:
    return nbc.kc


class Front:
    """What the front end saw: outputs (text/plain) and the prompts it showed."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.bundles: list[dict[str, Any]] = []
        self.prompts: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []

    def output(self, msg: dict[str, Any]) -> None:
        content = msg["content"]
        if msg["msg_type"] in ("display_data", "update_display_data", "execute_result"):
            self.texts.append(content["data"].get("text/plain", ""))
            self.bundles.append(content["data"])
        elif msg["msg_type"] == "stream":
            self.texts.append(content["text"])
        elif msg["msg_type"] == "error":
            self.errors.append(content)


def pending_link(emu: EmulatorServer) -> str:
    """The link the person opens (the kernel's stdin prompt can reach the client before the
    output above it does: another channel), built from the emulator's one request token."""
    with emu.state.lock:
        (token,) = emu.state.request_tokens
    return authorize_url(emu.consumer_key, token, page=emu.environ()["ETRADE_NB_AUTHORIZE_URL"])


def execute(
    kc: Any, code: str, front: Front | None = None, answer: Callable[[Front], None] | None = None
) -> dict[str, Any]:
    front = front or Front()

    def on_input(msg: dict[str, Any]) -> None:
        front.prompts.append(msg["content"])
        assert answer is not None, "the kernel asked for input"
        answer(front)

    reply = run_sync(kc.execute_interactive)(
        code,
        allow_stdin=answer is not None,
        output_hook=front.output,
        stdin_hook=on_input,
        timeout=60,
    )
    return reply["content"]


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


@pytest.mark.parametrize("ui", ["", " --widget"])
def test_run_all_waits_for_the_pasted_code(kc: AsyncKernelClient, live_emulator, ui) -> None:
    def paste(front: Front) -> None:  # lower-case and spaced out: normalised, not refused
        code = live_emulator.approve_token(token_of(pending_link(live_emulator)))
        kc.input(f" {code[:2].lower()} {code[2:]} ")

    front = Front()
    reply = execute(kc, f"%etrade_login{ui}", front, paste)
    assert reply["status"] == "ok"
    (asked,) = front.prompts
    assert asked["password"] is True and "E*TRADE code for `etrade`" in asked["prompt"]
    if ui:  # the widget left the output: a plain record says how it ended
        assert front.texts[-1].startswith("Authorized (sandbox) as `etrade` until")
        assert "application/vnd.jupyter.widget-view+json" not in front.bundles[-1]
    else:
        assert any("Waiting for your code" in text for text in front.texts)
        assert front.texts[-1].startswith("Authorized (sandbox) as `etrade`")
    assert not [t for t in front.texts[1:] if AUTHORIZE.search(t) and "Waiting" not in t]
    assert execute(kc, "etrade")["status"] == "ok"
    data = Front()
    execute(kc, "etrade", data)
    assert data.texts == ["<etrade_nb.Session sandbox: active>"]


def test_an_empty_answer_stops_run_all_with_one_line(kc: AsyncKernelClient) -> None:
    """Two cells queued as Run All queues them: the second never runs."""
    front = Front()
    first = kc.execute("%etrade_login", allow_stdin=True)
    second = kc.execute("ran = True", allow_stdin=True)
    prompt = run_sync(kc.get_stdin_msg)(timeout=30)
    assert "E*TRADE code" in prompt["content"]["prompt"]
    kc.input("")
    replies: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + 30
    while len(replies) < 2 and time.monotonic() < deadline:
        msg = run_sync(kc.get_shell_msg)(timeout=30)
        replies[msg["parent_header"]["msg_id"]] = msg["content"]
    assert replies[first]["status"] == "error" and replies[first]["ename"] == "UsageError"
    assert replies[second]["status"] == "aborted"
    drain(kc, front)
    said = "".join(front.texts)
    assert "UsageError: Login for `etrade` stopped: no code was given." in said
    assert front.errors == [] and "Traceback" not in said  # one line, no traceback
    assert "token=" not in front.texts[-2]  # the link output's last update: no link left
    assert execute(kc, "'ran' in globals()", Front())["status"] == "ok"


def drain(kc: Any, front: Front) -> None:
    while True:
        try:
            front.output(run_sync(kc.get_iopub_msg)(timeout=1))
        except Exception:
            return


def test_interrupt_stops_the_wait_cleanly(kc: AsyncKernelClient, nbc: Any) -> None:
    def interrupt(front: Front) -> None:
        run_sync(nbc.km.interrupt_kernel)()

    front = Front()
    reply = execute(kc, "%etrade_login", front, interrupt)
    assert reply["status"] == "error" and reply["ename"] == "UsageError"
    assert "stopped: interrupted" in reply["evalue"]
    ok = Front()
    assert execute(kc, "1 + 1", ok)["status"] == "ok" and ok.texts == ["2"]  # still usable


def test_a_callback_login_waits_for_the_redirect_with_no_prompt(
    kc: AsyncKernelClient, live_emulator
) -> None:
    registered = Front()
    execute(kc, "URL = %etrade_callback", registered)
    url_out = Front()
    execute(kc, "URL", url_out)
    url = url_out.texts[0].strip("'")
    live_emulator.register_consumer(
        live_emulator.consumer_key, live_emulator.consumer_secret, callback_url=url
    )

    def browser_redirects() -> None:  # as soon as the login's link exists
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with live_emulator.state.lock:
                waiting = bool(live_emulator.state.request_tokens)
            if waiting:
                approve(pending_link(live_emulator))
                return
            time.sleep(0.05)

    def no_prompt(front: Front) -> None:  # a released prompt would stay pending in Lab
        raise AssertionError("a callback login must not ask for input")

    threading.Thread(target=browser_redirects, daemon=True).start()
    front = Front()
    reply = execute(kc, "%etrade_login --callback", front, no_prompt)
    assert front.prompts == []
    assert reply["status"] == "ok"
    data = Front()
    execute(kc, "etrade", data)
    assert data.texts == ["<etrade_nb.Session sandbox: active>"]
