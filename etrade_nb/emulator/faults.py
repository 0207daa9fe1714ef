"""Fault switches for tests: failures, connection resets, delays and malformed bodies.

Every switch is consumed as it fires and is safe to flip from any thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

MODES = ("status", "reset", "cut", "auth_as_500_xml")
KINDS = ("html", "garbage", "truncated_json")


@dataclass
class Failure:
    """One queued failure; ``remaining`` counts down as matching requests arrive."""

    remaining: int
    status: int = 500
    path_prefix: str | None = None
    after_processing: bool = False
    mode: str = "status"

    def matches(self, path: str) -> bool:
        return self.path_prefix is None or path.startswith(self.path_prefix)


class Faults:
    """``emu.faults``: ``fail_next``, ``delay``, ``malformed_next`` and ``reset``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: list[Failure] = []
        self._delay = 0.0
        self._delay_left: int | None = None
        self._malformed: list[list[int | str]] = []
        self.delays: list[float] = []  # every delay applied, in seconds, oldest first

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        path_prefix: str | None = None,
        after_processing: bool = False,
        mode: str = "status",
    ) -> None:
        """Fail the next ``n`` requests whose path starts with ``path_prefix`` (any if None).

        ``mode`` picks the failure:

        - ``"status"``: answer ``status`` with E*TRADE's error body (JSON code 100 on ``/v1``,
          a Tomcat page elsewhere).
        - ``"reset"``: drop the connection (RST) without a response.
        - ``"cut"``: send the status line and headers announcing the whole body, then half the
          body, then close: the client reads an incomplete body (requests raises
          ``ChunkedEncodingError`` wrapping ``IncompleteRead``). The half-sent answer is the
          real one with ``after_processing=True``, else the ``"status"`` error.
        - ``"auth_as_500_xml"``: HTTP ``status`` (500 by default) with
          ``<Error><message>Unauthorized request - invalid Consumer key and/or session
          token</message></Error>``, an auth failure dressed as a server error (pyetrade#79).

        ``after_processing=True`` runs the request first (an order IS placed), then fails.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if n < 1:
            raise ValueError("n must be >= 1")
        with self._lock:
            self._failures.append(Failure(n, status, path_prefix, after_processing, mode))

    def delay(self, seconds: float, n: int | None = None) -> None:
        """Sleep ``seconds`` before answering the next ``n`` requests (all, if None).

        ``delay(0)`` switches delays off. Each delay applied is appended to ``delays``, so
        tests can check which requests were held back without timing them.
        """
        with self._lock:
            self._delay = max(0.0, float(seconds))
            self._delay_left = n if self._delay else None

    def malformed_next(self, n: int = 1, kind: str = "html") -> None:
        """Replace the next ``n`` successful ``/v1`` bodies: HTML page, random bytes or cut JSON."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        with self._lock:
            self._malformed.append([n, kind])

    def reset(self) -> None:
        """Clear every switch (``delays``, the record of past delays, is kept)."""
        with self._lock:
            self._failures.clear()
            self._malformed.clear()
            self._delay, self._delay_left = 0.0, None

    # -- used by the server -------------------------------------------------------------

    def take_failure(self, path: str) -> Failure | None:
        with self._lock:
            for failure in self._failures:
                if failure.matches(path):
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        self._failures.remove(failure)
                    return failure
        return None

    def take_delay(self) -> float:
        with self._lock:
            if not self._delay:
                return 0.0
            seconds = self._delay
            if self._delay_left is not None:
                self._delay_left -= 1
                if self._delay_left <= 0:
                    self._delay, self._delay_left = 0.0, None
            self.delays.append(seconds)
            return seconds

    def take_malformed(self) -> str | None:
        with self._lock:
            if not self._malformed:
                return None
            entry = self._malformed[0]
            entry[0] = int(entry[0]) - 1
            if int(entry[0]) <= 0:
                self._malformed.pop(0)
            return str(entry[1])
