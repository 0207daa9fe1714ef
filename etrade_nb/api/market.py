"""Market area: quotes (every ``detailFlag``), product lookup, option expiries and chains.

Market calls go through the session's ``market_limiter`` (at most ``rate_limit`` calls in
any second); quotes go 50 symbols per call with ``overrideSymbolCount=true``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, overload
from urllib.parse import quote

from ..errors import ConfigurationError
from .base import ApiBase, Doc, as_list, choice, dig, flag
from .ratelimit import RateLimiter

if TYPE_CHECKING:
    from pandas import DataFrame

QUOTE_BATCH = 25
QUOTE_BATCH_OVERRIDE = 50
DETAIL_FLAGS = ("ALL", "FUNDAMENTAL", "INTRADAY", "OPTIONS", "WEEK_52", "MF_DETAIL")
EXPIRY_TYPES = ("UNSPECIFIED", "DAILY", "WEEKLY", "MONTHLY", "QUARTERLY", "VIX", "ALL", "MONTHEND")
OPTION_CATEGORIES = ("STANDARD", "ALL", "MINI")
CHAIN_TYPES = ("CALL", "PUT", "CALLPUT")
CHAIN_PRICE_TYPES = ("ATNM", "ALL")


class QuoteList(list):  # type: ignore[type-arg]
    """Quote documents in the order asked for; ``.messages`` holds E*TRADE's per-symbol notes."""

    def __init__(self, quotes: Iterable[Doc] = (), messages: Iterable[Doc] = ()) -> None:
        super().__init__(quotes)
        self.messages: list[Doc] = list(messages)


def _symbols(symbols: str | Iterable[str]) -> list[str]:
    items = symbols.split(",") if isinstance(symbols, str) else list(symbols)
    seen: dict[str, None] = {}
    for item in items:
        s = str(item).strip()
        if s:
            seen.setdefault(s, None)
    if not seen:
        raise ConfigurationError("No symbols given. Pass e.g. ['AAPL', 'MSFT'] or 'AAPL,MSFT'.")
    return list(seen)


def _one_symbol(symbol: str) -> str:
    text = str(symbol).strip().upper()
    if not text or "," in text:
        raise ConfigurationError(f"Pass one underlying symbol such as 'AAPL', not {symbol!r}.")
    return text


class MarketApi(ApiBase):
    """``/v1/market/...`` helpers."""

    market_limiter: RateLimiter | None
    """Set by the session: market calls wait here (``rate_limit`` a second); ``None``: no limit."""

    def _quote_frame(self, symbols: list[str], detail: str) -> DataFrame:
        return self.quotes(symbols, detail, as_frame=True)

    def _market_get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        if self.market_limiter is not None:
            self.market_limiter.acquire()
        return self.get(path, params=params)

    @overload
    def quotes(
        self,
        symbols: str | Iterable[str],
        detail: str = ...,
        *,
        override_symbol_count: bool = ...,
        require_earnings_date: bool = ...,
        skip_mini_options_check: bool | None = ...,
        as_frame: Literal[False] = False,
        max_workers: int = ...,
    ) -> QuoteList: ...
    @overload
    def quotes(
        self,
        symbols: str | Iterable[str],
        detail: str = ...,
        *,
        override_symbol_count: bool = ...,
        require_earnings_date: bool = ...,
        skip_mini_options_check: bool | None = ...,
        as_frame: Literal[True],
        max_workers: int = ...,
    ) -> DataFrame: ...
    @overload
    def quotes(
        self,
        symbols: str | Iterable[str],
        detail: str = ...,
        *,
        override_symbol_count: bool = ...,
        require_earnings_date: bool = ...,
        skip_mini_options_check: bool | None = ...,
        as_frame: bool,
        max_workers: int = ...,
    ) -> QuoteList | DataFrame: ...
    def quotes(
        self,
        symbols: str | Iterable[str],
        detail: str = "ALL",
        *,
        override_symbol_count: bool = True,
        require_earnings_date: bool = False,
        skip_mini_options_check: bool | None = None,
        as_frame: bool = False,
        max_workers: int = 2,
    ) -> QuoteList | DataFrame:
        """Quotes for any number of symbols, 50 per call (25 without the override).

        ``detail`` is E*TRADE's ``detailFlag``: ALL, FUNDAMENTAL, INTRADAY, OPTIONS, WEEK_52
        or MF_DETAIL. Option symbols use E*TRADE's form ``AAPL:2026:6:19:CALL:190``. Calls go
        out at most ``max_workers`` at a time within the session's ``rate_limit``; per-symbol
        problems E*TRADE reports are in ``.messages`` (``DataFrame.attrs['messages']``).
        """
        wanted = _symbols(symbols)
        detail = choice("detail", detail, DETAIL_FLAGS)
        size = QUOTE_BATCH_OVERRIDE if override_symbol_count else QUOTE_BATCH
        batches = [wanted[i : i + size] for i in range(0, len(wanted), size)]
        base: dict[str, Any] = {"detailFlag": detail}
        if require_earnings_date:
            base["requireEarningsDate"] = "true"
        if skip_mini_options_check is not None:
            base["skipMiniOptionsCheck"] = flag(skip_mini_options_check)

        def one(batch: list[str]) -> Any:
            params = dict(base)
            if len(batch) > QUOTE_BATCH:
                params["overrideSymbolCount"] = "true"
            path = "/v1/market/quote/" + ",".join(quote(s, safe=":.") for s in batch)
            return self._market_get(path, params)

        if len(batches) <= 1 or max_workers <= 1:
            docs = [one(b) for b in batches]
        else:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(max_workers, len(batches))) as pool:
                docs = list(pool.map(one, batches))
        result = QuoteList()
        for doc in docs:
            body = dig(doc, "QuoteResponse") or {}
            result.extend(as_list(body.get("QuoteData")))
            result.messages.extend(as_list(dig(body, "Messages", "Message")))
        if as_frame:
            from .frames import quotes_frame

            frame: DataFrame = quotes_frame(result)
            return frame
        return result

    @overload
    def lookup(self, search: str, *, as_frame: Literal[False] = False) -> list[Doc]: ...
    @overload
    def lookup(self, search: str, *, as_frame: Literal[True]) -> DataFrame: ...
    @overload
    def lookup(self, search: str, *, as_frame: bool) -> list[Doc] | DataFrame: ...
    def lookup(self, search: str, *, as_frame: bool = False) -> list[Doc] | DataFrame:
        """Products whose company name matches ``search`` (``LookupResponse.Data``)."""
        text = str(search).strip()
        if not text:
            raise ConfigurationError("lookup() needs a company name or part of one, e.g. 'Apple'.")
        doc = self._market_get("/v1/market/lookup/" + quote(text, safe=""))
        data: list[Doc] = as_list(dig(doc, "LookupResponse", "Data"))
        if as_frame:
            from .frames import lookup_frame

            frame: DataFrame = lookup_frame(data)
            return frame
        return data

    @overload
    def option_expirations(
        self, symbol: str, *, expiry_type: str | None = ..., as_frame: Literal[False] = False
    ) -> list[Doc]: ...
    @overload
    def option_expirations(
        self, symbol: str, *, expiry_type: str | None = ..., as_frame: Literal[True]
    ) -> DataFrame: ...
    @overload
    def option_expirations(
        self, symbol: str, *, expiry_type: str | None = ..., as_frame: bool
    ) -> list[Doc] | DataFrame: ...
    def option_expirations(
        self, symbol: str, *, expiry_type: str | None = None, as_frame: bool = False
    ) -> list[Doc] | DataFrame:
        """Expiry dates of ``symbol``'s options (``ExpirationDate[]{year, month, day,
        expiryType}``); ``expiry_type`` e.g. WEEKLY, MONTHLY or ALL."""
        params: dict[str, Any] = {"symbol": _one_symbol(symbol)}
        if expiry_type:
            params["expiryType"] = choice("expiry_type", expiry_type, EXPIRY_TYPES)
        doc = self._market_get("/v1/market/optionexpiredate", params)
        dates: list[Doc] = as_list(dig(doc, "OptionExpireDateResponse", "ExpirationDate"))
        if as_frame:
            from .frames import expirations_frame

            frame: DataFrame = expirations_frame(dates)
            return frame
        return dates

    @overload
    def option_chain(
        self,
        symbol: str,
        expiry: date | str | None = ...,
        *,
        strike_near: float | None = ...,
        strikes: int | None = ...,
        include_weekly: bool = ...,
        skip_adjusted: bool = ...,
        category: str = ...,
        chain_type: str = ...,
        price_type: str = ...,
        as_frame: Literal[False] = False,
    ) -> Doc: ...
    @overload
    def option_chain(
        self,
        symbol: str,
        expiry: date | str | None = ...,
        *,
        strike_near: float | None = ...,
        strikes: int | None = ...,
        include_weekly: bool = ...,
        skip_adjusted: bool = ...,
        category: str = ...,
        chain_type: str = ...,
        price_type: str = ...,
        as_frame: Literal[True],
    ) -> DataFrame: ...
    @overload
    def option_chain(
        self,
        symbol: str,
        expiry: date | str | None = ...,
        *,
        strike_near: float | None = ...,
        strikes: int | None = ...,
        include_weekly: bool = ...,
        skip_adjusted: bool = ...,
        category: str = ...,
        chain_type: str = ...,
        price_type: str = ...,
        as_frame: bool,
    ) -> Doc | DataFrame: ...
    def option_chain(
        self,
        symbol: str,
        expiry: date | str | None = None,
        *,
        strike_near: float | None = None,
        strikes: int | None = None,
        include_weekly: bool = False,
        skip_adjusted: bool = True,
        category: str = "STANDARD",
        chain_type: str = "CALLPUT",
        price_type: str = "ATNM",
        as_frame: bool = False,
    ) -> Doc | DataFrame:
        """The option chain of ``symbol`` for one expiry (``OptionChainResponse``).

        ``expiry`` is a date (or ``YYYY-MM-DD``; default: E*TRADE's nearest), ``strike_near``
        and ``strikes`` narrow the strikes. With ``as_frame=True``: one row per option with
        the greeks, indexed by ``osiKey``.
        """
        params: dict[str, Any] = {
            "symbol": _one_symbol(symbol),
            "includeWeekly": flag(include_weekly),
            "skipAdjusted": flag(skip_adjusted),
            "optionCategory": choice("category", category, OPTION_CATEGORIES),
            "chainType": choice("chain_type", chain_type, CHAIN_TYPES),
            "priceType": choice("price_type", price_type, CHAIN_PRICE_TYPES),
        }
        if expiry is not None:
            day = _as_date(expiry)
            params.update(expiryYear=day.year, expiryMonth=day.month, expiryDay=day.day)
        if strike_near is not None:
            params["strikePriceNear"] = strike_near
        if strikes is not None:
            if int(strikes) < 1:
                raise ConfigurationError("strikes must be at least 1 (the number of strikes).")
            params["noOfStrikes"] = int(strikes)
        doc = self._market_get("/v1/market/optionchains", params)
        body = dig(doc, "OptionChainResponse") or {}
        chain: Doc = {**body, "OptionPair": as_list(body.get("OptionPair"))}
        if as_frame:
            from .frames import option_chain_frame

            frame: DataFrame = option_chain_frame(chain)
            return frame
        return chain


def _as_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ConfigurationError(
            f"expiry={value!r} is not a date: pass a datetime.date or 'YYYY-MM-DD' "
            "(session.option_expirations(symbol) lists them)."
        ) from None
