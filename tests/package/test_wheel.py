"""What users install: the sdist and the wheel, built, checked, and used from a fresh venv.

``python -m build`` makes the sdist and then the wheel *from the sdist* (so a file the
sdist forgets breaks the wheel here, not for a user), with the build backend of this venv
(``--no-isolation``: no download). ``twine check --strict`` reads the metadata and renders
the README as PyPI would. The fresh venv gets the wheel with its ``notebook`` and
``pandas`` extras, matplotlib and nbclient from pip (its cache makes that quick), nothing
from the checkout; ``installed_smoke.py`` then logs in against the emulator and runs every demo
notebook from the installed package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from pathlib import Path

import pytest

import etrade_nb
from tests.nbval.plugin import kernel_environ

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
VERSION = etrade_nb.__version__

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def _run(*cmd: str | Path, cwd: Path = ROOT, timeout: float = 300, **kw: object) -> str:
    done = subprocess.run(
        [str(c) for c in cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,  # type: ignore[call-overload]
    )
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return str(done.stdout)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT)
    built = {p.suffix: p for p in out.iterdir()}
    assert sorted(p.name for p in out.iterdir()) == [
        f"etrade_nb-{VERSION}-py3-none-any.whl",
        f"etrade_nb-{VERSION}.tar.gz",
    ]
    return {"wheel": built[".whl"], "sdist": built[".gz"]}


def test_metadata_and_readme_pass_twine_check(dist: dict[str, Path]) -> None:
    out = _run(sys.executable, "-m", "twine", "check", "--strict", *dist.values())
    assert out.count("PASSED") == 2, out


def test_the_wheel_holds_the_package_notebooks_and_server_config(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as whl:
        names = set(whl.namelist())
        info = f"etrade_nb-{VERSION}.dist-info"
        metadata = whl.read(f"{info}/METADATA").decode()
        entry_points = whl.read(f"{info}/entry_points.txt").decode()
        config = f"etrade_nb-{VERSION}.data/data/etc/jupyter/jupyter_server_config.d/etrade_nb.json"
        enabled = json.loads(whl.read(config))["ServerApp"]["jpserver_extensions"]
        shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith("etrade_nb/_notebooks/")}
        notebooks = {n: whl.read(f"etrade_nb/_notebooks/{n}") for n in NOTEBOOKS}
    assert f"Version: {VERSION}" in metadata.splitlines()
    assert "Description-Content-Type: text/markdown" in metadata
    assert "etrade-nb = etrade_nb.cli.main:main" in entry_points
    assert "etrade-nb-emulator = etrade_nb.emulator.__main__:main" in entry_points
    assert enabled == {"etrade_nb.server_extension": True}
    assert shipped == set(NOTEBOOKS) and all(
        data == (ROOT / "notebooks" / n).read_bytes() for n, data in notebooks.items()
    )
    source = {str(p.relative_to(ROOT)) for p in (ROOT / "etrade_nb").rglob("*.py")}
    assert source | {"etrade_nb/py.typed"} <= names
    outside = {n for n in names if not n.startswith(("etrade_nb/", "etrade_nb-"))}
    assert outside == set(), "only the package and its metadata belong in the wheel"


def test_the_sdist_holds_the_sources_and_no_local_state(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    for wanted in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "etrade_nb/__init__.py",
        "etrade_nb/py.typed",
        "jupyter-config/jupyter_server_config.d/etrade_nb.json",
        *(f"notebooks/{n}" for n in NOTEBOOKS),
    ):
        assert wanted in names, wanted
    local = ("/.venv/", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".git/")
    assert [n for n in names if any(part in f"/{n}" for part in local)] == []
    assert dist["sdist"].stat().st_size < 2_000_000


@pytest.fixture(scope="module")
def fresh_venv(dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with the wheel (and what it declares) installed, no checkout on its path."""
    home = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(home)
    python = home / "bin" / "python"
    started = time.monotonic()
    _run(
        python,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",  # byte-compile only what the smoke test imports, when it does
        f"{dist['wheel']}[notebook,pandas]",
        "matplotlib",  # notebooks/06's payoff charts (the demo extra has it; JupyterLab not needed)
        "nbclient",
        "pandas-stubs",  # for the user-snippet type check (test venv's mypy, this venv's packages)
        cwd=home,
    )
    print(f"fresh venv: pip install took {time.monotonic() - started:.1f}s")
    return python


def test_the_installed_wheel_logs_in_and_runs_the_demo_notebooks(
    fresh_venv: Path, tmp_path: Path
) -> None:
    env = kernel_environ(dict(os.environ), tmp_path)
    env.pop("PYTHONPATH", None)
    out = _run(
        fresh_venv,
        Path(__file__).with_name("installed_smoke.py"),
        tmp_path,
        *NOTEBOOKS,
        cwd=tmp_path,
        env=env,
        timeout=420,
    )
    assert out.count("ok: ") == 2 + len(NOTEBOOKS), out


USER_SNIPPET = """\
from typing import Any

from pandas import DataFrame
from typing_extensions import assert_type

from etrade_nb import OAuthFlow, OrderPreview, QuoteList, Session, limit_order


def analyst(flow: OAuthFlow, code: str) -> None:
    etrade = flow.finish(code)
    assert_type(etrade, Session)
    assert_type(etrade.accounts(), list[dict[str, Any]])
    accounts = etrade.accounts(as_frame=True)
    assert_type(accounts, DataFrame)
    assert_type(etrade.balance(accounts.iloc[0]), dict[str, Any])
    assert_type(etrade.portfolio("84010429"), dict[str, Any])
    assert_type(etrade.portfolio("84010429", as_frame=True, with_quotes=True), DataFrame)
    assert_type(etrade.position_lots("84010429", 1, as_frame=True), DataFrame)
    assert_type(etrade.transactions("84010429", as_frame=True), DataFrame)
    assert_type(etrade.quotes(["AAPL", "MSFT"]), QuoteList)
    assert_type(etrade.quotes("AAPL", as_frame=True), DataFrame)
    assert_type(etrade.lookup("Apple"), list[dict[str, Any]])
    assert_type(etrade.option_expirations("AAPL", as_frame=True), DataFrame)
    assert_type(etrade.option_chain("AAPL"), dict[str, Any])
    assert_type(etrade.option_chain("AAPL", "2026-06-19", as_frame=True), DataFrame)
    assert_type(etrade.orders("84010429", status="OPEN", as_frame=True), DataFrame)
    assert_type(etrade.alerts(as_frame=True), DataFrame)
    assert_type(etrade.find_order("abc123"), dict[str, Any] | None)
    preview = etrade.preview_order("84010429", limit_order("AAPL", "BUY", 10, 150.0))
    assert_type(preview, OrderPreview)
    etrade.accounts().iloc  # dicts, not a DataFrame: the editor says so
"""


def test_a_users_snippet_type_checks_against_the_installed_package(
    fresh_venv: Path, tmp_path: Path
) -> None:
    """mypy (this venv's) checks a user's code against the fresh venv's packages only."""
    (tmp_path / "analysis.py").write_text(USER_SNIPPET)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--python-executable",
         str(fresh_venv), "--cache-dir", str(tmp_path / "cache"), "analysis.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    last = len(USER_SNIPPET.splitlines())
    assert errors == [
        f'analysis.py:{last}: error: "list[dict[str, Any]]" has no attribute "iloc"  [attr-defined]'
    ], done.stdout + done.stderr
