"""The audit cannot be stalled: linear-time matching, and a cap on what a file inflates to.

A pre-commit hook must finish. Before these limits a Plotly figure of 24k zeros (a 32 KiB
run of ``A`` in base64) took half a minute and a 2 KiB PNG whose text chunk inflates to
megabytes ran for minutes. The timeouts here only guard against such a stall; speed is
measured in ``benchmarks/`` (``python -m benchmarks --only audit``).
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path

import pytest

from etrade_nb.cli import audit
from etrade_nb.cli.audit import scan_bytes, scan_line
from etrade_nb.cli.audit.decode import MAX_INFLATED

pytestmark = pytest.mark.timeout(60)
KEY = "deadbeefc0ffee00facade00badc0de1"  # etrade-nb: allow (planted fake)


def notebook(outputs: list[dict[str, object]]) -> bytes:
    cell = {
        "cell_type": "code",
        "source": "fig.show()",
        "metadata": {},
        "execution_count": 1,
        "outputs": outputs,
    }
    doc = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc).encode()


def plotly_figure(zeros: int) -> dict[str, object]:
    """Plotly's JSON for a numpy heatmap: typed arrays travel as base64 (``bdata``)."""
    z = {"dtype": "i1", "bdata": base64.b64encode(bytes(zeros)).decode()}
    fig = {"data": [{"type": "heatmap", "z": z}], "layout": {}}
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {"application/vnd.plotly.v1+json": fig},
    }


def png(*chunks: tuple[bytes, bytes]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        chunk(k, b) for k, b in ((b"IHDR", ihdr), *chunks, (b"IEND", b""))
    )


def image_output(data: bytes) -> dict[str, object]:
    encoded = base64.b64encode(data).decode()
    return {"output_type": "display_data", "metadata": {}, "data": {"image/png": encoded}}


@pytest.mark.parametrize(
    "unit", ["A", "QUFB", "a.", "a=", "a:", "--a ", "finish('", "\\u0041", "&amp;", "0a", 'a"=']
)
def test_a_long_line_of_any_repeated_shape_is_read_in_one_pass(unit: str) -> None:
    line = unit * (64 * 1024 // len(unit))
    assert scan_line(line) == []
    assert [k for k, *_ in scan_line(f"{line} ETRADE_CONSUMER_KEY={KEY}")] == ["consumer key"]


def test_a_plotly_figure_of_zeros_does_not_stall_the_audit() -> None:
    data = notebook([plotly_figure(96_000)])
    assert scan_bytes(data, "fig.ipynb", "fig.ipynb") == []


def test_a_text_chunk_that_inflates_past_the_cap_is_skipped_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = zlib.compress(b"A" * (64 * MAX_INFLATED), 9)
    assert len(bomb) < 128 * 1024
    small = zlib.compress(f"consumer_secret={KEY}".encode())
    image = png((b"zTXt", b"Comment\0\0" + bomb), (b"zTXt", b"Note\0\0" + small))
    (tmp_path / "bomb.ipynb").write_bytes(notebook([image_output(image)]))
    assert audit.main([str(tmp_path)]) == 1  # the small chunk's secret is still found
    out, err = capsys.readouterr()
    assert "bomb.ipynb: cell 1, output 1" in err and "skipped: too large" in err
    assert "PNG text chunk zTXt inflates past 1 MiB" in err and "review it by hand" in err
    assert "consumer secret" in out and KEY not in out + err
    alone = png((b"zTXt", b"Comment\0\0" + bomb))
    (tmp_path / "bomb.ipynb").write_bytes(notebook([image_output(alone)]))
    assert audit.main([str(tmp_path)]) == 2  # nothing found, but not all of it was read
    out, err = capsys.readouterr()
    assert "skipped: too large" in err and "1 path could not be read" in out
