"""``Call``: one authenticated data request as the endpoint handlers see it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import data
from .messages import ApiError, Request
from .params import Query

if TYPE_CHECKING:
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

    @property
    def suffixed(self) -> bool:
        """Whether the client asked for JSON with the ``.json`` suffix (not ``Accept``)."""
        return ".json" in self.req.path

    def url(self, path: str, params: Iterable[tuple[str, Any]] = (), suffix: bool = True) -> str:
        """An absolute URL on this server in the form the client used: ``.json`` suffixed
        after a ``.json`` call, bare after an XML or ``Accept: application/json`` call
        (reference §1.2; the ``Accept`` case is unverified)."""
        if suffix and self.suffixed:
            path += ".json"
        query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in params)
        return self.base + path + (f"?{query}" if query else "")


def not_found(what: str) -> ApiError:
    return ApiError(404, ERR_NOT_FOUND, f"{what} was not found.")
