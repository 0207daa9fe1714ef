"""The Binder layout: ``binder/start`` + jupyter-server-proxy make the quickstart work.

No repo2docker here. What matters is tested directly: ``binder/start`` launches the emulator
and exports the variables, a real ``jupyter server`` under a JupyterHub-style prefix
(``/user/test/``) proxies the authorize link the kernel prints to the emulator's page, and
the quickstart runs with nbclient, with the Accept click made through the proxy the way a
browser on Binder would.

Twice: once in this test run's own environment (quick), and once in a fresh venv built only
from the ``binder/`` files, as repo2docker would (``binder/postBuild`` in a copy of the
repository: ``pip install -e ".[demo]"`` from PyPI, about a minute), with ``binder/start``,
Jupyter and the notebook's kernel all from that venv.
"""

from __future__ import annotations

import contextlib
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
from nbval.plugin import get_sanitize_patterns

from tests.jupyter_dirs import private_jupyter_dirs
from tests.nbval.plugin import expected_outputs

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]
ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"
PREFIX = "/user/test/"
TOKEN = "binder-test-token"
QUICKSTART = "01-quickstart.ipynb"
SANITIZE = get_sanitize_patterns((ROOT / "tests" / "nbval" / "sanitize.cfg").read_text())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_binder_files_install_the_demo_extra() -> None:
    post_build = (BINDER / "postBuild").read_text()
    assert re.search(r"pip install .*-e \"\.\[demo\]\"", post_build)
    for script in ("postBuild", "start"):
        assert os.access(BINDER / script, os.X_OK), f"binder/{script} must be executable"
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    demo = " ".join(project["optional-dependencies"]["demo"])
    for needed in ("jupyterlab", "jupyter-server-proxy", "notebook", "voila"):
        assert needed in demo
    assert (BINDER / "runtime.txt").read_text().startswith("python-3.")


class _Server:
    def __init__(self, proc: subprocess.Popen[bytes], port: int, emulator_port: int,
                 python: Path, notebooks: Path) -> None:  # fmt: skip
        self.proc, self.emulator_port = proc, emulator_port
        self.python, self.notebooks = python, notebooks
        self.base = f"http://127.0.0.1:{port}{PREFIX}"
        self.http = requests.Session()

    def environ(self) -> dict[str, str]:
        """What ``binder/start`` exported: the exec'd server's own environment (Linux)."""
        raw = Path(f"/proc/{self.proc.pid}/environ").read_bytes()
        return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def _stop_group(proc: subprocess.Popen[bytes], grace: float = 15) -> None:
    """SIGTERM the process group (a server and the emulator start left behind), then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


@contextlib.contextmanager
def _binder_server(tmp: Path, repo: Path, bin_dir: Path) -> Iterator[_Server]:
    """``repo/binder/start jupyter server`` under ``PREFIX``, with ``bin_dir`` first on PATH."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/<pid>/environ")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETRADE", "JUPYTER"))}
    env.pop("VIRTUAL_ENV", None)
    env.update(private_jupyter_dirs(tmp))
    port, emulator_port = _free_port(), _free_port()
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        JUPYTERHUB_SERVICE_PREFIX=PREFIX,
        ETRADE_NB_EMULATOR_PORT=str(emulator_port),
    )
    python = bin_dir / "python"
    cmd = [
        str(repo / "binder" / "start"),
        str(python), "-m", "jupyter", "server", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--ServerApp.base_url={PREFIX}", f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={repo}",
    ]  # fmt: skip
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=repo,
                                start_new_session=True)  # fmt: skip
    server = _Server(proc, port, emulator_port, python, repo / "notebooks")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:  # logging in with the token once leaves the cookie a browser would have
                if server.http.get(f"{server.base}api/status?token={TOKEN}", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail(f"jupyter server did not start:\n{log_path.read_text()}")
        yield server
    finally:
        _stop_group(proc)


@pytest.fixture(scope="module")
def binder_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Server]:
    """The server in this test run's own environment, serving a copy of ``notebooks/``."""
    tmp = tmp_path_factory.mktemp("binder")
    repo = tmp / "repo"
    shutil.copytree(ROOT / "notebooks", repo / "notebooks", ignore=shutil.ignore_patterns("*.py"))
    shutil.copytree(BINDER, repo / "binder")
    with _binder_server(tmp, repo, Path(sys.executable).parent) as server:
        yield server


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


def _sanitized(text: str) -> str:
    """What nbval compares: the text after tests/nbval/sanitize.cfg."""
    for regex, replace in SANITIZE:
        text = re.sub(regex, replace, text)
    return text


# Runs in the server's Python (so the kernel is that environment's too): the cells up to
# %etrade_login, then it waits for the verification code on stdin, runs %etrade_verify and
# the rest. It writes the notebook after the login and at the end (with the verify cell
# after the login cell).
DRIVER = r"""
import signal, sys
import nbformat
from nbclient import NotebookClient

signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # leave through the kernel's cleanup
path, cwd, partial, final = sys.argv[1:5]
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, timeout=60, kernel_name="python3")
with client.setup_kernel(cwd=cwd):
    login = next(i for i, c in enumerate(nb.cells) if c.source.strip() == "%etrade_login")
    for index in range(login + 1):
        client.execute_cell(nb.cells[index], index)
    nbformat.write(nb, partial)
    print("LOGIN", login, flush=True)
    code = sys.stdin.readline().strip()
    # Appended, not inserted: nbclient stores an executed cell at the index it is given.
    nb.cells.append(nbformat.v4.new_code_cell(f"%etrade_verify {code}"))
    client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
    for index in range(login + 1, len(nb.cells) - 1):
        client.execute_cell(nb.cells[index], index)
nb.cells.insert(login + 1, nb.cells.pop())
nbformat.write(nb, final)
"""


def _run_quickstart(server: _Server, tmp: Path) -> None:
    """Run the quickstart in the server's environment; Accept through the proxy like a browser."""
    path = server.notebooks / QUICKSTART
    partial, final = tmp / "partial.ipynb", tmp / "final.ipynb"
    driver = subprocess.Popen(
        [str(server.python), "-c", DRIVER, str(path), str(path.parent), str(partial), str(final)],
        env=server.environ(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=(tmp / "driver.log").open("wb"),
        cwd=tmp,  # not the checkout: `python -c` would import etrade_nb from the cwd
        start_new_session=True,
    )
    try:
        assert driver.stdin is not None and driver.stdout is not None
        said = driver.stdout.readline().decode()  # bounded by the test's timeout
        assert said.startswith("LOGIN"), (tmp / "driver.log").read_text()
        login = int(said.split()[1])
        nb = nbformat.read(partial, as_version=4)
        setup = "".join(_text(c) for c in nb.cells[:login])
        assert "Using the E*TRADE emulator from the environment." in setup
        link = re.search(r"(/\S+/e/t/etws/authorize\?key=\S+&token=\S+)", _text(nb.cells[login]))
        assert link, _text(nb.cells[login])
        url = link.group(1)
        assert url.startswith(f"{PREFIX}proxy/{server.emulator_port}/")

        # The browser opens the path on the notebook's host: jupyter-server-proxy -> emulator.
        http, origin = server.http, server.base.removesuffix(PREFIX)
        page = http.get(origin + url, timeout=10)
        assert page.status_code == 200 and 'id="accept"' in page.text
        form = _Form()
        form.feed(page.text)
        assert form.action
        done = http.post(urljoin(origin + url, form.action), data=form.fields, timeout=10)
        result = _Form()
        result.feed(done.text)
        assert done.status_code == 200 and result.code, done.text

        driver.stdin.write(f"{result.code}\n".encode())
        driver.stdin.close()
        assert driver.wait(120) == 0, (tmp / "driver.log").read_text()
    finally:
        _stop_group(driver, grace=10)

    nb = nbformat.read(final, as_version=4)
    verify = nb.cells.pop(login + 1)
    # The link's output is replaced in place (its display id) by the result.
    assert "Authorized (sandbox) as `etrade`" in _text(nb.cells[login]) + _text(verify)
    assert "/e/t/etws/authorize" not in _text(nb.cells[login])
    expected = {c["id"]: c["outputs"] for c in expected_outputs()[QUICKSTART]}
    checked = 0
    for ours in nb.cells:
        if ours.get("id") in expected:
            theirs = nbformat.from_dict({"outputs": expected[ours.id]})
            assert _sanitized(_text(ours)) == _sanitized(_text(theirs)), ours.source
            checked += 1
    assert checked >= 3


def test_quickstart_runs_in_the_binder_environment(binder_server: _Server, tmp_path: Path) -> None:
    _run_quickstart(binder_server, tmp_path)


def test_the_dashboard_opens_in_voila_on_binder(binder_server: _Server) -> None:
    """README's Binder link for the dashboard: ``urlpath=voila/render/notebooks/05-...``."""
    readme = (ROOT / "README.md").read_text()
    assert "urlpath=voila/render/notebooks/05-dashboard.ipynb" in readme
    url = f"{binder_server.base}voila/render/notebooks/05-dashboard.ipynb"
    page = binder_server.http.get(url, timeout=60)  # Voila runs the notebook in a kernel
    assert page.status_code == 200 and "Account dashboard" in page.text
    # No error output; the on_login area waits for the login box (sent as widget state).
    assert '"output_type": "error"' not in page.text
    assert "appears once you are signed in" in page.text


# -- the environment built from binder/ alone ------------------------------------------------


def _repository_copy(dest: Path) -> Path:
    """The working tree as repo2docker would copy it (tracked and new files, no .venv/.git)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True, timeout=30,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


@pytest.mark.timeout(300)
def test_quickstart_in_a_fresh_venv_built_from_binder_files(tmp_path: Path) -> None:
    """``python -m venv``, then ``binder/postBuild`` with it first on PATH, then the quickstart."""
    started = time.monotonic()
    repo = _repository_copy(tmp_path / "repo")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETRADE", "JUPYTER"))}
    env.pop("PYTHONPATH", None)
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv))
    log = tmp_path / "postBuild.log"
    with log.open("wb") as out:
        built = subprocess.run([str(repo / "binder" / "postBuild")], cwd=repo, env=env,
                               stdout=out, stderr=subprocess.STDOUT, timeout=240)  # fmt: skip
    assert built.returncode == 0, log.read_text()[-3000:]
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import etrade_nb, nbclient; print(etrade_nb.__file__)"],
        capture_output=True, text=True, timeout=60, check=True, cwd=tmp_path,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(repo), where  # the editable install of the copy
    built_in = time.monotonic() - started

    (tmp_path / "server").mkdir()
    with _binder_server(tmp_path / "server", repo, bin_dir) as server:
        env = server.environ()
        assert env["PATH"].startswith(f"{bin_dir}{os.pathsep}")
        assert env["ETRADE_NB_AUTHORIZE_URL"] == (
            f"{PREFIX}proxy/{server.emulator_port}/e/t/etws/authorize"
        )
        run = tmp_path / "run"
        run.mkdir()
        _run_quickstart(server, run)
    print(f"fresh binder venv: built in {built_in:.0f} s, {time.monotonic() - started:.0f} s total")
