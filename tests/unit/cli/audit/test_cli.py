"""``etrade-nb audit`` on the command line: unreadable files are reported, never skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from etrade_nb.cli import audit

KEY = "deadbeefc0ffee00facade00badc0de1"  # etrade-nb: allow (planted fake)


def test_an_unreadable_file_is_reported_and_the_rest_still_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.md").write_text("nothing to see\n")
    (tmp_path / "gone.env").symlink_to(tmp_path / "deleted-target")
    assert audit.main([str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert "cannot read" in err and "gone.env" in err and "It was not checked" in err
    assert "scanned 1 file, 0 findings; 1 path could not be read." in out
    (tmp_path / "keys.env").write_text(f"ETRADE_CONSUMER_KEY={KEY}\n")
    assert audit.main([str(tmp_path)]) == 1  # findings win: the hook fails either way
    out, err = capsys.readouterr()
    assert "keys.env: line 1: consumer key (high confidence)" in out
    assert "1 path could not be read" in err
    assert KEY not in out + err
