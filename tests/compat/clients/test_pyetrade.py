"""pyetrade 2.1.1, unchanged, through every endpoint it supports against the default emulator.

Its own venv runs ``pyetrade_run.py``; this test plays the person who approves the
authorize page (over HTTP, with the emulator's robot) and checks every step passed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from etrade_nb.emulator import EmulatorServer
from etrade_nb.emulator.robot import approve

RUN = Path(__file__).with_name("pyetrade_run.py")
STEPS = 41  # every call pyetrade_run.py makes


def drive(python: Path, emu: EmulatorServer) -> list[tuple[str, str]]:
    """Run the pyetrade script; return its (step, verdict) lines."""
    proc = subprocess.Popen(
        [str(python), str(RUN), emu.url, emu.consumer_key, emu.consumer_secret],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    steps: list[tuple[str, str]] = []
    try:
        for line in proc.stdout:
            if line.startswith("AUTHORIZE "):
                link = urlsplit(line.split(" ", 1)[1].strip())
                assert link.netloc == "us.etrade.com", link  # pyetrade's own page
                verifier = approve(f"{emu.authorize_url}?{link.query}")
                proc.stdin.write(verifier + "\n")
                proc.stdin.flush()
            elif line.startswith("STEP\t"):
                _, name, verdict = line.rstrip("\n").split("\t", 2)
                steps.append((name, verdict))
            elif line.strip() == "DONE":
                break
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return steps


def test_pyetrade_runs_every_endpoint_unchanged(pyetrade_python, default_emulator):
    emu = default_emulator
    steps = drive(pyetrade_python, emu)
    failed = [(name, verdict) for name, verdict in steps if verdict != "ok"]
    assert not failed, failed
    assert len(steps) == STEPS, [name for name, _ in steps]
    # What E*TRADE ignores, the emulator ignored too, and said so in its log
    ignored = {name for record in emu.log for name in record.ignored}
    assert "detailflag" in ignored  # pyetrade's spelling of detailFlag
    assert "Order.accountIdKey" in ignored  # pyetrade copies its kwargs into Order
    assert "clientOrderId" in ignored  # the change place's fresh id, matched by previewId
    assert "Product.callPut=Put" in ignored
    assert all(record.status < 500 for record in emu.log)
