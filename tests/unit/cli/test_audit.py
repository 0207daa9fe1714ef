"""``etrade-nb audit``: planted fake secrets are found, located and never printed."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from etrade_nb.__main__ import main as cli_main
from etrade_nb.cli import audit
from etrade_nb.cli.audit_patterns import scan_line

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "audit"
KEY = "deadbeefc0ffee00facade00badc0de1"  # etrade-nb: allow (planted fake)
SECRET = "badc0de1facade00c0ffee00deadbeef0123456789abcdef0123456789abcdef"  # etrade-nb: allow
TOKEN = "FAKE/TOKEN+for+etrade+nb+tests+only+0000001="  # etrade-nb: allow (planted fake)
TOKEN_SECRET = "FAKE/SECRET+for+etrade+nb+tests+only+000001="  # etrade-nb: allow (planted fake)
VERIFIER = "F4KE9"  # etrade-nb: allow (planted fake)
PLANTED = (KEY, SECRET, TOKEN, TOKEN_SECRET, VERIFIER)


def _forms(value: str) -> list[str]:
    return [value, quote(value, safe=""), value[:6]] if len(value) > 8 else [value]


def test_planted_values_have_real_shapes() -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", KEY)
    assert re.fullmatch(r"[0-9a-f]{64}", SECRET)
    for token in (TOKEN, TOKEN_SECRET):
        assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", token)
        assert len(base64.b64decode(token)) == 32
    assert re.fullmatch(r"[A-Z0-9]{5}", VERIFIER)


@pytest.mark.parametrize(
    ("line", "kinds"),
    [
        (f"ETRADE_CONSUMER_KEY={KEY}", ["consumer key"]),
        (f'consumer_secret = "{SECRET}"', ["consumer secret"]),
        (f'OAuthFlow("{KEY}", "{SECRET}")', ["consumer key", "consumer secret"]),
        (f"authorize?key={KEY}&token={quote(TOKEN, safe='')}", ["consumer key", "token"]),
        (
            f"oauth_token={quote(TOKEN, safe='')}&"
            f"oauth_token_secret={quote(TOKEN_SECRET, safe='')}",
            ["token", "token secret"],
        ),
        (f"AccessToken(token='{TOKEN}', secret='{TOKEN_SECRET}')", ["token", "token secret"]),
        (f'session = flow.finish("{VERIFIER}")', ["verifier"]),
        (f"%etrade_verify {VERIFIER}", ["verifier"]),
        (f"oauth_verifier={VERIFIER}&x=1", ["verifier"]),
        (f"Your verification code: {VERIFIER}", ["verifier"]),
    ],
)
def test_secret_shapes_are_found(line: str, kinds: list[str]) -> None:
    assert list(scan_line(line)) == kinds


@pytest.mark.parametrize(
    "line",
    [
        f'{{"model_id": "{KEY}", "version_major": 2}}',
        f'"layout": "IPY_MODEL_{KEY}"',
        "digest = 9dd4e461268c8034f5c8564e155c67a6",
        "OAuth1Session(ck, cs, resource_owner_key=oauth_token, oauth_verifier=verifier)",
        "params = {'oauth_token': token, 'oauth_verifier': code}",
        "url = f'{base}?oauth_token={token}&oauth_verifier={verifier}'",
        "oauth_token=...&oauth_token_secret=...",
        'integrity="sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="',
        'consumer_key = "282683cc9e4b8fc81dea6bc687d46758"  # E*TRADE docs sample',
        "consumer_key = '00000000000000000000000000000000'",
        f'consumer_key = "{KEY}"  # etrade-nb: allow',
        "verify the order preview before placing it",
    ],
)
def test_ordinary_lines_are_clean(line: str) -> None:
    assert list(scan_line(line)) == []


def test_leaky_notebook_locations() -> None:
    found = audit.scan_file(FIXTURES / "leaky.ipynb")
    got = {(f.where, f.kind) for f in found}
    assert got == {
        ("cell 1, source line 2", "consumer key"),
        ("cell 2, source line 2", "consumer key"),
        ("cell 2, source line 2", "consumer secret"),
        ("cell 3, output 1 (stdout) line 1", "token"),
        ("cell 4, output 1 (text/plain) line 1", "token secret"),
        ("cell 5, source line 1", "verifier"),
        ("cell 6, output 1 (traceback) line 2", "consumer key"),
        (
            "widget model 0a1b2c3d4e5f60718293a4b5c6d7e8f9 (PasswordModel) trait 'value'",
            "consumer secret",
        ),
        ("notebook metadata 'etrade.oauth_token'", "token"),
    }
    # cell 7 carries the allow pragma; cell 8 is a widget view whose model id is 32 hex
    assert not any(f.where.startswith(("cell 7", "cell 8")) for f in found)


def test_notebook_with_widgets_and_no_secrets_is_clean() -> None:
    doc = json.loads((FIXTURES / "clean_widgets.ipynb").read_text())
    state = doc["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", model_id) for model_id in state)
    assert audit.scan_file(FIXTURES / "clean_widgets.ipynb") == []


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("leaky.env", ["consumer key", "consumer secret"]),
        ("leaky.ini", ["consumer key", "consumer secret"]),
        ("leaky.yaml", ["token", "token secret"]),
        ("leaky.txt", ["token", "verifier"]),
        ("leaky.py", ["token", "verifier"]),
        ("clean.py", []),
        ("allowed.py", []),
        ("README.md", []),
    ],
)
def test_text_fixtures(name: str, kinds: list[str]) -> None:
    assert [f.kind for f in audit.scan_file(FIXTURES / name)] == kinds


def test_cli_prints_locations_but_never_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    assert audit.main([str(FIXTURES)]) == 1
    out, err = capsys.readouterr()
    assert "leaky.ipynb: cell 2, source line 2: consumer secret" in out
    assert "leaky.env: line 1: consumer key" in out
    assert "etrade-nb: allow" in err
    for value in PLANTED:
        for form in _forms(value):
            assert form not in out + err


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.ipynb"
    shutil.copy(FIXTURES / "clean_widgets.ipynb", clean)
    assert audit.main([str(clean), str(FIXTURES / "clean.py")]) == 0
    assert audit.main([str(tmp_path / "missing.ipynb")]) == 2
    assert audit.main([]) == 2
    assert audit.main(["--bogus", str(clean)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli_main(["audit", str(FIXTURES / "leaky.env")]) == 1


def test_exclude_and_directory_walk(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(FIXTURES / "leaky.env", tmp_path / "sub" / ".env")
    shutil.copy(FIXTURES / "leaky.py", tmp_path / "sub" / "keys.py")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\0" + KEY.encode())
    (tmp_path / ".git").mkdir()
    shutil.copy(FIXTURES / "leaky.py", tmp_path / ".git" / "hooked.py")
    files = sorted(p.name for p in audit.iter_files([str(tmp_path)]))
    assert files == [".env", "keys.py"]
    assert audit.audit([str(tmp_path)], exclude=["*/sub/*"]) == []


def test_unparseable_notebook_is_scanned_as_text(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text(f'{{"cells": [ "consumer_key = {KEY}"')
    assert [f.kind for f in audit.scan_file(broken)] == ["consumer key"]


def test_console_script_runs_as_a_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "etrade_nb", "audit", str(FIXTURES / "leaky.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "leaky.yaml: line 2: token" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr


def test_pre_commit_hook_definition() -> None:
    text = (Path(__file__).resolve().parents[3] / ".pre-commit-hooks.yaml").read_text()
    assert "id: etrade-nb-audit" in text
    assert "entry: etrade-nb audit" in text
    pattern = re.search(r"files: '([^']+)'", text)
    assert pattern is not None
    files = re.compile(pattern.group(1))
    for name in ("a.ipynb", "b.py", ".env", "c.yml", "d.yaml", "e.toml", "f.cfg", "g.md"):
        assert files.search(name), name
    assert not files.search("h.png")
