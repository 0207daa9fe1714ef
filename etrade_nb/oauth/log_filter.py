"""Mask OAuth credentials by their shape in text: log records and error messages.

oauthlib and requests-oauthlib log at DEBUG the collected OAuth parameters, the signature base
string and the signed ``Authorization`` header, all of which carry the token, the verifier and
the signature. One stateless filter, attached to exactly those loggers the first time the
package signs a request, rewrites such records with the values masked. It keeps no list of
secrets: the values themselves never need to be known, so nothing grows with the number of
logins. Everything else is kept out of output by :class:`~etrade_nb.secret.Secret`.
"""

from __future__ import annotations

import logging
import re
import threading
from urllib.parse import unquote

MASK = "***"

# The loggers that print OAuth parameters (records are filtered on the logger they are made
# on, so each module logger is named, not just the package's root logger).
OAUTH_LOGGERS = (
    "oauthlib",
    "oauthlib.oauth1",
    "oauthlib.oauth1.rfc5849",
    "oauthlib.oauth1.rfc5849.signature",
    "oauthlib.oauth1.rfc5849.utils",
    "requests_oauthlib",
    "requests_oauthlib.oauth1_auth",
    "requests_oauthlib.oauth1_session",
)

_FIELDS = r"oauth_(?:token|token_secret|verifier|signature|consumer_secret)"
# name=value, name="value", name%3Dvalue (a base string, encoded once or twice),
# 'name': 'value' (a dict repr) and ('name', 'value') (a list of pairs).
_OAUTH_FIELD = re.compile(
    rf"({_FIELDS}(?:\"?\s*[:=]\s*\"?|%3D|%253D|'\s*[:,]\s*'|\"\s*[:,]\s*\"))([^\"&,'\s)]+)",
    re.IGNORECASE,
)
# The whole OAuth header value: up to its closing quote in a repr, or the line's end.
_AUTH_HEADER = re.compile(
    r"(Authorization['\"]?\s*:\s*b?(['\"])OAuth )(.*?)(?=\2(?:[,}\]\s]|$))"
    r"|(Authorization:\s*OAuth )([^\n]*)",
    re.IGNORECASE,
)


SECRET_FIELDS = frozenset(
    {"oauth_token", "oauth_token_secret", "oauth_verifier", "oauth_signature"}
    | {"oauth_consumer_secret"}
)
# A query's name=value with the name spelled any way a server still understands: letters in
# any case, any character percent-encoded (once or twice), '=' plain or encoded. The name is
# read from the start of its run only (lookbehind), so matching stays linear in the line.
_ANY_PAIR = re.compile(
    r"(?<![\w%.~-])(?P<name>(?:[\w.~-]|%(?:25)?[0-9A-Fa-f]{2}){5,60}?)(?P<eq>=|%3D|%253D)"
    r"(?P<value>[^\s\"&,'<>)\]}]*)",
    re.IGNORECASE,
)


def _decoded_name(name: str) -> str:
    for _ in range(2):
        if "%" not in name:
            break
        name = unquote(name)
    return name.casefold()


def _mask_any_spelling(m: re.Match[str]) -> str:
    if not m["value"] or _decoded_name(m["name"]) not in SECRET_FIELDS:
        return m.group(0)
    return f"{m['name']}{m['eq']}{MASK}"


def mask_oauth_fields(text: str) -> str:
    """Mask ``oauth_token``, ``oauth_verifier``, ``oauth_signature``... values by shape.

    Names are compared decoded and case-folded, so ``oauth%5Fverifier=`` and
    ``OAUTH_VERIFIER=`` (which servers accept as ``oauth_verifier``) are masked too. Keeps
    ``oauth_timestamp``, ``oauth_nonce`` and the consumer key, which say nothing secret and
    help to debug clock skew.
    """
    text = _OAUTH_FIELD.sub(lambda m: m.group(1) + MASK, text)
    if "%" in text or "=" in text:
        text = _ANY_PAIR.sub(_mask_any_spelling, text)
    return text


def redact(text: str) -> str:
    """``text`` with every OAuth header value and OAuth credential field masked."""
    text = _AUTH_HEADER.sub(lambda m: (m.group(1) or m.group(4)) + MASK, text)
    return mask_oauth_fields(text)


class OAuthLogFilter(logging.Filter):
    """Rewrites a record's message through :func:`redact` when it changes anything."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


LOG_FILTER = OAuthLogFilter()
_installed = False
_lock = threading.Lock()


def install_log_filter() -> None:
    """Attach :data:`LOG_FILTER` to the OAuth libraries' loggers (once; cheap afterwards)."""
    global _installed
    if _installed:
        return
    with _lock:
        for name in OAUTH_LOGGERS:
            logger = logging.getLogger(name)
            if LOG_FILTER not in logger.filters:
                logger.addFilter(LOG_FILTER)
        _installed = True
