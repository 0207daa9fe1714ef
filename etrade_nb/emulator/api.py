"""Data endpoints under ``/v1``: routing, authentication, format, then the area handlers.

Every call is OAuth-signed with the access token. JSON comes back for a ``.json`` suffix
(also mid-path, as in ``transactions.json/{id}``) or ``Accept: application/json``; XML,
E*TRADE's default, otherwise (reference §1.2). Handlers live by API area: ``accounts``,
``transactions``, ``market``, ``orders``, ``alerts``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import accounts, alerts, leniency, market, orders, transactions
from .calls import Call
from .context import Context
from .messages import ApiError, OAuthProblem, Request, Response, data_response, error_body
from .params import ERR_PARAMETER, reject_body
from .signing import percent_decode
from .verify import check_access_token, verify

Handler = Callable[[Call], "dict[str, Any] | None"]
_ACCOUNT = r"/v1/accounts/(?P<key>[^/]+)"
ROUTES: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"/v1/accounts/list"), {"GET": accounts.account_list}),
    (re.compile(_ACCOUNT + r"/balance"), {"GET": accounts.balance}),
    (re.compile(_ACCOUNT + r"/portfolio"), {"GET": accounts.portfolio}),
    (re.compile(_ACCOUNT + r"/portfolio/(?P<position>[^/]+)"), {"GET": accounts.position_lots}),
    (re.compile(_ACCOUNT + r"/transactions"), {"GET": transactions.listing}),
    (re.compile(_ACCOUNT + r"/transactions/(?P<transaction>[^/]+)"), {"GET": transactions.details}),
    (re.compile(_ACCOUNT + r"/orders"), {"GET": orders.listing}),
    (re.compile(_ACCOUNT + r"/orders/preview"), {"POST": orders.preview}),
    (re.compile(_ACCOUNT + r"/orders/place"), {"POST": orders.place}),
    (re.compile(_ACCOUNT + r"/orders/cancel"), {"PUT": orders.cancel}),
    (re.compile(_ACCOUNT + r"/orders/(?P<order>\d+)"), {"GET": orders.details}),
    (
        re.compile(_ACCOUNT + r"/orders/(?P<order>\d+)/change/preview"),
        {"PUT": orders.change_preview},
    ),
    (re.compile(_ACCOUNT + r"/orders/(?P<order>\d+)/change/place"), {"PUT": orders.change_place}),
    (re.compile(r"/v1/market/quote/(?P<symbols>[^/]+)"), {"GET": market.quote}),
    (re.compile(r"/v1/market/lookup/(?P<search>[^/]+)"), {"GET": market.lookup}),
    (re.compile(r"/v1/market/optionchains"), {"GET": market.chain}),
    (re.compile(r"/v1/market/optionexpiredate"), {"GET": market.expire_dates}),
    (re.compile(r"/v1/user/alerts"), {"GET": alerts.listing}),
    (
        re.compile(r"/v1/user/alerts/(?P<id>[^/]+)"),
        {"GET": alerts.details, "DELETE": alerts.delete},
    ),
]
# The ``.json`` suffix can sit mid-path: production's transaction ``detailsURI`` puts it
# before the id [PROD-TBB], and pyetrade calls ``alerts.json/{id}``; whether E*TRADE
# resolves those URLs is unverified, the emulator does.
_MID_JSON = re.compile(r"/(transactions|alerts)\.json/")


def _route(path: str) -> tuple[re.Match[str], dict[str, Handler]] | None:
    for pattern, methods in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            return match, methods
    return None


def _plain_path(path: str) -> str:
    path = _MID_JSON.sub(r"/\1/", path)
    return path[: -len(".json")] if path.endswith(".json") else path


def handle_v1(req: Request, ctx: Context) -> Response:
    """Route, authenticate, then answer one ``/v1`` request; what the emulator ignored in
    it (lenient mode) goes in the ``X-Emulator-Ignored`` header."""
    with leniency.request(ctx.strict) as seen:
        response = _handle_v1(req, ctx)
    response.headers.extend(seen.header())
    response.ignored = tuple(seen.ignored)
    return response


def _handle_v1(req: Request, ctx: Context) -> Response:
    as_json = req.wants_json
    found = _route(_plain_path(req.path))
    if found is None:
        return data_response(404, error_body(404, f"No resource at {req.path}"), as_json)
    match, methods = found
    handler = methods.get(req.method)
    if handler is None:
        allowed = ", ".join(sorted(methods))
        response = data_response(405, error_body(405, f"{req.method} is not allowed here"), as_json)
        response.headers.append(("Allow", allowed))
        return response
    try:
        args = {k: percent_decode(v) for k, v in match.groupdict().items()}
    except ValueError:
        return ApiError(400, ERR_PARAMETER, "Invalid percent-encoding in the path.").response(
            as_json
        )
    try:
        at = verify(req, "access", ctx.state, ctx.stats).access_token
        assert at is not None
        with ctx.state.lock:
            now = ctx.state.clock()
            check_access_token(at, now)
            at.last_used = now
        if req.method in ("GET", "DELETE"):
            reject_body(req.body)
        payload = handler(Call(req, ctx, args, now, as_json))
    except OAuthProblem as problem:
        ctx.stats.bump("oauth_rejected")
        return problem.response(as_json, header=ctx.problem_header)
    except ApiError as error:
        return error.response(as_json)
    return data_response(200, payload, as_json)
