"""The notebook layer's shape: logic below, magics on top, views without I/O until shown."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import etrade_nb.notebook as pkg
from etrade_nb.notebook.state import Phase, ViewState
from etrade_nb.notebook.views import TextView

from .conftest import Outputs

HERE = Path(pkg.__file__).parent


def imported(module: str) -> set[str]:
    tree = ast.parse((HERE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module or "")
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize(
    "module", ["login", "manager", "views", "widget", "state", "waiting", "frontend", "display"]
)
def test_nothing_below_the_magics_imports_them(module: str) -> None:
    assert not {m for m in imported(module) if m.endswith("magics")}


def test_the_login_logic_does_not_depend_on_ipywidgets_or_ipython() -> None:
    for module in ("login", "state", "views", "waiting"):
        assert not {m for m in imported(module) if m.startswith(("ipywidgets", "IPython"))}


def test_text_view_does_no_io_until_shown() -> None:
    outputs = Outputs()
    view = TextView(outputs)
    view.render(ViewState("etrade", "sandbox", Phase.PENDING, url="http://x/a?key=k&token=t"))
    assert outputs.shown == []  # not shown yet: nothing to update
    view.show(ViewState("etrade", "sandbox", Phase.PENDING, url="http://x/a?key=k&token=t"))
    view.render(ViewState("etrade", "sandbox", Phase.CANCELLED, message="Login cancelled."))
    assert outputs.shown == [
        {"text/plain": "Login cancelled.", "text/html": "<div>Login cancelled.</div>"}
    ]
