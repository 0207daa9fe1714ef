"""The checks that tell a front end a person uses from a headless run, branch by branch."""

from __future__ import annotations

from typing import Any

import pytest

from etrade_nb.notebook import frontend


class Kernel:
    """ipykernel >= 6: the running request is ``get_parent()``."""

    def __init__(self, parent: Any) -> None:
        self.parent = parent

    def get_parent(self) -> Any:
        if isinstance(self.parent, Exception):
            raise self.parent
        return self.parent


class OldKernel:
    """ipykernel 5: only ``_allow_stdin``."""

    def __init__(self, allow: bool) -> None:
        self._allow_stdin = allow


class Shell:
    def __init__(self, kernel: object | None) -> None:
        self.kernel = kernel


@pytest.mark.parametrize(
    ("kernel", "allowed"),
    [
        (Kernel({"content": {"allow_stdin": True}}), True),  # JupyterLab, Notebook 7, VS Code
        (Kernel({"content": {"allow_stdin": False}}), False),  # nbclient, papermill, Voila
        (Kernel({}), False),  # no request running: nobody to ask
        (Kernel(TypeError("no parent")), False),
        (Kernel({"content": {"allow_stdin": "yes"}}), False),  # only a real True counts
        (OldKernel(True), True),
        (OldKernel(False), False),
        (object(), False),
    ],
)
def test_request_allows_stdin(kernel: object, allowed: bool) -> None:
    assert frontend.request_allows_stdin(kernel) is allowed


def test_can_ask_without_a_kernel_is_whether_stdin_is_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr(frontend, "stdin_is_tty", lambda: True)
    assert frontend.can_ask(Shell(None)) is True
    monkeypatch.setattr(frontend, "stdin_is_tty", lambda: False)
    assert frontend.can_ask(Shell(None)) is False
    assert frontend.can_ask(Shell(Kernel({"content": {"allow_stdin": True}}))) is True


def test_stdin_is_tty_survives_a_closed_or_missing_stdin(monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", None)
    assert frontend.stdin_is_tty() is False
