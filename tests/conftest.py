"""Fixtures shared by every test folder: a real emulator on 127.0.0.1 and a shared fake clock."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from etrade_nb import NO_STORE, OAuthFlow, RetryPolicy, Session
from etrade_nb.emulator import EmulatorClock, EmulatorServer, approve  # noqa: F401
from etrade_nb.hosts import BINDER_VARS, JUPYTERHUB_VARS

# Planted-secret fixtures for the audit tests are data, not tests (nbval would run the notebooks).
collect_ignore_glob = ["fixtures/*"]

# A weekday morning in New York (2026-06-02 10:00 EDT = 14:00 UTC): 14 h before midnight ET.
T0 = 1780408800.0


@pytest.fixture(autouse=True)
def _no_real_etrade(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """Keep every test away from real E*TRADE hosts and from the user's own files."""
    host_vars = (*BINDER_VARS, *JUPYTERHUB_VARS, "JUPYTERHUB_SERVICE_PREFIX")
    for var in [*host_vars, *(v for v in os.environ if v.startswith("ETRADE_"))]:
        monkeypatch.delenv(var, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ETRADE_NB_CONFIG", str(home / "config" / "credentials.ini"))
    monkeypatch.setenv("ETRADE_NB_TOKEN_DIR", str(home / "cache" / "tokens"))


@pytest.fixture
def clock() -> EmulatorClock:
    """One fake clock shared by the emulator and the client (POSIX seconds, starts at T0)."""
    return EmulatorClock(start=T0)


@pytest.fixture
def emulator(clock: EmulatorClock) -> Iterator[EmulatorServer]:
    """A running emulator on 127.0.0.1:<free port>, driven by ``clock``."""
    with EmulatorServer(port=0, clock=clock, strict=True) as emu:
        yield emu


@pytest.fixture
def emulator_env(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The documented environment variables pointing etrade-nb at ``emulator``."""
    env = emulator.environ()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


class RecordedSleep(list):
    """A ``sleep`` that returns at once and remembers each delay it was asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """Retries without real sleeping; ``fast_retry.sleep`` lists the backoff delays asked for."""
    return RetryPolicy(retries=3, backoff=0.5, sleep=RecordedSleep())


@pytest.fixture
def flow(emulator_env: dict[str, str], clock: EmulatorClock, fast_retry: RetryPolicy) -> OAuthFlow:
    """An OAuthFlow against the emulator, sandbox, no token persistence."""
    return OAuthFlow(store=NO_STORE, clock=clock, retry=fast_retry, timeout=10)


@pytest.fixture
def session(flow: OAuthFlow, emulator: EmulatorServer) -> Session:
    """A logged-in Session: start, approve as the user would, finish."""
    url = flow.start()
    from urllib.parse import parse_qs, urlsplit

    token = parse_qs(urlsplit(url).query)["token"][0]
    return flow.finish(emulator.approve_token(token))


def pytest_report_header() -> str:
    return f"etrade-nb tests; chromium: {os.path.exists('/usr/bin/chromium')}"
