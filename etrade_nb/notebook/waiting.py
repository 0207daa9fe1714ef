"""Blocking the cell until the code comes: the kernel's own stdin prompt.

Measured (ipykernel 6.31-7.4, JupyterLab 4.6, Notebook 7.6): polling loops that wait for widget
messages no longer work on ipykernel >= 7.4 without private subshell APIs, but the kernel's
stdin prompt (``input``/``getpass``, an ``input_request``) blocks the cell in JupyterLab,
Notebook 7, VS Code and Colab on every ipykernel, through public API only. So the cell waits
in a password prompt (the code is neither echoed nor saved). Only the person ends that
prompt (an answer or Interrupt): a prompt the kernel ends itself stays pending in JupyterLab
and Notebook 7 (their kernel connection keeps ``hasPendingInput`` until an ``input_reply``),
and then every cell run by hand is refused. So other threads never interrupt it: a code
offered from another thread (a widget) or a release only keeps the *next* prompt from
being asked. Nothing here exchanges a code: only the main thread does.
"""

from __future__ import annotations

import threading

from .frontend import Ask


class Released(Exception):
    """Another thread ended the wait before the prompt was asked (not the person)."""


class Waiter:
    """One blocking wait of the main thread; other threads only ``offer`` or ``release``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._missed = False  # a release came: the next prompt is not asked
        self._offered: str | None = None
        self.unanswered = False  # the person interrupted a prompt (it stays on screen)

    def offer(self, text: str) -> None:
        """A code submitted on another thread (a widget): keep it for the main thread."""
        with self._lock:
            self._offered = text
        self.release()

    def take(self) -> str | None:
        """The offered code, once."""
        with self._lock:
            text, self._offered = self._offered, None
            return text

    def release(self) -> None:
        """Keep the main thread from asking its next prompt (safe from any thread).

        A prompt already on screen stays: the person's answer or Interrupt ends it.
        """
        with self._lock:
            self._missed = True

    def ask(self, ask: Ask, prompt: str) -> str:
        """``ask(prompt)`` on the main thread; :class:`Released` when another thread ended
        the wait first. The person's ``KeyboardInterrupt`` passes."""
        with self._lock:
            if self._offered is not None or self._missed:
                self._missed = False
                raise Released
        try:
            return ask(prompt)
        except KeyboardInterrupt:
            self.unanswered = True
            raise


__all__ = ["Released", "Waiter"]
