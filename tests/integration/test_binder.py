"""The Binder layout: ``binder/start`` + jupyter-server-proxy make the quickstart work.

No repo2docker here. What matters is tested directly: ``binder/start`` launches the emulator
and exports the variables, a real ``jupyter server`` under a JupyterHub-style prefix
(``/user/test/``) proxies the authorize link the kernel prints to the emulator's page, and
the quickstart runs with nbclient in the server's own environment, with the Accept click
made through the proxy the way a browser on Binder would.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import nbformat
import pytest
import requests
import tomllib
from nbclient import NotebookClient

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
PREFIX = "/user/test/"
TOKEN = "binder-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_binder_files_install_the_demo_extra() -> None:
    post_build = (BINDER / "postBuild").read_text()
    assert re.search(r"pip install .*-e \"\.\[demo\]\"", post_build)
    for script in ("postBuild", "start"):
        assert os.access(BINDER / script, os.X_OK), f"binder/{script} must be executable"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    demo = " ".join(project["optional-dependencies"]["demo"])
    for needed in ("jupyterlab", "jupyter-server-proxy", "notebook"):
        assert needed in demo
    assert (BINDER / "runtime.txt").read_text().startswith("python-3.")


class _Server:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, emulator_port: int) -> None:
        self.proc, self.emulator_port = proc, emulator_port
        self.base = f"http://127.0.0.1:{port}{PREFIX}"
        self.http = requests.Session()

    def environ(self) -> dict[str, str]:
        """What ``binder/start`` exported: the exec'd server's own environment (Linux)."""
        raw = Path(f"/proc/{self.proc.pid}/environ").read_bytes()
        return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


@pytest.fixture(scope="module")
def binder_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Server]:
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/<pid>/environ")
    tmp = tmp_path_factory.mktemp("binder")
    root = tmp / "repo"
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns("*.py"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETRADE", "JUPYTER"))}
    for var in ("HOME", "IPYTHONDIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR"):
        (tmp / var).mkdir()
        env[var] = str(tmp / var)
    port, emulator_port = _free_port(), _free_port()
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        JUPYTERHUB_SERVICE_PREFIX=PREFIX,
        ETRADE_NB_EMULATOR_PORT=str(emulator_port),
    )
    cmd = [
        str(BINDER / "start"),
        sys.executable, "-m", "jupyter", "server", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.base_url={PREFIX}", f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root,
                            start_new_session=True)  # fmt: skip
    server = _Server(proc, port, emulator_port)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:  # logging in with the token once leaves the cookie a browser would have
                if server.http.get(f"{server.base}api/status?token={TOKEN}", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail(f"jupyter server did not start:\n{(tmp / 'server.log').read_text()}")
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the emulator start left behind
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        log.close()


def test_start_exports_the_emulator_behind_the_proxy(binder_server: _Server) -> None:
    env = binder_server.environ()
    port = binder_server.emulator_port
    assert env["ETRADE_NB_API_BASE"] == f"http://127.0.0.1:{port}"
    assert env["ETRADE_NB_AUTHORIZE_URL"] == f"{PREFIX}proxy/{port}/e/t/etws/authorize"
    assert env["ETRADE_NB_TOKEN_CACHE"] == "memory"
    assert env["ETRADE_CONSUMER_KEY"] and env["ETRADE_CONSUMER_SECRET"]
    assert "ETRADE_NB_DEMO_AUTO_APPROVE" not in env  # on Binder a person clicks Accept
    page = binder_server.http.get(f"{binder_server.base}proxy/{port}/", timeout=10)
    assert page.status_code == 200 and 'id="emulator-banner"' in page.text


class _Form(HTMLParser):
    """The Accept form of the authorize page, and the code on the page after it."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.code = ""
        self._in_form = self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_form = a.get("id") == "accept-form"
            self.action = a["action"] if self._in_form else self.action
        elif tag == "input" and self._in_form:
            self.fields[a["name"]] = a["value"]
        self._in_code = a.get("id") == "verification-code"

    def handle_data(self, data: str) -> None:
        if self._in_code and data.strip():
            self.code = data.strip()


def _text(cell: nbformat.NotebookNode) -> str:
    outputs = cell.get("outputs", [])  # markdown cells have none
    parts = [o.get("text") or o.get("data", {}).get("text/plain", "") for o in outputs]
    return "".join(parts)


def test_quickstart_runs_in_the_binder_environment(binder_server: _Server) -> None:
    path = ROOT / "notebooks" / "01-quickstart.ipynb"
    reference = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3")
    with client.setup_kernel(env=binder_server.environ(), cwd=str(path.parent)):
        login = next(i for i, c in enumerate(nb.cells) if c.source.strip() == "%etrade_login")
        for index in range(login + 1):
            client.execute_cell(nb.cells[index], index)
        setup = "".join(_text(c) for c in nb.cells[:login])
        assert "Using the E*TRADE emulator from the environment." in setup
        link = re.search(r"(/\S+/e/t/etws/authorize\?key=\S+&token=\S+)", _text(nb.cells[login]))
        assert link, _text(nb.cells[login])
        url = link.group(1)
        assert url.startswith(f"{PREFIX}proxy/{binder_server.emulator_port}/")

        # The browser opens the path on the notebook's host: jupyter-server-proxy -> emulator.
        http, origin = binder_server.http, binder_server.base.removesuffix(PREFIX)
        page = http.get(origin + url, timeout=10)
        assert page.status_code == 200 and 'id="accept"' in page.text
        form = _Form()
        form.feed(page.text)
        assert form.action
        done = http.post(urljoin(origin + url, form.action), data=form.fields, timeout=10)
        result = _Form()
        result.feed(done.text)
        assert done.status_code == 200 and result.code, done.text

        verify = nbformat.v4.new_code_cell(f"%etrade_verify {result.code}")
        client.execute_cell(verify, login + 1)
        # The link's output is replaced in place (its display id) by the result.
        assert "Authorized (sandbox) as `etrade`" in _text(nb.cells[login]) + _text(verify)
        assert "/e/t/etws/authorize" not in _text(nb.cells[login])
        for index in range(login + 1, len(nb.cells)):
            client.execute_cell(nb.cells[index], index)
    for ours, theirs in zip(nb.cells, reference.cells, strict=True):
        if "# NBVAL_CHECK_OUTPUT" in ours.source:
            assert _text(ours) == _text(theirs)
