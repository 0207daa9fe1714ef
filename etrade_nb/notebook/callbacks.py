"""``CallbackDesk``: the one owner, per login name, of the callback plan and its receiver.

``%etrade_callback`` opens a receiver before any login (:meth:`CallbackDesk.open`);
``%etrade_login --callback`` binds the running one to its login or starts one
(:meth:`CallbackDesk.bind`). A login that ends lets its receiver go (:meth:`release`): it
keeps running for the next login under that name until its wait runs out. Logging out and
``%unload_ext`` stop it (:meth:`stop`, :meth:`close`). Nothing else builds receivers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ..login.callback import WAIT_FOR_LOGIN, CallbackReceiver
from ..login.callback_urls import CallbackPlan, is_full_url, plan_callback

_STOP_TIMEOUT = 0.5  # seconds to wait for a receiver's thread when it is stopped


@dataclass(frozen=True)
class Bound:
    """A login's receiver and what to tell the person about it."""

    receiver: CallbackReceiver
    url: str  # the callback URL E*TRADE redirects to (or the one to register)
    via_hub: bool
    registered: bool  # E*TRADE redirects only to a registered URL; else the person pastes


class CallbackDesk:
    """Callback plans and running receivers, one of each per login name."""

    def __init__(
        self, *, wait: float = WAIT_FOR_LOGIN, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.wait = wait  # how long a receiver of %etrade_callback waits for a login
        self.clock = clock  # the receivers' monotonic clock (tests: fake)
        self._receivers: dict[str, CallbackReceiver] = {}
        self._plans: dict[str, CallbackPlan] = {}  # %etrade_callback's port and path, kept

    def receiver(self, name: str) -> CallbackReceiver | None:
        """The receiver of ``name``, running or not, or ``None``."""
        return self._receivers.get(name)

    def plan(self, name: str) -> CallbackPlan | None:
        """The plan ``%etrade_callback`` made for ``name`` (its URL is registered), if any."""
        return self._plans.get(name)

    def open(self, name: str, *, port: int = 0) -> tuple[str, CallbackPlan]:
        """Start (or reuse) ``name``'s receiver with no login; the URL to register, its plan.

        ``port`` 0 keeps the port chosen before, so re-running gives the same URL; a receiver
        whose login succeeded is freed for the next one, and one whose wait ran out restarts.
        """
        plan = plan_callback(port=port)
        if not port and name in self._plans:
            plan = self._plans[name]  # keep the URL the user registered
        receiver = self._receivers.get(name)
        if receiver is not None and not _fits(plan, receiver):
            receiver.stop(timeout=_STOP_TIMEOUT)  # another port was asked for
            receiver = None
        if receiver is not None and receiver.done.is_set():
            receiver.unbind()  # its login succeeded: wait for the next one
        if receiver is None or not receiver.extend(self.wait):
            receiver = self._new(plan, None).start(self.wait)
        self._receivers[name] = receiver
        url = plan.url_for(receiver.port)
        self._plans[name] = kept = CallbackPlan(
            receiver.port,
            receiver.path,
            url if is_full_url(url) else None,  # a full URL also fixes the Host to expect
            via_hub=plan.via_hub,
            relay_prefix=plan.relay_prefix,
        )
        return url, kept

    def bind(
        self,
        name: str,
        finish: Callable[[str], object],
        *,
        url: str = "",
        port: int = 0,
        expected_token: Callable[[], str | None],
        on_refused: Callable[[str], None],
        lifetime: float,
    ) -> Bound:
        """Hand ``name``'s receiver to a login (``finish`` takes the code), starting one.

        ``url`` empty: ``%etrade_callback``'s plan if there is one, else a new one on
        ``port``; a URL given now replaces ``%etrade_callback``'s.
        """
        prepared = self._plans.get(name) if not url else None
        plan = prepared or plan_callback(url or None, port=port)
        receiver = self._receivers.get(name)
        reused = (
            receiver is not None
            and _fits(plan, receiver)
            and receiver.bind(
                finish,
                expected_token=expected_token,
                on_refused=on_refused,
                lifetime=lifetime,
                public_host=plan.public_host,
            )
        )
        if receiver is None or not reused:
            if receiver is not None:
                receiver.stop(timeout=_STOP_TIMEOUT)
            receiver = self._new(plan, finish, expected_token, on_refused).start(lifetime)
            if url:
                self._plans.pop(name, None)
        self._receivers[name] = receiver
        return Bound(
            receiver,
            plan.url_for(receiver.port),
            via_hub=plan.via_hub,
            registered=bool(plan.registered_url or prepared),
        )

    def release(self, name: str) -> None:
        """The login of ``name`` ended: its receiver lets it go and waits for the next one."""
        receiver = self._receivers.get(name)
        if receiver is not None:
            receiver.unbind()

    def stop(self, name: str) -> None:
        """Stop and forget ``name``'s receiver (logout); its plan stays for the next one."""
        receiver = self._receivers.pop(name, None)
        if receiver is not None:
            receiver.stop(timeout=_STOP_TIMEOUT)

    def close(self) -> None:
        """Stop every receiver (``%unload_ext``)."""
        for name in list(self._receivers):
            self.stop(name)

    def _new(
        self,
        plan: CallbackPlan,
        finish: Callable[[str], object] | None,
        expected_token: Callable[[], str | None] | None = None,
        on_refused: Callable[[str], None] | None = None,
    ) -> CallbackReceiver:
        return CallbackReceiver(
            finish,
            expected_token=expected_token,
            on_refused=on_refused,
            port=plan.port,
            path=plan.path,
            public_host=plan.public_host,
            proxied=plan.via_hub,
            relay_prefix=plan.relay_prefix,
            clock=self.clock,
        )


def _fits(plan: CallbackPlan, receiver: CallbackReceiver) -> bool:
    """Whether ``receiver`` listens where ``plan`` asks (port 0: any port)."""
    return plan.port in (0, receiver.port) and plan.path == receiver.path


__all__ = ["Bound", "CallbackDesk"]
