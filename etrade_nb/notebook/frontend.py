"""What the notebook layer needs of IPython and the front end, as small Protocols and checks.

No etrade logic here, and no import of the magics or the login: both use this module.
The checks are signals measured in each front end: the running request's ``allow_stdin``
is False under nbclient, nbconvert, papermill, nbval and Voila, True for Run All in
JupyterLab, Notebook 7 and VS Code.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, Protocol


class Shell(Protocol):
    """The IPython shell the magics run in (``InteractiveShell`` or ``ZMQInteractiveShell``)."""

    @property
    def user_ns(self) -> MutableMapping[str, Any]: ...

    def push(self, variables: Mapping[str, Any] | str, interactive: bool = True) -> None: ...


class DisplayHandle(Protocol):
    """``IPython.display.DisplayHandle``: replaces an output in place."""

    def update(self, obj: object, **kwargs: object) -> None: ...


class Display(Protocol):
    """Shows an object or a raw mime bundle; with ``display_id=True`` returns its handle."""

    def __call__(self, obj: object, *, display_id: bool = False) -> DisplayHandle | None: ...


class Ask(Protocol):
    """Blocks until the person types a line (the kernel's stdin prompt, or the terminal)."""

    def __call__(self, prompt: str) -> str: ...


def ipython_display(obj: object, *, display_id: bool = False) -> DisplayHandle | None:
    """IPython's ``display``: dicts are raw mime bundles."""
    from IPython.display import display

    handle: DisplayHandle | None = display(obj, raw=isinstance(obj, dict), display_id=display_id)
    return handle


def ipython_clear() -> None:
    """Clear the running cell's output (the only way to take away an abandoned prompt)."""
    from IPython.display import clear_output

    clear_output()


def ask_password(prompt: str) -> str:
    """The kernel's (or terminal's) password prompt: the value is not echoed or saved."""
    return getpass.getpass(prompt)  # looked up at call time: ipykernel replaces it per request


def stdin_is_tty() -> bool:
    """True when a person can type at this process's stdin (terminal IPython, plain Python)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def kernel_of(shell: object) -> object | None:
    """The shell's ipykernel, ``None`` in terminal IPython or plain Python."""
    return getattr(shell, "kernel", None)


def request_allows_stdin(kernel: object) -> bool:
    """``allow_stdin`` of the request running now (False: a headless run; nobody can answer).

    ipykernel >= 6 exposes the parent request (``get_parent``); older ones keep
    ``_allow_stdin``. Anything unexpected counts as headless, so a run never waits by mistake.
    """
    get_parent = getattr(kernel, "get_parent", None)
    if callable(get_parent):
        try:
            content = get_parent().get("content", {})
        except (TypeError, AttributeError, KeyError):
            content = None
        if isinstance(content, dict) and "allow_stdin" in content:
            return content["allow_stdin"] is True
    return getattr(kernel, "_allow_stdin", False) is True


def can_ask(shell: object) -> bool:
    """Can a prompt reach a person now? Kernel: the request allows stdin; else a terminal."""
    kernel = kernel_of(shell)
    return request_allows_stdin(kernel) if kernel is not None else stdin_is_tty()


VOILA_VARS = ("VOILA_KERNEL_ID", "VOILA_SERVER_URL", "VOILA_BASE_URL")
"""Variables Voila (0.4, 0.5) sets in the environment of the kernels it starts."""


def in_voila(environ: Mapping[str, str] | None = None) -> bool:
    """True in a kernel Voila started: a page of outputs, no cells to type into."""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in VOILA_VARS)


def widgets_available() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


__all__ = [
    "Ask",
    "Display",
    "DisplayHandle",
    "Shell",
    "ask_password",
    "can_ask",
    "in_voila",
    "ipython_clear",
    "ipython_display",
    "kernel_of",
    "request_allows_stdin",
    "stdin_is_tty",
    "widgets_available",
]
