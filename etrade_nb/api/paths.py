"""API paths as they go on the wire, and the guards that judge them there.

A guard that looks at the string a caller wrote can be walked around: requests decodes
``%65`` to ``e`` before sending (``/ord%65rs/place`` is ``/orders/place`` at E*TRADE), a
server resolves ``/v1/../oauth/...`` and may ignore case. So :func:`api_url` builds the URL,
lets requests prepare it exactly as it will be sent, and judges *that*:

- it must stay on the session's own scheme, host and port (no user info, no fragment);
- paths with ``.``/``..`` segments (also as ``%2E``, also with literal backslashes) or empty
  segments are refused: servers disagree on what they mean, so none is sent (an encoded
  ``%2F`` or ``%5C`` inside a quoted symbol stays data);
- the remaining path, fully percent-decoded and lower-cased, is what the ``/oauth/`` guard and
  the live-order guard (:func:`is_order_path`) look at: a superset of what any server sees.

    >>> api_url("https://apisb.etrade.com", "accounts/list")
    ('https://apisb.etrade.com/v1/accounts/list.json', [])
    >>> is_order_path(judged_path("https://api.etrade.com/v1/accounts/K/ord%65rs/place.json"))
    True
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, unquote, urlsplit

from requests.auth import AuthBase
from requests.exceptions import InvalidURL
from requests.models import PreparedRequest
from requests.utils import unquote_unreserved

from ..errors import ConfigurationError

_DEFAULT_PORTS = {"http": 80, "https": 443}
_TOKEN_STEPS = ("/oauth/renew_access_token", "/oauth/revoke_access_token")
_DOTS = (".", "..")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number
        port = -1
    if "@" in parts.netloc or "\\" in parts.netloc:
        return scheme, "\0", port  # user info (or a backslash) never matches a session's host
    return scheme, (parts.hostname or "").lower(), port


def wire_url(url: str) -> str:
    """``url`` exactly as requests will send it (unreserved escapes decoded, dots resolved)."""
    prepared = PreparedRequest()
    prepared.prepare_url(url, None)
    return prepared.url or url


def judged_path(url: str) -> str:
    """The path of ``url`` fully percent-decoded, lower-cased, backslashes read as ``/``.

    Decoding repeats until nothing changes, so ``%252F`` counts as ``/`` too: guards err on
    the side of refusing.
    """
    path = urlsplit(url).path
    for _ in range(4):
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    return path.replace("\\", "/").lower()


def _segments(path: str) -> list[str]:
    # ``;params`` are dropped by some servers (``/orders;x/place``): judge without them.
    return [seg.partition(";")[0] for seg in path.split("/")[1:]]


def is_order_path(path: str) -> bool:
    """True when a judged path is under ``/orders`` (order preview, place, change, cancel)."""
    return "/orders" in path


def _resolved(segments: list[str]) -> list[str]:
    """Non-empty segments with ``.`` and ``..`` applied (RFC 3986 remove_dot_segments)."""
    out: list[str] = []
    for seg in segments:
        if seg == "..":
            if out:
                out.pop()
        elif seg and seg != ".":
            out.append(seg)
    return out


def _refuse_shape(url: str, written: str) -> None:
    """Refuse dot or empty segments in ``url``'s path as sent (escapes of unreserved characters
    such as ``%2E`` decoded, as requests does; an encoded ``/`` stays data) and ``/oauth/``
    endpoints however they are encoded."""
    literal = _segments(unquote_unreserved(urlsplit(url).path).replace("\\", "/").lower())
    if any(seg in _DOTS for seg in literal):
        raise ConfigurationError(
            f"The path {written!r} has '.' or '..' segments, which servers resolve to another "
            "endpoint, so it was not sent. Write the path in full, such as "
            "'/v1/accounts/list'."
        )
    if "" in literal[:-1]:
        raise ConfigurationError(
            f"The path {written!r} has an empty segment ('//'), so it was not sent. Write the "
            "path with single slashes, such as '/v1/accounts/list'."
        )
    decoded = _resolved(_segments(judged_path(url)))  # as a server that decodes %2F would
    head = decoded[1] if decoded[:1] == ["v1"] and len(decoded) > 1 else "".join(decoded[:1])
    if head == "oauth":
        raise ConfigurationError(
            "OAuth endpoints are not API calls: use session.renew() or session.revoke()."
        )


def api_url(base: str, path: str) -> tuple[str, list[tuple[str, str]]]:
    """See :func:`_api_url`; a path requests cannot prepare is a :class:`ConfigurationError`."""
    try:
        return _api_url(base, path)
    except InvalidURL:
        raise ConfigurationError(
            f"The path {path!r} is not a valid URL path (a '%' must start an escape such as "
            "%2F). Quote the parts you insert, e.g. urllib.parse.quote(symbol, safe='')."
        ) from None


def _api_url(base: str, path: str) -> tuple[str, list[tuple[str, str]]]:
    """The URL to send for ``path`` on ``base``, and the query written into ``path``.

    ``path`` is ``/v1/...``, ``accounts/list`` (``/v1`` and ``.json`` are added) or a full
    URL on ``base``. Raises :class:`ConfigurationError` for another host, a fragment, dot
    or empty segments, an ``/oauth/`` endpoint or an ``.xml`` suffix.
    """
    if not isinstance(path, str):
        raise ConfigurationError(
            f"An API path is text such as '/v1/accounts/list', not {type(path).__name__}."
        )
    written = path.strip()
    path = written
    if "#" in path:
        raise ConfigurationError(
            f"The path {written!r} has a '#', and what follows it would not be sent. Put "
            "parameters after '?' or pass them as params={...}."
        )
    if path.startswith("//") or urlsplit(path).scheme:
        if _origin(path) != _origin(base):
            raise ConfigurationError(
                f"Refusing to send signed requests to {path.split('?')[0]!r}: only "
                f"{base} belongs to this session. Pass a path such as '/v1/accounts/list'."
            )
        parts = urlsplit(path)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
    path, _, query = path.partition("?")
    if not path.startswith("/"):
        path = "/" + path
    _refuse_shape("http://h" + path, written)
    if not path.startswith("/v1/"):
        path = "/v1" + path
    if path.lower().endswith(".xml"):
        raise ConfigurationError(
            "etrade-nb speaks E*TRADE's JSON: drop the .xml suffix from the path."
        )
    if not path.lower().endswith(".json"):
        path += ".json"
    url = wire_url(base + path)
    if _origin(url) != _origin(base):  # the invariant every check above relies on
        raise ConfigurationError(
            f"Refusing to send {written!r}: it would leave {base}. Pass a path such as "
            "'/v1/accounts/list'."
        )
    _refuse_shape(url, written)
    return url, parse_qsl(query, keep_blank_values=True)


def check_wire(
    method: str, url: str, *, api_base: str, oauth_base: str, orders_allowed: bool
) -> None:
    """The last word on a prepared request (its URL is what goes on the wire).

    Only the session's hosts; on the OAuth host only renew and revoke (GET); elsewhere the
    shapes :func:`api_url` allows; no order call unless ``orders_allowed``.
    """
    origin, path = _origin(url), judged_path(url)
    if origin not in (_origin(api_base), _origin(oauth_base)):
        raise ConfigurationError(
            f"Refusing to sign a request to {urlsplit(url).hostname!r}: only {api_base} and "
            f"{oauth_base} belong to this session."
        )
    if path.startswith("/oauth/") and origin == _origin(oauth_base):
        if method.upper() != "GET" or path not in _TOKEN_STEPS:
            raise ConfigurationError(
                "OAuth endpoints are not API calls: use session.renew() or session.revoke()."
            )
        return
    _refuse_shape(url, urlsplit(url).path)
    if method.upper() != "GET" and not orders_allowed and is_order_path(path):
        raise ConfigurationError(
            "This is a LIVE session and order calls are switched off. If you really mean "
            "to trade with real money, call session.enable_live_trading() first."
        )


class WireGuard(AuthBase):
    """Signs a request with ``auth`` only after ``check(method, url)`` passed on the prepared
    request: what requests will send, whoever built the URL."""

    def __init__(self, auth: AuthBase, check: Callable[[str, str], None]) -> None:
        self.auth, self.check = auth, check

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        self.check(r.method or "GET", r.url or "")
        result: PreparedRequest = self.auth(r)
        return result
