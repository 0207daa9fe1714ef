"""Files Windows tools write: UTF-16 (PowerShell 5's ``echo ... > .env``), UTF-32, BOMs,
and the script types a folder scan reads (``.ps1``, ``.bat``, ``.cmd``, ``.R``)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from etrade_nb.cli import audit

KEY = "deadbeefc0ffee00facade00badc0de1"  # etrade-nb: allow (planted fake)
SECRET = "badc0de1facade00c0ffee00deadbeef0123456789abcdef0123456789abcdef"  # etrade-nb: allow
ENV = f"ETRADE_CONSUMER_KEY={KEY}\r\nETRADE_CONSUMER_SECRET={SECRET}\r\n"


@pytest.mark.parametrize(
    "content",
    [
        codecs.BOM_UTF16_LE + ENV.encode("utf-16-le"),  # Windows PowerShell 5: echo ... > .env
        codecs.BOM_UTF16_BE + ENV.encode("utf-16-be"),
        ENV.encode("utf-16-le"),  # no BOM
        codecs.BOM_UTF32_LE + ENV.encode("utf-32-le"),
        codecs.BOM_UTF8 + ENV.encode(),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-16-no-bom", "utf-32-le", "utf-8-sig"],
)
def test_text_is_decoded_by_its_byte_order_mark(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_bytes(content)
    assert audit.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert ".env: line 1: consumer key (high confidence)" in out
    assert ".env: line 2: consumer secret (high confidence)" in out


@pytest.mark.parametrize(
    "content",
    [
        codecs.BOM_UTF16_LE + ENV.encode("utf-16-le")[:-1],  # cut in the middle of a character
        b"\x7fELF\x02\x01\x01\0\0\0" + bytes(range(256)) * 4,  # a binary saved as .env
    ],
    ids=["broken-utf-16", "binary"],
)
def test_a_file_that_cannot_be_read_as_text_says_so(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_bytes(content)
    assert audit.main([str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert ".env: file: cannot be read as text (" in err and "review it by hand" in err
    assert "1 path could not be read" in out


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("login.ps1", f'$env:ETRADE_CONSUMER_KEY = "{KEY}"'),
        ("setenv.bat", f"set ETRADE_CONSUMER_KEY={KEY}"),
        ("setenv.cmd", f'set "ETRADE_CONSUMER_KEY={KEY}"'),
        ("analysis.R", f'Sys.setenv(ETRADE_CONSUMER_KEY = "{KEY}")'),
    ],
)
def test_windows_and_r_scripts_are_read_by_a_folder_scan(
    tmp_path: Path, name: str, line: str
) -> None:
    (tmp_path / name).write_bytes(codecs.BOM_UTF16_LE + f"{line}\r\n".encode("utf-16-le"))
    assert [f.kind for f in audit.audit([str(tmp_path)])] == ["consumer key"]
    assert audit.wanted(name) and re.search(audit.HOOK_PATTERN, name)  # hook and folder agree
