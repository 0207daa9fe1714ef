"""Accounts area: account list, balance, portfolio (every view and page), lots, transactions.

An account may be named by its ``accountIdKey``, the account number shown to the user, or a
row of ``accounts()``; see :meth:`ApiBase.account_key`.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, overload
from urllib.parse import quote

from ..errors import ConfigurationError
from .base import (
    Account,
    ApiBase,
    Doc,
    Records,
    as_list,
    choice,
    dig,
    flag,
    follow_markers,
    mmddyyyy,
    unwrap,
)

if TYPE_CHECKING:
    from pandas import DataFrame


PORTFOLIO_VIEWS = ("QUICK", "PERFORMANCE", "FUNDAMENTAL", "OPTIONSWATCH", "COMPLETE")
SORT_ORDERS = ("ASC", "DESC")
MARKET_SESSIONS = ("REGULAR", "EXTENDED")
PORTFOLIO_PAGE = 50
TRANSACTION_PAGE = 50  # E*TRADE's maximum ``count`` (error 2005 outside 1-50)
MAX_PAGES = 1000  # a backstop against a server that never stops paging


class AccountsApi(ApiBase):
    """``/v1/accounts/...`` helpers."""

    @overload
    def accounts(self, *, as_frame: Literal[False] = False) -> list[Doc]: ...
    @overload
    def accounts(self, *, as_frame: Literal[True]) -> DataFrame: ...
    @overload
    def accounts(self, *, as_frame: bool) -> list[Doc] | DataFrame: ...
    def accounts(self, *, as_frame: bool = False) -> list[Doc] | DataFrame:
        """The accounts of this login (``/v1/accounts/list``), as dicts or a DataFrame.

        Closed accounts are listed too (``accountStatus == "CLOSED"``).
        """
        accounts = self._list_accounts()
        if as_frame:
            from .frames import accounts_frame

            frame: DataFrame = accounts_frame(accounts)
            return frame
        return accounts

    def balance(
        self,
        account: Account,
        *,
        inst_type: str = "BROKERAGE",
        account_type: str | None = None,
        real_time_nav: bool = True,
    ) -> Doc:
        """``BalanceResponse`` of one account (``Computed.RealTimeValues`` and the rest)."""
        params = {"instType": inst_type, "realTimeNAV": flag(real_time_nav)}
        if account_type:
            params["accountType"] = account_type
        doc = self.get(self._account_path(account, "/balance"), params=params)
        return unwrap(doc, "BalanceResponse")

    @overload
    def portfolio(
        self,
        account: Account,
        *,
        view: str = ...,
        sort_by: str | None = ...,
        sort_order: str | None = ...,
        market_session: str | None = ...,
        totals: bool = ...,
        lots: bool = ...,
        count: int = ...,
        as_frame: Literal[False] = False,
        with_quotes: bool | str = ...,
    ) -> Doc: ...
    @overload
    def portfolio(
        self,
        account: Account,
        *,
        view: str = ...,
        sort_by: str | None = ...,
        sort_order: str | None = ...,
        market_session: str | None = ...,
        totals: bool = ...,
        lots: bool = ...,
        count: int = ...,
        as_frame: Literal[True],
        with_quotes: bool | str = ...,
    ) -> DataFrame: ...
    @overload
    def portfolio(
        self,
        account: Account,
        *,
        view: str = ...,
        sort_by: str | None = ...,
        sort_order: str | None = ...,
        market_session: str | None = ...,
        totals: bool = ...,
        lots: bool = ...,
        count: int = ...,
        as_frame: bool,
        with_quotes: bool | str = ...,
    ) -> Doc | DataFrame: ...
    def portfolio(
        self,
        account: Account,
        *,
        view: str = "QUICK",
        sort_by: str | None = None,
        sort_order: str | None = None,
        market_session: str | None = None,
        totals: bool = False,
        lots: bool = False,
        count: int = PORTFOLIO_PAGE,
        as_frame: bool = False,
        with_quotes: bool | str = False,
    ) -> Doc | DataFrame:
        """Every position of one account (``PortfolioResponse``), all pages merged.

        ``view`` is one of QUICK, PERFORMANCE, FUNDAMENTAL, OPTIONSWATCH, COMPLETE. With
        ``as_frame=True`` one row per position; ``with_quotes=True`` (or a ``detailFlag``
        such as ``"INTRADAY"``) adds each position's quote as ``quote.*`` columns, fetched
        50 symbols per call.
        """
        params: dict[str, Any] = {"view": choice("view", view, PORTFOLIO_VIEWS), "count": count}
        if sort_by:
            params["sortBy"] = str(sort_by).upper()
        if sort_order:
            params["sortOrder"] = choice("sort_order", sort_order, SORT_ORDERS)
        if market_session:
            params["marketSession"] = choice("market_session", market_session, MARKET_SESSIONS)
        if totals:
            params["totalsRequired"] = "true"
        if lots:
            params["lotsRequired"] = "true"
        merged = self._portfolio_pages(self._account_path(account, "/portfolio"), params)
        if not as_frame:
            return merged
        from .frames import positions_frame

        frame: DataFrame = positions_frame(merged)
        if with_quotes and len(frame):
            detail = with_quotes if isinstance(with_quotes, str) else "ALL"
            frame = self._join_quotes(frame, detail)
        return frame

    def _portfolio_pages(self, path: str, params: dict[str, Any]) -> Doc:
        """Every page of a portfolio, merged: one ``AccountPortfolio`` entry per account."""
        merged: Doc = {"AccountPortfolio": []}
        by_account: dict[str, Doc] = {}
        page: int | None = None
        for _ in range(MAX_PAGES):
            sent = params if page is None else {**params, "pageNumber": page}
            body = dig(self.get(path, params=sent), "PortfolioResponse") or {}
            if "Totals" in body:
                merged["Totals"] = body["Totals"]
            page = None
            for part in as_list(body.get("AccountPortfolio")):
                _merge_account_page(merged, by_account, part)
                following = part.get("nextPageNo")
                if following not in (None, "", 0, "0") and part.get("next") != "":
                    page = int(following)
            if page is None:
                break
        return merged

    def _join_quotes(self, frame: DataFrame, detail: str) -> DataFrame:
        from .frames.core import quote_key

        keys = quote_key(frame)
        quotes = self._quote_frame(keys.dropna().unique().tolist(), detail)
        joined = frame.assign(quoteSymbol=keys.to_numpy())
        result: DataFrame = joined.join(quotes.add_prefix("quote."), on="quoteSymbol")
        return result

    @overload
    def position_lots(
        self, account: Account, position_id: int | str, *, as_frame: Literal[False] = False
    ) -> list[Doc]: ...
    @overload
    def position_lots(
        self, account: Account, position_id: int | str, *, as_frame: Literal[True]
    ) -> DataFrame: ...
    @overload
    def position_lots(
        self, account: Account, position_id: int | str, *, as_frame: bool
    ) -> list[Doc] | DataFrame: ...
    def position_lots(
        self, account: Account, position_id: int | str, *, as_frame: bool = False
    ) -> list[Doc] | DataFrame:
        """The tax lots of one position (``Position.positionId``; ``lotsDetails`` URL)."""
        path = self._account_path(account, f"/portfolio/{quote(str(position_id), safe='')}")
        lots: list[Doc] = as_list(dig(self.get(path), "PositionLotsResponse", "PositionLot"))
        if as_frame:
            from .frames import lots_frame

            frame: DataFrame = lots_frame(lots)
            return frame
        return lots

    @overload
    def transactions(
        self,
        account: Account,
        start: date | datetime | str | None = ...,
        end: date | datetime | str | None = ...,
        *,
        sort_order: str | None = ...,
        limit: int | None = ...,
        as_frame: Literal[False] = False,
    ) -> Records: ...
    @overload
    def transactions(
        self,
        account: Account,
        start: date | datetime | str | None = ...,
        end: date | datetime | str | None = ...,
        *,
        sort_order: str | None = ...,
        limit: int | None = ...,
        as_frame: Literal[True],
    ) -> DataFrame: ...
    @overload
    def transactions(
        self,
        account: Account,
        start: date | datetime | str | None = ...,
        end: date | datetime | str | None = ...,
        *,
        sort_order: str | None = ...,
        limit: int | None = ...,
        as_frame: bool,
    ) -> Records | DataFrame: ...
    def transactions(
        self,
        account: Account,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
        *,
        sort_order: str | None = None,
        limit: int | None = 10_000,
        as_frame: bool = False,
    ) -> Records | DataFrame:
        """Transactions between ``start`` and ``end`` (dates or ``YYYY-MM-DD``), every page.

        Pages of 50 (E*TRADE's maximum) are fetched by following ``marker`` until
        ``moreTransactions`` is false or ``limit`` rows arrived (then ``.more`` is True and a
        warning says so; ``limit=None`` fetches everything). E*TRADE keeps about two years.
        """
        if (start is None) != (end is None):
            raise ConfigurationError(
                "Pass both start and end (e.g. start='2026-01-01', end='2026-03-31'), or neither "
                "for E*TRADE's default range."
            )
        if limit is not None and limit < 1:
            raise ConfigurationError("limit must be at least 1, or None for every transaction.")
        params: dict[str, Any] = {"count": min(TRANSACTION_PAGE, limit or TRANSACTION_PAGE)}
        if start is not None and end is not None:
            params["startDate"] = mmddyyyy("start", start)
            params["endDate"] = mmddyyyy("end", end)
        if sort_order:
            params["sortOrder"] = choice("sort_order", sort_order, SORT_ORDERS)
        path = self._account_path(account, "/transactions")
        pages = MAX_PAGES if limit is None else math.ceil(limit / params["count"]) + 1
        result = follow_markers(
            lambda query: dig(self.get(path, params=query), "TransactionListResponse") or {},
            params,
            rows="Transaction",
            more=lambda body: str(body.get("moreTransactions", "")).lower() == "true",
            limit=limit,
            pages=pages,
            noun="transaction",
            narrow="ask for a narrower date range",
        )
        if as_frame:
            from .frames import transactions_frame

            frame: DataFrame = transactions_frame(result)
            frame.attrs["more"] = result.more
            return frame
        return result

    def transaction(
        self, account: Account, transaction_id: str | int, *, store_id: str | int | None = None
    ) -> Doc:
        """``TransactionDetailsResponse`` of one transaction (``Category``, ``Brokerage``)."""
        path = self._account_path(account, f"/transactions/{quote(str(transaction_id), safe='')}")
        params = {"storeId": str(store_id)} if store_id is not None else None
        doc = self.get(path, params=params)
        return unwrap(doc, "TransactionDetailsResponse")


def _merge_account_page(merged: Doc, by_account: dict[str, Doc], part: Doc) -> None:
    """Add one page's ``AccountPortfolio`` entry: new accounts append, known ones extend."""
    key = str(part.get("accountId", ""))
    positions = as_list(part.get("Position"))
    if key in by_account:
        by_account[key]["Position"].extend(positions)
        return
    entry = {k: v for k, v in part.items() if k not in ("next", "nextPageNo")}
    entry["Position"] = list(positions)
    by_account[key] = entry
    merged["AccountPortfolio"].append(entry)
