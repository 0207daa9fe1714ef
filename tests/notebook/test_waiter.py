"""Waiter: the main thread's prompt, which only the person ends (real threads)."""

from __future__ import annotations

import threading
import time

import pytest

from etrade_nb.notebook.waiting import Released, Waiter


def test_a_release_never_ends_a_prompt_on_screen() -> None:
    # A prompt the kernel ends itself stays pending in JupyterLab: only the person ends it.
    waiter = Waiter()

    def answered_later(prompt: str) -> str:
        threading.Thread(target=waiter.release).start()
        time.sleep(0.3)  # a release meanwhile must not interrupt this
        return "K7Q2M"

    assert waiter.ask(answered_later, "code: ") == "K7Q2M"


def test_a_release_before_the_prompt_is_not_lost() -> None:
    waiter = Waiter()
    waiter.release()  # the callback arrived between the checks and the prompt
    with pytest.raises(Released):
        waiter.ask(lambda prompt: pytest.fail("asked anyway"), "code: ")
    assert waiter.ask(lambda prompt: "K7Q2M", "code: ") == "K7Q2M"  # only once


def test_an_offered_code_skips_the_prompt_and_is_taken_once() -> None:
    waiter = Waiter()
    waiter.offer("K7Q2M")
    with pytest.raises(Released):
        waiter.ask(lambda prompt: pytest.fail("asked anyway"), "code: ")
    assert waiter.take() == "K7Q2M" and waiter.take() is None


def test_the_persons_interrupt_is_not_a_release() -> None:
    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    waiter = Waiter()
    with pytest.raises(KeyboardInterrupt):
        waiter.ask(interrupted, "code: ")
    assert waiter.unanswered  # its box stays on screen in JupyterLab until cleared
