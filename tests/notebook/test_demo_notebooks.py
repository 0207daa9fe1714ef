"""The committed demo notebooks read as documents: no outputs from an old run, no test
plumbing, nothing but notebooks in their folder; nbval's checks live in ``tests/nbval``."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tests.nbval.plugin import expected_outputs

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
PLUMBING = re.compile(
    r"NBVAL|nbval|pytest|\bCI\b|robot|auto_approve|AUTO_APPROVE|test harness", re.IGNORECASE
)


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def outside_code_spans(markdown: str) -> str:
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.S)
    return re.sub(r"`[^`]*`", "", markdown)


def test_the_folder_holds_the_notebooks_only() -> None:
    """What Binder's file browser and ``etrade-nb demo`` show: no conftest.py, no .cfg."""
    assert len(ALL) >= 6 and "05-dashboard.ipynb" in ALL
    assert sorted(p.name for p in NOTEBOOKS.iterdir() if p.name != ".ipynb_checkpoints") == ALL


@pytest.mark.parametrize("name", ALL)
def test_markdown_escapes_the_star_of_etrade(name: str) -> None:
    """Unescaped, ``E*TRADE ... E*TRADE`` renders as italics with the stars eaten."""
    for cell in load(name).cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"(?<!\\)E\*TRADE", outside_code_spans(cell.source)), cell.source


@pytest.mark.parametrize("name", ALL)
def test_committed_without_outputs_or_test_plumbing(name: str) -> None:
    """Opened, a notebook shows nothing that did not run (no "Logged out" before login)."""
    nb = load(name)
    assert "widgets" not in nb.metadata  # no saved widget state (links, tokens)
    for cell in nb.cells:
        assert not PLUMBING.search(cell.source), cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


@pytest.mark.parametrize("name", ALL)
def test_every_checked_cell_is_still_in_its_notebook(name: str) -> None:
    """``tests/nbval/expected.json`` names cells by id: an edit must not orphan a check."""
    cells = {c.get("id"): c for c in load(name).cells if c.cell_type == "code"}
    checked = expected_outputs().get(name)
    assert checked, f"{name} has no checked cell in tests/nbval/expected.json"
    for entry in checked:
        cell = cells.get(entry["id"])
        assert cell is not None, f"{name}: cell {entry['id']} ({entry['source']!r}) is gone"
        assert cell.source.split("\n")[0] == entry["source"], (
            f"{name}: cell {entry['id']} changed; run python -m tests.nbval.refresh {name}"
        )
        assert entry["outputs"], f"{name}: {entry['source']!r} has no expected output"


def test_quickstart_says_run_all_waits_for_the_code() -> None:
    login = next(c.source for c in load(ALL[0]).cells if c.source.startswith("## 2. Log in"))
    assert "Run All" in login and "--no-wait" in login and "%etrade_verify CODE" in login
