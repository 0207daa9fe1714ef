"""``LoginWidget``: stock ipywidgets over an :class:`~etrade_nb.OAuthFlow` (no custom JS).

    w = LoginWidget(flow, name="etrade", on_session=bind)
    w.code.value = "K7Q2M"      # Enter in the box (or w.submit.click()) exchanges it once

Parts: ``badge`` (sandbox/LIVE), ``link`` (authorize link + instruction), ``code`` (Text),
``submit`` (Button), ``status`` (messages + the link's countdown). Secrets never live in a
trait: the verifier sits in ``code.value`` only until it is submitted, tokens never do.
Every error is shown in ``status``; nothing is left to the front end's callback log.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as W

from ..api.session import Session
from ..errors import AuthorizeLinkExpiredError, EtradeError
from ..login.callback import CallbackReceiver
from ..login.flow import OAuthFlow
from . import display as D

log = logging.getLogger(__name__)

GENERIC_ERROR = (
    "Something unexpected went wrong (details are in the kernel log). "
    "Run %etrade_login again for a fresh link."
)
_MAX_TICKS = 60 * 60  # the timer never outlives an hour, whatever happens


class LoginWidget(W.VBox):
    """The E*TRADE login: link, code box, Submit and a status line with a countdown."""

    def __init__(
        self,
        flow: OAuthFlow,
        *,
        name: str = D.DEFAULT_NAME,
        on_session: Callable[[Session], Any] | None = None,
        timer: bool = True,
        tick_seconds: float = 1.0,
        max_refreshes: int = 3,
    ) -> None:
        url = flow.start()  # the same link while the pending one is fresh
        self.badge = W.HTML(D.badge_html(flow.environment.name))
        self.link = W.HTML(D.link_html(url, name))
        self.code = W.Text(
            placeholder="verification code", description="Code:", continuous_update=False
        )
        self.submit = W.Button(description="Submit", button_style="primary")
        self.status = W.HTML("")
        super().__init__(
            children=[self.badge, self.link, W.HBox([self.code, self.submit]), self.status]
        )
        self.flow, self.name = flow, name
        self.session: Session | None = None
        self.receiver: CallbackReceiver | None = None
        self.on_session = on_session
        self.max_refreshes = max_refreshes
        self._refreshes = 0
        self._message = ""
        self._error = False
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self.code.observe(self._on_value, names="value")
        self.submit.on_click(self._on_click)
        self._render()
        self._timer: threading.Thread | None = None
        if timer:
            self._timer = threading.Thread(
                target=self._run_timer, args=(tick_seconds,), daemon=True, name="etrade-login-timer"
            )
            self._timer.start()

    def __repr__(self) -> str:  # stable and secret-free
        state = "authorized" if self.session else "waiting for the code"
        return f"<etrade_nb LoginWidget {self.flow.environment.name} `{self.name}`: {state}>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """ipywidgets' bundle, with a ``text/plain`` that tells a widget-less front end what to do.

        (ipywidgets would use ``repr`` cut at 110 characters.) No link here: text/plain is
        saved with the notebook, and the link holds the request token.
        """
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            env = self.flow.environment.name
            data["text/plain"] = D.widget_plain(self.name, env, self.session is not None)
        return data

    # -- the exchange ---------------------------------------------------------------------
    def finish(self, text: str, note: str | None = None) -> Session:
        """Exchange ``text`` (code or callback URL) once; update the widget; raise on failure."""
        if not self._lock.acquire(timeout=60):
            raise EtradeError("A code is already being checked. Wait for its result.")
        try:
            if self.session is not None:
                return self.session
            self._set_busy(True)
            try:
                session = self.flow.finish(text)
            except AuthorizeLinkExpiredError as exc:
                self.refresh_link(note=False)
                self._show(exc.message, error=True)
                raise
            except EtradeError as exc:
                self._show(exc.message, error=True)
                raise
            except Exception:
                log.exception("The login could not be finished")
                self._show(GENERIC_ERROR, error=True)
                raise
            finally:
                if self.session is None:
                    self._set_busy(False)
            self._authorized(session, note)
            return session
        finally:
            self._lock.release()

    def _submit(self, text: str) -> None:
        if not self._lock.acquire(blocking=False):
            # A second submit while a code is being checked: dropped, and the code it
            # carried leaves the synced trait at once.
            if self.code.value:
                self.code.value = ""
            return
        try:
            self.finish(text)
        except Exception:
            pass  # already shown in the status line
        finally:
            self._lock.release()

    def _on_value(self, change: dict[str, Any]) -> None:
        if str(change.get("new") or "").strip():
            self._submit(change["new"])

    def _on_click(self, _button: W.Button) -> None:
        text = self.code.value
        if text.strip():
            self._submit(text)
        elif self.session is None and not self._error and not self.submit.disabled:
            self._show("Paste the verification code E*TRADE showed you, then press Submit.")

    def _set_busy(self, busy: bool) -> None:
        if busy:
            self.code.value = ""  # the verifier leaves the synced trait right away
        self.code.disabled = self.submit.disabled = busy
        if busy:
            self._show("Checking the code with E*TRADE…")

    def _authorized(self, session: Session, note: str | None) -> None:
        self.session = session
        self._stop.set()
        self.link.value = D.authorized_html(
            self.name, session.environment.name, session.expires_at, note
        )
        self.code.value = ""
        self.code.disabled = self.submit.disabled = True
        self.code.layout.display = self.submit.layout.display = "none"
        self._message, self._error = "", False
        self.status.value = ""
        if self.on_session is not None:
            try:
                self.on_session(session)
            except Exception:
                log.exception("Binding the session failed")
                self._show(GENERIC_ERROR, error=True)

    # -- the link's clock ------------------------------------------------------------------
    def refresh_link(self, *, note: bool = True) -> bool:
        """Show a fresh authorize link after the old one expired; False when giving up."""
        with self._lock:
            if self.session is not None:
                return False
            if self._refreshes >= self.max_refreshes:
                self._stop.set()
                self.code.disabled = self.submit.disabled = True
                self._show("The link expired. Run %etrade_login for a new one.", error=True)
                return False
            self._refreshes += 1
            try:
                url = self.flow.start()
            except EtradeError as exc:
                self._stop.set()
                self._show(exc.message, error=True)
                return False
            except Exception:
                log.exception("Getting a new authorize link failed")
                self._stop.set()
                self._show(GENERIC_ERROR, error=True)
                return False
            self.link.value = D.link_html(url, self.name)
            if self.receiver is not None:
                self.receiver.extend(self.flow.seconds_left() + 60)
            if note:
                self._show("The previous link expired (5 minutes); open this new one.")
            return True

    def tick(self) -> bool:
        """Update the countdown; get a new link when it reached 0. False: nothing left to do."""
        if self.session is not None or self._stop.is_set():
            return False
        if not self._lock.acquire(blocking=False):
            return True  # an exchange is running
        try:
            if self.flow.seconds_left() <= 0:
                return self.refresh_link()
            self._render()
            return True
        finally:
            self._lock.release()

    def _run_timer(self, seconds: float) -> None:
        for _ in range(_MAX_TICKS):
            if self._stop.wait(seconds):
                return
            try:
                if not self.tick():
                    return
            except Exception:  # a closed comm must not kill the kernel's thread noisily
                log.debug("login timer stopped", exc_info=True)
                return

    # -- status line -------------------------------------------------------------------------
    def _show(self, message: str, *, error: bool = False) -> None:
        self._message, self._error = message, error
        self._render()

    def show_note(self, message: str, *, error: bool = False) -> None:
        """Show a message in the status line (used by the magic for warnings)."""
        self._show(message, error=error)

    def _render(self) -> None:
        style = "color:#b00020;font-weight:bold" if self._error else ""
        parts = [f'<span style="{style}">{escape(self._message)}</span>'] if self._message else []
        if self.session is None:
            parts.append(f"<small>{escape(D.countdown_text(self.flow.seconds_left()))}</small>")
        self.status.value = "<br>".join(parts)

    def close(self) -> None:
        """Stop the countdown and the callback receiver, then close the widgets."""
        self._stop.set()
        if self.receiver is not None:
            self.receiver.stop(timeout=0.5)
        for child in (self.badge, self.link, self.code, self.submit, self.status):
            child.close()
        super().close()
