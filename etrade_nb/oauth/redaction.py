"""Keep secrets out of logs and messages.

Secrets handed to :func:`register_secret` are masked as ``***`` (raw and percent-encoded)
wherever :func:`redact` runs: in our own messages and in every record logged by requests,
urllib3, oauthlib and requests-oauthlib (requests-oauthlib logs tokens at DEBUG level).
OAuth header fields (``oauth_token="…"``, ``oauth_signature="…"``, …) are masked by shape.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from urllib.parse import quote, quote_plus

MASK = "***"
_MIN_SECRET_LEN = 4
_LIBRARY_LOGGERS = ("requests_oauthlib", "oauthlib", "urllib3", "requests", "etrade_nb")

_OAUTH_FIELD = re.compile(
    r"(oauth_(?:token|token_secret|verifier|signature|consumer_secret)"
    r"(?:\"?\s*[:=]\s*\"?|%3D|'\s*:\s*'))([^\"&,'\s)]+)"
)
# The whole OAuth header value: up to its closing quote in a repr, or the line's end.
_AUTH_HEADER = re.compile(
    r"(Authorization['\"]?\s*:\s*b?(['\"])OAuth )(.*?)(?=\2(?:[,}\]\s]|$))"
    r"|(Authorization:\s*OAuth )([^\n]*)"
)

_lock = threading.Lock()
_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_dirty = False  # secrets were added since _pattern was compiled


def register_secret(*values: str | None) -> None:
    """Mask ``values`` (and their percent-encodings) from now on."""
    global _dirty
    with _lock:
        for value in values:
            if value and len(value) >= _MIN_SECRET_LEN and value not in _secrets:
                _secrets.update({value, quote(value, safe=""), quote_plus(value, safe="")})
                _dirty = True


def _secret_pattern() -> re.Pattern[str] | None:
    # Compiled lazily: one alternation of every secret so far is costly to build (tens of ms
    # after a few dozen logins), and most registrations are never followed by a redaction.
    global _pattern, _dirty
    with _lock:
        if _dirty:
            forms = sorted(_secrets, key=len, reverse=True)
            _pattern = re.compile("|".join(map(re.escape, forms))) if forms else None
            _dirty = False
        return _pattern


def redact(text: str) -> str:
    """``text`` with every registered secret and OAuth credential field masked."""
    pattern = _secret_pattern()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _AUTH_HEADER.sub(lambda m: (m.group(1) or m.group(4)) + MASK, text)
    return mask_oauth_fields(text)


def mask_oauth_fields(text: str) -> str:
    """Mask ``oauth_token``, ``oauth_verifier``, ``oauth_signature``… values by shape only.

    Cheap (no registered-secret pattern), for hot paths such as scrubbing each request's
    ``Authorization`` header; keeps ``oauth_timestamp`` and ``oauth_nonce``.
    """
    return _OAUTH_FIELD.sub(lambda m: m.group(1) + MASK, text)


class RedactingFilter(logging.Filter):
    """A logging filter that rewrites each record's message through :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactingFilter()
_filtered: weakref.WeakSet[logging.Logger] = weakref.WeakSet()


def install_log_filter() -> None:
    """Attach the redacting filter to every existing logger of the HTTP/OAuth libraries."""
    names = [
        n for n in list(logging.root.manager.loggerDict) if n.split(".", 1)[0] in _LIBRARY_LOGGERS
    ]
    for name in (*_LIBRARY_LOGGERS, *names):
        logger = logging.getLogger(name)
        if logger not in _filtered:
            logger.addFilter(_FILTER)
            _filtered.add(logger)
