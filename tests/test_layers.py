"""The package's layers import one way, with no cycles (type-only imports included).

errors, secret, environments, hosts   (bottom: no etrade_nb imports but among themselves)
  <- oauth      protocol primitives: signing, tokens, verifier parsing, the log filter
  <- storage    token and credential files
  <- api        Session, transport, responses, rate limiting, frames, one module per area
  <- login      OAuthFlow, the callback receiver and its URL planning
  <- notebook   login objects, views, magics (the only layer that may import IPython)
cli       apart: commands may use any layer and the emulator; no layer imports cli
server_extension  apart: runs in the Jupyter server (masks OAuth fields in its log); no layer
          imports it
emulator  apart: standard library only, shares nothing with the client
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "etrade_nb"

RANK = {
    "errors": 0,
    "secret": 0,
    "environments": 0,
    "hosts": 0,
    "oauth": 1,
    "storage": 2,
    "api": 3,
    "login": 4,
    "notebook": 5,
    "cli": 6,
    "server_extension": 6,
}
APART = ("cli", "server_extension")  # no other unit imports these
TOP_LEVEL = {"__init__", "__main__"}  # the package face: lazy table, python -m etrade_nb
UI_MODULES = ("IPython", "ipywidgets", "ipykernel", "traitlets", "comm")


def _unit(module: str) -> str:
    """``etrade_nb.api.session`` -> ``api``; ``etrade_nb.errors`` -> ``errors``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute names of every module imported by ``path`` (with line numbers)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # ``from . import x`` imports the submodule x
            found += [(f"{target}.{a.name}", node.lineno) for a in node.names if not node.module]
    return found


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_notebooks" not in p.parts)


def test_every_subpackage_has_a_rank() -> None:
    units = {_unit(_module_name(p)) for p in _package_files()} - TOP_LEVEL - {"emulator"}
    assert units <= set(RANK), f"give these a place in the layer table: {units - set(RANK)}"


def _violations() -> list[str]:
    out = []
    for path in _package_files():
        source = _unit(_module_name(path))
        if source in TOP_LEVEL:
            continue
        for target, line in _imports(path):
            problem = _problem(source, target)
            if problem:
                out.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} ({problem})"
                )
    return out


def _problem(source: str, target: str) -> str | None:
    """What is wrong with unit ``source`` importing module ``target``, if anything."""
    if source == "emulator":
        return _emulator_problem(target)
    if target.split(".")[0] in UI_MODULES and source != "notebook":
        return f"only notebook/ may import {target.split('.')[0]}"
    if not target.startswith("etrade_nb."):
        return None
    dest = _unit(target)
    if dest == "emulator":
        return (
            None
            if source in ("cli", "notebook")
            else "only cli/ and the notebook's demo robot use it"
        )
    if dest in TOP_LEVEL:
        return "import the defining module, not the package face"
    if RANK[dest] > RANK[source] or (dest in APART and source != dest):
        return "a lower layer must not import a higher one"
    return None


def _emulator_problem(target: str) -> str | None:
    if target.startswith("etrade_nb") and not target.startswith("etrade_nb.emulator"):
        return "the emulator shares nothing with the client"
    if not target.startswith("etrade_nb") and not _stdlib(target):
        return "the emulator uses the standard library only"
    return None


def _stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names


def test_imports_run_one_way() -> None:
    assert _violations() == []


def test_there_are_no_import_cycles_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    names = {_module_name(p) for p in _package_files()}
    for path in _package_files():
        deps = set()
        for target, _ in _imports(path):
            # a "from pkg import name" may name a submodule or an attribute
            while target and target not in names:
                target = target.rpartition(".")[0]
            if target and target != "etrade_nb":
                deps.add(target)
        graph[_module_name(path)] = deps - {_module_name(path)}
    # parents of a module are imported with it; edges to a package's own __init__ are fine
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if dep.startswith(node + ".") or node.startswith(dep + "."):
                continue
            if state.get(dep) == 1:
                cycles.append(" -> ".join([*stack[stack.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("bad", ["from ..notebook import magics", "import IPython"])
def test_the_checker_catches_a_wrong_import(tmp_path: Path, bad: str, monkeypatch) -> None:
    planted = PACKAGE / "api" / "_planted_for_test.py"
    planted.write_text(bad + "\n")
    try:
        assert any("_planted_for_test" in v for v in _violations())
    finally:
        planted.unlink()
