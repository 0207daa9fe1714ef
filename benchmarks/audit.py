"""``etrade-nb audit`` on a large real notebook: the time grows linearly with its size.

The notebook is the four demo notebooks of ``notebooks/`` (real cells and saved outputs) in
one, plus what makes real analysis notebooks large: a Plotly heatmap (numpy arrays travel as
base64 ``bdata``: one long line of ``A``) and a PNG image output. ``k`` copies of it, with
the heatmap ``k`` times wider, give a notebook ``k`` times larger with a line ``k`` times
longer. Linear matching keeps ``time(8x) / (8 * time(1x))`` near 1; a polynomial pattern
(the audit before issue 18) made it grow with ``k`` (tens of seconds at 32 KiB).
"""

from __future__ import annotations

import base64
import json
import statistics
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from etrade_nb.cli.audit import scan_bytes

from .harness import Row, ratio

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
HEATMAP_ZEROS = 24_000  # per copy: the 31 KiB figure
SCALE = 8
TARGET = 1.5  # time(8x) / (8 * time(1x)): linear is ~1, quadratic would be ~8


def _png(text: bytes) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes(64 * (1 + 64 * 3)))
    body = [(b"IHDR", header), (b"zTXt", b"Software\0\0" + zlib.compress(text))]
    body += [(b"IDAT", pixels), (b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunk(k, b) for k, b in body)


def notebook(k: int) -> bytes:
    """``k`` copies of the demo notebooks' cells with a heatmap ``k`` times wider."""
    cells: list[dict[str, Any]] = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells += json.loads(path.read_text(encoding="utf-8"))["cells"]
    zeros = base64.b64encode(bytes(HEATMAP_ZEROS * k)).decode()
    figure = {"data": [{"type": "heatmap", "z": {"dtype": "i1", "bdata": zeros}}]}
    image = base64.b64encode(_png(b"matplotlib version 3.9, https://matplotlib.org")).decode()
    outputs = [
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": image}},
        {
            "output_type": "display_data",
            "metadata": {},
            "data": {"application/vnd.plotly.v1+json": figure},
        },
    ]
    plot = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": "fig.show()",
        "outputs": outputs,
    }
    doc = {"cells": cells * k + [plot], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc, indent=1).encode()


def _seconds(data: bytes) -> float:
    start = time.perf_counter()
    scan_bytes(data, "large.ipynb", "large.ipynb")
    return time.perf_counter() - start


def run(*, rounds: int) -> list[Row]:
    small, large = notebook(1), notebook(SCALE)
    times: dict[int, list[float]] = {1: [], SCALE: []}
    for r in range(rounds):  # interleaved, order flipping every round
        for k, data in ((1, small), (SCALE, large)) if r % 2 == 0 else ((SCALE, large), (1, small)):
            times[k].append(_seconds(data))
    one, many = statistics.median(times[1]), statistics.median(times[SCALE])
    return [
        Row(
            "audit",
            f"{len(large) // 1024} KiB notebook vs {SCALE} x {len(small) // 1024} KiB",
            many * 1000,
            ratio=ratio(many, SCALE * one),
            baseline=f"{SCALE} x {one * 1000:.1f} ms",
            target=TARGET,
            note="linear time in the notebook's size (heatmap line and cell count both scale)",
        )
    ]
