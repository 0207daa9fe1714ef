"""Start-up cost in fresh interpreters: ``import etrade_nb`` and ``%load_ext etrade_nb``.

Each sample is a new ``python -c`` process that times only the statement of interest with
``time.perf_counter`` (interpreter start-up, identical for both sides, is reported separately
as process wall time). ``%load_ext`` runs in IPython's ``InteractiveShell`` (history off, a
temporary IPYTHONDIR) through ``run_cell``, exactly as a notebook cell would, and is compared
with a cell running ``import ipywidgets``. A real kernel via jupyter_client would add
ZMQ and kernel start-up noise (~1 s, varying by 10s of ms) that swamps a difference of a few
ms; the shell is the same code path the kernel runs for a cell.

Bytecode: an installed wheel has its ``.pyc`` files, but an editable checkout under
``PYTHONDONTWRITEBYTECODE=1`` recompiles etrade_nb on every import (about 40 ms), while
site-packages peers load cached bytecode. So every process here gets a private
``PYTHONPYCACHEPREFIX`` that a warm-up run fills, for both sides alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from .harness import Row, ratio

_IMPORT = "import time; t = time.perf_counter(); import {mod}; print(time.perf_counter() - t)"
_CELL = (
    "from traitlets.config import Config\n"
    "from IPython.core.interactiveshell import InteractiveShell\n"
    "c = Config(); c.HistoryManager.enabled = False\n"
    "sh = InteractiveShell.instance(config=c)\n"
    "import time; t = time.perf_counter()\n"
    "r = sh.run_cell({cell!r}); r.raise_error()\n"
    "print(time.perf_counter() - t)\n"
)


def _sample(code: str, env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    wall = time.perf_counter() - start
    return float(out.stdout.strip().splitlines()[-1]), wall


def _compare(
    a: str, b: str, runs: int, env: dict[str, str]
) -> dict[str, list[tuple[float, float]]]:
    samples: dict[str, list[tuple[float, float]]] = {a: [], b: []}
    for i in range(runs):
        for code in (a, b) if i % 2 == 0 else (b, a):
            samples[code].append(_sample(code, env))
    return samples


def _median(samples: list[tuple[float, float]], index: int) -> float:
    return statistics.median(s[index] for s in samples)


def run(*, runs: int) -> list[Row]:
    with tempfile.TemporaryDirectory() as ipython_dir:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(IPYTHONDIR=ipython_dir, PYTHONPYCACHEPREFIX=os.path.join(ipython_dir, "pyc"))
        # What a user runs, so lazy names cannot hide the cost of the modules behind them.
        ours = _IMPORT.replace("import {mod}", "from etrade_nb import OAuthFlow, Session")
        peer = _IMPORT.format(mod="requests_oauthlib")
        ext = _CELL.format(cell="%load_ext etrade_nb")
        widgets = _CELL.format(cell="import ipywidgets")
        for code in (ours, peer, ext, widgets):  # warm-up: fill the bytecode cache
            _sample(code, env)
        imports = _compare(ours, peer, runs, env)
        cells = _compare(ext, widgets, runs, env)
    rows = []
    for group, name, base_name, target, a, b, data in (
        (
            "start-up",
            "from etrade_nb import OAuthFlow, Session",
            "import requests_oauthlib",
            1.2,
            ours,
            peer,
            imports,
        ),
        ("start-up", "%load_ext etrade_nb", "import ipywidgets (cell)", 1.1, ext, widgets, cells),
    ):
        ta, tb = _median(data[a], 0), _median(data[b], 0)
        wa, wb = _median(data[a], 1), _median(data[b], 1)
        rows.append(
            Row(
                group,
                name,
                ta * 1e3,
                ratio=ratio(ta, tb),
                baseline=base_name,
                target=target,
                note=f"median of {runs} fresh processes each; {base_name}: {tb * 1e3:.1f} ms; "
                f"whole process {wa * 1e3:.0f} vs {wb * 1e3:.0f} ms",
                extra={"process_wall_ms": wa * 1e3, "baseline_ms": tb * 1e3},
            )
        )
    return rows
