"""The repository stays ruff-clean (lint and format), as every commit promises.

The same commands run as contributors' pre-commit hooks (``.pre-commit-config.yaml``);
a test keeps the two in step.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUFF = [["check", "."], ["format", "--check", "."]]


def precommit_entries() -> list[str]:
    """The ``entry:`` commands of the contributors' pre-commit hooks."""
    text = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    return [m.strip() for m in re.findall(r"^\s*entry:\s*(.+)$", text, flags=re.M)]


@pytest.mark.parametrize("args", RUFF)
def test_ruff(args: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_precommit_runs_the_same_ruff() -> None:
    entries = precommit_entries()
    for args in RUFF:
        assert " ".join([".venv/bin/python", "-m", "ruff", *args]) in entries
