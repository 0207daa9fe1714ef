"""Run notebooks in a real ipykernel (nbclient) pointed at a test emulator, HOME in tmp."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import nbformat
import pytest
from nbclient import NotebookClient

from etrade_nb.emulator import EmulatorServer
from tests.jupyter_dirs import private_jupyter_dirs


def kernel_env(
    monkeypatch: pytest.MonkeyPatch, tmp: Path, emu: EmulatorServer, **extra: str
) -> None:
    """Patch os.environ (the kernel inherits it): emulator vars, private HOME/IPython/Jupyter."""
    for var, value in private_jupyter_dirs(tmp).items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv("ETRADE_NB_TOKEN_CACHE", "off")
    for var in ("ETRADE_NB_UI", "ETRADE_NB_DEMO_AUTO_APPROVE"):
        monkeypatch.delenv(var, raising=False)
    for key, value in {**emu.environ(), **extra}.items():
        monkeypatch.setenv(key, value)


def notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def client(nb: nbformat.NotebookNode, tmp: Path, **kwargs: Any) -> NotebookClient:
    return NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp)}},
        **kwargs,
    )


def texts(cell: nbformat.NotebookNode, mime: str = "text/plain") -> str:
    return "\n".join(
        "".join(o.get("data", {}).get(mime, "")) if "data" in o else "".join(o.get("text", ""))
        for o in cell.outputs
    )


def secrets_of(emu: EmulatorServer) -> dict[str, str]:
    """Every secret the emulator issued or knows, labelled (tokens, secrets, verifiers)."""
    found = {"consumer secret": emu.consumer_secret}
    with emu.state.lock:
        for i, rt in enumerate(emu.state.request_tokens.values()):
            found[f"request token {i}"] = rt.token
            found[f"request token secret {i}"] = rt.secret
            if rt.verifier:
                found[f"verifier {i}"] = rt.verifier
        for i, at in enumerate(emu.state.access_tokens.values()):
            found[f"access token {i}"] = at.token
            found[f"access token secret {i}"] = at.secret
    return found


def leaks(path: Path, secrets: dict[str, str]) -> list[str]:
    """Labels of the secrets found in the file, in any common encoding."""
    text = path.read_text(encoding="utf-8")
    out = []
    for label, value in secrets.items():
        forms = {value, quote(value, safe=""), quote_plus(value, safe=""), json.dumps(value)[1:-1]}
        if any(form in text for form in forms):
            out.append(label)
    return out


def save(nb: nbformat.NotebookNode, path: Path) -> Path:
    nbformat.write(nb, os.fspath(path))
    return path
