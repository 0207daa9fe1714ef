"""Waiter: the main thread's prompt and its release from other threads (real threads)."""

from __future__ import annotations

import threading
import time

import pytest

from etrade_nb.notebook.waiting import Released, Waiter


def blocked(prompt: str) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(0.01)
    raise AssertionError("never released")


def test_a_release_from_another_thread_wakes_the_prompt() -> None:
    waiter = Waiter()
    threading.Timer(0.2, waiter.release).start()
    started = time.monotonic()
    with pytest.raises(Released):
        waiter.ask(blocked, "code: ")
    assert time.monotonic() - started < 3


def test_a_release_before_the_prompt_is_not_lost() -> None:
    waiter = Waiter(release=lambda: pytest.fail("nothing to interrupt"))
    waiter.release()  # the callback arrived between the checks and the prompt
    with pytest.raises(Released):
        waiter.ask(lambda prompt: pytest.fail("asked anyway"), "code: ")
    assert waiter.ask(lambda prompt: "K7Q2M", "code: ") == "K7Q2M"  # only once


def test_an_offered_code_skips_the_prompt_and_is_taken_once() -> None:
    waiter = Waiter(release=lambda: None)
    waiter.offer("K7Q2M")
    with pytest.raises(Released):
        waiter.ask(lambda prompt: pytest.fail("asked anyway"), "code: ")
    assert waiter.take() == "K7Q2M" and waiter.take() is None


def test_the_persons_interrupt_is_not_a_release() -> None:
    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Waiter().ask(interrupted, "code: ")
