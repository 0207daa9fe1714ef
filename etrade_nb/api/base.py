"""What the per-area helpers (accounts, market, orders, alerts) share: calls and account names.

:class:`ApiBase` is the common parent of the area mixins that :class:`~.session.Session`
combines. It is the one place that says what a mixin may use of the session (the signed
calls, the clock, quotes as a frame), so the type checker holds both sides to it, and it
resolves an account given as its ``accountIdKey``, the account number the user sees, or a
row of ``accounts()``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import quote

from ..errors import ApiError, ConfigurationError, ResponseFormatError
from ..oauth.tokens import Clock

if TYPE_CHECKING:
    from pandas import DataFrame, Series

Doc = dict[str, Any]
"""One E*TRADE JSON object, as parsed."""
Account: TypeAlias = "str | int | Mapping[str, Any] | Series[Any]"
"""An account: its ``accountIdKey``, the account number, or a row of ``accounts()`` (a dict,
or a row of ``accounts(as_frame=True)``)."""


class Records(list):  # type: ignore[type-arg]
    """Documents in E*TRADE's order; ``.messages`` holds its notes, ``.more`` says a cap cut
    the listing short (more pages remained)."""

    def __init__(
        self,
        items: Iterable[Doc] = (),
        messages: Iterable[Doc] = (),
        *,
        more: bool = False,
    ) -> None:
        super().__init__(items)
        self.messages: list[Doc] = list(messages)
        self.more = more


def follow_markers(
    fetch: Callable[[dict[str, Any]], Doc],
    params: dict[str, Any],
    *,
    rows: str,
    more: Callable[[Doc], bool],
    limit: int | None,
    pages: int,
    noun: str,
    narrow: str,
) -> Records:
    """Every page of a listing that E*TRADE pages with ``marker``, up to ``limit`` rows.

    ``fetch(params)`` returns one page's body; ``rows`` names its list; ``more(body)`` says
    whether E*TRADE has more. A cut listing has ``.more`` set and warns; a marker that comes
    back twice stops with an error rather than loop. ``narrow`` says how to ask for less.
    """
    result = Records()
    seen: set[str] = set()
    for _ in range(pages):
        body = fetch(params)
        result.extend(as_list(body.get(rows)))
        result.messages.extend(as_list(dig(body, "messages", "Message")))
        marker = body.get("marker")
        if marker in (None, "") or not more(body):
            break
        if limit is not None and len(result) >= limit:
            result.more = True
            break
        if str(marker) in seen:
            raise ResponseFormatError(
                f"E*TRADE sent the {noun} marker {marker!r} twice; stopping so the listing "
                f"does not loop. {narrow.capitalize()} and try again."
            )
        seen.add(str(marker))
        params["marker"] = marker
    else:
        result.more = True
    if limit is not None and len(result) > limit:
        del result[limit:]
        result.more = True
    if result.more:
        warnings.warn(
            f"Stopped after {len(result)} {noun}s; more remain. Pass a larger limit (or "
            f"limit=None), or {narrow}.",
            stacklevel=3,
        )
    return result


def as_list(value: Any) -> list[Any]:
    """E*TRADE's repeated element as a list: XML-style single dicts and absent ones included."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [value]


def dig(doc: Any, *keys: str) -> Any:
    """``doc[k1][k2]…`` or ``None`` where a level is missing (204 bodies are ``None``)."""
    for key in keys:
        if not isinstance(doc, dict):
            return None
        doc = doc.get(key)
    return doc


def unwrap(doc: Any, name: str) -> Doc:
    """``doc[name]`` when E*TRADE wrapped the answer in ``name``, else ``doc`` itself.

    An empty answer (a 204, ``None``) is an empty dict.
    """
    body = doc.get(name, doc) if isinstance(doc, dict) else doc
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ResponseFormatError(
            f"E*TRADE's answer is not an object ({type(body).__name__}) where {name} was "
            "expected. Try again; if it persists, the API may have changed."
        )
    return body


def flag(value: bool) -> str:
    """E*TRADE's query booleans: ``true`` / ``false``."""
    return "true" if value else "false"


def choice(name: str, value: str, allowed: Iterable[str]) -> str:
    """``value`` upper-cased if E*TRADE documents it for ``name``; else a clear error."""
    text = str(value).strip().upper()
    options = tuple(allowed)
    if text not in options:
        raise ConfigurationError(f"{name}={value!r} is not one of {', '.join(options)}.")
    return text


def mmddyyyy(name: str, value: date | datetime | str) -> str:
    """A request date as E*TRADE wants it (``MMDDYYYY``) from a date or an ISO string."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 8 and text.isdigit():
            return text  # already MMDDYYYY
        try:
            value = date.fromisoformat(text[:10])
        except ValueError:
            raise ConfigurationError(
                f"{name}={value!r} is not a date: pass a datetime.date or 'YYYY-MM-DD'."
            ) from None
    return value.strftime("%m%d%Y")


def is_no_data(error: ApiError) -> bool:
    """E*TRADE's "no records" answer (code 53), used for an empty alert inbox and others."""
    return str(error.code) == "53"


def _find_account(accounts: list[Doc], wanted: str) -> str | None:
    """The ``accountIdKey`` of the account whose key or number is ``wanted``."""
    for row in accounts:
        if wanted == str(row.get("accountIdKey", "")):
            return wanted
    for row in accounts:
        if wanted == str(row.get("accountId", "")) and row.get("accountIdKey"):
            return str(row["accountIdKey"])
    return None


class ApiBase:
    """What the area helpers need from the session, declared in one place.

    :class:`~.session.Session` supplies the signed calls, ``_clock``, :meth:`server_time`
    and (declared on :class:`~.market.MarketApi`) ``market_limiter``. A mixin's own state
    is set up in its ``__init__`` (the session calls ``super().__init__()`` first);
    :meth:`_quote_frame` is how one area asks another (:class:`~.market.MarketApi`) for
    quotes.
    """

    _clock: Clock
    """The session's clock (POSIX seconds); tests inject one."""

    def __init__(self) -> None:
        self._accounts_cache: list[Doc] | None = None

    def server_time(self) -> float | None:
        """E*TRADE's clock now, as its last answer showed it (:class:`Session`)."""
        raise NotImplementedError

    def _quote_frame(self, symbols: list[str], detail: str) -> DataFrame:
        """Quotes of ``symbols`` as a DataFrame indexed by symbol (:class:`MarketApi`)."""
        raise NotImplementedError

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        raise NotImplementedError

    def post(self, path: str, json: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        raise NotImplementedError

    def put(self, path: str, json: Any = None, params: Mapping[str, Any] | None = None) -> Any:
        raise NotImplementedError

    def delete(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        raise NotImplementedError

    def _list_accounts(self) -> list[Doc]:
        doc = self.get("/v1/accounts/list")
        accounts = as_list(dig(doc, "AccountListResponse", "Accounts", "Account"))
        self._accounts_cache = accounts
        return accounts

    def account_key(self, account: Account) -> str:
        """The ``accountIdKey`` for an account key, account number or ``accounts()`` row.

        The accounts list is fetched once and kept; an unknown name refreshes it once.
        """
        if not isinstance(account, (str, int)):
            # a dict from accounts(), or a row of accounts(as_frame=True) (named by its key)
            found = getattr(account, "get", lambda _: None)("accountIdKey")
            found = found or getattr(account, "name", None)
            if not isinstance(found, str) or not found:
                raise ConfigurationError(
                    "Pass an account number, an accountIdKey or a row of session.accounts()."
                )
            return found
        wanted = str(account).strip()
        if not wanted:
            raise ConfigurationError("No account given: pass an accountIdKey or account number.")
        cached = self._accounts_cache
        accounts = cached if cached is not None else self._list_accounts()
        found = _find_account(accounts, wanted)
        if found is None and cached is not None:  # accounts may have changed: look once more
            accounts = self._list_accounts()
            found = _find_account(accounts, wanted)
        if found is not None:
            return found
        known = ", ".join(
            f"{row.get('accountId')} ({row.get('accountDesc') or row.get('accountName') or '-'})"
            for row in accounts
        )
        raise ConfigurationError(
            f"No account {wanted!r} in this login. Pass an account number or accountIdKey "
            f"from session.accounts(): {known or 'none listed'}."
        )

    def _account_path(self, account: Account, tail: str = "") -> str:
        return f"/v1/accounts/{quote(self.account_key(account), safe='')}{tail}"
