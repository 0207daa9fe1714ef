"""The emulator is an independent verifier: it imports the stdlib and itself, nothing else."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import etrade_nb.emulator

PACKAGE = Path(etrade_nb.emulator.__file__).parent


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: must stay inside etrade_nb.emulator
                assert node.level == 1, f"{path.name} reaches outside the emulator package"
                found.add(".")
            else:
                found.add(node.module or "")
    return found


def test_emulator_imports_only_stdlib_and_itself():
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) >= 10
    for path in files:
        for name in _imports(path):
            if name == ".":
                continue
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names, f"{path.name} imports {name}"
