"""An authenticated E*TRADE session: signed calls, renew when idle, never repeat an order.

    >>> accounts = session.accounts()                     # doctest: +SKIP
    >>> quotes = session.quotes(["AAPL", "BRK.B", "^VIX"]) # doctest: +SKIP
    >>> chain = session.option_chain("AAPL", as_frame=True) # doctest: +SKIP
    >>> session.get("/v1/accounts/list")                   # any documented GET, parsed JSON

Calls are JSON (``.json`` suffix and ``Accept: application/json``) over one keep-alive pool.
Before a call the session renews a token that has been idle for (nearly) 2 hours; a GET that
still meets ``token_expired`` is renewed and sent once more. Past midnight US Eastern the
token is dead and :class:`AccessTokenExpiredError` says to log in again. POST, PUT and DELETE
are sent exactly once. A session may be shared by threads.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from ..environments import Environment, resolve_environment
from ..errors import (
    AccessTokenExpiredError,
    AccessTokenInactiveError,
    ConfigurationError,
    TokenRejectedError,
)
from ..oauth.signing import oauth1
from ..oauth.tokens import (
    IDLE_LIMIT,
    AccessToken,
    Clock,
    TokenState,
    access_token_state,
    format_duration,
    format_valid_until,
)
from ..secret import Secret
from ..storage.token_store import NO_STORE, StoredToken, TokenStore, delete_quietly, save_or_explain
from .accounts import AccountsApi
from .alerts import AlertsApi
from .badge import environment_badge_html
from .market import QUOTE_BATCH, QUOTE_BATCH_OVERRIDE, MarketApi, QuoteList
from .orders import OrdersApi
from .paths import WireGuard, api_url, check_wire, is_order_path, judged_path
from .ratelimit import RateLimiter
from .responses import decode_json, error_for, oauth_problem
from .transport import RetryPolicy, new_http_session, send

__all__ = ["QUOTE_BATCH", "QUOTE_BATCH_OVERRIDE", "QuoteList", "Session", "SessionStatus"]

RENEW_MARGIN = 60.0
"""Renew this many seconds before the 2-hour idle limit rather than risk a refused call."""

_JSON_HEADERS = {"Accept": "application/json"}
UNKNOWN_HOST_NOTE = (
    "not an E*TRADE host etrade_nb knows, so it may be real money: order calls need "
    "session.enable_live_trading()"
)


@dataclass(frozen=True)
class SessionStatus:
    """A secret-free snapshot of a session for display."""

    environment: str
    state: TokenState
    now: float
    expires_at: float
    idle_at: float
    live_trading: bool

    @property
    def seconds_to_idle(self) -> float:
        return max(0.0, self.idle_at - self.now)

    @property
    def seconds_to_expiry(self) -> float:
        return max(0.0, self.expires_at - self.now)

    def lines(self) -> list[str]:
        """Human lines: environment, state, time to idle and to midnight ET."""
        out = [f"environment: {self.environment}", f"token: {self.state.value}"]
        if self.state in (TokenState.ACTIVE, TokenState.INACTIVE):
            idle = (
                "now (the next call renews it)"
                if self.state is TokenState.INACTIVE
                else f"in {format_duration(self.seconds_to_idle)} without calls"
            )
            out.append(f"goes idle: {idle}")
            out.append(
                f"valid until: {format_valid_until(self.expires_at)} "
                f"(ends at midnight ET, in {format_duration(self.seconds_to_expiry)}; "
                "log in again after that)"
            )
        if self.environment == "live":
            out.append("LIVE: calls act on your real E*TRADE accounts")
        elif self.environment not in ("sandbox", "live"):
            out.append(UNKNOWN_HOST_NOTE)
        return out


class Session(AccountsApi, MarketApi, OrdersApi, AlertsApi):
    """Signed access to the E*TRADE API with one access token.

    The helpers for each area of the API come from the mixins: accounts, balance,
    portfolio, position_lots, transactions, transaction (:mod:`.accounts`); quotes, lookup,
    option_expirations, option_chain (:mod:`.market`); orders, order, preview_order,
    place_order, preview_change, place_change, cancel_order, find_order (:mod:`.orders`);
    alerts, alert, delete_alerts (:mod:`.alerts`).
    """

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str | Secret,
        access_token: AccessToken,
        *,
        environment: Environment | None = None,
        last_used: float | None = None,
        http: requests.Session | None = None,
        clock: Clock = time.time,
        store: TokenStore | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        rate_limit: float | None = 4.0,
    ) -> None:
        super().__init__()  # each area's own state (see ApiBase)
        self.environment = environment or resolve_environment()
        self.consumer_key = consumer_key
        self._consumer_secret = Secret(consumer_secret)
        self._token = access_token
        self._clock = clock
        self._http = http or new_http_session(trust_env=not self.environment.local)
        self._store = store if store is not None else NO_STORE
        self.store_warning: str | None = None
        """Why the token could not be saved for a kernel restart, if it could not."""
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.market_limiter = RateLimiter(rate_limit) if rate_limit else None
        self._last_used = clock() if last_used is None else last_used
        self._revoked = False
        self._live_orders = False
        self._generation = 0  # bumped by every successful renew
        self._server_offset: float | None = None  # E*TRADE's clock minus ours (Date header)
        self._renew_lock = threading.Lock()
        signer = oauth1(
            consumer_key,
            consumer_secret,
            token=access_token._token,
            token_secret=access_token.secret,
            clock=clock,
        )
        self._auth = WireGuard(signer, self._check_wire)

    # -- state ---------------------------------------------------------------------------
    @property
    def sandbox(self) -> bool:
        return self.environment.sandbox

    @property
    def expires_at(self) -> float:
        """Midnight US Eastern after the login: the token's hard end (POSIX seconds)."""
        return self._token.expires_at

    @property
    def last_used(self) -> float:
        return self._last_used

    @property
    def state(self) -> TokenState:
        if self._revoked:
            return TokenState.REVOKED
        return access_token_state(self._token, self._last_used, self._clock())

    def status(self) -> SessionStatus:
        """A snapshot for display: state, time to idle, time to midnight-ET expiry."""
        return SessionStatus(
            environment=self.environment.label,
            state=self.state,
            now=self._clock(),
            expires_at=self._token.expires_at,
            idle_at=self._last_used + IDLE_LIMIT,
            live_trading=self._live_orders,
        )

    def __repr__(self) -> str:
        text = f"<etrade_nb.Session {self.environment.label}: {self.state.value}>"
        if self.environment.target == "live":
            text += "\nLIVE: calls act on your real E*TRADE accounts"
        elif self.environment.target == "unknown":
            text += f"\n{UNKNOWN_HOST_NOTE}"
        return text

    def _repr_html_(self) -> str:
        st = self.status()
        badge = environment_badge_html(st.environment)
        from html import escape

        items = "".join(f"<li>{escape(line)}</li>" for line in st.lines()[1:])
        return (
            f'<div class="etrade-nb-session">{badge} <b>E*TRADE session</b>'
            f'<ul style="margin:2px 0">{items}</ul></div>'
        )

    def enable_live_trading(self) -> None:
        """Allow order calls (POST/PUT/DELETE under ``/orders``) on a live session."""
        self._live_orders = True

    def _orders_off(self) -> str:
        env = self.environment
        if env.target == "unknown":
            return (
                f"Order calls are switched off: this session's {env.label} is "
                "not an E*TRADE host etrade_nb knows, so it may reach real money. If it does "
                "and you mean it, call session.enable_live_trading() first; for the sandbox "
                "unset ETRADE_NB_API_BASE."
            )
        named = ""
        if env.name != "live":
            named = f" (the login asked for {env.name}, but {env.api_base} is E*TRADE's live host)"
        return (
            f"This is a LIVE session{named} and order calls are switched off. If you really "
            "mean to trade with real money, call session.enable_live_trading() first."
        )

    # -- calls ---------------------------------------------------------------------------
    def _url(self, path: str) -> tuple[str, list[tuple[str, str]]]:
        """The URL for ``path`` as it will be sent, and any query written into it."""
        return api_url(self.environment.api_base, path)

    def _check_wire(self, method: str, url: str) -> None:
        check_wire(
            method,
            url,
            api_base=self.environment.api_base,
            oauth_base=self.environment.oauth_base,
            orders_allowed=self.sandbox or self._live_orders,
        )

    def _check_usable(self, method: str, url: str) -> None:
        now = self._clock()
        if self._revoked:
            raise TokenRejectedError(
                "This session was logged out (revoked). Log in again with %etrade_login or "
                "OAuthFlow.start()."
            )
        if self._token.expired(now):
            delete_quietly(self._store, self.consumer_key, self.environment.name, self._token.token)
            raise AccessTokenExpiredError(
                "The E*TRADE access token expired at midnight US Eastern (tokens last one "
                "trading day). Log in again with %etrade_login (or OAuthFlow.start())."
            )
        if (
            method != "GET"
            and not self.sandbox
            and not self._live_orders
            and is_order_path(judged_path(url))
        ):
            raise ConfigurationError(self._orders_off())
        if now - self._last_used >= IDLE_LIMIT - RENEW_MARGIN:
            self._renew(seen_generation=self._generation)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> Any:
        """Send a signed call and return its parsed JSON (``None`` for 204 No Content)."""
        method = method.upper()
        url, query = self._url(path)
        sent: Mapping[str, Any] | list[tuple[str, Any]] | None = params
        if query:  # keep repeated keys; explicit params win over the same key in the path
            given = dict(params or {})
            sent = [(k, v) for k, v in query if k not in given] + list(given.items())
        self._check_usable(method, url)
        what = f"{method} {url[len(self.environment.api_base) :]}"
        generation = self._generation
        response = self._send(method, url, sent, json, what)
        if response.status_code == 401:
            found = oauth_problem(response)
            if found and found[0] == "token_expired":
                self._renew(seen_generation=generation)
                if method != "GET":
                    raise AccessTokenInactiveError(
                        f"{what} was refused because the token had gone idle, so E*TRADE did "
                        "NOT act on it. The session has been renewed: send it again.",
                        problem="token_expired",
                        response=response,
                    )
                response = self._send(method, url, sent, json, what)
        if response.status_code >= 400:
            error = error_for(response, env=self.environment.name)
            if isinstance(error, TokenRejectedError) and error.problem != "nonce_used":
                # Dead at E*TRADE: never offer this token again (cache, %etrade_login reuse).
                self._revoked = True
                delete_quietly(
                    self._store, self.consumer_key, self.environment.name, self._token.token
                )
            raise error
        self._last_used = self._clock()
        return decode_json(response)

    def _send(self, method: str, url: str, params: Any, json: Any, what: str) -> requests.Response:
        response = send(
            self._http,
            method,
            url,
            auth=self._auth,
            params=params,
            json=json,
            headers=_JSON_HEADERS,
            timeout=self.timeout,
            policy=self.retry,
            what=what,
        )
        self._note_server_clock(response)
        return response

    def _note_server_clock(self, response: requests.Response) -> None:
        """Keep E*TRADE's clock (its ``Date`` header) relative to this session's clock."""
        stamp = response.headers.get("Date") if hasattr(response, "headers") else None
        if not stamp:
            return
        try:
            server = email.utils.parsedate_to_datetime(stamp).timestamp()
        except (TypeError, ValueError):
            return
        self._server_offset = server - self._clock()

    def server_time(self) -> float | None:
        """E*TRADE's clock now (epoch seconds, about 1 s resolution), as its last ``Date``
        header showed it; ``None`` before any answer. Order lookups use it, never the
        local clock, which may be minutes off."""
        offset = self._server_offset
        return None if offset is None else self._clock() + offset

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """Signed GET; retried a few times on 5xx and broken connections."""
        return self.request("GET", path, params=params)

    def post(self, path: str, json: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        """Signed POST, sent exactly once (never retried: it may place an order)."""
        return self.request("POST", path, params=params, json=json)

    def put(self, path: str, json: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        """Signed PUT, sent exactly once."""
        return self.request("PUT", path, params=params, json=json)

    def delete(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """Signed DELETE, sent exactly once."""
        return self.request("DELETE", path, params=params)

    # -- token lifecycle -----------------------------------------------------------------
    def _oauth_get(self, step: str, what: str) -> requests.Response:
        return send(
            self._http,
            "GET",
            f"{self.environment.oauth_base}/oauth/{step}",
            auth=self._auth,
            timeout=self.timeout,
            policy=self.retry,
            what=what,
        )

    def renew(self) -> str:
        """Revive an idle token (E*TRADE keeps the same token); returns E*TRADE's message."""
        return self._renew(seen_generation=None)

    def _renew(self, *, seen_generation: int | None) -> str:
        with self._renew_lock:
            if seen_generation is not None and self._generation != seen_generation:
                return "Access Token has been renewed"  # another thread just did it
            now = self._clock()
            if self._token.expired(now):
                raise AccessTokenExpiredError(
                    "The E*TRADE access token expired at midnight US Eastern and cannot be "
                    "renewed. Log in again with %etrade_login (or OAuthFlow.start())."
                )
            response = self._oauth_get("renew_access_token", "Renewing the access token")
            if response.status_code != 200:
                found = oauth_problem(response)
                if found and found[0] == "token_expired":
                    raise AccessTokenExpiredError(
                        "E*TRADE would not renew the access token (token_expired): it has "
                        "ended for today. Log in again with %etrade_login.",
                        problem="token_expired",
                        response=response,
                    )
                raise error_for(response, env=self.environment.name)
            self._last_used = self._clock()
            self._generation += 1
            self.store_warning = save_or_explain(
                self._store,
                self.consumer_key,
                self.environment.name,
                StoredToken(self._token, self._last_used),
            )
            return response.text.strip()

    def revoke(self) -> None:
        """End the token at E*TRADE (logout) and forget it from the token store."""
        try:
            if not self._revoked and not self._token.expired(self._clock()):
                response = self._oauth_get("revoke_access_token", "Revoking the access token")
                found = oauth_problem(response) if response.status_code != 200 else None
                dead = found is not None and found[0] in ("token_rejected", "token_expired")
                if response.status_code != 200 and not dead:
                    raise error_for(response, env=self.environment.name)
        finally:
            delete_quietly(self._store, self.consumer_key, self.environment.name, self._token.token)
        self._revoked = True

    def close(self) -> None:
        """Close the connection pool (the token stays valid)."""
        self._http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
