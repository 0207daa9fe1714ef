"""The repository itself holds no E*TRADE secrets: committed notebooks and test fixtures are
scanned with ``etrade_nb.cli.audit`` (the planted fakes in ``tests/fixtures/audit`` excepted).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from etrade_nb.cli import audit

ROOT = Path(__file__).resolve().parents[1]
PLANTED = "tests/fixtures/audit/"


def _tracked(*patterns: str) -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(
        ["git", "ls-files", "--", *patterns],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [line for line in out.stdout.splitlines() if line]


def _scan(paths: list[str]) -> list[str]:
    found = []
    for rel in paths:
        if rel.startswith(PLANTED) or not (ROOT / rel).is_file():
            continue
        found += [str(f) for f in audit.scan_file(ROOT / rel)]
    return found


def test_committed_notebooks_hold_no_secrets() -> None:
    notebooks = _tracked("*.ipynb")
    assert _scan(notebooks) == []


def test_committed_fixtures_hold_no_secrets() -> None:
    fixtures = [p for p in _tracked("tests/fixtures") if not p.startswith(PLANTED)]
    assert _scan(fixtures) == []


def test_the_planted_fixtures_are_tracked_and_would_be_found() -> None:
    planted = _tracked(PLANTED)
    assert any(p.endswith("leaky.ipynb") for p in planted)
    findings = [f for p in planted for f in audit.scan_file(ROOT / p)]
    assert len(findings) >= 9  # the exclusion above is what keeps the repository scan clean
