"""``NotebookLogin``: one login for one name, the logic object behind the magics and views.

It owns the :class:`~etrade_nb.OAuthFlow`, the callback receiver (if any) and the state
machine (:class:`~etrade_nb.notebook.state.Phase`); its view only renders snapshots and
reports what the person submits. Every collaborator is passed in, so tests build one with a
flow on the emulator, a recording view and no timer::

    login = NotebookLogin("etrade", flow, view, bind=bind, tick_seconds=None)
    login.show()                    # the link (no new request token while it is fresh)
    login.finish(code)              # exchange on this thread; or login.wait(ask) to block

Codes reach :meth:`finish` from ``%etrade_verify``, the view (:meth:`submitted`), the
callback receiver, or the prompt of :meth:`wait`. While a cell waits, a code from another
thread is only handed over; the main thread exchanges it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

from ..api.session import Session
from ..errors import (
    AuthorizeLinkExpiredError,
    EtradeError,
    LoginError,
    LoginNotStartedError,
    VerifierRejectedError,
)
from ..login.callback import CallbackReceiver
from ..login.flow import OAuthFlow
from . import display as D
from .callbacks import CallbackDesk
from .frontend import Ask
from .state import Phase, ViewState
from .views import LoginView
from .waiting import Released, Waiter

CALLBACK_POLL = 0.1
"""Seconds between looks at a callback login that waits for E*TRADE's redirect."""
RENEW_FOR = 60 * 60.0
"""Seconds after the first link during which an expired link is replaced by a new one."""

log = logging.getLogger(__name__)
_MARGIN_TICKS = 10 * 60  # past the last link's end: the countdown thread then stops


class LoginStoppedError(LoginError):
    """A waiting login ended without a session (cancelled, interrupted, link expired)."""


class NotebookLogin:
    """The flow, receiver, view and state of the login bound to ``name``."""

    def __init__(
        self,
        name: str,
        flow: OAuthFlow,
        view: LoginView,
        *,
        bind: Callable[[Session], object],
        tick_seconds: float | None = 1.0,
        renew_for: float = RENEW_FOR,
        desk: CallbackDesk | None = None,
    ) -> None:
        self.name, self.flow, self.view = name, flow, view
        self.desk = desk or CallbackDesk()  # owns this name's callback receiver, if any
        self.redirect_expected = False  # a registered callback URL: wait for the redirect
        self.session: Session | None = None
        self._bind = bind
        self._tick_seconds = tick_seconds
        self.renew_for = renew_for
        self._renew_until = 0.0  # (flow clock) no new link after this
        self._renewed = False  # a link expired and was replaced during this login
        self._why = "the link expired"  # why the login ended, for the waiting cell's error
        self._phase = Phase.PENDING
        self._message, self._error = "", False
        self._note: str | None = None
        self._lock = threading.RLock()  # one exchange (or link refresh) at a time
        self._waiter: Waiter | None = None
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        view.on_submit(self.submitted)

    def __repr__(self) -> str:
        return f"<NotebookLogin {self.flow.environment.name} `{self.name}`: {self._phase.value}>"

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def waiting(self) -> bool:
        return self._waiter is not None

    @property
    def receiver(self) -> CallbackReceiver | None:
        """The callback receiver of this login's name (the desk owns it), or ``None``."""
        return self.desk.receiver(self.name)

    def state(self) -> ViewState:
        """The snapshot the view renders; the link only while it can be used."""
        session = self.session
        return ViewState(
            name=self.name,
            environment=self.flow.environment.label,
            phase=self._phase,
            url=None if self._phase.ended else self.flow.authorize_url,
            seconds_left=self.flow.seconds_left(),
            message=self._message,
            error=self._error,
            waiting=self._waiter is not None,
            redirect=self.redirect_expected,
            valid_until=session.expires_at if session is not None else None,
            note=self._note,
        )

    # -- showing ------------------------------------------------------------------------------
    def show(self) -> str:
        """Display the view with a usable link (the same one while fresh); returns the link."""
        with self._lock:
            if self._phase in (Phase.EXPIRED, Phase.CANCELLED):
                self._phase, self._renew_until = Phase.PENDING, 0.0
                self._message, self._error = "", False
                self._why = "the link expired"
            url = self.flow.start()
            if not self._renew_until:
                self._renew_until = self.flow.clock() + self.renew_for
                self._renewed = False
            self.view.show(self.state())
        self._start_timer()
        return url

    def note(self, message: str, *, error: bool = False) -> None:
        """A line under the link (warnings of the magic, the receiver's refusals)."""
        self._message, self._error = message, error
        self._render()

    # -- the exchange ---------------------------------------------------------------------------
    def finish(self, text: str, note: str | None = None) -> Session:
        """Exchange ``text`` (a code or the callback URL) on this thread; raise on failure."""
        if not self._lock.acquire(timeout=60):
            raise EtradeError("A code is already being checked. Wait for its result.")
        try:
            if self.session is not None:
                return self.session
            if self._phase.ended:
                raise LoginNotStartedError(
                    f"The login for `{self.name}` has ended ({self._phase.value}). Run "
                    f"%etrade_login{self._named()} for a new link."
                )
            self._set(Phase.CHECKING, "Checking the code with E*TRADE…")
            try:
                session = self.flow.finish(text)
            except AuthorizeLinkExpiredError as exc:
                self._link_expired(exc.message)
                raise
            except VerifierRejectedError:
                why = D.REJECTED_AFTER_RENEWAL if self._renewed else D.REJECTED
                self._set(Phase.PENDING, why, error=True)  # the countdown is below
                raise
            except EtradeError as exc:
                self._set(Phase.PENDING, exc.message, error=True)
                raise
            except Exception:
                log.exception("The login could not be finished")
                self._set(Phase.PENDING, D.GENERIC_ERROR, error=True)
                raise
            self._authorized(session, note)
            return session
        finally:
            self._lock.release()

    def submitted(self, text: str) -> None:
        """What the view reports. While a cell waits, another thread only hands it over."""
        waiter = self._waiter
        if waiter is not None and threading.current_thread() is not threading.main_thread():
            waiter.offer(text)
            return
        if not self._lock.acquire(blocking=False):
            return  # a code is being checked: this one is dropped (and left no trait)
        try:
            self.finish(text)
        except Exception:
            pass  # the view shows it
        finally:
            self._lock.release()

    def _authorized(self, session: Session, note: str | None) -> None:
        self.session, self._note = session, note
        self._phase, self._message, self._error = Phase.AUTHORIZED, "", False
        self._stop.set()
        try:
            self._bind(session)
        except Exception:
            log.exception("Binding the session failed")
            self._message, self._error = D.GENERIC_ERROR, True
        self._render()
        self._release_waiter()

    # -- waiting --------------------------------------------------------------------------------
    def wait(
        self,
        ask: Ask,
        waiter: Waiter | None = None,
        clear: Callable[[], object] | None = None,
    ) -> Session | None:
        """Block (main thread) until the login ends; the session, or :class:`LoginStoppedError`.

        The kernel's prompt takes codes until one works; only the person ends it (a code,
        Enter alone, Interrupt), never the kernel: a prompt the kernel let go of stays pending
        in JupyterLab and Notebook 7 and refuses every cell run by hand afterwards. So while it
        waits, an expired link is replaced in place (for :attr:`renew_for`), and after that the
        view says that Enter stops the login. A login whose callback URL is registered
        (:attr:`redirect_expected`) waits for the redirect without a prompt; Interrupt then
        leaves the login open for a paste (the view's box or ``%etrade_verify``). A front end
        that cannot answer prompts (``StdinNotImplementedError``) gets the login without
        waiting and a line saying how to finish it (``None``). A prompt the person interrupted
        stays on screen in JupyterLab until the output is cleared, so then ``clear()`` runs
        and the view is shown again. A login that stops leaves one line: the error raised.
        """
        waiter = waiter or Waiter()
        self._waiter = waiter
        self._render()
        try:
            return self._wait_until_ended(ask, waiter)
        except KeyboardInterrupt:  # an exchange, or the wait for the redirect, interrupted
            raise self._interrupted() from None
        finally:
            self._waiter = None
            self._render()
            if waiter.unanswered and clear is not None:
                clear()
                self.view.show(self.state())

    def _wait_until_ended(self, ask: Ask, waiter: Waiter) -> Session | None:
        """The waiting loop: renew an expired link, take a code, try it, until one ends it."""
        while True:
            if self.session is not None:
                return self.session
            if self._phase.ended:
                raise self._stopped(self._why)
            if self.flow.seconds_left() <= 0:
                self._link_expired()
                continue
            text = waiter.take()
            if text is None:
                if self.redirect_expected:
                    time.sleep(CALLBACK_POLL)
                    continue
                try:
                    text = self._ask(ask, waiter)
                except Released:
                    continue
                except NotImplementedError:  # IPython's StdinNotImplementedError
                    self._message, self._error = D.NO_PROMPT, True
                    return None
            if (signed_in := self._signed_in()) is not None:
                return signed_in  # meanwhile, by a redirect or the box
            if self._phase.ended:
                raise self._stopped(self._why)
            if not text.strip():
                raise self._stopped("no code was given")
            with contextlib.suppress(EtradeError):  # shown in the view; then ask again
                self.finish(text)

    def _ask(self, ask: Ask, waiter: Waiter) -> str:
        """One answer from the kernel's prompt; Interrupt or end of input stops the login."""
        try:
            return waiter.ask(ask, D.prompt_text(self.name))
        except (KeyboardInterrupt, EOFError):
            raise self._stopped("interrupted") from None

    def _interrupted(self) -> LoginStoppedError:
        """Interrupt while waiting: a callback login stays open for a paste; others stop."""
        if self.redirect_expected and not self._phase.ended:
            self.redirect_expected = False  # the person pastes now
            self._message = D.paste_instead(self.name, box=self.view.has_box)
            self._error = False
            return LoginStoppedError(D.redirect_interrupted_text(self.name))
        return self._stopped("interrupted")

    def _signed_in(self) -> Session | None:
        return self.session  # read again: another thread may have set it

    def _stopped(self, why: str) -> LoginStoppedError:
        """End the waiting login: its cell's error line is the one record of how."""
        with self._lock:
            if not self._phase.ended:
                self._end(Phase.CANCELLED, "")
            self._message = ""
        return LoginStoppedError(D.stopped_text(self.name, why))

    def _release_waiter(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            waiter.release()

    # -- the link's clock ---------------------------------------------------------------------
    def tick(self) -> bool:
        """Update the countdown; handle the link's expiry. False: nothing left to count."""
        if self._phase.ended or self._stop.is_set():
            return False
        if not self._lock.acquire(blocking=False):
            return True  # an exchange is running
        try:
            if self.flow.seconds_left() <= 0:
                return self._link_expired()
            self._render()
            return True
        finally:
            self._lock.release()

    def _link_expired(self, reason: str | None = None) -> bool:
        """A new link in place of the expired one (for :attr:`renew_for`), else the end.

        Never releases a prompt: while one waits, the view says that Enter stops the login.
        """
        with self._lock:
            if self._phase.ended:
                return False
            if self.flow.clock() < self._renew_until:
                try:
                    self.flow.start()
                except EtradeError as exc:
                    return self._expire(exc.message, "no new link could be had")
                except Exception:
                    log.exception("Getting a new authorize link failed")
                    return self._expire(D.GENERIC_ERROR, "no new link could be had")
                self._renewed = True
                if self.receiver is not None:
                    self.receiver.extend(self.flow.seconds_left() + 60)
                self._set(Phase.PENDING, D.CODE_FOR_EXPIRED if reason else D.RENEWED)
                return True
            return self._expire(None, "no code came within an hour")

    def _expire(self, reason: str | None, why: str) -> bool:
        self._why = why
        if self._waiter is not None and not self.redirect_expected:  # a prompt waits
            message = f"{reason or D.NO_MORE_LINKS} {D.ENTER_STOPS}"
        else:
            message = (reason + " " if reason else "The login link expired and no code came. ") + (
                f"Run %etrade_login{self._named()} for a new one."
            )
        return self._end(Phase.EXPIRED, message)

    def logged_out(self) -> None:
        """The session was revoked: the login's record says so (the output stays)."""
        with self._lock:
            self._stop.set()
            self._phase, self._message, self._error = Phase.LOGGED_OUT, "", False
        self._render()

    def cancel(self) -> None:
        """End a pending login: the link leaves every output, the receiver lets it go."""
        if not self._phase.ended:
            self._end(
                Phase.CANCELLED,
                f"Login cancelled. Run %etrade_login{self._named()} to log in.",
            )

    def _end(self, phase: Phase, message: str) -> bool:
        with self._lock:
            self._phase, self._message, self._error = phase, message, True
            self._stop.set()
            self.desk.release(self.name)
        self._render()
        self._release_waiter()
        return False

    def _start_timer(self) -> None:
        if self._tick_seconds is None:
            return
        if self._timer is not None and self._timer.is_alive() and not self._stop.is_set():
            return
        self._stop = stop = threading.Event()  # an ending timer keeps its own, set, event
        self._timer = threading.Thread(
            target=self._run_timer,
            args=(self._tick_seconds, stop),
            daemon=True,
            name="etrade-login-timer",
        )
        self._timer.start()

    def _run_timer(self, seconds: float, stop: threading.Event) -> None:
        for _ in range(int(self.renew_for / seconds) + _MARGIN_TICKS):  # bounded
            if stop.wait(seconds):
                return
            try:
                if not self.tick():
                    return
            except Exception:  # a closed comm must not kill the thread noisily
                log.debug("login timer stopped", exc_info=True)
                return

    # -- helpers --------------------------------------------------------------------------------
    def _set(self, phase: Phase, message: str, *, error: bool = False) -> None:
        self._phase, self._message, self._error = phase, message, error
        self._render()

    def _render(self) -> None:
        try:
            self.view.render(self.state())
        except Exception:  # a view that cannot draw must not break the login
            log.debug("the login view could not render", exc_info=True)

    def _named(self) -> str:
        return "" if self.name == D.DEFAULT_NAME else f" --name {self.name}"

    def close(self) -> None:
        """Stop the countdown and close the view; the desk's receiver lets this login go."""
        self._stop.set()
        self._release_waiter()
        self.view.close()
        self.desk.release(self.name)


__all__ = ["LoginStoppedError", "NotebookLogin"]
