"""The three-step E*TRADE login as a plain object: ``start()`` → user approves → ``finish()``.

``OAuthFlow`` holds at most one pending request token. Calling :meth:`OAuthFlow.start` again
while it is fresh returns the same link (a new request token would invalidate the code the
user is typing); a wrong code can be retried; an expired link is replaced by ``start()``.
No printing, prompting or IPython here: the widget, the magics and the callback receiver all
drive this object.
"""

from __future__ import annotations

import dataclasses
import enum
import os
import threading
import time
from collections.abc import Mapping

import requests

from ..api.responses import error_for, oauth_problem, parse_token_body
from ..api.session import Session
from ..api.transport import RetryPolicy, new_http_session, send
from ..environments import Environment, resolve_environment
from ..errors import (
    AuthorizeLinkExpiredError,
    ConfigurationError,
    LoginNotStartedError,
    TokenMismatchError,
    TransportError,
    VerifierRejectedError,
)
from ..oauth.signing import oauth1
from ..oauth.tokens import (
    REQUEST_TOKEN_LIFETIME,
    AccessToken,
    Clock,
    RequestToken,
    format_duration,
)
from ..oauth.verifier import extract_verifier
from ..secret import Secret
from ..storage.credentials import Credentials, load_credentials
from ..storage.token_store import StoredToken, TokenStore, default_store, save_or_explain

LINK_LIFETIME_VAR = "ETRADE_NB_LINK_LIFETIME"
"""Seconds an authorize link lasts, honoured only for a loopback E*TRADE (the emulator, whose
``request_token_lifetime`` tests shorten); E*TRADE's own links last 5 minutes."""


def link_lifetime(environment: Environment, environ: Mapping[str, str] | None = None) -> float:
    """How long a new authorize link works: 5 minutes, or the emulator's own setting."""
    raw = (os.environ if environ is None else environ).get(LINK_LIFETIME_VAR, "").strip()
    if not raw or not environment.local:
        return REQUEST_TOKEN_LIFETIME
    try:
        seconds = float(raw)
    except ValueError:
        raise ConfigurationError(
            f"{LINK_LIFETIME_VAR}={raw!r} is not a number of seconds; unset it."
        ) from None
    if not 0 < seconds <= REQUEST_TOKEN_LIFETIME:
        raise ConfigurationError(
            f"{LINK_LIFETIME_VAR}={raw!r} must be between 0 and {REQUEST_TOKEN_LIFETIME:g} "
            "seconds; unset it."
        )
    return seconds


class LoginState(str, enum.Enum):
    """Where a login stands."""

    NEW = "new"  # start() not called yet
    PENDING = "pending"  # link shown, waiting for the verification code
    EXPIRED = "expired"  # the link's 5 minutes are over: start() again
    AUTHORIZED = "authorized"  # finish() succeeded


class OAuthFlow:
    """One E*TRADE login: ``url = flow.start()``; the user approves; ``flow.finish(code)``.

    ``sandbox=True`` is the default; live trading needs ``sandbox=False``. ``callback`` is
    ``"oob"`` (copy and paste) or the callback URL registered with E*TRADE for this consumer
    key, where E*TRADE sends the user with ``oauth_verifier`` appended (the request itself
    always says ``oob``, as E*TRADE requires).
    """

    def __init__(
        self,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        *,
        sandbox: bool = True,
        callback: str = "oob",
        store: TokenStore | None = None,
        clock: Clock = time.time,
        http: requests.Session | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        if not isinstance(callback, str) or (
            callback != "oob" and not callback.startswith(("http://", "https://"))
        ):
            raise ConfigurationError(
                f"callback must be 'oob' or the http(s) URL registered with E*TRADE, "
                f"not {callback!r}."
            )
        self.environment: Environment = resolve_environment(sandbox=sandbox, environ=environ)
        self.credentials: Credentials = load_credentials(
            consumer_key, consumer_secret, environment=self.environment.name, environ=environ
        )
        self.callback = callback
        self.link_lifetime = link_lifetime(self.environment, environ)
        self.store = store if store is not None else default_store(environ)
        self.clock = clock
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._http = http or new_http_session(trust_env=not self.environment.local)
        self._lock = threading.RLock()
        self._request_token: RequestToken | None = None
        self._url: str | None = None
        self._session: Session | None = None
        self._authorized = False
        self._link_dead = False  # E*TRADE stopped accepting the request token early
        self._exchange_uncertain = False  # an exchange failed in flight: it may have used it

    # -- state ---------------------------------------------------------------------------
    @property
    def consumer_key(self) -> str:
        return self.credentials.consumer_key

    @property
    def state(self) -> LoginState:
        if self._authorized:
            return LoginState.AUTHORIZED
        if self._request_token is None:
            return LoginState.NEW
        if self._link_dead or self._request_token.expired(self.clock()):
            return LoginState.EXPIRED
        return LoginState.PENDING

    @property
    def authorize_url(self) -> str | None:
        """The pending authorize link, or ``None`` when no fresh link exists."""
        return self._url if self.state is LoginState.PENDING else None

    @property
    def pending_token(self) -> str | None:
        """The request token of the pending link (what a callback must carry), or ``None``."""
        token = self._request_token
        return token.token if token is not None and self.state is LoginState.PENDING else None

    @property
    def expires_at(self) -> float | None:
        """When the pending link stops working (POSIX seconds)."""
        return self._request_token.expires_at if self._request_token else None

    def seconds_left(self) -> float:
        """Seconds until the pending link expires (0 when there is none)."""
        if self._request_token is None:
            return 0.0
        return max(0.0, self._request_token.expires_at - self.clock())

    @property
    def session(self) -> Session | None:
        """The session made by the last successful :meth:`finish`."""
        return self._session

    def __repr__(self) -> str:
        return f"OAuthFlow(environment={self.environment.name!r}, state={self.state.value!r})"

    # -- steps ---------------------------------------------------------------------------
    def start(self, *, force: bool = False) -> str:
        """Get a request token and return the authorize URL for the user to open.

        While the previous link is fresh (5 minutes) the same URL is returned, unless
        ``force=True``.
        """
        with self._lock:
            if not force and self.state is LoginState.PENDING and self._url:
                return self._url
            creds = self.credentials
            auth = oauth1(
                creds.consumer_key, creds.consumer_secret, callback="oob", clock=self.clock
            )
            response = send(
                self._http,
                "GET",
                f"{self.environment.oauth_base}/oauth/request_token",
                auth=auth,
                timeout=self.timeout,
                policy=self.retry,
                what="Getting a request token",
                timeout_hint="OAuthFlow(timeout=60)",
            )
            if response.status_code != 200:
                raise error_for(response, env=self.environment.name)
            fields = parse_token_body(response)
            token = RequestToken(
                token=fields["oauth_token"],
                secret=Secret(fields["oauth_token_secret"]),
                issued_at=self.clock(),
                callback_confirmed=fields.get("oauth_callback_confirmed") == "true",
                lifetime=self.link_lifetime,
            )
            self._request_token = token
            self._authorized = False
            self._link_dead = self._exchange_uncertain = False
            self._url = self.environment.authorize_url(creds.consumer_key, token.token)
            return self._url

    def finish(self, verifier: str | Secret) -> Session:
        """Exchange the verification code (or pasted callback URL) for a :class:`Session`."""
        plain, pasted_token = extract_verifier(
            verifier.reveal() if isinstance(verifier, Secret) else verifier
        )
        code = Secret(plain)
        del verifier, plain  # from here on only the Secret: tracebacks with locals show ***
        with self._lock:
            if self._authorized and self._session is not None:
                return self._session
            pending = self._pending_token(pasted_token)
            response = self._exchange(pending, code)
            if response.status_code != 200:
                raise self._access_error(response, pending, code)
            return self._authorize(parse_token_body(response))

    def _pending_token(self, pasted_token: str | None) -> RequestToken:
        """The request token a code may be exchanged for now; else why not, as an error."""
        pending = self._request_token
        if pending is None:
            raise LoginNotStartedError(
                "There is no login waiting for a code. Call start() (or run %etrade_login), "
                "open the link, approve, then enter the code."
            )
        if pasted_token is not None and pasted_token != pending.token:
            raise TokenMismatchError(
                "That address belongs to an earlier login, not the link shown now. Open "
                "the current link, click Accept, and paste what it gives you."
            )
        if self.state is LoginState.EXPIRED:
            raise self._expired_error()
        return pending

    def _exchange(self, pending: RequestToken, code: Secret) -> requests.Response:
        """Send the access-token request once and return E*TRADE's answer, whatever it is."""
        creds = self.credentials
        auth = oauth1(
            creds.consumer_key,
            creds.consumer_secret,
            token=pending.token,
            token_secret=pending.secret,
            verifier=code,
            clock=self.clock,
        )
        failure: TransportError | None = None
        try:
            # Sent once: a lost answer may hide a used-up request token, so a silent
            # retry would turn a success into a confusing "wrong code".
            return send(
                self._http,
                "GET",
                f"{self.environment.oauth_base}/oauth/access_token",
                auth=auth,
                timeout=self.timeout,
                policy=dataclasses.replace(self.retry, retries=0),
                what="Exchanging the verification code",
                timeout_hint="OAuthFlow(timeout=60)",
            )
        except TransportError as exc:
            failure = exc
        self._exchange_uncertain = True
        raise type(failure)(
            f"{failure.message} E*TRADE may or may not have used the code: submit the "
            "same code again; if it is then refused, start a new login."
        )

    def _authorize(self, fields: dict[str, str]) -> Session:
        """Keep the access token (store and session): the login is done."""
        now = self.clock()
        access = AccessToken(
            fields["oauth_token"], Secret(fields["oauth_token_secret"]), issued_at=now
        )
        note = save_or_explain(
            self.store,
            self.credentials.consumer_key,
            self.environment.name,
            StoredToken(access, now),
        )
        self._session = self._make_session(access, last_used=now)
        self._session.store_warning = note
        self._authorized = True
        return self._session

    def cached_session(self) -> Session | None:
        """A session from the token store if it holds a token from today, else ``None``."""
        stored = self.store.load(self.consumer_key, self.environment.name, self.clock())
        if stored is None:
            return None
        return self._make_session(stored.token, last_used=stored.last_used)

    # -- helpers -------------------------------------------------------------------------
    def _make_session(self, access: AccessToken, *, last_used: float) -> Session:
        return Session(
            self.credentials.consumer_key,
            self.credentials.consumer_secret,
            access,
            environment=self.environment,
            last_used=last_used,
            http=self._http,
            clock=self.clock,
            store=self.store,
            timeout=self.timeout,
            retry=self.retry,
        )

    def _expired_error(self) -> AuthorizeLinkExpiredError:
        return AuthorizeLinkExpiredError(
            "The authorize link has expired (E*TRADE links last 5 minutes). Get a new link "
            "with start() (the login widget shows one by itself), approve, and enter the new code."
        )

    def _access_error(
        self, response: requests.Response, pending: RequestToken, code: Secret
    ) -> Exception:
        found = oauth_problem(response)
        problem = found[0] if found else None
        if problem == "token_rejected" and self._exchange_uncertain:
            self._link_dead = True
            return AuthorizeLinkExpiredError(
                "E*TRADE no longer accepts this login link: the interrupted attempt probably "
                "used it up. Get a new link with start() (the login widget shows one by "
                "itself), approve, and enter the new code.",
                response=response,
            )
        if problem == "token_expired" or (
            problem == "token_rejected" and pending.expired(self.clock())
        ):
            self._link_dead = True
            return self._expired_error()
        if problem in ("token_rejected", "verifier_invalid", "permission_denied"):
            left = format_duration(self.seconds_left())
            case = (
                " Codes are upper-case: check the letters."
                if code.reveal() != code.reveal().upper()
                else ""
            )
            return VerifierRejectedError(
                "E*TRADE did not accept that verification code. Check it (copy it again from "
                f"the E*TRADE page) and submit it again; this link works for {left} more.{case} "
                "If it keeps failing, start a new login.",
                response=response,
            )
        return error_for(response, env=self.environment.name)
