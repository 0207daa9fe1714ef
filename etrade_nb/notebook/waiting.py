"""Blocking the cell until the code comes: the kernel's own stdin prompt, and its release.

Measured (ipykernel 6.31-7.4, JupyterLab 4.6, Notebook 7.6): polling loops that wait for widget
messages no longer work on ipykernel >= 7.4 without private subshell APIs, but the kernel's
stdin prompt (``input``/``getpass``, an ``input_request``) blocks the cell in JupyterLab,
Notebook 7, VS Code and Colab on every ipykernel, through public API only. So the cell waits
in a password prompt (the code is neither echoed nor saved) and anything else that ends the
login (the callback arrived, the link expired, a code came through a widget on another
thread) *releases* the prompt: it raises ``KeyboardInterrupt`` in the main thread, which
ipykernel's prompt loop lets through within 10 ms, and which :class:`Waiter` tells apart from
the person's own interrupt. Nothing here exchanges a code: only the main thread does.
"""

from __future__ import annotations

import _thread
import contextlib
import threading
import time
from collections.abc import Callable

from .frontend import Ask


class Released(Exception):
    """The prompt was released from another thread (not the person's interrupt)."""


class Waiter:
    """One blocking wait of the main thread; other threads only ``offer`` or ``release``."""

    def __init__(self, release: Callable[[], None] = _thread.interrupt_main) -> None:
        self._interrupt = release
        self._lock = threading.Lock()
        self._prompting = False
        self._in_flight = False  # an interrupt was sent and not yet absorbed
        self._missed = False  # a release came while no prompt was up: the next one is skipped
        self._offered: str | None = None
        self.unanswered = False  # a prompt was left open (released or interrupted)

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
        """Wake the main thread from the prompt, or keep it from entering the next one.

        Safe from any thread; a second release while one is on its way does nothing.
        """
        with self._lock:
            if not self._prompting:
                self._missed = True
            elif not self._in_flight:
                self._in_flight = True
                self._interrupt()

    def ask(self, ask: Ask, prompt: str) -> str:
        """``ask(prompt)`` on the main thread; :class:`Released` when another thread woke it.

        A ``KeyboardInterrupt`` that is not a release (the person pressed Interrupt) passes.
        """
        with self._lock:
            if self._offered is not None or self._missed:
                self._missed = False
                raise Released
            self._prompting = True
        try:
            answer = ask(prompt)
        except KeyboardInterrupt:
            with self._lock:
                self._prompting = False
                ours, self._in_flight = self._in_flight, False
                self.unanswered = True
            if ours:
                raise Released from None
            raise
        with self._lock:
            self._prompting = False
            late, self._in_flight = self._in_flight, False
        if late:  # released just as the answer came: the interrupt lands here, not later
            with contextlib.suppress(KeyboardInterrupt):
                time.sleep(0.5)
        return answer


__all__ = ["Released", "Waiter"]
