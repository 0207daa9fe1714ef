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
from etrade_nb.cli.audit import Confidence, scan_line

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "audit"
KEY = "deadbeefc0ffee00facade00badc0de1"  # etrade-nb: allow (planted fake)
SECRET = "badc0de1facade00c0ffee00deadbeef0123456789abcdef0123456789abcdef"  # etrade-nb: allow
TOKEN = "FAKE/TOKEN+for+etrade+nb+tests+only+0000001="  # etrade-nb: allow (planted fake)
TOKEN_SECRET = "FAKE/SECRET+for+etrade+nb+tests+only+000001="  # etrade-nb: allow (planted fake)
VERIFIER = "F4KE9"  # etrade-nb: allow (planted fake)
PLANTED = (KEY, SECRET, TOKEN, TOKEN_SECRET, VERIFIER)


def _forms(value: str) -> list[str]:
    """The value and the encodings the planted corpus hides it in."""
    forms = [value, quote(value, safe=""), quote(quote(value, safe=""), safe="")]
    forms += [value.replace("/", "\\/"), base64.b64encode(value.encode()).decode()[:16]]
    return [*forms, value[:6]] if len(value) > 8 else forms


def _kinds(line: str, at_least: Confidence = Confidence.MEDIUM) -> list[str]:
    return sorted(kind for kind, confidence, _ in scan_line(line) if confidence >= at_least)


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
        (f"My E*TRADE consumer key is {KEY}", ["consumer key"]),
        (f"--consumer-secret {SECRET}", ["consumer secret"]),
        (f"export ETRADE_CONSUMER_SECRET='{SECRET}'", ["consumer secret"]),
        (f'"oauth_token": "{TOKEN}"', ["token"]),
        (f"oauth_token={quote(quote(TOKEN, safe=''), safe='')}", ["token"]),  # %252F
        (f'{{"u": "?oauth_token={TOKEN.replace("/", chr(92) + "/")}"}}', ["token"]),  # \/
        ("oauth_token=" + TOKEN.replace("/", "\\u002F"), ["token"]),
        (f"token: {TOKEN.replace('/', '_').replace('+', '-')}", ["token"]),  # URL-safe
        (
            "Authorization: Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode(),
            ["consumer key", "consumer secret"],
        ),
        (
            "data:application/json;base64,"
            + base64.b64encode(json.dumps({"oauth_token_secret": TOKEN_SECRET}).encode()).decode(),
            ["token secret"],
        ),
        (f"https:&#x2F;&#x2F;x.test&#x2F;?key={KEY}&amp;token={TOKEN}", ["consumer key", "token"]),
    ],
)
def test_secret_shapes_are_found(line: str, kinds: list[str]) -> None:
    assert _kinds(line) == sorted(kinds)


@pytest.mark.parametrize(
    "line",
    [
        f'{{"model_id": "{KEY}", "version_major": 2}}',
        f'"layout": "IPY_MODEL_{KEY}"',
        "digest = 9dd4e461268c8034f5c8564e155c67a6",
        'cache_key = "9dd4e461268c8034f5c8564e155c67a6"',
        "The cache key 9dd4e461268c8034f5c8564e155c67a6 is rebuilt nightly.",
        "key: 4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "Rotated the key in commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904.",
        "sha256 of the key: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "OAuth1Session(ck, cs, resource_owner_key=oauth_token, oauth_verifier=verifier)",
        "params = {'oauth_token': token, 'oauth_verifier': code}",
        "url = f'{base}?oauth_token={token}&oauth_verifier={verifier}'",
        "oauth_token=...&oauth_token_secret=...",
        "ETRADE_CONSUMER_KEY=<your consumer key>",
        "consumer_secret = os.environ['ETRADE_CONSUMER_SECRET']",
        'integrity="sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="',
        'consumer_key = "282683cc9e4b8fc81dea6bc687d46758"  # E*TRADE docs sample',
        "consumer_key = '00000000000000000000000000000000'",
        "consumer_key = '0123456789abcdef0123456789abcdef'",
        f'consumer_key = "{KEY}"  # etrade-nb: allow',
        "verify the order preview before placing it",
        "zip_code = '10001'; status_code = 'E1234'",
        "token = base64.b64encode(secrets.token_bytes(32)).decode('ascii')",
    ],
)
def test_ordinary_lines_are_clean(line: str) -> None:
    assert _kinds(line, Confidence.LOW) == []


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
    assert {f.confidence for f in found} == {Confidence.HIGH}
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
    assert sorted(f.kind for f in audit.scan_file(FIXTURES / name)) == kinds


def test_cli_prints_locations_but_never_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    assert audit.main([str(FIXTURES)]) == 1
    out, err = capsys.readouterr()
    assert "leaky.ipynb: cell 2, source line 2: consumer secret (high confidence)" in out
    assert "leaky.env: line 1: consumer key (high confidence)" in out
    assert "planted/login.sh: line 2: consumer secret (high confidence)" in out
    assert "etrade-nb: allow" in err
    assert re.search(r"scanned \d+ files, \d+ findings in \d+ files", err)
    for value in PLANTED:
        for form in _forms(value):
            assert form not in out + err


def test_findings_are_ranked_most_confident_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert audit.main([str(FIXTURES / "planted")]) == 1
    levels = [line.rsplit("(", 1)[1].split()[0] for line in capsys.readouterr().out.splitlines()]
    assert levels == sorted(levels, key=["high", "medium", "low"].index)
    assert "high" in levels and "medium" in levels and "low" not in levels


def test_clean_scan_says_what_it_scanned(capsys: pytest.CaptureFixture[str]) -> None:
    assert audit.main([str(FIXTURES / "clean"), str(FIXTURES / "clean.py")]) == 0
    out = capsys.readouterr().out
    files = len([p for p in (FIXTURES / "clean").iterdir() if p.is_file()]) + 1
    assert out.strip() == f"etrade-nb audit: scanned {files} files, 0 findings."


def test_min_confidence_low_lists_what_medium_hides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = tmp_path / "settings.py"
    odd.write_text('consumer_secret = "hunter2-but-longer"\n')
    assert audit.main([str(odd)]) == 0
    out = capsys.readouterr().out
    assert "0 findings (1 lower-confidence finding not shown; --min-confidence low" in out
    assert audit.main(["--min-confidence", "low", str(odd)]) == 1
    out = capsys.readouterr().out
    assert "settings.py: line 1: consumer secret (low confidence)" in out
    assert "hunter2" not in out


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.ipynb"
    shutil.copy(FIXTURES / "clean_widgets.ipynb", clean)
    assert audit.main([str(clean), str(FIXTURES / "clean.py")]) == 0
    assert audit.main([str(tmp_path / "missing.ipynb")]) == 2
    assert audit.main([]) == 2
    assert audit.main(["--bogus", str(clean)]) == 2
    assert audit.main(["--min-confidence", "sure", str(clean)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert cli_main(["audit", str(FIXTURES / "leaky.env")]) == 1


def test_exclude_and_directory_walk(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(FIXTURES / "leaky.env", tmp_path / "sub" / ".env")
    shutil.copy(FIXTURES / "leaky.py", tmp_path / "sub" / "keys.py")
    for name in (".env.local", ".envrc", "login.sh"):
        shutil.copy(FIXTURES / "planted" / name, tmp_path / "sub" / name)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\0" + KEY.encode())
    (tmp_path / ".git").mkdir()
    shutil.copy(FIXTURES / "leaky.py", tmp_path / ".git" / "hooked.py")
    files = sorted(p.name for p in audit.iter_files([str(tmp_path)]))
    assert files == [".env", ".env.local", ".envrc", "keys.py", "login.sh"]
    assert {f.path.rsplit("/", 1)[1] for f in audit.audit([str(tmp_path)])} == set(files)
    assert audit.audit([str(tmp_path)], exclude=["*/sub/*"]) == []


def test_unparseable_files_are_still_read(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text(f'{{"cells": [ "consumer_key = {KEY}"')
    assert [f.kind for f in audit.scan_file(broken)] == ["consumer key"]
    half = tmp_path / "half.py"  # a syntax error: the call is still read as one statement
    half.write_text(f'flow = OAuthFlow(\n    "{KEY}",\n    "{SECRET}",\n\nif x\n')
    assert sorted(f.kind for f in audit.scan_file(half)) == ["consumer key", "consumer secret"]


def test_console_script_runs_as_a_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "etrade_nb", "audit", str(FIXTURES / "leaky.yaml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "leaky.yaml: line 2: token (high confidence)" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr


def test_pre_commit_hook_definition() -> None:
    text = (Path(__file__).resolve().parents[3] / ".pre-commit-hooks.yaml").read_text()
    assert "id: etrade-nb-audit" in text
    assert "entry: etrade-nb audit" in text
    pattern = re.search(r"files: '([^']+)'", text)
    assert pattern is not None
    files = re.compile(pattern.group(1))
    assert pattern.group(1) == audit.HOOK_PATTERN  # the hook and a folder scan agree
    names = ["a.ipynb", "b.py", ".env", "c.yml", "d.yaml", "e.toml", "f.cfg", "g.md"]
    names += [".env.local", "dir/.env.production", ".envrc", "run.sh", "x/deploy.bash"]
    for name in names:
        assert files.search(name), name
        assert audit.wanted(name.rsplit("/", 1)[-1]), name
    for name in ("h.png", "environment.lock", "notes.envy", "my.env.bak"):
        assert not files.search(name), name
        assert not audit.wanted(name), name
