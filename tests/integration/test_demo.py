"""``etrade-nb demo``: emulator + JupyterLab come up on 127.0.0.1 and both stop on Ctrl-C.

The demo runs with the default port while this test holds 127.0.0.1:8888, as the analyst's
own Jupyter would: the demo must still start, on another port, and print that one.
"""

from __future__ import annotations

import io
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from etrade_nb.cli.demo import (
    DASHBOARD,
    QUICKSTART,
    _Relay,
    demo_dir,
    demo_environ,
    jupyter_command,
    notebooks_dir,
    server_info,
    working_copy,
)
from etrade_nb.emulator import EmulatorServer
from tests.jupyter_dirs import private_jupyter_dirs

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]
READY = re.compile(r"^    (http://127\.0\.0\.1:(\d+))/lab/tree/\S+\?token=(\w+)$")
EMULATOR = re.compile(r"E\*TRADE emulator \(not the real E\*TRADE\) at (http://127\.0\.0\.1:\d+)")
PID = re.compile(r"\(pid (\d+)\)")


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.status


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (
        Path(f"/proc/{pid}/stat").exists() and ") Z " not in Path(f"/proc/{pid}/stat").read_text()
    )


@pytest.fixture
def busy_8888() -> Iterator[None]:
    """127.0.0.1:8888 taken, by this socket or by whatever already listens there."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", 8888))
            s.listen()
        except OSError:
            pass  # already taken
        yield


@pytest.fixture
def demo(
    tmp_path: Path, busy_8888: None
) -> Iterator[tuple[subprocess.Popen[str], queue.Queue[str]]]:
    env = {**os.environ, **private_jupyter_dirs(tmp_path)}  # HOME is tmp_path/home
    env.pop("ETRADE_NB_DEMO_DIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "etrade_nb", "demo", "--no-browser"],  # the default port
        env=env,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "stderr.log").open("w"),
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout or []:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    yield proc, lines
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


def _read_until(
    lines: queue.Queue[str], pattern: re.Pattern[str], seen: list[str]
) -> re.Match[str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            break
        seen.append(line)
        if match := pattern.search(line):
            return match
    raise AssertionError(f"no line matching {pattern.pattern!r} in 60 s; got:\n{''.join(seen)}")


def test_demo_serves_quickstart_and_stops_on_ctrl_c(demo, tmp_path: Path) -> None:
    proc, lines = demo
    seen: list[str] = []
    emulator_url = _read_until(lines, EMULATOR, seen).group(1)
    jupyter_pid = int(_read_until(lines, PID, seen).group(1))
    ready = _read_until(lines, READY, seen)
    base, port, token = ready.group(1), int(ready.group(2)), ready.group(3)
    assert port != 8888  # taken: Jupyter moved on, and the demo printed where it went
    # The real URL comes last, on a line of its own: nothing but a blank line follows it.
    time.sleep(2)
    after = [lines.get() for _ in range(lines.qsize())]
    assert [line.strip() for line in after] == [""], after
    assert seen[-2].strip() == "" and seen[-3].endswith("is ready:\n")
    # ... and Jupyter's own token URLs were left out of its relayed log.
    assert "?token=" not in (tmp_path / "stderr.log").read_text()
    # The notebooks open from a working copy in a folder of their own, not the checkout.
    copy = tmp_path / "home" / "etrade-nb-demo"
    assert f"Demo notebooks: {copy}\n" in seen
    assert sorted(p.name for p in copy.iterdir()) == sorted(
        p.name for p in (notebooks_dir() or Path()).glob("*.ipynb")
    )
    # The token is not on Jupyter's command line, which every local user can read (ps).
    cmdline = Path(f"/proc/{jupyter_pid}/cmdline").read_bytes()
    assert b"--ServerApp.ip=127.0.0.1" in cmdline  # really Jupyter's command line
    assert f"--ServerApp.root_dir={copy}\0".encode() in cmdline
    assert token.encode() not in cmdline and b"IdentityProvider.token" not in cmdline
    assert token.encode() not in Path(f"/proc/{proc.pid}/cmdline").read_bytes()

    assert _get(f"{base}/api/status?token={token}") == 200
    assert _get(f"{base}/api/contents/{QUICKSTART}?content=0&token={token}") == 200
    assert _get(emulator_url + "/") == 200
    with pytest.raises(urllib.error.HTTPError) as denied:  # the token is really required
        _get(f"{base}/api/contents/{QUICKSTART}?content=0")
    assert denied.value.code == 403

    proc.send_signal(signal.SIGINT)
    assert proc.wait(15) == 0
    deadline = time.monotonic() + 15
    while _alive(jupyter_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(jupyter_pid), "Jupyter outlived the demo"
    for url in (emulator_url + "/", f"http://127.0.0.1:{port}/api/status"):
        with pytest.raises(OSError):
            _get(url)


def test_jupyter_gets_the_emulator_environment_and_loopback_only() -> None:
    emu = EmulatorServer(port=0)  # not started: environ() needs only the address
    env = demo_environ(emu, base={"PATH": "/bin"})
    assert env["ETRADE_NB_API_BASE"] == emu.url
    assert env["ETRADE_NB_AUTHORIZE_URL"].startswith("http://127.0.0.1:")
    assert env["ETRADE_CONSUMER_KEY"] == emu.consumer_key
    assert env["ETRADE_NB_TOKEN_CACHE"] == "memory"
    assert "ETRADE_NB_DEMO_AUTO_APPROVE" not in env
    root = notebooks_dir()
    assert root is not None and (root / QUICKSTART).is_file()
    cmd = jupyter_command("lab", 8899, root, open_browser=False)
    assert "--ServerApp.ip=127.0.0.1" in cmd and cmd[-1].endswith(QUICKSTART)
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)
    # An explicit port is taken exactly; by default Jupyter starts at 8888 and moves on.
    assert {"--ServerApp.port=8899", "--ServerApp.port_retries=0"} <= set(cmd)
    default = jupyter_command("lab", None, root, open_browser=False)
    assert {"--ServerApp.port=8888", "--ServerApp.port_retries=50"} <= set(default)
    # The token travels in the environment, never in argv (readable by any user via ps).
    assert not any("token" in arg.lower() for arg in cmd + default)
    assert "JUPYTER_TOKEN" not in env
    env = demo_environ(emu, base={"JUPYTER_TOKEN_FILE": "/x"}, token="T0K")
    assert env["JUPYTER_TOKEN"] == "T0K" and "JUPYTER_TOKEN_FILE" not in env


def test_server_info_reads_the_port_jupyter_wrote(tmp_path: Path) -> None:
    assert server_info(4242, tmp_path) is None  # not written yet
    (tmp_path / "jpserver-4242.json").write_text('{"pid": 4242, "po')  # half written
    assert server_info(4242, tmp_path) is None
    info = {"pid": 4242, "port": 8890, "url": "http://127.0.0.1:8890/"}
    (tmp_path / "jpserver-4242.json").write_text(json.dumps(info))
    assert server_info(4242, tmp_path) == info
    assert server_info(4243, tmp_path) is None


def test_working_copy_takes_only_notebooks_and_keeps_edits(tmp_path: Path) -> None:
    source = notebooks_dir()
    assert source is not None
    target = tmp_path / "demo"
    copied = working_copy(source, target)
    assert QUICKSTART in copied and not list(target.glob("*.py")) and not list(target.glob("*.cfg"))
    (target / QUICKSTART).write_text("{}")  # the person's edited quickstart
    (target / "02-your-etrade-keys.ipynb").unlink()
    assert working_copy(source, target) == ["02-your-etrade-keys.ipynb"]
    assert (target / QUICKSTART).read_text() == "{}"
    assert demo_dir({"ETRADE_NB_DEMO_DIR": str(tmp_path / "x")}) == tmp_path / "x"
    assert demo_dir({}).name == "etrade-nb-demo"


def test_demo_app_voila_serves_the_dashboard_quietly(tmp_path: Path) -> None:
    """``etrade-nb demo --app voila``: the dashboard page, and a terminal free of noise."""
    env = {**os.environ, **private_jupyter_dirs(tmp_path)}
    env.pop("ETRADE_NB_DEMO_DIR", None)
    stderr = tmp_path / "stderr.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "etrade_nb", "demo", "--app", "voila", "--no-browser", "--port",
         "0"],
        env=env, stdout=subprocess.PIPE, stderr=stderr.open("w"), text=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in proc.stdout or []:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    try:
        ready = re.compile(r"^    (http://127\.0\.0\.1:\d+/voila/render/(\S+)\?token=\w+)$")
        url, notebook = _read_until(lines, ready, []).groups()
        assert notebook == DASHBOARD
        with urllib.request.urlopen(url, timeout=60) as page:  # runs the notebook in a kernel
            html = page.read().decode()
        assert page.status == 200 and "Account dashboard" in html
        # no error output; the on_login area waits (the login box itself comes as widget state)
        assert '"output_type": "error"' not in html and "appears once you are signed in" in html
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    log = stderr.read_text()
    for noise in ("[I ", "LabApp]", "IPKernelApp", "without encryption", "DeprecationWarning"):
        assert noise not in log, log


def test_the_relay_leaves_out_urls_and_jupyters_own_noise() -> None:
    source = io.StringIO(
        "[W 12:00:00.000 ServerApp] a real warning\n"
        "/x/traitlets.py:1904: DeprecationWarning: ServerApp.token config is deprecated\n"
        "  return self._get_trait_default_generator(names[0])(self)\n"
        "[W 12:00:01.000 ServerApp] Notebook 05-dashboard.ipynb is not trusted\n"
        "[IPKernelApp] WARNING | Kernel is running over TCP without encryption. All ...\n"
        "    http://127.0.0.1:8888/lab?token=abc\n"
        "[E 12:00:02.000 ServerApp] an error\n"
    )
    out = io.StringIO()
    relay = _Relay(source, out)
    relay.run()
    assert out.getvalue().splitlines() == [
        "[W 12:00:00.000 ServerApp] a real warning",
        "[E 12:00:02.000 ServerApp] an error",
    ]
    cmd = jupyter_command("voila", None, notebooks_dir() or Path(), open_browser=False)
    assert cmd[1:3] == ["-m", "jupyter_server"]
    assert f"--ServerApp.default_url=/voila/render/{DASHBOARD}" in cmd
    assert "--LabApp.log_level=WARN" in cmd
