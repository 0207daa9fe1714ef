"""Secrets stay out of the tracebacks IPython shows, third-party frames included.

``%xmode Verbose`` prints the values in every frame of the stack: after an Interrupt during
a login or an API call that is the verifier typed into ``%etrade_verify`` and the signed
``Authorization`` header in ``requests``' and ``urllib3``'s frames, which the package does not
control. The hook wraps the shell's traceback formatter so every line it returns is masked
twice: by value (each :class:`~etrade_nb.secret.Secret` still alive, plain or percent-encoded)
and by shape (``Authorization: OAuth …``, ``oauth_token=…``; see :mod:`..oauth.log_filter`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from ..oauth.log_filter import redact
from ..secret import MASK, live_values

_MARK = "_etrade_nb_masked"


def mask_text(text: str) -> str:
    """``text`` without any live secret value (plain or percent-encoded) or OAuth field."""
    forms: set[str] = set()
    for value in live_values():
        forms.update((value, quote(value, safe=""), quote(value, safe="~")))
    for form in sorted(forms, key=len, reverse=True):
        if form in text:
            text = text.replace(form, MASK)
    return redact(text)


def install(shell: Any) -> None:
    """Mask every traceback ``shell`` formats from now on (installing twice is harmless)."""
    formatter = shell.InteractiveTB
    if getattr(formatter.structured_traceback, _MARK, False):
        return
    original: Callable[..., list[str]] = formatter.structured_traceback

    def structured_traceback(*args: Any, **kwargs: Any) -> list[str]:
        return [mask_text(line) for line in original(*args, **kwargs)]

    setattr(structured_traceback, _MARK, True)
    formatter.structured_traceback = structured_traceback
