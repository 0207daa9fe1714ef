"""Query parameters: every value checked; unknown names ignored and reported, or refused.

E*TRADE documents the parameters of each endpoint (reference §2) and an error code for some
bad values. Where a code is documented the endpoint passes it in; elsewhere the emulator
answers ``ERR_PARAMETER`` (its own code: E*TRADE publishes none for these cases). A name the
endpoint does not document is ignored as E*TRADE ignores it (pyetrade's ``detailflag``) and
reported in the ``X-Emulator-Ignored`` header and the log; in strict mode it is refused by
name with a "did you mean" hint (see :mod:`.leniency`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from . import leniency
from .leniency import ERR_PARAMETER as ERR_PARAMETER  # re-exported for the endpoints
from .messages import ApiError
from .signing import parse_form


class Query:
    """The query parameters of one data call (``oauth_*`` removed), checked against ``known``."""

    def __init__(self, text: str, known: Iterable[str], status: int = 400) -> None:
        self.known = tuple(known)
        self.status = status
        try:
            pairs = [(k, v) for k, v in parse_form(text) if not k.startswith("oauth_")]
        except ValueError:
            raise ApiError(400, ERR_PARAMETER, "Invalid percent-encoding in the query.") from None
        self.values: dict[str, str] = {}
        for name, value in pairs:
            if name not in self.known:
                leniency.active().parameter(name, self.known)
                continue
            if name in self.values:
                raise ApiError(400, ERR_PARAMETER, f"Parameter {name} was given twice.")
            self.values[name] = value

    def has(self, name: str) -> bool:
        return name in self.values

    def text(self, name: str, default: str | None = None) -> str | None:
        return self.values.get(name, default)

    def _bad(self, name: str, expected: str, code: int | None) -> ApiError:
        value = self.values.get(name, "")
        return ApiError(
            400, code or ERR_PARAMETER, f"Invalid value {value!r} for {name}: expected {expected}."
        )

    def enum(
        self, name: str, allowed: Iterable[str], default: str | None = None, code: int | None = None
    ) -> str | None:
        allowed = tuple(allowed)
        value = self.values.get(name)
        if value is None:
            return default
        if value not in allowed:
            raise self._bad(name, "one of " + ", ".join(allowed), code)
        return value

    def flag(self, name: str, default: bool = False, code: int | None = None) -> bool:
        """``true``/``false``. Case is ignored (unverified for E*TRADE; Java's
        ``Boolean.parseBoolean`` ignores case, and pyetrade sends ``True``/``False``)."""
        value = self.values.get(name)
        if value is None:
            return default
        if value.lower() not in ("true", "false"):
            raise self._bad(name, "true or false", code)
        return value.lower() == "true"

    def integer(
        self,
        name: str,
        default: int | None = None,
        low: int | None = None,
        high: int | None = None,
        code: int | None = None,
    ) -> int | None:
        value = self.values.get(name)
        if value is None:
            return default
        expected = "an integer" + (
            f" from {low} to {high}"
            if low is not None and high is not None
            else f" of at least {low}"
            if low is not None
            else ""
        )
        if not value.isascii() or not value.lstrip("-").isdigit():
            raise self._bad(name, expected, code)
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            raise self._bad(name, expected, code)
        return number

    def number(self, name: str, code: int | None = None) -> float | None:
        value = self.values.get(name)
        if value is None:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self._bad(name, "a number", code) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self._bad(name, "a number", code)
        return number

    def mmddyyyy(self, name: str, code: int | None = None) -> date | None:
        """A request date, ``MMDDYYYY`` (reference §1.6)."""
        value = self.values.get(name)
        if value is None:
            return None
        if len(value) != 8 or not value.isdigit():
            raise self._bad(name, "a date as MMDDYYYY", code)
        try:
            return datetime.strptime(value, "%m%d%Y").date()
        except ValueError:
            raise self._bad(name, "a date as MMDDYYYY", code) from None


def reject_body(body: bytes) -> None:
    """GET and DELETE calls take no body; one sent anyway would be ignored, so refuse it."""
    if body:
        raise ApiError(400, ERR_PARAMETER, "This call takes no request body; send none.")
