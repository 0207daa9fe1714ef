"""etrade-nb: sign in to the E*TRADE API from a Jupyter notebook, then just use it.

Plain Python::

    from etrade_nb import OAuthFlow
    flow = OAuthFlow()                 # keys from arguments, environment or config file
    print(flow.start())                # open this link, approve, copy the code
    etrade = flow.finish("K7Q2M")      # an authenticated Session
    etrade.accounts()

In a notebook: ``%load_ext etrade_nb`` then ``%etrade_login``.
Importing this package does not import IPython or ipywidgets, and public names import
their modules on first use (``%load_ext etrade_nb`` stays cheap).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # names resolve lazily at run time (see __getattr__)
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

_LAZY = {
    "AccessToken": "tokens",
    "AccessTokenExpiredError": "errors",
    "AccessTokenInactiveError": "errors",
    "ApiError": "errors",
    "AuthError": "errors",
    "AuthorizeLinkExpiredError": "errors",
    "ConfigurationError": "errors",
    "ConsumerKeyRejectedError": "errors",
    "Credentials": "config",
    "Environment": "environments",
    "EtradeError": "errors",
    "FileTokenStore": "store",
    "LoginError": "errors",
    "LoginNotStartedError": "errors",
    "LoginState": "flow",
    "MemoryTokenStore": "store",
    "NO_STORE": "store",
    "OAuthFlow": "flow",
    "OrderStatusUnknownError": "errors",
    "QuoteList": "session",
    "RequestTimeoutError": "errors",
    "RequestToken": "tokens",
    "ResponseFormatError": "errors",
    "RetryPolicy": "transport",
    "ServiceUnavailableError": "errors",
    "Session": "session",
    "SessionStatus": "session",
    "SignatureRejectedError": "errors",
    "TimestampRefusedError": "errors",
    "TokenCacheError": "errors",
    "TokenMismatchError": "errors",
    "TokenRejectedError": "errors",
    "TokenState": "tokens",
    "TokenStore": "store",
    "TransportError": "errors",
    "VerifierFormatError": "errors",
    "VerifierRejectedError": "errors",
    "authorize_url": "environments",
    "default_store": "store",
    "extract_verifier": "flow",
    "load_credentials": "config",
    "resolve_environment": "environments",
    "save_credentials": "config",
}

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


def __getattr__(name: str) -> Any:
    """Import the module behind a public name on first use, so start-up stays cheap."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'etrade_nb' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext etrade_nb``: register the notebook magics (imports IPython lazily)."""
    from .notebook.magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext etrade_nb``."""
    from .notebook.magics import unload_ipython_extension as _unload

    _unload(ipython)
