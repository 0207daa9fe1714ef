"""A bad token cache never blocks a login: a folder or a FIFO where the token file goes, a
lock held by another process, a 512 MiB file. Each is made for real on disk."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from etrade_nb import FileTokenStore, OAuthFlow, Session
from etrade_nb.emulator import EmulatorClock, EmulatorServer
from etrade_nb.storage import private_files

pytestmark = pytest.mark.timeout(60)  # the failure these tests guard against is a hang


def folder(path: Path) -> None:
    path.mkdir(mode=0o700)
    (path / "inside").write_text("x")


def fifo(path: Path) -> None:
    os.mkfifo(path, 0o600)  # open() for reading would wait for a writer forever


def huge(path: Path) -> None:
    with open(path, "wb") as fh:  # sparse: 512 MiB long, nothing written
        fh.truncate(512 * 1024 * 1024)
    path.chmod(0o600)


def session_of(flow: OAuthFlow) -> Session:
    assert flow.session is not None
    return flow.session


def login(flow: OAuthFlow, emulator: EmulatorServer) -> None:
    token = parse_qs(urlsplit(flow.start()).query)["token"][0]
    session = flow.finish(emulator.approve_token(token))
    assert session.accounts()


@pytest.mark.parametrize("make", [folder, fifo, huge], ids=["folder", "fifo", "512MiB"])
def test_a_bad_token_file_never_blocks_a_login(
    make: Callable[[Path], None],
    tmp_path: Path,
    emulator: EmulatorServer,
    emulator_env: dict[str, str],
    clock: EmulatorClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = FileTokenStore(tmp_path / "tokens")
    flow = OAuthFlow(store=store, clock=clock, timeout=10)
    os.makedirs(store.directory, mode=0o700)
    path = store.path_for(flow.consumer_key, "sandbox")
    make(path)
    tracemalloc.start()
    try:
        assert flow.cached_session() is None  # not used, not a hang, not an IsADirectoryError
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # the 512 MiB file is refused by its size, never read
    assert "did not use the saved token" in caplog.text
    login(flow, emulator)
    if make is folder:  # cannot be replaced: the login says so and goes on
        assert "rm -r" in caplog.text and session_of(flow).store_warning
    else:  # removed and replaced by the new token
        assert session_of(flow).store_warning is None and path.stat().st_size < 4096
        again = OAuthFlow(store=store, clock=clock, timeout=10).cached_session()
        assert again is not None and again.accounts()


def test_a_lock_held_by_another_process_never_blocks_a_login(
    tmp_path: Path,
    emulator: EmulatorServer,
    emulator_env: dict[str, str],
    clock: EmulatorClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(private_files, "LOCK_TIMEOUT", 0.5)  # the default waits 3 s
    store = FileTokenStore(tmp_path / "tokens")
    os.makedirs(store.directory, mode=0o700)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o600); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()",
            str(store.directory / ".lock"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        flow = OAuthFlow(store=store, clock=clock, timeout=10)
        started = time.monotonic()
        login(flow, emulator)
        assert time.monotonic() - started < 20
        warning = session_of(flow).store_warning
        assert warning and "locked by another process" in warning
        assert "ETRADE_NB_TOKEN_CACHE=memory" in warning
    finally:
        holder.communicate("", timeout=10)  # closing its stdin ends it, and the lock
    flow = OAuthFlow(store=store, clock=clock, timeout=10)
    login(flow, emulator)  # the lock is free again: saved
    assert session_of(flow).store_warning is None
    assert OAuthFlow(store=store, clock=clock, timeout=10).cached_session() is not None
