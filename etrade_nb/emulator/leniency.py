"""What the emulator lets through, per request: lenient like E*TRADE, or strict on request.

E*TRADE takes requests that carry things it does not use: pyetrade has sent ``detailflag``
(lower-case f) for years and copies every keyword argument, ``accountIdKey`` included, into
``Order``; other clients send a preview's ``Order[]`` back when they place, or
``<limitPrice>None</limitPrice>`` on a MARKET order. By default the emulator does the same:
it ignores such a thing and says so where a developer looks and no client trips, in the
``X-Emulator-Ignored`` response header and the emulator's log (``EmulatorServer.log`` and
the ``etrade_nb.emulator`` logger). With ``strict`` (``EmulatorServer(strict=True)``,
``etrade-nb-emulator --strict``) each is refused by name with a "did you mean" hint, so a
client's own tests catch its mistakes.

The handler thread of each request holds one :class:`Leniency` (``active()``); code that
runs outside a request (unit tests calling the checks directly) gets a lenient one that
records nothing anyone reads.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .messages import ApiError

HEADER = "X-Emulator-Ignored"
ERR_PARAMETER = 1005  # the emulator's own: unknown or invalid query parameter
ERR_ORDER = 1001  # the emulator's own: malformed or unsupported order request
_log = logging.getLogger("etrade_nb.emulator")


def suggestion(name: str, known: Iterable[str]) -> str:
    """`` Did you mean X?`` for the nearest known name (case first), or ``""``."""
    known = list(known)
    for candidate in known:
        if candidate.lower() == name.lower():
            return f" Did you mean {candidate}?"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    return f" Did you mean {close[0]}?" if close else ""


class Leniency:
    """One request's record of what was ignored (or, when strict, the refusal)."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.ignored: list[str] = []

    def _note(self, name: str, why: str) -> None:
        if name not in self.ignored:
            self.ignored.append(name)
        _log.info("emulator ignored %r: %s", name, why)

    def parameter(self, name: str, known: Iterable[str]) -> None:
        """An unknown query parameter: ignored, or refused when strict."""
        known = tuple(known)
        if self.strict:
            shown = ", ".join(known) or "none"
            raise ApiError(
                400,
                ERR_PARAMETER,
                f"Unknown parameter {name}.{suggestion(name, known)} This call accepts: {shown}.",
            )
        self._note(name, "not a parameter of this call")

    def fields(self, names: Iterable[str], where: str, known: Iterable[str]) -> None:
        """Unknown fields of an order body element ``where``: ignored, or refused."""
        names = sorted(names)
        if not names:
            return
        known = sorted(known)
        if self.strict:
            hints = "".join(suggestion(n, known) for n in names)
            raise ApiError(
                400,
                ERR_ORDER,
                f"Unknown field(s) in {where}: {', '.join(names)}.{hints} Remove them.",
            )
        for name in names:
            self._note(f"{where}.{name}", f"not a field of {where}")

    def loose(self, value: object, name: str, allowed: tuple[str, ...]) -> object:
        """An enumeration value in the wrong case (``Put``) read as E*TRADE reads it (``PUT``);
        refused with the right spelling when strict. Anything else is returned unchanged."""
        if not isinstance(value, str) or value in allowed or value.upper() not in allowed:
            return value
        if self.strict:
            raise ApiError(
                400, ERR_ORDER, f"{name} {value!r} is invalid. Did you mean {value.upper()}?"
            )
        self._note(f"{name}={value}", f"read as {value.upper()}")
        return value.upper()

    def unused_price(self, name: str, value: object, price_type: str) -> bool:
        """Whether ``value`` is a null/``"None"`` ``name`` on a ``price_type`` that takes no
        such price (E*TRADE's sample sends ``<limitPrice>None</limitPrice>`` on MARKET).
        True means: treat it as absent. Refused when strict."""
        if value is not None and (
            not isinstance(value, str) or value.strip() not in ("None", "null")
        ):
            return False
        if self.strict:
            raise ApiError(
                400,
                ERR_ORDER,
                f"{name} {value!r}: a {price_type} order takes no {name.rsplit('.', 1)[-1]}; "
                "leave it out.",
            )
        self._note(name, f"{value!r} on a {price_type} order, which takes none")
        return True

    def differs(self, name: str, given: str, kept: str, why: str) -> None:
        """A value that differs from the one it must match (a place's ``clientOrderId`` vs
        its preview's): ``kept`` wins, or, when strict, refused."""
        if self.strict:
            raise ApiError(400, 101, f"{name} {given!r} differs from {why} {kept!r}.")
        self._note(name, f"{given!r} differs from {why} {kept!r}; kept {kept!r}")

    def stretch(self, name: str, why: str, refusal: str) -> None:
        """Something E*TRADE takes though the docs describe less (a SPREADS order of three
        or four legs): taken and noted as ``name``, or, when strict, refused with ``refusal``."""
        if self.strict:
            raise ApiError(400, ERR_ORDER, refusal)
        self._note(name, why)

    def header(self) -> list[tuple[str, str]]:
        """``X-Emulator-Ignored: a, b``: names escaped to printable ASCII (a parameter name
        can hold anything, CR/LF included), at most ``MAX_HEADER`` characters."""
        if not self.ignored:
            return []
        text = ", ".join(_printable(name) for name in self.ignored)
        if len(text) > MAX_HEADER:
            text = text[: MAX_HEADER - 3] + "..."
        return [(HEADER, text)]


MAX_HEADER = 2000


def _printable(name: str) -> str:
    escaped = name.encode("unicode_escape").decode("ascii")
    return "".join(c if " " <= c <= "~" else f"\\x{ord(c):02x}" for c in escaped)


_current: ContextVar[Leniency | None] = ContextVar("etrade_nb_emulator_leniency", default=None)


def active() -> Leniency:
    """The current request's :class:`Leniency` (a lenient throwaway outside a request)."""
    return _current.get() or Leniency()


@contextmanager
def request(strict: bool) -> Iterator[Leniency]:
    """Make a fresh :class:`Leniency` current for one request."""
    leniency = Leniency(strict)
    token = _current.set(leniency)
    try:
        yield leniency
    finally:
        _current.reset(token)
