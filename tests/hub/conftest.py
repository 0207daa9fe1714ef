"""A real JupyterHub on 127.0.0.1: two users, local process spawner, configurable-http-proxy.

JupyterHub comes from PyPI (the ``test`` extra), configurable-http-proxy from npm: ``.ci/run``
installs it into ``.ci/npm`` (``npm install -g --prefix .ci/npm configurable-http-proxy``), and
the fixture does the same when it is missing and npm is there. Without Node/npm (or if that
install fails) and without ``/usr/bin/chromium``, the tests skip with the reason, except under
CI (``CI`` set), where that is a failure. Ports are free ports; the hub's config,
database, users' homes and logs live in a temp folder; the hub is stopped by its PID (it stops
the proxy and the user servers with it). The recipe follows JupyterHub's own test setup
(``LocalProcessSpawner``, ``DummyAuthenticator``; https://jupyterhub.readthedocs.io).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
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

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
NPM_PREFIX = ROOT / ".ci" / "npm"  # gitignored; .ci/run installs configurable-http-proxy here
PASSWORD = "hub-test-password"
USERS = ("alice", "bob")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

WIDGET_NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": src}
        for src in (
            "%load_ext etrade_nb",
            "%etrade_login --widget --no-wait",  # the widget's own box, not the waiting prompt
            "import os\nprint('kernel of', os.environ['JUPYTERHUB_USER'], '|',"
            " type(etrade).__name__, etrade.environment.name, '|',"
            " len(etrade.accounts()), 'accounts')",
        )
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {reason}")
    pytest.skip(reason)


def find_proxy() -> Path | None:
    """configurable-http-proxy: ``.ci/npm`` (``.ci/run``), ``node_modules``, then PATH."""
    for candidate in (
        NPM_PREFIX / "bin" / "configurable-http-proxy",
        ROOT / "node_modules" / ".bin" / "configurable-http-proxy",
    ):
        if candidate.exists():
            return candidate
    found = shutil.which("configurable-http-proxy")
    return Path(found) if found else None


def _install_proxy() -> Path:
    """What ``.ci/run`` does, for a checkout tested without it: npm into ``.ci/npm``."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30)
    major = int(node.stdout.strip().lstrip("v").split(".")[0] or 0)
    spec = "configurable-http-proxy" if major >= 20 else "configurable-http-proxy@4"  # 5.x: 20+
    cmd = ["npm", "install", "-g", "--prefix", str(NPM_PREFIX), "--no-fund", "--no-audit", spec]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        done = None
    proxy = find_proxy()
    if proxy is None:
        said = (done.stdout + done.stderr)[-2000:] if done else "npm took over 180 s"
        _missing(f"configurable-http-proxy could not be installed ({' '.join(cmd)}):\n{said}")
    assert proxy is not None
    return proxy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Hub:
    url: str  # http://127.0.0.1:PORT
    homes: Path
    log: Path
    tmp: Path
    emulator: EmulatorServer

    def home(self, user: str) -> Path:
        return self.homes / user


_CONFIG = """
import os
c = get_config()  # noqa
c.JupyterHub.bind_url = {url!r}
c.JupyterHub.public_url = {url!r}  # so kernels see JUPYTERHUB_PUBLIC_URL (README: On JupyterHub)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.db_url = "sqlite:///{run}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{run}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{run}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{homes}/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"  # the default, said here: every socket stays on loopback
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.environment = {{
    **{environment!r},
    # each user's authorize link goes through their own server (jupyter-server-proxy)
    "ETRADE_NB_AUTHORIZE_URL": lambda sp: (
        f"{{sp.user.url.rstrip('/')}}/proxy/{emulator_port}/e/t/etws/authorize"
    ),
}}
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        _missing("Node.js/npm is not installed (configurable-http-proxy needs it)")
    proxy = find_proxy() or _install_proxy()
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("hub")
    run, homes = tmp / "run", tmp / "homes"
    run.mkdir()
    for user in USERS:
        home = homes / user
        settings = home / ".jupyter/lab/user-settings/@jupyterlab/apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
        shutil.copy(ROOT / "notebooks" / "03-callback.ipynb", home)
        (home / "widget.ipynb").write_text(json.dumps(WIDGET_NOTEBOOK))
    bin_dir = Path(sys.executable).parent
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with EmulatorServer(port=0, strict=True) as emulator:
        environment = {
            "ETRADE_NB_API_BASE": emulator.url,
            "ETRADE_CONSUMER_KEY": emulator.consumer_key,
            "ETRADE_CONSUMER_SECRET": emulator.consumer_secret,
            "PATH": f"{bin_dir}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        }
        args = ["--LabApp.expose_app_in_browser=True"]
        if os.geteuid() == 0:
            args.insert(0, "--allow-root")
        config = _CONFIG.format(
            url=url, hub_port=_free_port(), api_port=_free_port(), proxy=str(proxy),
            run=run, homes=homes, password=PASSWORD, users=set(USERS),
            singleuser=str(bin_dir / "jupyterhub-singleuser"), args=args,
            environment=environment, emulator_port=emulator.port,
        )  # fmt: skip
        (run / "jupyterhub_config.py").write_text(config)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ETRADE", "JUPYTER"))}
        env.update(private_jupyter_dirs(tmp / "hub-home"))
        node_dir = str(Path(shutil.which("node") or "node").parent)
        env["PATH"] = os.pathsep.join([str(bin_dir), node_dir, env.get("PATH", "")])
        log_path = tmp / "hub.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [str(bin_dir / "jupyterhub"), "-f", str(run / "jupyterhub_config.py")],
                cwd=run, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    pytest.fail(f"jupyterhub exited:\n{log_path.read_text()[-5000:]}")
                with contextlib.suppress(requests.ConnectionError):
                    if requests.get(f"{url}/hub/api/", timeout=2).ok:
                        break
                time.sleep(0.2)
            else:
                pytest.fail(f"jupyterhub did not answer in 60 s:\n{log_path.read_text()[-5000:]}")
            yield Hub(url, homes, log_path, tmp, emulator)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)  # the hub stops the proxy and user servers
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


@pytest.fixture(scope="module")
def browser(hub: Hub) -> Iterator[object]:
    """One headless Chromium; each user gets their own context (cookies) from it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            env={**os.environ, "HOME": str(hub.tmp / "chromium-home")},
        )  # fmt: skip
        try:
            yield chromium
        finally:
            chromium.close()
