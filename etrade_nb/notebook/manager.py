"""``LoginManager``: the logic behind the magics; one login (flow, session, widget) per name.

The magics only parse arguments and delegate here. A name is bound in the user namespace
once its login succeeds, by whichever path finished it: widget, ``%etrade_verify``, the
callback receiver or the demo auto-approve.

Callback receivers live per name too. ``%etrade_callback`` starts one before any login (its
port bound at once, so the URL it prints is the one to register, with no race for the port);
``%etrade_login --callback`` then binds that receiver to its flow instead of starting another.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..api.session import Session
from ..environments import notebook_host
from ..errors import (
    AccessTokenExpiredError,
    ConfigurationError,
    EtradeError,
    LoginNotStartedError,
    TokenRejectedError,
)
from ..login.callback import (
    WAIT_FOR_LOGIN,
    CallbackPlan,
    CallbackReceiver,
    is_full_url,
    pending_token,
    plan_callback,
)
from ..login.flow import LoginState, OAuthFlow
from ..oauth.tokens import TokenState
from . import display as D
from .autoapprove import auto_approve
from .magics import stdin_is_tty

UI_VAR = "ETRADE_NB_UI"
Ui = Literal["widget", "text"]
_USABLE = (TokenState.ACTIVE, TokenState.INACTIVE)  # INACTIVE: the next call renews it


def choose_ui(shell: Any, flag: str | None = None, environ: Mapping[str, str] | None = None) -> Ui:
    """``widget`` or ``text``: the flag, else ``$ETRADE_NB_UI``, else what the kernel can do.

    Text when there is no kernel (terminal IPython, plain Python) or the running request does
    not allow stdin (nbclient, nbconvert, papermill, nbval set ``allow_stdin`` false), or
    ipywidgets is missing. Front ends a person looks at (Lab, Notebook 7, VS Code) get the widget.
    """
    env = os.environ if environ is None else environ
    choice = flag or env.get(UI_VAR, "").strip().lower()
    if choice in ("widget", "text"):
        return choice  # type: ignore[return-value]
    if choice:
        raise ConfigurationError(f"{UI_VAR}={choice!r} is not understood. Use 'widget' or 'text'.")
    kernel = getattr(shell, "kernel", None)
    if kernel is None or not getattr(kernel, "_allow_stdin", False):
        return "text"
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return "text"
    return "widget"


@dataclass
class Login:
    """The state kept for one name."""

    flow: OAuthFlow | None = None
    session: Session | None = None
    widget: Any = None  # LoginWidget (imported lazily: text mode needs no ipywidgets)
    receiver: CallbackReceiver | None = None
    handle: Any = None  # display handle of the text-mode link, replaced after login
    callback: CallbackPlan | None = None  # from %etrade_callback: port and path to keep using

    def close(self) -> None:
        if self.widget is not None:
            self.widget.close()
            self.widget = None
        if self.receiver is not None:
            self.receiver.stop(timeout=0.5)
            self.receiver = None

    def new_flow(self) -> None:
        """Drop what belongs to the old flow; a receiver stays up, unbound, for the next one."""
        if self.widget is not None:
            self.widget.receiver = None  # closing the widget must not stop the receiver
            self.widget.close()
            self.widget = None
        if self.receiver is not None:
            self.receiver.unbind()
        self.handle = None


def _default_display(obj: Any, display_id: bool | str | None = None) -> Any:
    from IPython.display import display

    return display(obj, raw=isinstance(obj, dict), display_id=display_id)


class LoginManager:
    """Logins per name for one IPython shell; ``flow_factory(sandbox=...)`` makes flows."""

    def __init__(
        self,
        shell: Any,
        *,
        flow_factory: Callable[..., OAuthFlow] | None = None,
        display: Callable[..., Any] = _default_display,
        timer: bool = True,
        callback_wait: float = WAIT_FOR_LOGIN,
        receiver_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shell = shell
        self.flow_factory = flow_factory or (lambda sandbox: OAuthFlow(sandbox=sandbox))
        self.display = display
        self.timer = timer
        self.callback_wait = callback_wait  # how long %etrade_callback's receiver waits
        self.receiver_clock = receiver_clock  # the receivers' monotonic clock (tests: fake)
        self.logins: dict[str, Login] = {}

    # -- %etrade_login -----------------------------------------------------------------------
    def login(
        self,
        name: str = D.DEFAULT_NAME,
        *,
        live: bool = False,
        force: bool = False,
        callback: str | None = None,
        callback_port: int = 0,
        ui: str | None = None,
    ) -> Session | None:
        """Reuse a usable session or show the login; returns the session if already bound."""
        if not name.isidentifier():
            raise ConfigurationError(f"--name {name!r} is not a Python identifier; try `etrade`.")
        env = "live" if live else "sandbox"
        rec = self.logins.setdefault(name, Login())
        flow = rec.flow
        if (
            force
            or flow is None
            or flow.environment.name != env
            or flow.state
            in (
                LoginState.NEW,
                LoginState.AUTHORIZED,
            )
        ):
            if not force and (reused := self._reusable(name, rec, env)):
                return reused
            rec.new_flow()
            rec.flow = flow = self.flow_factory(sandbox=not live)
            cached = None if force else flow.cached_session()
            if cached is not None and cached.state in _USABLE:
                self._bind(name, cached)
                self._say(D.reuse_text(name, "today's saved token"))
                self.display(D.status_bundle(name, cached.status()))
                return cached
        mode = choose_ui(self.shell, ui)
        submit = self._show_widget(name, rec, flow) if mode == "widget" else None
        if submit is None:
            submit = self._show_text(name, rec, flow)
        warn = self._warner(rec)
        if callback is not None:
            self._start_callback(rec, flow, callback, callback_port, submit, warn)
        url = flow.authorize_url or flow.start()
        if auto_approve(url, lambda code: submit(code, D.AUTO_APPROVED), warn):
            return rec.session
        if mode == "text" and getattr(self.shell, "kernel", None) is None and stdin_is_tty():
            self._prompt(name)
        return rec.session

    def _reusable(self, name: str, rec: Login, env: str) -> Session | None:
        for candidate in (rec.session, self.shell.user_ns.get(name)):
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

    def _show_widget(self, name: str, rec: Login, flow: OAuthFlow) -> Callable[..., Session]:
        from .widget import LoginWidget

        if rec.widget is None or rec.widget.flow is not flow:
            if rec.widget is not None:
                rec.widget.close()
            rec.widget = LoginWidget(
                flow, name=name, on_session=lambda s: self._bind(name, s), timer=self.timer
            )
        elif flow.state is LoginState.EXPIRED:
            rec.widget.refresh_link()
        self.display(rec.widget)
        return rec.widget.finish

    def _show_text(self, name: str, rec: Login, flow: OAuthFlow) -> Callable[..., Session]:
        url = flow.start()
        bundle = D.link_bundle(
            url, name=name, environment=flow.environment.name, seconds_left=flow.seconds_left()
        )
        rec.handle = self.display(bundle, display_id=True)
        return lambda code, note=None: self._finish_text(name, code, note)

    def _finish_text(self, name: str, code: str, note: str | None = None) -> Session:
        rec = self.logins[name]
        if rec.flow is None:
            raise LoginNotStartedError("No login is waiting. Run %etrade_login first.")
        session = rec.flow.finish(code)
        self._bind(name, session)
        done = D.authorized_bundle(name, session.environment.name, session.expires_at, note)
        if rec.handle is not None:  # the link (with its request token) leaves the output
            rec.handle.update(done, raw=True)
        else:
            self.display(done)
        return session

    def _start_callback(
        self,
        rec: Login,
        flow: OAuthFlow,
        url: str,
        port: int,
        submit: Callable[..., Session],
        warn: Callable[[str], None],
    ) -> None:
        if notebook_host().per_session:
            warn(D.BINDER_CALLBACK)
            return
        prepared = rec.callback if not url else None  # from %etrade_callback
        plan = prepared or plan_callback(url or None, port=port)
        binding: dict[str, Any] = {
            "expected_token": lambda: pending_token(flow.authorize_url),
            "on_refused": lambda text: rec.widget and rec.widget.show_note(text, error=True),
        }
        lifetime = flow.seconds_left() + 60
        receiver = rec.receiver
        reused = (
            receiver is not None
            and plan.port in (0, receiver.port)
            and plan.path == receiver.path
            and receiver.bind(submit, lifetime=lifetime, public_host=plan.public_host, **binding)
        )
        if not reused:
            if receiver is not None:
                receiver.stop(timeout=0.5)
            rec.receiver = receiver = self._receiver(plan, submit, **binding).start(lifetime)
            if url:
                rec.callback = None  # the URL given now replaces %etrade_callback's
        assert receiver is not None
        if rec.widget is not None:
            rec.widget.receiver = receiver
        text = D.callback_text(
            plan.url_for(receiver.port),
            via_hub=plan.via_hub,
            registered=bool(plan.registered_url or prepared),
        )
        self._say(text)

    def _receiver(
        self, plan: CallbackPlan, finish: Callable[..., object] | None, **binding: Any
    ) -> CallbackReceiver:
        return CallbackReceiver(
            finish,
            port=plan.port,
            path=plan.path,
            public_host=plan.public_host,
            proxied=plan.via_hub,
            relay_prefix=plan.relay_prefix,
            clock=self.receiver_clock,
            **binding,
        )

    # -- %etrade_callback --------------------------------------------------------------------
    def callback(self, name: str = D.DEFAULT_NAME, *, port: int = 0) -> str | None:
        """Start (or reuse) the receiver for ``name``; return the callback URL to register.

        ``port`` 0 lets the OS choose a free port, once, and the receiver keeps it: re-running
        returns the same URL while the receiver runs, and restarts it on that port after its
        wait for a login (``callback_wait``) ran out. ``%etrade_login --callback`` for ``name``
        then binds this receiver. On Binder nothing is started (``None``): no registered URL
        can reach a kernel there.
        """
        if not name.isidentifier():
            raise ConfigurationError(f"--name {name!r} is not a Python identifier; try `etrade`.")
        if not 0 <= port <= 65535:
            raise ConfigurationError(f"--port {port} is not a port number (0 to 65535).")
        if notebook_host().per_session:
            self._say(D.BINDER_CALLBACK, warning=True)
            return None
        rec = self.logins.setdefault(name, Login())
        plan = plan_callback(port=port)
        if not port and rec.callback is not None:
            plan = rec.callback  # keep the URL the user registered
        receiver = rec.receiver
        if receiver is not None and (
            plan.port not in (0, receiver.port) or plan.path != receiver.path
        ):
            receiver.stop(timeout=0.5)  # another port was asked for
            receiver = None
        if receiver is not None and receiver.done.is_set():
            receiver.unbind()  # its login succeeded: wait for the next one
        if receiver is None or not receiver.extend(self.callback_wait):
            rec.receiver = receiver = self._receiver(plan, None).start(self.callback_wait)
            if rec.widget is not None:
                rec.widget.receiver = receiver
        url = plan.url_for(receiver.port)
        rec.callback = CallbackPlan(
            receiver.port,
            receiver.path,
            url if is_full_url(url) else None,  # a full URL also fixes the Host to expect
            via_hub=plan.via_hub,
            relay_prefix=plan.relay_prefix,
        )
        self.display(
            D.callback_ready_bundle(
                url, name=name, via_hub=plan.via_hub, wait_seconds=self.callback_wait
            )
        )
        return url

    def _prompt(self, name: str) -> None:
        try:
            code = input("Verification code (Enter to skip): ").strip()
        except (EOFError, KeyboardInterrupt):
            return
        if code:
            self.verify(code, name)

    # -- %etrade_verify / %etrade_status / %etrade_logout ------------------------------------
    def verify(self, code: str, name: str = D.DEFAULT_NAME) -> Session:
        """Finish the pending login of ``name`` with a code or a pasted callback URL."""
        rec = self.logins.get(name)
        if rec is None or rec.flow is None:
            hint = "" if name == D.DEFAULT_NAME else f" --name {name}"
            raise LoginNotStartedError(
                f"No login for `{name}` is waiting for a code. Run %etrade_login{hint}, open "
                "the link, approve, then run this again with the code."
            )
        if rec.widget is not None:
            session = rec.widget.finish(code)
        else:
            session = self._finish_text(name, code)
        if rec.handle is None:
            env = session.environment.name
            self.display(D.authorized_bundle(name, env, session.expires_at))
        return session

    def session_for(self, name: str) -> Session | None:
        rec = self.logins.get(name)
        found = rec.session if rec else None
        candidate = self.shell.user_ns.get(name)
        return found or (candidate if isinstance(candidate, Session) else None)

    def status(self, name: str = D.DEFAULT_NAME) -> None:
        session = self.session_for(name)
        rec = self.logins.get(name)
        if session is not None:
            self.display(D.status_bundle(name, session.status()))
        elif rec is not None and rec.flow is not None and rec.flow.state is not LoginState.NEW:
            self._say(D.pending_text(name, rec.flow.seconds_left()))
        else:
            self._say(f"Not logged in as `{name}`. Run %etrade_login to log in.")

    def logout(self, name: str = D.DEFAULT_NAME) -> None:
        """Revoke the token, forget it from the cache and unbind ``name``.

        If E*TRADE could not be told (network, 5xx), nothing is unbound or forgotten here: the
        token may still work, so the error says to run ``%etrade_logout`` again. A token that
        is already dead (revoked, expired, rejected) counts as logged out.
        """
        session = self.session_for(name)
        if session is None:
            rec = self.logins.pop(name, None)
            if rec is not None:
                rec.close()
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
        rec = self.logins.pop(name, None)
        if rec is not None:
            rec.close()
        if self.shell.user_ns.get(name) is session:
            del self.shell.user_ns[name]
        self._say(f"Logged out: the token is revoked and forgotten, and `{name}` is unbound.")

    def close(self) -> None:
        """Stop every widget timer and receiver (``%unload_ext``)."""
        for rec in self.logins.values():
            rec.close()

    # -- helpers -----------------------------------------------------------------------------
    def _bind(self, name: str, session: Session) -> None:
        self.logins.setdefault(name, Login()).session = session
        self.shell.push({name: session})

    def _say(self, text: str, *, warning: bool = False) -> None:
        self.display(D.message_bundle(text, warning=warning))

    def _warner(self, rec: Login) -> Callable[[str], None]:
        def warn(text: str) -> None:
            self._say(text, warning=True)
            if rec.widget is not None:
                rec.widget.show_note(text, error=True)

        return warn


__all__ = ["UI_VAR", "Login", "LoginManager", "choose_ui"]
