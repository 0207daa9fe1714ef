"""OAuth endpoints (``/oauth/*``) and the browser authorize pages (``/e/t/etws/authorize``)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

from . import pages
from .context import Context
from .messages import OAuthProblem, Request, Response, html_response, text_response
from .signing import parse_form, percent_encode
from .state import MAX_VERIFIER_ATTEMPTS
from .verify import check_access_token, verify

AUTHORIZE_PATH = "/e/t/etws/authorize"


def _form(status: int, pairs: list[tuple[str, str]]) -> Response:
    body = "&".join(f"{k}={percent_encode(v)}" for k, v in pairs)
    return Response(status, body.encode("ascii"), "application/x-www-form-urlencoded")


def request_token(req: Request, ctx: Context) -> Response:
    v = verify(req, "request_token", ctx.state, ctx.stats)
    rt = ctx.state.issue_request_token(v.consumer.key)
    ctx.stats.bump("request_tokens_issued")
    return _form(
        200,
        [
            ("oauth_token", rt.token),
            ("oauth_token_secret", rt.secret),
            ("oauth_callback_confirmed", "true"),
        ],
    )


def access_token(req: Request, ctx: Context) -> Response:
    v = verify(req, "access_token", ctx.state, ctx.stats)
    rt = v.request_token
    assert rt is not None
    with ctx.state.lock:
        if rt.dead:
            raise OAuthProblem("token_rejected")
        if rt.expired(ctx.state.clock()):
            raise OAuthProblem("token_expired")
        given = v.oauth["oauth_verifier"].encode("utf-8")
        if rt.verifier is None or not hmac.compare_digest(rt.verifier.encode("ascii"), given):
            if rt.verifier is not None:  # approved, but the user mistyped the code
                rt.failed_attempts += 1
                rt.dead = rt.failed_attempts >= MAX_VERIFIER_ATTEMPTS
            ctx.stats.bump("verifiers_rejected")
            raise OAuthProblem("token_rejected")
        rt.dead = True  # a request token is exchanged once
    at = ctx.state.issue_access_token(v.consumer.key)
    ctx.stats.bump("access_tokens_issued")
    return _form(200, [("oauth_token", at.token), ("oauth_token_secret", at.secret)])


def renew_access_token(req: Request, ctx: Context) -> Response:
    at = verify(req, "access", ctx.state, ctx.stats).access_token
    assert at is not None
    with ctx.state.lock:
        now = ctx.state.clock()
        check_access_token(at, now, allow_inactive=True)  # renew revives idle, not expired
        at.last_used = now
    ctx.stats.bump("renewals")
    return text_response(200, "Access Token has been renewed")


def revoke_access_token(req: Request, ctx: Context) -> Response:
    at = verify(req, "access", ctx.state, ctx.stats).access_token
    assert at is not None
    with ctx.state.lock:
        check_access_token(at, ctx.state.clock(), allow_inactive=True)
        at.revoked = True
    ctx.stats.bump("revocations")
    return text_response(200, "Revoked Access Token")


OAUTH: dict[str, Callable[[Request, Context], Response]] = {
    "/oauth/request_token": request_token,
    "/oauth/access_token": access_token,
    "/oauth/renew_access_token": renew_access_token,
    "/oauth/revoke_access_token": revoke_access_token,
}


# The official sample sends ``format=json`` to request_token; the reply stays form-encoded
# (its rauth session parses it as a form), so the value is checked and has no effect.
_TOKEN_EXTRAS = {"format": ("json", "xml")}


def _check_extras(req: Request) -> None:
    """Refuse any non-OAuth parameter on a token call, except the sample's ``format``."""
    try:
        pairs = parse_form(req.query)
        ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/x-www-form-urlencoded" and req.body:
            pairs += parse_form(req.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise OAuthProblem("parameter_rejected", 400) from None
    for name, value in pairs:
        if name.startswith("oauth_"):
            continue
        if value not in _TOKEN_EXTRAS.get(name, ()):
            raise OAuthProblem("parameter_rejected", 400, oauth_parameters_rejected=name)


def handle_oauth(req: Request, ctx: Context) -> Response:
    """Route ``/oauth/*``: GET or POST (reference §1.4), Tomcat-style error pages."""
    handler = OAUTH.get(req.path)
    if handler is None:
        return html_response(404, pages.tomcat_error(404, req.path))
    if req.method not in ("GET", "POST"):
        page = pages.tomcat_error(405, f"HTTP method {req.method} is not supported by this URL")
        return html_response(405, page, [("Allow", "GET, POST")])
    try:
        _check_extras(req)
        return handler(req, ctx)
    except OAuthProblem as problem:
        ctx.stats.bump("oauth_rejected")
        return problem.response(header=ctx.problem_header)


def _token_from(fields: dict[str, str], ctx: Context) -> tuple[str, str] | None:
    """(consumer key, request token) if ``key``/``token`` name a live request token."""
    key, token = fields.get("key", ""), fields.get("token", "")
    with ctx.state.lock:
        if token not in ctx.state.request_tokens:
            # pyetrade puts the token in the link unencoded, so its "+" arrives as a space;
            # its users log in with such links, so the page reads it back as "+"
            token = token.replace(" ", "+")
        rt = ctx.state.request_tokens.get(token)
        if rt is None or rt.dead or rt.expired(ctx.state.clock()) or rt.consumer_key != key:
            return None
    return key, token


def _fields(text: str) -> dict[str, str]:
    try:
        return dict(parse_form(text))
    except ValueError:
        return {}


def _with_verifier(callback_url: str, verifier: str) -> str:
    """Append ``oauth_verifier`` to the callback, keeping its own query (E*TRADE's docs)."""
    parts = urlsplit(callback_url)
    extra = f"oauth_verifier={percent_encode(verifier)}"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def handle_authorize(req: Request, ctx: Context) -> Response:
    """The unsigned browser pages: authorize (GET), accept and decline (POST)."""
    action = req.path[len(AUTHORIZE_PATH) :]
    allowed = {"": "GET", "/accept": "POST", "/decline": "POST"}.get(action)
    if allowed is None:
        return html_response(404, pages.tomcat_error(404, req.path))
    if req.method != allowed:
        page = pages.tomcat_error(405, f"HTTP method {req.method} is not supported by this URL")
        return html_response(405, page, [("Allow", allowed)])
    fields = _fields(req.query if action == "" else req.body.decode("utf-8", "replace"))
    if action == "/accept" and req.robot and not ctx.auto_approve:
        return html_response(403, pages.robot_refused())
    found = _token_from(fields, ctx)
    if found is None:
        return html_response(400, pages.link_expired())
    key, token = found
    consumer = ctx.state.consumers[key]
    if action == "":
        return html_response(200, pages.authorize(consumer.name, key, token))
    if action == "/decline":
        ctx.state.decline(token)
        return html_response(200, pages.declined())
    try:
        verifier = ctx.state.approve(token)
    except KeyError:
        return html_response(400, pages.link_expired())
    if consumer.callback_url:
        return Response(
            302, b"", headers=[("Location", _with_verifier(consumer.callback_url, verifier))]
        )
    return html_response(200, pages.complete(verifier))
