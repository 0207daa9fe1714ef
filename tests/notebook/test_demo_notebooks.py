"""The committed quickstart and keys notebooks read right before anything runs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
OURS = ["01-quickstart.ipynb", "02-your-etrade-keys.ipynb"]


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def outside_code_spans(markdown: str) -> str:
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.S)
    return re.sub(r"`[^`]*`", "", markdown)


@pytest.mark.parametrize("name", OURS)
def test_markdown_escapes_the_star_of_etrade(name: str) -> None:
    """Unescaped, ``E*TRADE ... E*TRADE`` renders as italics with the stars eaten."""
    for cell in load(name).cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"(?<!\\)E\*TRADE", outside_code_spans(cell.source)), cell.source


@pytest.mark.parametrize("name", OURS)
def test_only_checked_cells_carry_outputs(name: str) -> None:
    nb = load(name)
    assert "widgets" not in nb.metadata  # no saved widget state (links, tokens)
    checked = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "# NBVAL_CHECK_OUTPUT" in cell.source:
            checked += 1
            assert cell.outputs and cell.execution_count is not None  # nbval compares it
        else:
            assert cell.outputs == [] and cell.execution_count is None, cell.source
    assert checked


@pytest.mark.parametrize("name", OURS)
def test_stored_outputs_are_what_a_reader_expects(name: str) -> None:
    text = "\n".join(
        str(output.get("data", {}).get("text/plain", output.get("text", "")))
        for cell in load(name).cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    for stale in ("Authorized", "auto-approved", "127.0.0.1", "token=", "Traceback"):
        assert stale not in text
    if name.startswith("01"):
        assert "<etrade_nb.Session sandbox: active>" in text
        assert "goes idle: in 2 h 00 min without calls" in text  # just after the login


def test_quickstart_says_run_all_waits_for_the_code() -> None:
    login = next(c.source for c in load(OURS[0]).cells if c.source.startswith("## 2. Log in"))
    assert "Run All" in login and "--no-wait" in login and "%etrade_verify CODE" in login
