"""The view protocol and ``TextView``, the login as plain output (no ipywidgets).

A view only renders a :class:`ViewState` and reports what the person submits; it never talks
to E*TRADE. Two implement it: :class:`TextView` (a link and the ``%etrade_verify`` command,
for headless runs, terminals and front ends without widgets) and
:class:`~etrade_nb.notebook.widget.WidgetView`. Constructors do no I/O: ``show`` displays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from . import display as D
from .frontend import Display, DisplayHandle
from .state import Phase, ViewState


class LoginView(Protocol):
    """What :class:`~etrade_nb.notebook.login.NotebookLogin` needs of a view."""

    @property
    def has_box(self) -> bool:
        """True when the view has its own box to paste a code into."""

    def on_submit(self, handler: Callable[[str], object]) -> None:
        """Report what the person submits (a code or a callback URL) to ``handler``."""

    def show(self, state: ViewState) -> None:
        """Display the view (a re-run displays it again) showing ``state``."""

    def render(self, state: ViewState) -> None:
        """Show ``state`` in place; may be called from any thread."""

    def close(self) -> None:
        """Release what the view holds (widget comms)."""


class TextView:
    """The login as one output, replaced in place as the login goes on.

    Only what changes the meaning is re-rendered (not every countdown tick): the link while
    pending, then one line saying how the login ended, which leaves no link behind.
    """

    has_box = False

    def __init__(self, display: Display) -> None:
        self._display = display
        self._handle: DisplayHandle | None = None
        self._shown: tuple[Phase, str | None, bool, str] | None = None

    def on_submit(self, handler: Callable[[str], object]) -> None:
        """Nothing to type into: the code comes by ``%etrade_verify`` or the prompt."""

    def show(self, state: ViewState) -> None:
        self._handle = self._display(bundle(state), display_id=True)
        self._shown = _key(state)

    def render(self, state: ViewState) -> None:
        if self._handle is None or self._shown == _key(state) or state.phase is Phase.CHECKING:
            return
        self._shown = _key(state)
        self._handle.update(bundle(state), raw=True)

    def close(self) -> None:
        self._handle = None


def _key(state: ViewState) -> tuple[Phase, str | None, bool, str]:
    return (state.phase, state.url, state.waiting, state.message)


def record(state: ViewState) -> D.Bundle:
    """How an ended login ended, as plain text and HTML: what its cell keeps for any viewer.

    Empty when the cell's own error line says it (a waiting login that stopped).
    """
    if state.phase is Phase.AUTHORIZED and state.valid_until is not None:
        return D.authorized_bundle(state.name, state.environment, state.valid_until, state.note)
    if state.phase is Phase.LOGGED_OUT:
        return D.logged_out_bundle(state.name, state.environment)
    if not state.message:
        return {"text/plain": ""}
    return D.message_bundle(state.message, warning=state.error)


def bundle(state: ViewState) -> D.Bundle:
    """The text view's mime bundle for ``state``."""
    if state.phase.ended or not state.url:
        return record(state)
    out = D.link_bundle(
        state.url,
        name=state.name,
        environment=state.environment,
        seconds_left=state.seconds_left,
        waiting=state.waiting,
        redirect=state.redirect,
    )
    if state.message:
        line = D.message_bundle(state.message, warning=state.error)
        out = {k: f"{out[k]}\n{line[k]}" for k in out}
    return out


__all__ = ["LoginView", "TextView", "bundle", "record"]
