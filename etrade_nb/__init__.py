"""etrade-nb: sign in to the E*TRADE API from a Jupyter notebook, then just use it.

Plain Python::

    from etrade_nb import OAuthFlow
    flow = OAuthFlow()                 # keys from arguments, environment or config file
    print(flow.start())                # open this link, approve, copy the code
    etrade = flow.finish("K7Q2M")      # an authenticated Session
    etrade.accounts()

In a notebook: ``%load_ext etrade_nb`` then ``%etrade_login``.
Importing this package does not import IPython or ipywidgets.
"""

from __future__ import annotations

from typing import Any

from .config import Credentials, load_credentials, save_credentials
from .environments import Environment, authorize_url, resolve_environment
from .errors import (
    AccessTokenExpiredError,
    AccessTokenInactiveError,
    ApiError,
    AuthError,
    AuthorizeLinkExpiredError,
    ConfigurationError,
    ConsumerKeyRejectedError,
    EtradeError,
    LoginError,
    LoginNotStartedError,
    OrderStatusUnknownError,
    RequestTimeoutError,
    ResponseFormatError,
    ServiceUnavailableError,
    SignatureRejectedError,
    TimestampRefusedError,
    TokenCacheError,
    TokenMismatchError,
    TokenRejectedError,
    TransportError,
    VerifierFormatError,
    VerifierRejectedError,
)
from .flow import LoginState, OAuthFlow, extract_verifier
from .session import QuoteList, Session, SessionStatus
from .store import NO_STORE, FileTokenStore, MemoryTokenStore, TokenStore, default_store
from .tokens import AccessToken, RequestToken, TokenState
from .transport import RetryPolicy

__version__ = "0.1.0"

__all__ = [
    "NO_STORE",
    "AccessToken",
    "AccessTokenExpiredError",
    "AccessTokenInactiveError",
    "ApiError",
    "AuthError",
    "AuthorizeLinkExpiredError",
    "ConfigurationError",
    "ConsumerKeyRejectedError",
    "Credentials",
    "Environment",
    "EtradeError",
    "FileTokenStore",
    "LoginError",
    "LoginNotStartedError",
    "LoginState",
    "MemoryTokenStore",
    "OAuthFlow",
    "OrderStatusUnknownError",
    "QuoteList",
    "RequestTimeoutError",
    "RequestToken",
    "ResponseFormatError",
    "RetryPolicy",
    "ServiceUnavailableError",
    "Session",
    "SessionStatus",
    "SignatureRejectedError",
    "TimestampRefusedError",
    "TokenCacheError",
    "TokenMismatchError",
    "TokenRejectedError",
    "TokenState",
    "TokenStore",
    "TransportError",
    "VerifierFormatError",
    "VerifierRejectedError",
    "__version__",
    "authorize_url",
    "default_store",
    "extract_verifier",
    "load_credentials",
    "load_ipython_extension",
    "resolve_environment",
    "save_credentials",
]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext etrade_nb``: register the notebook magics (imports IPython lazily)."""
    from .notebook.magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext etrade_nb``."""
    from .notebook.magics import unload_ipython_extension as _unload

    _unload(ipython)
