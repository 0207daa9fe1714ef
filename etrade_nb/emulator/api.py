"""Data endpoints under ``/v1``: accounts, balance, portfolio, quotes and orders.

Every call is OAuth-signed with the access token. Only the ``.json`` suffix selects JSON;
otherwise XML, E*TRADE's default (an ``Accept: application/json`` header alone does not
switch). Order bodies are JSON and must say so (``Content-Type: application/json``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import data
from .context import Context
from .messages import ApiError, OAuthProblem, Request, Response, data_response, error_body
from .signing import parse_form, percent_decode
from .verify import check_access_token, verify

ERR_BODY = 1001  # order body missing, not JSON, or not labelled application/json
ERR_PARAMETER = 1005  # missing or invalid query parameter
ERR_ACCOUNT = 1006  # unknown accountIdKey
ERR_TOO_MANY_SYMBOLS = 1023
ERR_INVALID_SYMBOL = 10033
MAX_SYMBOLS, MAX_SYMBOLS_OVERRIDE = 25, 50

_ACCOUNT = r"/v1/accounts/(?P<key>[^/]+)"
ROUTES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"/v1/accounts/list"), "GET", "accounts"),
    (re.compile(_ACCOUNT + r"/balance"), "GET", "balance"),
    (re.compile(_ACCOUNT + r"/portfolio"), "GET", "portfolio"),
    (re.compile(_ACCOUNT + r"/orders"), "GET", "orders"),
    (re.compile(_ACCOUNT + r"/orders/preview"), "POST", "preview"),
    (re.compile(_ACCOUNT + r"/orders/place"), "POST", "place"),
    (re.compile(_ACCOUNT + r"/orders/cancel"), "PUT", "cancel"),
    (re.compile(r"/v1/market/quote/(?P<symbols>[^/]+)"), "GET", "quote"),
]


def _not_found(path: str, as_json: bool) -> Response:
    return data_response(404, error_body(404, f"No resource at {path}"), as_json)


def _route(path: str) -> tuple[re.Match[str], str, str] | None:
    for pattern, method, name in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return match, method, name
    return None


def handle_v1(req: Request, ctx: Context) -> Response:
    """Route, authenticate, then answer one ``/v1`` request."""
    as_json = req.wants_json
    path = req.path[: -len(".json")] if req.path.endswith(".json") else req.path
    found = _route(path)
    if found is None:
        return _not_found(req.path, as_json)
    match, method, name = found
    if req.method != method:
        response = data_response(405, error_body(405, f"{req.method} is not allowed here"), as_json)
        response.headers.append(("Allow", method))
        return response
    try:
        args = {k: percent_decode(v) for k, v in match.groupdict().items()}
        query = dict(parse_form(req.query))
    except ValueError:
        return ApiError(400, ERR_PARAMETER, "Invalid encoding in the URL.").response(as_json)
    try:
        at = verify(req, "access", ctx.state, ctx.stats).access_token
        assert at is not None
        with ctx.state.lock:
            now = ctx.state.clock()
            check_access_token(at, now)
            at.last_used = now
        payload = _answer(name, req, ctx, args, query, now)
    except OAuthProblem as problem:
        ctx.stats.bump("oauth_rejected")
        return problem.response(as_json, header=ctx.problem_header)
    except ApiError as error:
        return error.response(as_json)
    return data_response(200, payload, as_json)


def _account(key: str) -> dict[str, Any]:
    account = data.ACCOUNTS_BY_KEY.get(key)
    if account is None:
        raise ApiError(400, ERR_ACCOUNT, "Invalid account key.")
    return account


def _json_body(req: Request) -> Any:
    ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        shown = ctype or "none"
        raise ApiError(
            415, ERR_BODY, f"Unsupported Content-Type {shown}: send the order as application/json."
        )
    try:
        return json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, 1001, "The request body is not valid JSON.") from None


def _answer(
    name: str, req: Request, ctx: Context, args: dict[str, str], query: dict[str, str], now: float
) -> dict[str, Any]:
    if name == "accounts":
        return {"AccountListResponse": {"Accounts": {"Account": data.ACCOUNTS}}}
    if name == "quote":
        return _quote(args["symbols"], query, now)
    account = _account(args["key"])
    if name == "balance":
        if query.get("instType") != "BROKERAGE":
            raise ApiError(400, ERR_PARAMETER, "instType is required (BROKERAGE).")
        return data.balance(account, now)
    if name == "portfolio":
        return data.portfolio(account, now)
    if name == "orders":
        return ctx.orders.list(account)
    if name == "preview":
        ctx.stats.bump("orders_previewed")
        return ctx.orders.preview(account, _json_body(req), now)
    if name == "place":
        result = ctx.orders.place(account, _json_body(req), now)
        ctx.stats.bump("orders_placed")
        return result
    ctx.stats.bump("orders_cancelled")
    return ctx.orders.cancel(account, _json_body(req), now)


def _quote(symbols_text: str, query: dict[str, str], now: float) -> dict[str, Any]:
    symbols = [s.upper() for s in symbols_text.split(",")]
    if not all(symbols):
        raise ApiError(400, ERR_PARAMETER, "Symbol list must not contain empty symbols.")
    limit = MAX_SYMBOLS_OVERRIDE if query.get("overrideSymbolCount") == "true" else MAX_SYMBOLS
    if len(symbols) > limit:
        raise ApiError(
            400,
            ERR_TOO_MANY_SYMBOLS,
            f"Too many symbols: {len(symbols)}. The maximum is {MAX_SYMBOLS}, or "
            f"{MAX_SYMBOLS_OVERRIDE} with overrideSymbolCount=true.",
        )
    detail = query.get("detailFlag", "ALL")
    if detail not in data.DETAIL_FLAGS:
        raise ApiError(400, ERR_PARAMETER, f"Invalid detailFlag {detail}.")
    quotes = [data.quote(s, detail, now) for s in symbols if data.is_valid_symbol(s)]
    messages = [
        {"description": f"{s} is not a valid symbol", "code": ERR_INVALID_SYMBOL, "type": "WARNING"}
        for s in symbols
        if not data.is_valid_symbol(s)
    ]
    body: dict[str, Any] = {}
    if quotes:
        body["QuoteData"] = quotes
    if messages:
        body["Messages"] = {"Message": messages}
    return {"QuoteResponse": body}
