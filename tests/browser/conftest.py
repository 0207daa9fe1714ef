"""Real-browser fixtures: emulator, JupyterLab / Notebook 7 on 127.0.0.1, Debian's Chromium.

Without ``/usr/bin/chromium`` the tests skip, except under CI (``CI`` set), where that is a
failure. Each Jupyter app runs once per module, in temp HOME/JUPYTER_*/IPYTHONDIR dirs, on a
temp copy of ``notebooks/`` (the tests save notebooks), and with NO auto-approve: the test
clicks Accept like a person. Failed tests leave a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from etrade_nb.emulator import EmulatorServer
from tests.jupyter_dirs import private_jupyter_dirs

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
TOKEN = "browser-test-token"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_workspaces = itertools.count()
_APP_FLAG = {"lab": "--LabApp", "notebook": "--JupyterNotebookApp"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium to run the browser tests)")
    return CHROMIUM


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    """The emulator the Jupyter server's kernels use; auto-approve stays off."""
    with EmulatorServer(port=0, strict=True) as emu:
        yield emu


@dataclass
class Jupyter:
    """A running Jupyter app and where its files are."""

    app: str
    port: int
    root: Path
    home: Path

    def url(self, notebook: str) -> str:
        """The notebook's page; in Lab in a fresh workspace, so no other tab is restored."""
        if self.app == "lab":
            path = f"lab/workspaces/{notebook.split('.')[0]}-{next(_workspaces)}/tree"
        else:
            path = "notebooks"
        return f"http://127.0.0.1:{self.port}/{path}/{notebook}?token={TOKEN}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def isolated_env(tmp: Path, extra: dict[str, str]) -> dict[str, str]:
    """os.environ without etrade-nb/auto-approve settings, with temp home and Jupyter dirs."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ETRADE", "JUPYTER", "BINDER")) and k != "IPYTHONDIR"
    }
    env.update(private_jupyter_dirs(tmp))
    env.update(extra)
    return env


def _start_jupyter(app: str, tmp: Path, emulator: EmulatorServer) -> Iterator[Jupyter]:
    root = tmp / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns("*.py", "*.cfg"))
    extra = {**emulator.environ(), "ETRADE_NB_TOKEN_CACHE": "memory"}
    env = isolated_env(tmp, extra)
    settings = Path(env["JUPYTER_CONFIG_DIR"]) / "lab/user-settings/@jupyterlab/apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port = _free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab" if app == "lab" else "notebook", "--no-browser",
        f"--IdentityProvider.token={TOKEN}", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}", f"{_APP_FLAG[app]}.expose_app_in_browser=True",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = tmp / "jupyter.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"jupyter {app} exited:\n{log_path.read_text()}")
            try:
                status = f"http://127.0.0.1:{port}/api/status?token={TOKEN}"
                if requests.get(status, timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail(f"jupyter {app} did not answer in 60 s:\n{log_path.read_text()}")
        yield Jupyter(app, port, root, Path(env["HOME"]))
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture(scope="module")
def lab(chromium: Path, emulator: EmulatorServer, tmp_path_factory) -> Iterator[Jupyter]:
    yield from _start_jupyter("lab", tmp_path_factory.mktemp("lab"), emulator)


@pytest.fixture(scope="module")
def notebook7(chromium: Path, emulator: EmulatorServer, tmp_path_factory) -> Iterator[Jupyter]:
    yield from _start_jupyter("notebook", tmp_path_factory.mktemp("nb7"), emulator)


@pytest.fixture(scope="module")
def browser(chromium: Path, tmp_path_factory) -> Iterator[object]:
    """One headless Chromium per module (a fresh profile; HOME in a temp dir)."""
    from playwright.sync_api import sync_playwright

    tmp = tmp_path_factory.mktemp("chromium")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp / "profile"),
            executable_path=str(chromium),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            env={**os.environ, "HOME": str(tmp)},
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A new tab; on failure every open tab is saved to ``test-artifacts/<test>-<n>.png``."""
    tab = browser.new_page()
    yield tab
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name.replace("/", "_")
        for n, p in enumerate(browser.pages):
            try:
                p.screenshot(path=str(ARTIFACTS / f"{name}-{n}.png"), full_page=True)
            except Exception as exc:  # a crashed tab must not hide the real failure
                print(f"screenshot {n} failed: {exc}")
    for p in list(browser.pages):
        if p is not browser.pages[0]:
            p.close()
