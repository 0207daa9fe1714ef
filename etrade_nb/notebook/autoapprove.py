"""CI/demo only: let the local emulator's robot click Accept when ``ETRADE_NB_DEMO_AUTO_APPROVE=1``.

It acts only when the authorize link is a loopback URL (the built-in emulator, which must
itself run with ``--auto-approve``); against any other host it refuses with a warning, so it
can never approve a real E*TRADE login. The code it gets goes through the normal submit path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from ..environments import is_loopback_url

AUTO_APPROVE_VAR = "ETRADE_NB_DEMO_AUTO_APPROVE"
"""Demos and CI only: let a loopback emulator's robot click Accept (never a real page)."""

REFUSED = (
    f"{AUTO_APPROVE_VAR} is set, but the authorize link is not the local emulator: "
    "auto-approve only works with `etrade-nb-emulator --auto-approve`. Open the link and "
    "approve it yourself."
)


def requested(environ: Mapping[str, str] | None = None) -> bool:
    """True when the environment asks for the demo auto-approve (``1``, ``true``, ``yes``)."""
    env = os.environ if environ is None else environ
    return env.get(AUTO_APPROVE_VAR, "").strip().lower() in ("1", "true", "yes")


def auto_approve(
    url: str,
    submit: Callable[[str], object],
    warn: Callable[[str], object],
    environ: Mapping[str, str] | None = None,
) -> bool:
    """If requested and ``url`` is loopback: approve it and ``submit`` the code. True if done."""
    if not requested(environ):
        return False
    if not is_loopback_url(url):
        warn(REFUSED)
        return False
    from ..emulator import approve  # lazy: only demos and CI need the emulator

    try:
        code = approve(url)
    except (ValueError, OSError) as exc:
        warn(f"Auto-approve failed ({exc}). Open the link and approve it yourself.")
        return False
    submit(code)
    return True
