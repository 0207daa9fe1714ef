"""The state a login view renders: one immutable snapshot per change, no behaviour."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Phase(str, enum.Enum):
    """Where a notebook login stands (the view shows one of these)."""

    PENDING = "pending"  # the link is shown; waiting for the code
    CHECKING = "checking"  # a code is being exchanged with E*TRADE
    AUTHORIZED = "authorized"  # done: the name is bound
    EXPIRED = "expired"  # the link expired and no new one is coming: run the cell again
    CANCELLED = "cancelled"  # the person stopped the login (empty answer, interrupt)
    LOGGED_OUT = "logged out"  # authorized, then %etrade_logout revoked the token

    @property
    def ended(self) -> bool:
        """No link is shown any more (and no key or request token stays in any output)."""
        return self in (Phase.AUTHORIZED, Phase.EXPIRED, Phase.CANCELLED, Phase.LOGGED_OUT)


@dataclass(frozen=True)
class ViewState:
    """What a view shows. ``url`` is set only while the login is pending or checking."""

    name: str
    environment: str
    phase: Phase
    url: str | None = None
    seconds_left: float = 0.0  # of the authorize link
    message: str = ""  # one line under the link (errors in red)
    error: bool = False
    waiting: bool = False  # the cell blocks until the code comes (a prompt is below)
    redirect: bool = False  # ...or until E*TRADE's redirect reaches the callback receiver
    valid_until: float | None = None  # the session's expiry, once authorized
    note: str | None = None  # e.g. "auto-approved by the local emulator"


__all__ = ["Phase", "ViewState"]
