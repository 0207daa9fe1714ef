"""A running emulator with a logged-in etrade-nb session, shared by the network benchmarks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from etrade_nb import NO_STORE, OAuthFlow, Session
from etrade_nb.emulator import EmulatorServer


@dataclass
class Live:
    """The emulator, a login flow and its session; tokens for the peer clients."""

    emulator: EmulatorServer
    flow: OAuthFlow
    session: Session

    @property
    def credentials(self) -> dict[str, str]:
        token = self.session._token  # the peers need the raw pair to sign their own requests
        return {
            "client_key": self.emulator.consumer_key,
            "client_secret": self.emulator.consumer_secret,
            "resource_owner_key": token.token,
            "resource_owner_secret": token.secret.reveal(),
        }

    def login(self) -> Session:
        """One full login on ``flow``: request token, approval, access token."""
        url = self.flow.start(force=True)
        token = parse_qs(urlsplit(url).query)["token"][0]
        return self.flow.finish(self.emulator.approve_token(token))


@contextlib.contextmanager
def running() -> Iterator[Live]:
    """Emulator on 127.0.0.1:0 with the real clock, and a logged-in session."""
    with EmulatorServer(port=0) as emu:
        flow = OAuthFlow(store=NO_STORE, environ=emu.environ(), timeout=30)
        live = Live(emu, flow, None)  # type: ignore[arg-type]
        live.session = live.login()
        try:
            yield live
        finally:
            live.session.close()
