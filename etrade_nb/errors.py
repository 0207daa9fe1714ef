"""One exception tree for everything etrade-nb raises.

Every message says what happened and ends with what to do next. No message, ``repr`` or
attribute of an error ever holds a consumer secret, token, token secret or verifier.

    EtradeError
    ├── ConfigurationError            missing credentials, live without opt-in, bad settings
    │   └── InvalidOrderError             an order refused before sending (price, term, session)
    ├── TokenCacheError               token file unsafe (permissions, owner) or unreadable
    ├── LoginError                    the three-step login
    │   ├── LoginNotStartedError          finish() before start()
    │   ├── VerifierFormatError           nothing usable was pasted
    │   ├── VerifierRejectedError         wrong code: retry with the same link
    │   ├── AuthorizeLinkExpiredError     the 5-minute request token ended: start() again
    │   └── TokenMismatchError            a pasted callback URL belongs to another login
    ├── AuthError                     E*TRADE refused the OAuth credentials (``.problem``)
    │   ├── SignatureRejectedError        signature_invalid
    │   ├── ConsumerKeyRejectedError      consumer_key_rejected / _unknown / _refused
    │   ├── TimestampRefusedError         timestamp_refused (``.skew_seconds``)
    │   ├── TokenRejectedError            token_rejected / token_revoked / nonce_used
    │   ├── AccessTokenInactiveError      idle 2 h and renew failed
    │   └── AccessTokenExpiredError       past midnight US Eastern: log in again
    ├── ApiError                      E*TRADE's ``{"Error": {"code", "message"}}`` (``.code``)
    ├── ResponseFormatError           a body that is not what the endpoint promises
    ├── OrderLookupError              find_order cannot tell for sure (``.candidates``)
    └── TransportError                the request did not complete
        ├── RequestTimeoutError
        ├── ServiceUnavailableError       5xx / connection errors after bounded GET retries
        └── OrderStatusUnknownError       a POST/PUT/DELETE failed in flight: never retried
"""

from __future__ import annotations

from typing import Any


class EtradeError(Exception):
    """Base class of every etrade-nb error; ``.response`` is the HTTP response, if any."""

    def __init__(self, message: str, *, response: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.response = response

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ConfigurationError(EtradeError):
    """Credentials or settings are missing or contradict each other."""


class InvalidOrderError(ConfigurationError):
    """An order that E*TRADE would refuse (or misread), stopped before anything is sent."""


class TokenCacheError(EtradeError):
    """The token cache file cannot be used safely."""


class LoginError(EtradeError):
    """A step of the request token → authorize → access token login failed."""


class LoginNotStartedError(LoginError):
    """``finish()`` was called with no pending login."""


class VerifierFormatError(LoginError):
    """The pasted text holds no verification code."""


class VerifierRejectedError(LoginError):
    """E*TRADE refused the verification code; the same link can be used again."""


class AuthorizeLinkExpiredError(LoginError):
    """The request token behind the authorize link expired (5 minutes)."""


class TokenMismatchError(LoginError):
    """A pasted callback URL carries an ``oauth_token`` of a different login."""


class AuthError(EtradeError):
    """E*TRADE refused the OAuth credentials; ``.problem`` is its ``oauth_problem``."""

    def __init__(self, message: str, *, problem: str | None = None, response: Any = None) -> None:
        super().__init__(message, response=response)
        self.problem = problem


class SignatureRejectedError(AuthError):
    """``signature_invalid``: wrong consumer secret, or keys of the other environment."""


class ConsumerKeyRejectedError(AuthError):
    """The consumer key is unknown, expired or not enabled for this environment."""


class TimestampRefusedError(AuthError):
    """``timestamp_refused``: this computer's clock is off; ``.skew_seconds`` says by how much."""

    def __init__(
        self,
        message: str,
        *,
        skew_seconds: float | None = None,
        problem: str | None = "timestamp_refused",
        response: Any = None,
    ) -> None:
        super().__init__(message, problem=problem, response=response)
        self.skew_seconds = skew_seconds


class TokenRejectedError(AuthError):
    """The token was revoked, replaced or never valid."""


class AccessTokenInactiveError(AuthError):
    """The access token went idle (2 hours without calls) and could not be renewed."""


class AccessTokenExpiredError(AuthError):
    """The access token died at midnight US Eastern; only a new login helps."""


class ApiError(EtradeError):
    """E*TRADE answered with an error document; ``.code`` and ``.status`` say which."""

    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        status: int | None = None,
        response: Any = None,
    ) -> None:
        super().__init__(message, response=response)
        self.code = code
        self.status = status


class ResponseFormatError(EtradeError):
    """The response body could not be read as the endpoint's format."""


class OrderLookupError(EtradeError):
    """``find_order`` cannot tell whether E*TRADE has the order; it never guesses.

    ``.candidates`` lists the orders that might be it (possibly none): check them with
    ``session.order(account, order_id)`` before sending anything again.
    """

    def __init__(
        self, message: str, *, candidates: list[Any] | None = None, response: Any = None
    ) -> None:
        super().__init__(message, response=response)
        self.candidates: list[Any] = list(candidates or [])


class TransportError(EtradeError):
    """The HTTP request did not complete."""


class RequestTimeoutError(TransportError):
    """E*TRADE did not answer within the timeout."""


class ServiceUnavailableError(TransportError):
    """E*TRADE kept failing (5xx or connection errors) after bounded retries."""


class OrderStatusUnknownError(TransportError):
    """A state-changing call failed in flight; it may or may not have taken effect.

    For an order, ``.client_order_id`` names it: ``session.find_order(client_order_id)``
    checks whether E*TRADE has it before anything is sent again.
    """

    def __init__(
        self, message: str, *, response: Any = None, client_order_id: str | None = None
    ) -> None:
        super().__init__(message, response=response)
        self.client_order_id = client_order_id
