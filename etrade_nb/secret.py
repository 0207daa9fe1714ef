"""A value that never shows itself: the consumer secret, token secrets, tokens and verifiers.

``repr``, ``str`` and ``format`` print ``***``, so ``vars(session)``, debuggers, variable
explorers and tracebacks with locals (``%xmode Verbose``) show nothing. ``dir()`` does not list
the stored value, so tools that expand an object by its attributes (debugpy's variable
resolver in the JupyterLab debugger and VS Code, ``inspect.getmembers``) find only ``***``;
``__getstate__`` is ``***`` and pickling refuses, so a secret cannot leave the process by
accident. Code that must send the value calls
:meth:`Secret.reveal` at the last moment (signing), and nowhere else.

    >>> s = Secret("s3cr/et+")
    >>> s, str(s), f"{s}"
    (Secret('***'), '***', '***')
    >>> s.reveal()
    's3cr/et+'
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, NoReturn

MASK = "***"
# By identity, not by value: equal Secrets are all tracked, each until it goes.
_live: weakref.WeakValueDictionary[int, Secret] = weakref.WeakValueDictionary()
_live_lock = threading.Lock()
_HIDDEN = frozenset({"_value"})


class Secret:
    """A string whose value is only reachable through :meth:`reveal`."""

    __slots__ = ("__weakref__", "_value")
    _value: str

    def __init__(self, value: str | Secret) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError(f"a Secret holds a str, not {type(value).__name__}")
        object.__setattr__(self, "_value", value)
        with _live_lock:
            _live[id(self)] = self

    @classmethod
    def of(cls, value: str | Secret | None) -> Secret | None:
        """``Secret(value)``, passing ``None`` through."""
        return None if value is None else cls(value)

    def reveal(self) -> str:
        """The value itself: only for putting it on the wire or in a private file."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        import hmac

        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError("a Secret cannot be changed")

    def __dir__(self) -> list[str]:
        """Everything but the stored value: debuggers expand an object by ``dir()``."""
        return [name for name in super().__dir__() if name not in _HIDDEN]

    def __getstate__(self) -> str:
        return MASK

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "a Secret cannot be pickled: it would leave the process in clear. Save tokens "
            "with a TokenStore, which writes a private file."
        )

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


def reveal(value: str | Secret | None) -> str | None:
    """The plain value of ``value`` (a ``Secret`` or a plain string), or ``None``."""
    return value.reveal() if isinstance(value, Secret) else value


def live_values(min_length: int = 4) -> set[str]:
    """The values of every ``Secret`` still alive, for masking text that shows them anyway
    (an interrupted traceback's third-party frames). Nothing is kept once a Secret is gone."""
    with _live_lock:
        alive = list(_live.values())
    return {s._value for s in alive if len(s._value) >= min_length}
