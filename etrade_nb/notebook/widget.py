"""``WidgetView``: the login drawn with stock ipywidgets (no custom JS), no logic inside.

It renders a :class:`~etrade_nb.notebook.state.ViewState` and reports what the person types
(:meth:`WidgetView.on_submit`); the login object does everything else. The constructor does
no I/O (no network, no display), so it is built and tested without a server::

    view = WidgetView(display)
    view.on_submit(login.submitted)
    view.show(state)            # displays it (with a display id)
    view.code.value = "K7Q2M"   # Enter in the box, or view.submit.click(), reports it

Parts: ``badge`` (sandbox/LIVE), ``link`` (authorize link, later the result), ``code`` (Text),
``submit`` (Button), ``status`` (message + the link's one countdown). Secrets never live in a
trait: the code leaves ``code.value`` as soon as it is reported, and once the login ended no
trait holds the link (consumer key and request token).

When the login ends, its output is replaced by a plain text/HTML record of how it ended
(:func:`~etrade_nb.notebook.views.record`): a saved notebook then reads the same in any
viewer, without the widget's state (never "model not found"), and ``%etrade_logout``
updates it in place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from html import escape

import ipywidgets as W

from . import display as D
from .frontend import Display, DisplayHandle
from .state import Phase, ViewState
from .views import record

log = logging.getLogger(__name__)
ERROR_STYLE = "color:#b00020;font-weight:bold"


class WidgetView:
    """The E*TRADE login box: badge, link, code box, Submit and a status line (``box``)."""

    has_box = True

    def __init__(self, display: Display, *, cells: bool = True) -> None:
        self.cells = cells  # False on a Voila page: no cell to run %etrade_verify in
        self.badge = W.HTML("")
        self.link = W.HTML("")
        self.code = W.Text(
            placeholder="verification code", description="Code:", continuous_update=False
        )
        self.submit = W.Button(description="Submit", button_style="primary")
        self.row = W.HBox([self.code, self.submit])
        self.status = W.HTML("")
        self.box = W.VBox(children=[self.badge, self.link, self.row, self.status])
        self._display = display
        self._handle: DisplayHandle | None = None
        self._handler: Callable[[str], object] | None = None
        self._state: ViewState | None = None
        self._record: D.Bundle | None = None  # what the output shows once the login ended
        self.code.observe(self._on_value, names="value")
        self.submit.on_click(self._on_click)

    # -- the LoginView protocol --------------------------------------------------------------
    def on_submit(self, handler: Callable[[str], object]) -> None:
        """Call ``handler(text)`` with what the person submits (Enter or the button)."""
        self._handler = handler

    def show(self, state: ViewState) -> None:
        """Render ``state`` and display the box (again, when a re-run shows it); once the
        login ended, display its record instead."""
        self.render(state)
        if state.phase.ended:
            self._record = record(state)
            self._handle = self._display(self._record, display_id=True)
        else:
            self._record = None
            self._handle = self._display(self.bundle(), display_id=True)

    def render(self, state: ViewState) -> None:
        self._state = state
        pending = not state.phase.ended
        self.badge.value = D.badge_html(state.environment) if pending else ""
        self.badge.layout.display = None if pending else "none"
        if state.phase is Phase.AUTHORIZED and state.valid_until is not None:
            self.link.value = D.authorized_html(
                state.name, state.environment, state.valid_until, state.note
            )
        elif pending and state.url:
            redirect = state.waiting and state.redirect
            self.link.value = D.link_html(
                state.url, state.name, redirect=redirect, cells=self.cells
            )
        else:
            self.link.value = ""  # the link (consumer key, request token) leaves the state
        typing = state.phase is Phase.PENDING and not state.waiting
        self.code.disabled = self.submit.disabled = state.phase is not Phase.PENDING
        self.row.layout.display = None if typing or state.phase is Phase.CHECKING else "none"
        if not pending and self.code.value:
            self.code.value = ""
        self.status.value = _status_html(state)
        if state.phase.ended and self._handle is not None:
            ended = record(state)
            if ended != self._record:  # the widget (or an older record) leaves the output
                self._record = ended
                self._handle.update(ended, raw=True)

    def close(self) -> None:
        for child in (self.badge, self.link, self.code, self.submit, self.row, self.status):
            child.close()
        self.box.close()

    # -- what the person does -----------------------------------------------------------------
    def _report(self, text: str) -> None:
        if self.code.value:
            self.code.value = ""  # the code leaves the synced trait at once
        if self._handler is None:
            return
        try:
            self._handler(text)
        except Exception:  # ipywidgets would drop it silently (ipywidgets#2612)
            log.exception("The login could not take the code")
            self.status.value = f'<span style="{ERROR_STYLE}">{escape(D.GENERIC_ERROR)}</span>'

    def _on_value(self, change: Mapping[str, object]) -> None:
        text = str(change.get("new") or "")
        if text.strip():
            self._report(text)

    def _on_click(self, _button: W.Button) -> None:
        text = self.code.value
        if text.strip():
            self._report(text)
        elif (
            self._state is not None and self._state.phase is Phase.PENDING and not self._state.error
        ):
            self.status.value = _status_html(self._state, D.EMPTY_SUBMIT)

    # -- what a front end without widgets shows --------------------------------------------------
    def __repr__(self) -> str:
        return self.plain().splitlines()[0]

    def plain(self) -> str:
        """What a front end without ipywidgets shows (and the notebook saves): no link."""
        s = self._state
        if s is None:
            return "<etrade_nb LoginWidget>"
        return D.widget_plain(s.name, s.environment, s.phase.value)

    def bundle(self) -> dict[str, object]:
        """The widget's mime bundle, with a ``text/plain`` that is stable, secret-free, current."""
        data: dict[str, object] = dict(self.box._repr_mimebundle_() or {})
        data["text/plain"] = self.plain()
        return data


def _status_html(state: ViewState, message: str | None = None) -> str:
    text = state.message if message is None else message
    style = ERROR_STYLE if state.error and message is None else ""
    parts = [f'<span style="{style}">{D.code_html(text)}</span>'] if text else []
    if state.phase is Phase.PENDING and state.waiting:
        wait = D.REDIRECT_WAITING_TEXT if state.redirect else D.WAITING_TEXT
        parts.append(f"<b>{escape(wait)}</b>")
    if not state.phase.ended:
        parts.append(f"<small>{escape(D.countdown_text(state.seconds_left))}</small>")
    return "<br>".join(parts)


__all__ = ["WidgetView"]
