"""The package and its tests type-check with mypy (strict; configuration in pyproject.toml).

Contributors' pre-commit hook (``.pre-commit-config.yaml``) runs the same command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .test_style import precommit_entries

ROOT = Path(__file__).resolve().parents[1]
MYPY = ["-m", "mypy", "--no-error-summary"]


@pytest.mark.timeout(600)
def test_mypy_reports_no_errors() -> None:
    done = subprocess.run(
        [sys.executable, *MYPY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_precommit_runs_the_same_mypy() -> None:
    assert " ".join([".venv/bin/python", *MYPY]) in precommit_entries()
