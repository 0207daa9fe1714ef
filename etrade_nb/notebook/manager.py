"""``LoginManager``: the logins of one shell, one :class:`NotebookLogin` per name.

The magics parse arguments and call this; each login owns its flow, view, receiver and
state. This keeps what spans names: binding a session into the user namespace, reuse of a
live session or today's saved token, receivers that ``%etrade_callback`` started before any
login, and which login a code-only ``%etrade_verify`` is for. Collaborators (flow factory,
display, prompt, the "can a person answer" check) are passed in; nothing is patched later.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Mapping
from typing import Literal, Protocol

from ..api.session import Session
from ..errors import (
    AccessTokenExpiredError,
    ConfigurationError,
    EtradeError,
    LoginNotStartedError,
    TokenRejectedError,
)
from ..hosts import notebook_host
from ..login.callback import WAIT_FOR_LOGIN
from ..login.callback_urls import pending_token
from ..login.flow import OAuthFlow
from ..oauth.tokens import TokenState
from . import display as D
from .autoapprove import auto_approve
from .callbacks import CallbackDesk
from .frontend import (
    Ask,
    Display,
    Shell,
    ask_password,
    can_ask,
    in_voila,
    ipython_clear,
    ipython_display,
    kernel_of,
    request_allows_stdin,
    widgets_available,
)
from .hooks import Hook, LoginHooks
from .login import NotebookLogin
from .state import Phase
from .views import LoginView, TextView

UI_VAR = "ETRADE_NB_UI"
Ui = Literal["widget", "text"]
_USABLE = (TokenState.ACTIVE, TokenState.INACTIVE)  # INACTIVE: the next call renews it
_OPEN = (Phase.PENDING, Phase.CHECKING)


class FlowFactory(Protocol):
    def __call__(self, *, sandbox: bool) -> OAuthFlow: ...


def _new_flow(*, sandbox: bool) -> OAuthFlow:
    return OAuthFlow(sandbox=sandbox)


def choose_ui(
    shell: object, flag: str | None = None, environ: Mapping[str, str] | None = None
) -> Ui:
    """``widget`` or ``text``: the flag, else ``$ETRADE_NB_UI``, else what the kernel can do.

    Widget in Voila (its page has no cells: the login box is the only way in). Otherwise text
    when there is no kernel (terminal IPython, plain Python), the running request does not
    allow stdin (nbclient, nbconvert, papermill, nbval), or ipywidgets is missing.
    """
    env = os.environ if environ is None else environ
    choice = flag or env.get(UI_VAR, "").strip().lower()
    if choice == "widget":
        return "widget"
    if choice == "text":
        return "text"
    if choice:
        raise ConfigurationError(f"{UI_VAR}={choice!r} is not understood. Use 'widget' or 'text'.")
    kernel = kernel_of(shell)
    if kernel is None or not widgets_available():
        return "text"
    if in_voila(env):
        return "widget"
    return "widget" if request_allows_stdin(kernel) else "text"


class LoginManager:
    """Logins per name for one IPython shell."""

    def __init__(
        self,
        shell: Shell,
        *,
        flow_factory: FlowFactory = _new_flow,
        display: Display = ipython_display,
        ask: Ask = ask_password,
        can_wait: Callable[[], bool] | None = None,
        clear: Callable[[], object] = ipython_clear,
        tick_seconds: float | None = 1.0,
        callback_wait: float = WAIT_FOR_LOGIN,
        receiver_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shell = shell
        self.flow_factory = flow_factory
        self.display = display
        self.ask = ask
        self.clear = clear
        self.can_wait = can_wait or (lambda: can_ask(shell))
        self.tick_seconds = tick_seconds
        self.desk = CallbackDesk(wait=callback_wait, clock=receiver_clock)  # per name
        self.logins: dict[str, NotebookLogin] = {}
        self.hooks = LoginHooks(display)  # on_login callbacks waiting for a login

    # -- %etrade_login ----------------------------------------------------------------------
    def login(
        self,
        name: str = D.DEFAULT_NAME,
        *,
        live: bool = False,
        force: bool = False,
        callback: str | None = None,
        callback_port: int = 0,
        ui: str | None = None,
        wait: bool | None = None,
    ) -> Session | None:
        """Reuse a usable session or show the login; in a front end, wait for the code.

        ``wait=None``: wait when a person can answer a prompt (never in headless runs).
        """
        _check_name(name)
        env = "live" if live else "sandbox"
        current = self.logins.get(name)
        if not force and (reused := self._reusable(name, current, env)):
            return reused
        login = current
        if force or login is None or login.flow.environment.name != env or login.session:
            flow = self.flow_factory(sandbox=not live)
            cached = None if force else flow.cached_session()
            if cached is not None and cached.state in _USABLE:
                self._drop(name)
                self._bind(name, cached)
                self._say(D.reuse_text(name, "today's saved token"))
                self.display(D.status_bundle(name, cached.status()))
                return cached
            login = self._new_login(name, flow, choose_ui(self.shell, ui))
        url = login.show()
        if callback is not None:
            self._start_callback(login, callback, callback_port)
        if auto_approve(url, lambda code: login.finish(code, D.AUTO_APPROVED), self._warner(login)):
            return login.session
        if login.session is None and (self.can_wait() if wait is None else wait):
            return login.wait(self.ask, clear=self.clear)
        return login.session

    def _new_login(self, name: str, flow: OAuthFlow, mode: Ui) -> NotebookLogin:
        self._drop(name)
        view: LoginView
        if mode == "widget":
            from .widget import WidgetView  # text mode needs no ipywidgets

            view = WidgetView(self.display, cells=not in_voila())
        else:
            view = TextView(self.display)
        login = NotebookLogin(
            name,
            flow,
            view,
            bind=lambda s: self._bind(name, s),
            tick_seconds=self.tick_seconds,
            desk=self.desk,
        )
        self.logins[name] = login
        return login

    def _drop(self, name: str, *, keep_receiver: bool = True) -> None:
        """Close the login of ``name``; the desk keeps its receiver for the next, or stops it."""
        old = self.logins.pop(name, None)
        if old is not None:
            old.close()
        if not keep_receiver:
            self.desk.stop(name)

    def _reusable(self, name: str, login: NotebookLogin | None, env: str) -> Session | None:
        for candidate in (login.session if login else None, self.shell.user_ns.get(name)):
            if (
                isinstance(candidate, Session)
                and candidate.environment.name == env
                and candidate.state in _USABLE
            ):
                self._bind(name, candidate)
                self._say(D.reuse_text(name, "this kernel's session"))
                self.display(D.status_bundle(name, candidate.status()))
                return candidate
        return None

    def _start_callback(self, login: NotebookLogin, url: str, port: int) -> None:
        if notebook_host().per_session:
            login.note(D.BINDER_CALLBACK)  # once, in the login itself: the prompt is below
            return
        flow = login.flow

        def expected() -> str | None:
            return pending_token(flow.authorize_url)

        def refused(text: str) -> None:
            login.note(text, error=True)

        bound = self.desk.bind(
            login.name,
            login.finish,
            url=url,
            port=port,
            expected_token=expected,
            on_refused=refused,
            lifetime=flow.seconds_left() + 60,
        )
        registered = bound.registered
        # E*TRADE redirects only to a registered URL: otherwise the person pastes the code.
        login.redirect_expected = registered
        text = D.callback_text(bound.url, via_hub=bound.via_hub, registered=registered)
        if registered:
            login.note(text)  # in the login's own output: it goes when the login ends
        else:
            self._say(text)  # the URL to register: worth keeping after the login

    # -- %etrade_callback --------------------------------------------------------------------
    def callback(self, name: str = D.DEFAULT_NAME, *, port: int = 0) -> str | None:
        """Start (or reuse) the receiver for ``name``; return the callback URL to register.

        ``port`` 0 lets the OS choose a free port, once, and the receiver keeps it: re-running
        returns the same URL while the receiver runs, and restarts it on that port after its
        wait for a login (``callback_wait``) ran out. On Binder nothing starts (``None``).
        """
        _check_name(name)
        if not 0 <= port <= 65535:
            raise ConfigurationError(f"--port {port} is not a port number (0 to 65535).")
        if notebook_host().per_session:
            self._say(D.BINDER_CALLBACK)
            return None
        url, plan = self.desk.open(name, port=port)
        self.display(
            D.callback_ready_bundle(
                url, name=name, via_hub=plan.via_hub, wait_seconds=self.desk.wait
            )
        )
        return url

    # -- on_login ----------------------------------------------------------------------------
    def on_login(self, callback: Hook, name: str = D.DEFAULT_NAME) -> None:
        """Run ``callback(session)`` now if ``name`` is signed in, else once its login ends."""
        _check_name(name)
        session = self.session_for(name)
        if session is not None and session.state in _USABLE:
            callback(session)
            return
        self.hooks.add(name, callback)

    # -- %etrade_verify / %etrade_status / %etrade_logout ------------------------------------
    def pending_for(self, name: str | None) -> NotebookLogin:
        """The login a code is for: ``name``'s, or the only one waiting when ``name`` is None."""
        if name is None:
            waiting = [n for n, login in self.logins.items() if login.phase in _OPEN]
            if len(waiting) > 1:
                names = ", ".join(f"--name {n}" for n in sorted(waiting))
                raise ConfigurationError(
                    f"{len(waiting)} logins wait for a code ({names}): say which one, e.g. "
                    f"%etrade_verify CODE --name {sorted(waiting)[0]}."
                )
            name = waiting[0] if waiting else D.DEFAULT_NAME
        login = self.logins.get(name)
        if login is None or login.phase not in _OPEN:
            hint = "" if name == D.DEFAULT_NAME else f" --name {name}"
            done = login is not None and login.session is not None
            state = f"`{name}` is already logged in and no" if done else "No"
            raise LoginNotStartedError(
                f"{state} login for `{name}` is waiting for a code. Run %etrade_login{hint}"
                f"{' --force' if done else ''}, open the link, approve, then run this again "
                "with the code."
            )
        return login

    def verify(self, code: str, name: str | None = None) -> Session:
        """Finish a pending login with a code or a pasted callback URL."""
        login = self.pending_for(name)
        session = login.finish(code)
        env = session.environment.label
        self.display(D.authorized_bundle(login.name, env, session.expires_at))
        return session

    def session_for(self, name: str) -> Session | None:
        login = self.logins.get(name)
        found = login.session if login else None
        candidate = self.shell.user_ns.get(name)
        return found or (candidate if isinstance(candidate, Session) else None)

    def status(self, name: str = D.DEFAULT_NAME) -> None:
        session = self.session_for(name)
        login = self.logins.get(name)
        if session is not None:
            self.display(D.status_bundle(name, session.status()))
        elif login is not None and login.phase in _OPEN:
            self._say(D.pending_text(name, login.flow.seconds_left()))
        else:
            self._say(f"Not logged in as `{name}`. Run %etrade_login to log in.")

    def logout(self, name: str = D.DEFAULT_NAME) -> None:
        """Revoke the token, forget it from the cache and unbind ``name``.

        If E*TRADE could not be told (network, 5xx), nothing is unbound or forgotten: the
        token may still work, so the error says to run ``%etrade_logout`` again. A token that
        is already dead (revoked, expired, rejected) counts as logged out.
        """
        session = self.session_for(name)
        if session is None:
            self._drop(name, keep_receiver=False)
            self._say(f"Not logged in as `{name}`; nothing to log out.")
            return
        try:
            session.revoke()
        except (TokenRejectedError, AccessTokenExpiredError):
            pass  # E*TRADE no longer knows the token: that is what logging out wants
        except EtradeError as exc:
            if session.state not in (TokenState.EXPIRED, TokenState.REVOKED):
                hint = "" if name == D.DEFAULT_NAME else f" --name {name}"
                raise EtradeError(
                    f"Logout did not reach E*TRADE: {exc.message} `{name}` stays bound and its "
                    f"token may still work until midnight ET. Run %etrade_logout{hint} again "
                    "to retry."
                ) from exc
        login = self.logins.get(name)
        if login is not None and login.session is session:
            login.logged_out()  # its cell's record now says so
        self._drop(name, keep_receiver=False)
        if self.shell.user_ns.get(name) is session:
            del self.shell.user_ns[name]
        self._say(f"Logged out: the token is revoked and forgotten, and `{name}` is unbound.")

    def close(self) -> None:
        """Stop every timer and receiver (``%unload_ext``)."""
        for name in list(self.logins):
            self._drop(name, keep_receiver=False)
        self.desk.close()
        self.hooks.clear()

    # -- helpers -----------------------------------------------------------------------------
    def _bind(self, name: str, session: Session) -> None:
        self.shell.push({name: session})
        if self.hooks.waiting(name):
            login = self.logins.get(name)
            if login is not None and login.session is session:
                # "Authorized" first, then what waited for it (the login renders again anyway)
                with contextlib.suppress(Exception):
                    login.view.render(login.state())
            self.hooks.run(name, session)

    def _say(self, text: str, *, warning: bool = False) -> None:
        self.display(D.message_bundle(text, warning=warning))

    def _warner(self, login: NotebookLogin) -> Callable[[str], None]:
        def warn(text: str) -> None:
            self._say(text, warning=True)
            login.note(text, error=True)

        return warn


def _check_name(name: str) -> None:
    if not name.isidentifier():
        raise ConfigurationError(f"--name {name!r} is not a Python identifier; try `etrade`.")


__all__ = ["UI_VAR", "FlowFactory", "LoginManager", "choose_ui"]
