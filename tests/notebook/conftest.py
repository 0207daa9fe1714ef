"""A real IPython shell that raises instead of printing errors, with the etrade magics loaded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from etrade_nb import MemoryTokenStore, OAuthFlow
from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.notebook.login import NotebookLogin
from etrade_nb.notebook.magics import EtradeMagics
from etrade_nb.notebook.manager import LoginManager
from etrade_nb.notebook.widget import WidgetView


class TestingShell(InteractiveShell):
    """jupysql-style: ``run_cell`` raises the cell's error (``UsageError`` included)."""

    def run_cell(self, *args, **kwargs):
        result = super().run_cell(*args, **kwargs)
        result.raise_error()
        return result


@pytest.fixture(scope="session")
def _shell(tmp_path_factory: pytest.TempPathFactory) -> InteractiveShell:
    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.ipython_dir = str(tmp_path_factory.mktemp("ipython"))
    return TestingShell.instance(config=config)


@pytest.fixture
def store() -> MemoryTokenStore:
    return MemoryTokenStore()


class Prompt:
    """A scripted person at the kernel's stdin prompt: answers in order, records the prompts.

    An answer may be a callable (run at the prompt, e.g. to make the callback arrive) or an
    exception to raise (``KeyboardInterrupt``: the person pressed Interrupt).
    """

    def __init__(self) -> None:
        self.answers: list[Any] = []
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.answers:
            raise AssertionError(f"asked once more than scripted: {prompt!r}")
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return str(answer() if callable(answer) else answer)


class Handle:
    def __init__(self, outputs: list[object], index: int) -> None:
        self.outputs, self.index = outputs, index

    def update(self, obj: object, **kwargs: object) -> None:
        self.outputs[self.index] = obj


class Outputs:
    """A display collaborator that keeps what was shown, updated in place like a notebook."""

    def __init__(self) -> None:
        self.shown: list[Any] = []  # display bundles (dicts) or objects

    def __call__(self, obj: object, *, display_id: bool = False) -> Handle | None:
        self.shown.append(obj)
        return Handle(self.shown, len(self.shown) - 1) if display_id else None

    def plain(self) -> str:
        return "\n".join(
            str(o.get("text/plain", "")) if isinstance(o, dict) else repr(o) for o in self.shown
        )


@pytest.fixture
def prompt() -> Prompt:
    return Prompt()


@pytest.fixture
def can_wait() -> list[bool]:
    """Flip ``can_wait[0]`` to True to play an interactive front end (allow_stdin)."""
    return [False]


@pytest.fixture
def receiver_now() -> list[float]:
    """The receivers' monotonic clock: ``receiver_now[0]`` seconds."""
    return [0.0]


@pytest.fixture
def manager(
    receiver_now: list[float],
    _shell: InteractiveShell,
    emulator_env: dict[str, str],
    clock: EmulatorClock,
    store: MemoryTokenStore,
    prompt: Prompt,
    can_wait: list[bool],
) -> Iterator[LoginManager]:
    """A manager whose flows use the emulator, the fake clock and ``store``; no timer."""
    m = LoginManager(
        _shell,
        flow_factory=lambda *, sandbox: OAuthFlow(
            sandbox=sandbox, store=store, clock=clock, timeout=10
        ),
        ask=prompt,
        can_wait=lambda: can_wait[0],
        tick_seconds=None,
        receiver_clock=lambda: receiver_now[0],
    )
    yield m
    m.close()


@pytest.fixture
def ip(_shell: InteractiveShell, manager: LoginManager) -> Iterator[InteractiveShell]:
    """The shell with the magics over ``manager``."""
    _shell.run_cell("%load_ext etrade_nb")
    _shell.register_magics(EtradeMagics(_shell, manager))
    yield _shell
    for name in ("etrade", "paper", "code", "et2"):
        _shell.user_ns.pop(name, None)


def request_token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


@pytest.fixture
def approve_url(emulator: EmulatorServer):
    """``approve_url(authorize_url) -> verifier``: what the person clicking Accept gets."""
    return lambda url: emulator.approve_token(request_token_of(url))


def widget_of(login: NotebookLogin) -> WidgetView:
    assert isinstance(login.view, WidgetView)
    return login.view


def in_flight(widget: WidgetView, submit: Callable[[], object]) -> threading.Thread:
    """Start ``submit`` on a thread and return once its exchange is on the wire."""
    thread = threading.Thread(target=submit, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not widget.submit.disabled and time.monotonic() < deadline:
        time.sleep(0.01)
    assert widget.submit.disabled and "Checking the code" in widget.status.value
    return thread
