"""A venv with pyetrade (pinned), built once per machine and reused; a default emulator.

pyetrade 2.1.1 pins ``requests==2.32.3``, ``urllib3==1.26.19``, ``certifi``, ``idna`` and
more to exact versions, so it cannot share the test venv without downgrading it. The venv
lives in ``$ETRADE_NB_COMPAT_VENVS`` (default ``~/.cache/etrade-nb/compat-venvs``), keyed by
the pin; pip's cache makes a rebuild quick. Without network the tests skip with the
reason, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from etrade_nb.emulator import EmulatorServer

PYETRADE = "pyetrade==2.1.1"


def _venvs() -> Path:
    given = os.environ.get("ETRADE_NB_COMPAT_VENVS")
    return Path(given) if given else Path.home() / ".cache" / "etrade-nb" / "compat-venvs"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pyetrade_python() -> Path:
    """The interpreter of a venv holding exactly ``PYETRADE`` and its pins."""
    home = _venvs() / PYETRADE.replace("==", "-")
    python = home / "bin" / "python"
    ready = home / "ready"
    if ready.exists() and ready.read_text() == PYETRADE and python.exists():
        return python
    shutil.rmtree(home, ignore_errors=True)
    home.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(home)], check=True, timeout=120)
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", PYETRADE],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if install.returncode != 0:
        _unavailable(f"pip could not install {PYETRADE}: {install.stderr.strip()[-500:]}")
    ready.write_text(PYETRADE)
    return python


@pytest.fixture
def default_emulator() -> Iterator[EmulatorServer]:
    """The emulator as a third-party client meets it: default (lenient) mode, real clock;
    ``auto_approve`` lets the test approve the authorize page over HTTP."""
    with EmulatorServer(port=0, auto_approve=True) as emu:
        yield emu
