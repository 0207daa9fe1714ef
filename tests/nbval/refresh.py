"""Rewrite ``expected.json`` from a fresh run: ``python -m tests.nbval.refresh [NAME...]``.

Runs each demo notebook (or the ones named) with nbclient in the environment nbval gives
its kernels (:func:`tests.nbval.plugin.kernel_environ`) and stores the outputs of the cells
``expected.json`` lists. The notebooks themselves are not written. Read the diff, then run
``etrade-nb audit tests/nbval`` before committing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .plugin import EXPECTED, expected_outputs, kernel_environ

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def fresh_outputs(path: Path) -> dict[str, tuple[str, list[dict[str, object]]]]:
    """Run ``path`` top to bottom as nbval would; by cell id, first line and outputs."""
    nb = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="etrade-nb-refresh-") as tmp:
        os.environ.clear()
        os.environ.update(kernel_environ(saved, Path(tmp)))
        try:
            client = NotebookClient(
                nb,
                timeout=120,
                record_timing=False,
                resources={"metadata": {"path": str(path.parent)}},
            )
            client.execute()
        finally:
            os.environ.clear()
            os.environ.update(saved)
    return {
        c.id: (c.source.split("\n")[0], [dict(o) for o in c.outputs])
        for c in nb.cells
        if c.cell_type == "code"
    }


def main(names: list[str]) -> int:
    expected = expected_outputs()
    for name in names or sorted(expected):
        outputs = fresh_outputs(NOTEBOOKS / name)
        for cell in expected.get(name, []):
            if cell["id"] not in outputs:
                print(f"{name}: no code cell {cell['id']} ({cell['source']!r}); fix expected.json")
                return 1
            cell["source"], cell["outputs"] = outputs[cell["id"]]
        print(f"{name}: {len(expected.get(name, []))} checked cells refreshed")
    EXPECTED.write_text(json.dumps(expected, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
