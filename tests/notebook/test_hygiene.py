"""After a full login in a real kernel, the saved .ipynb (widget state included) has no secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etrade_nb.emulator import EmulatorServer

from .kernel import client, kernel_env, leaks, notebook, save, secrets_of, texts


@pytest.mark.parametrize("ui", ["widget", "text"])
def test_saved_notebook_holds_no_secret(
    ui: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with EmulatorServer(port=0, auto_approve=True, strict=True) as emu:
        kernel_env(monkeypatch, tmp_path, emu, ETRADE_NB_UI=ui, ETRADE_NB_DEMO_AUTO_APPROVE="1")
        nb = notebook(
            "%load_ext etrade_nb",
            "%etrade_login",
            "etrade",
            "%etrade_status",
            "len(etrade.accounts()) > 0",
        )
        client(nb, tmp_path, store_widget_state=True).execute()
        path = save(nb, tmp_path / "login.ipynb")
        secrets = secrets_of(emu)

    assert texts(nb.cells[2]) == "<etrade_nb.Session sandbox: active>"
    assert "token: active" in texts(nb.cells[3])
    assert any(k.startswith("verifier") for k in secrets)
    assert any(k.startswith("access token") for k in secrets)
    assert leaks(path, secrets) == []
    saved = json.loads(path.read_text())
    if ui == "widget":
        state = json.dumps(saved["metadata"]["widgets"])
        assert "Authorized as <code>etrade</code>" in state
        assert "auto-approved by the local emulator" in state
    else:
        assert texts(nb.cells[1]).endswith("(auto-approved by the local emulator)")


def test_code_typed_into_the_widget_box_is_not_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person's path: the code goes into ``code.value`` and Submit is clicked."""
    # the robot plays the person
    with EmulatorServer(port=0, auto_approve=True, strict=True) as emu:
        kernel_env(monkeypatch, tmp_path, emu, ETRADE_NB_UI="widget")
        nb = notebook(
            "%load_ext etrade_nb",
            "%etrade_login",
            "from etrade_nb.emulator import approve\n"
            "magics = get_ipython().magics_manager.registry['EtradeMagics']\n"
            "login = magics.manager.logins['etrade']\n"
            "login.view.code.value = approve(login.flow.authorize_url)\n"
            "login.view.submit.click()\n"
            "del login, magics",
            "etrade",
        )
        client(nb, tmp_path, store_widget_state=True).execute()
        path = save(nb, tmp_path / "typed.ipynb")
        secrets = secrets_of(emu)

    assert texts(nb.cells[3]) == "<etrade_nb.Session sandbox: active>"
    assert "verifier 0" in secrets and "access token 0" in secrets
    assert leaks(path, secrets) == []
    state = json.dumps(json.loads(path.read_text())["metadata"]["widgets"])
    assert "Authorized as <code>etrade</code>" in state
    assert '"value": ""' in state  # the Text model was saved, empty


def test_the_scan_finds_encoded_secrets(tmp_path: Path) -> None:
    path = tmp_path / "leaky.ipynb"
    path.write_text('{"a": "token=%2Fab%2Bc%3D"}')
    assert leaks(path, {"request token": "/ab+c=", "other": "zzzz"}) == ["request token"]
