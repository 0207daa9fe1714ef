"""``on_login``: run code once a login has finished, in a notebook and in Voila alike.

A dashboard cannot put its data cells after ``%etrade_login`` when nothing waits for the
code (Voila, ``--no-wait``): they would run before anyone signed in. Instead it hands the
code to :func:`on_login`::

    @etrade_nb.on_login
    def dashboard(etrade):
        display(etrade.accounts(as_frame=True))

If ``etrade`` is signed in already (Run All waited for the code, or a saved token was
reused), the function runs at once, in this cell, like any code. Otherwise the cell shows an
output area that says what it waits for, and the function runs there, once, as soon as the
login of that name finishes, however it finishes (the widget's box, the prompt,
``%etrade_verify``, the callback). Its output and any error appear in that area.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from ..api.session import Session
from ..errors import ConfigurationError
from . import display as D
from .frontend import Display, ipython_display, widgets_available

log = logging.getLogger(__name__)
Hook = Callable[[Session], object]
F = TypeVar("F", bound=Hook)


def waiting_text(name: str) -> str:
    """What the output area of a waiting hook says until the login finishes."""
    return f"This part appears once you are signed in to E*TRADE as `{name}`."


@dataclass
class PendingHook:
    """A callback waiting for a login, and the output area it will draw into (if any)."""

    callback: Hook
    output: Any = None  # an ipywidgets.Output, or None without ipywidgets


def _key(callback: Hook) -> str:
    """Re-running a cell that registers the same function replaces it: the same key."""
    module = getattr(callback, "__module__", "") or ""
    qualname = getattr(callback, "__qualname__", None) or repr(callback)
    return f"{module}.{qualname}"


class LoginHooks:
    """The callbacks waiting for each name's login; each runs once, then is forgotten."""

    def __init__(
        self,
        display: Display = ipython_display,
        *,
        use_widgets: Callable[[], bool] = widgets_available,
        show_error: Callable[[], object] | None = None,
    ) -> None:
        self.display = display
        self.use_widgets = use_widgets
        self.show_error = show_error or _show_traceback
        self.pending: dict[str, dict[str, PendingHook]] = {}

    def add(self, name: str, callback: Hook) -> PendingHook:
        """Keep ``callback`` for ``name``'s next login and display its output area."""
        output = None
        if self.use_widgets():
            import ipywidgets as W

            output = W.Output()
            output.outputs = (_display_data(D.message_bundle(waiting_text(name))),)
            bundle: dict[str, object] = dict(output._repr_mimebundle_() or {})
            bundle["text/plain"] = waiting_text(name)
            self.display(bundle)
        else:
            self.display(D.message_bundle(waiting_text(name)))
        hooks = self.pending.setdefault(name, {})
        old = hooks.pop(_key(callback), None)
        if old is not None and old.output is not None:
            old.output.outputs = ()  # the re-run cell's area takes over
        hook = PendingHook(callback, output)
        hooks[_key(callback)] = hook
        return hook

    def waiting(self, name: str) -> int:
        return len(self.pending.get(name, {}))

    def run(self, name: str, session: Session) -> None:
        """Run (once) every callback waiting for ``name``, each in its own output area.

        A callback that raises shows its traceback where its output goes; the others run.
        """
        hooks = self.pending.pop(name, {})
        for hook in hooks.values():
            if hook.output is None:
                try:
                    hook.callback(session)
                except Exception:
                    self.show_error()
                continue
            hook.output.outputs = ()
            with hook.output:  # shows the traceback of an error in the area, and swallows it
                hook.callback(session)

    def clear(self) -> None:
        self.pending.clear()


def _display_data(bundle: D.Bundle) -> dict[str, object]:
    return {"output_type": "display_data", "data": dict(bundle), "metadata": {}}


def _show_traceback() -> None:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.showtraceback()
    else:
        log.exception("An on_login callback failed")


@overload
def on_login(callback: F, *, name: str = ...) -> F: ...
@overload
def on_login(callback: None = None, *, name: str = ...) -> Callable[[F], F]: ...
def on_login(callback: F | None = None, *, name: str = D.DEFAULT_NAME) -> F | Callable[[F], F]:
    """Run ``callback(session)`` once ``name`` is signed in; returns ``callback`` unchanged.

    Signed in already: it runs now, in this cell. Otherwise this cell shows an output area
    and ``callback`` runs there, once, when the login of ``name`` finishes (in Voila, when
    the person submits the code in the login box). Re-running the cell before the login
    finishes replaces the waiting function of the same name rather than adding a second.
    Use it as a call, ``on_login(show)``, or as a decorator, ``@on_login`` or
    ``@on_login(name="paper")``. Loads the ``%etrade_*`` magics if needed.
    """
    if callback is None:

        def decorate(func: F) -> F:
            return on_login(func, name=name)

        return decorate
    if not callable(callback):
        raise ConfigurationError(
            f"on_login needs a function that takes the session, not {type(callback).__name__}."
        )
    _manager().on_login(callback, name)
    return callback


def _manager() -> Any:
    """The :class:`LoginManager` behind this shell's ``%etrade_*`` magics."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise ConfigurationError(
            "on_login works in IPython and Jupyter (a notebook, Voila, a terminal IPython). In "
            "plain Python, call your function with the session OAuthFlow.finish() returns."
        )
    if "EtradeMagics" not in shell.magics_manager.registry:
        shell.extension_manager.load_extension("etrade_nb")  # as %load_ext etrade_nb does
    return shell.magics_manager.registry["EtradeMagics"].manager


__all__ = ["LoginHooks", "PendingHook", "on_login", "waiting_text"]
