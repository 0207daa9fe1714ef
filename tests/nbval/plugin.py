"""nbval's setup for the demo notebooks (README's test command runs them with no person).

Loaded by pyproject's ``addopts`` (``-p tests.nbval.plugin``), so nothing of it sits beside
the notebooks people read. It does three things:

- Each notebook's kernel starts in :func:`kernel_environ`: ``ETRADE_NB_DEMO_AUTO_APPROVE=1``
  (the emulator-only robot presses Accept; it refuses any non-loopback authorize page, so it
  can never approve a real E*TRADE login); no ``ETRADE_NB_API_BASE``, keys, JupyterHub or
  Binder variables (``01`` starts its own in-kernel emulator, ``02`` finds no keys, so it
  never calls E*TRADE); ``ETRADE_NB_EMULATOR_STRICT=1`` (the emulator ``01`` starts refuses,
  by name, anything E*TRADE would ignore, so the client's requests stay exact); ``HOME``,
  ``IPYTHONDIR``, ``JUPYTER_*`` and etrade-nb's config and token paths in a temp dir. The
  variables are set only while nbval starts the kernel.
- The committed notebooks carry no outputs. The outputs to compare live in ``expected.json``
  here, by notebook and cell id: those cells (and only those, ``--nbval-lax``) are checked,
  after ``sanitize.cfg`` masks ports, times, durations, tokens and 32-hex ids (that file also
  says which cells stay unchecked and why). Every other cell must run without error.
- ``--nbval-sanitize-with tests/nbval/sanitize.cfg`` works from any folder.

To check another cell, add ``{"id": CELL_ID, "source": FIRST_LINE, "outputs": []}`` to its
notebook in ``expected.json``; then, and after changing a checked cell, rewrite the expected
outputs from a fresh run with ``python -m tests.nbval.refresh`` and read the diff.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbval.plugin import IPyNbCell

from tests.jupyter_dirs import private_jupyter_dirs

_DROP = (
    "ETRADE_NB_API_BASE",
    "ETRADE_NB_AUTHORIZE_URL",
    "ETRADE_CONSUMER_KEY",
    "ETRADE_CONSUMER_SECRET",
    "ETRADE_NB_UI",
    "JUPYTERHUB_SERVICE_PREFIX",
    "JUPYTERHUB_API_TOKEN",
    "BINDER_LAUNCH_HOST",
    "BINDER_REPO_URL",
    "BINDER_REQUEST",
    "BINDER_SERVICE_HOST",
)
_tmp: tempfile.TemporaryDirectory[str] | None = None
EXPECTED = Path(__file__).with_name("expected.json")


def expected_outputs() -> dict[str, list[dict[str, Any]]]:
    """``expected.json``: per notebook, the checked cells (id, first line, outputs)."""
    loaded: dict[str, list[dict[str, Any]]] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return loaded


def kernel_environ(base: dict[str, str], tmp: Path) -> dict[str, str]:
    """The environment an nbval kernel starts with."""
    env = {k: v for k, v in base.items() if k not in _DROP}
    env.update(private_jupyter_dirs(tmp))
    env["ETRADE_NB_TOKEN_DIR"] = str(tmp / "tokens")
    env["ETRADE_NB_CONFIG"] = str(tmp / "config" / "credentials.ini")
    env["ETRADE_NB_DEMO_AUTO_APPROVE"] = "1"
    env["ETRADE_NB_TOKEN_CACHE"] = "memory"
    env["ETRADE_NB_EMULATOR_STRICT"] = "1"  # the in-kernel emulator refuses sloppy requests
    return env


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """Start each notebook's kernel (set up with its first cell) in :func:`kernel_environ`."""
    global _tmp
    if not isinstance(item, IPyNbCell) or item.parent.kernel is not None:
        return (yield)
    if _tmp is None:
        _tmp = tempfile.TemporaryDirectory(prefix="etrade-nb-nbval-")
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(kernel_environ(saved, Path(_tmp.name)))
    try:
        return (yield)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give the checked cells their expected outputs (``expected.json``) and check them."""
    expected = expected_outputs()
    for item in items:
        if not isinstance(item, IPyNbCell):
            continue
        cells = {c["id"]: c for c in expected.get(Path(str(item.parent.path)).name, [])}
        want = cells.get(item.cell.get("id"))
        if want is None:
            continue
        item.cell.outputs = [nbformat.from_dict(output) for output in want["outputs"]]
        item.cell.execution_count = 1  # nbval compares only cells that ran
        item.options["check"] = True


def pytest_configure(config: pytest.Config) -> None:
    """Let ``--nbval-sanitize-with tests/nbval/...`` work from any folder, not only the root."""
    given = config.getoption("nbval_sanitize_with", None)
    if given and not Path(given).exists() and (config.rootpath / given).exists():
        config.option.nbval_sanitize_with = str(config.rootpath / given)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _tmp
    if _tmp is not None:
        _tmp.cleanup()
        _tmp = None
