"""``python -m etrade_nb.emulator``: prints a URL that answers; exits cleanly on signals."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_module_runs_prints_url_and_stops_on_signal(sig):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "etrade_nb.emulator", "--port", "0", "--auto-approve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for _ in range(20):  # bounded: the banner is 8 lines
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        out = "".join(lines)
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", out)
        assert match, out + proc.stderr.read()  # type: ignore[union-attr]
        url = match.group(1)
        assert f"export ETRADE_NB_API_BASE={url}\n" in out
        assert f"export ETRADE_NB_AUTHORIZE_URL={url}/e/t/etws/authorize\n" in out
        assert re.search(r"export ETRADE_CONSUMER_KEY=[0-9a-f]{32}\n", out)
        with urllib.request.urlopen(url + "/", timeout=5) as reply:
            assert reply.status == 200
        proc.send_signal(sig)
        assert proc.wait(timeout=5) == 0
        rest = proc.stdout.read()
        assert "Emulator stopped." in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def test_refuses_non_loopback_host():
    result = subprocess.run(
        [sys.executable, "-m", "etrade_nb.emulator", "--host", "0.0.0.0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "loopback" in result.stderr


def test_problem_header_flag():
    from etrade_nb.emulator.__main__ import _parser

    assert _parser().parse_args(["--problem-header"]).problem_header is True
    assert _parser().parse_args([]).problem_header is False
