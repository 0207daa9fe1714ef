"""A real IPython shell that raises instead of printing errors, with the etrade magics loaded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

from etrade_nb import MemoryTokenStore, OAuthFlow
from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.notebook.magics import EtradeMagics
from etrade_nb.notebook.manager import LoginManager
from etrade_nb.notebook.widget import LoginWidget


class TestingShell(InteractiveShell):
    """jupysql-style: ``run_cell`` raises the cell's error (``UsageError`` included)."""

    def run_cell(self, *args, **kwargs):  # type: ignore[no-untyped-def]
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


@pytest.fixture
def ip(
    _shell: InteractiveShell,
    emulator_env: dict[str, str],
    clock: EmulatorClock,
    store: MemoryTokenStore,
) -> Iterator[InteractiveShell]:
    """The shell with fresh magics whose flows use the emulator, the fake clock and ``store``."""
    _shell.run_cell("%load_ext etrade_nb")
    magics = EtradeMagics(_shell)
    magics.manager.flow_factory = lambda sandbox: OAuthFlow(
        sandbox=sandbox, store=store, clock=clock, timeout=10
    )
    magics.manager.timer = False
    _shell.register_magics(magics)
    yield _shell
    magics.manager.close()
    for name in ("etrade", "paper", "code"):
        _shell.user_ns.pop(name, None)


@pytest.fixture
def manager(ip: InteractiveShell) -> LoginManager:
    return ip.magics_manager.registry["EtradeMagics"].manager


def request_token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


@pytest.fixture
def approve_url(emulator: EmulatorServer):
    """``approve_url(authorize_url) -> verifier``: what the person clicking Accept gets."""
    return lambda url: emulator.approve_token(request_token_of(url))


def in_flight(widget: LoginWidget, submit: Callable[[], object]) -> threading.Thread:
    """Start ``submit`` on a thread and return once its exchange is on the wire."""
    thread = threading.Thread(target=submit, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not widget.submit.disabled and time.monotonic() < deadline:
        time.sleep(0.01)
    assert widget.submit.disabled and "Checking the code" in widget.status.value
    return thread
