"""etrade-nb: sign in to the E*TRADE API from a Jupyter notebook, then just use it.

Plain Python::

    from etrade_nb import OAuthFlow
    flow = OAuthFlow()                 # keys from arguments, environment or config file
    print(flow.start())                # open this link, approve, copy the code
    etrade = flow.finish("K7Q2M")      # an authenticated Session
    etrade.accounts()

In a notebook: ``%load_ext etrade_nb`` then ``%etrade_login``; ``etrade_nb.on_login(func)``
runs ``func(session)`` once the login has finished (dashboards, Voila).
Importing this package does not import IPython or ipywidgets, and public names import
their modules on first use (``%load_ext etrade_nb`` stays cheap).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Names resolve lazily at run time (see __getattr__); for type checkers ``X as X`` re-exports
# them (ruff's isort would split such imports into one line per name).
if TYPE_CHECKING:
    from .api.order_results import OrderPreview as OrderPreview, PlacedOrder as PlacedOrder  # noqa: I001
    from .api.order_types import (
        OptionContract as OptionContract,
        OrderRequest as OrderRequest,
        fund_order as fund_order,
        limit_order as limit_order,
        market_order as market_order,
        on_close_order as on_close_order,
        on_open_order as on_open_order,
        stop_limit_order as stop_limit_order,
        stop_order as stop_order,
        trailing_stop_order as trailing_stop_order,
    )
    from .api.session import (
        QuoteList as QuoteList,
        Session as Session,
        SessionStatus as SessionStatus,
    )
    from .api.strategies import (
        StrategyOrder as StrategyOrder,
        butterfly as butterfly,
        buy_write as buy_write,
        calendar_spread as calendar_spread,
        condor as condor,
        diagonal_spread as diagonal_spread,
        iron_butterfly as iron_butterfly,
        iron_condor as iron_condor,
        iron_condor_from_chain as iron_condor_from_chain,
        net_mid as net_mid,
        pick as pick,
        vertical_from_chain as vertical_from_chain,
        vertical_spread as vertical_spread,
    )
    from .api.transport import RetryPolicy as RetryPolicy
    from .environments import (
        Environment as Environment,
        authorize_url as authorize_url,
        resolve_environment as resolve_environment,
    )
    from .errors import (
        AccessTokenExpiredError as AccessTokenExpiredError,
        AccessTokenInactiveError as AccessTokenInactiveError,
        ApiError as ApiError,
        AuthError as AuthError,
        AuthorizeLinkExpiredError as AuthorizeLinkExpiredError,
        ConfigurationError as ConfigurationError,
        ConsumerKeyRejectedError as ConsumerKeyRejectedError,
        EtradeError as EtradeError,
        InvalidOrderError as InvalidOrderError,
        LoginError as LoginError,
        LoginNotStartedError as LoginNotStartedError,
        OrderLookupError as OrderLookupError,
        OrderStatusUnknownError as OrderStatusUnknownError,
        RequestTimeoutError as RequestTimeoutError,
        ResponseFormatError as ResponseFormatError,
        ServiceUnavailableError as ServiceUnavailableError,
        SignatureRejectedError as SignatureRejectedError,
        TimestampRefusedError as TimestampRefusedError,
        TokenCacheError as TokenCacheError,
        TokenMismatchError as TokenMismatchError,
        TokenRejectedError as TokenRejectedError,
        TransportError as TransportError,
        VerifierFormatError as VerifierFormatError,
        VerifierRejectedError as VerifierRejectedError,
    )
    from .login.flow import LoginState as LoginState, OAuthFlow as OAuthFlow
    from .notebook.hooks import on_login as on_login
    from .oauth.tokens import (
        AccessToken as AccessToken,
        RequestToken as RequestToken,
        TokenState as TokenState,
    )
    from .oauth.verifier import extract_verifier as extract_verifier
    from .storage.credentials import (
        Credentials as Credentials,
        load_credentials as load_credentials,
        save_credentials as save_credentials,
    )
    from .storage.token_store import (
        NO_STORE as NO_STORE,
        FileTokenStore as FileTokenStore,
        MemoryTokenStore as MemoryTokenStore,
        TokenStore as TokenStore,
        default_store as default_store,
    )

# The public API, one table: module (relative to this package) -> the names it provides.
# ``__all__`` and lazy loading both derive from it; a test checks the typing imports above.
_PUBLIC: dict[str, tuple[str, ...]] = {
    "errors": (
        "AccessTokenExpiredError",
        "AccessTokenInactiveError",
        "ApiError",
        "AuthError",
        "AuthorizeLinkExpiredError",
        "ConfigurationError",
        "ConsumerKeyRejectedError",
        "EtradeError",
        "InvalidOrderError",
        "LoginError",
        "LoginNotStartedError",
        "OrderLookupError",
        "OrderStatusUnknownError",
        "RequestTimeoutError",
        "ResponseFormatError",
        "ServiceUnavailableError",
        "SignatureRejectedError",
        "TimestampRefusedError",
        "TokenCacheError",
        "TokenMismatchError",
        "TokenRejectedError",
        "TransportError",
        "VerifierFormatError",
        "VerifierRejectedError",
    ),
    "environments": ("Environment", "authorize_url", "resolve_environment"),
    "oauth.tokens": ("AccessToken", "RequestToken", "TokenState"),
    "oauth.verifier": ("extract_verifier",),
    "storage.credentials": ("Credentials", "load_credentials", "save_credentials"),
    "storage.token_store": (
        "NO_STORE",
        "FileTokenStore",
        "MemoryTokenStore",
        "TokenStore",
        "default_store",
    ),
    "api.transport": ("RetryPolicy",),
    "api.session": ("QuoteList", "Session", "SessionStatus"),
    "api.order_types": (
        "OptionContract",
        "OrderRequest",
        "fund_order",
        "limit_order",
        "market_order",
        "on_close_order",
        "on_open_order",
        "stop_limit_order",
        "stop_order",
        "trailing_stop_order",
    ),
    "api.strategies": (
        "StrategyOrder",
        "butterfly",
        "buy_write",
        "calendar_spread",
        "condor",
        "diagonal_spread",
        "iron_butterfly",
        "iron_condor",
        "iron_condor_from_chain",
        "net_mid",
        "pick",
        "vertical_from_chain",
        "vertical_spread",
    ),
    "api.order_results": ("OrderPreview", "PlacedOrder"),
    "login.flow": ("LoginState", "OAuthFlow"),
    "notebook.hooks": ("on_login",),  # imports IPython on first use only
}
_LAZY = {name: module for module, names in _PUBLIC.items() for name in names}

__version__ = "0.1.0"

__all__ = sorted([*_LAZY, "__version__", "load_ipython_extension", "unload_ipython_extension"])


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
