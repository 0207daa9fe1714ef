"""``Call``: one authenticated data request as the endpoint handlers see it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import data
from .messages import ApiError, Request
from .params import Query

if TYPE_CHECKING:  # context imports the alert box, which imports this module
    from .context import Context

ERR_ACCOUNT_KEY = 102  # 400, "Please enter valid account key" [Db][Dt]
ERR_NOT_FOUND = 53  # the "no records" code; 404 for an unknown alert [Dal]; reused for ids


@dataclass
class Call:
    req: Request
    ctx: Context
    args: dict[str, str]
    now: float
    as_json: bool

    def query(self, *known: str) -> Query:
        """The query string, checked against the parameter names this call documents."""
        return Query(self.req.query, known)

    def account(self) -> dict[str, Any]:
        """The account named by ``{accountIdKey}`` in the path (400/102 if unknown)."""
        account = data.ACCOUNTS_BY_KEY.get(self.args.get("key", ""))
        if account is None:
            raise ApiError(400, ERR_ACCOUNT_KEY, "Please enter valid account key")
        return account

    @property
    def base(self) -> str:
        return "http://" + self.req.headers.get("host", "127.0.0.1")

    def url(self, path: str, params: Iterable[tuple[str, Any]] = (), suffix: bool = True) -> str:
        """An absolute URL on this server that keeps the requested format (reference §1.2)."""
        if suffix and self.as_json:
            path += ".json"
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params)
        return self.base + path + (f"?{query}" if query else "")


def not_found(what: str) -> ApiError:
    return ApiError(404, ERR_NOT_FOUND, f"{what} was not found.")
