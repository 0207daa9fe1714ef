"""RFC 5849 signature base string and HMAC-SHA1, written from the RFC with the stdlib only.

This module is the emulator's independent check of the client's signing: it shares no code
with oauthlib or with the rest of ``etrade_nb``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote_to_bytes

Params = list[tuple[str, str]]

# RFC 5849 §3.6: unreserved characters are never encoded.
_UNRESERVED = "-._~"
_PCT_TRIPLET = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ENCODED = re.compile(r"[A-Za-z0-9\-._~%]*")


class HeaderParameterError(ValueError):
    """A malformed Authorization header parameter; ``name`` says which one."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def percent_encode(value: str) -> str:
    """§3.6: UTF-8 encode, then escape every byte except ALPHA / DIGIT / "-" / "." / "_" / "~"."""
    return quote(value.encode("utf-8"), safe=_UNRESERVED)


def percent_decode(value: str, *, plus_as_space: bool = False) -> str:
    """Decode ``%XX`` triplets once, strictly (bad triplets or bad UTF-8 raise ``ValueError``)."""
    if _PCT_TRIPLET.search(value):
        raise ValueError("invalid percent-encoding")
    if plus_as_space:
        value = value.replace("+", " ")
    return unquote_to_bytes(value).decode("utf-8")


def parse_form(text: str) -> Params:
    """§3.4.1.3.1: parse a query or ``application/x-www-form-urlencoded`` body into pairs.

    Names without ``=`` get an empty value (the RFC example's ``c2``); ``+`` means space.
    """
    pairs: Params = []
    for part in text.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append(
            (percent_decode(name, plus_as_space=True), percent_decode(value, plus_as_space=True))
        )
    return pairs


def parse_authorization_header(value: str) -> Params:
    """§3.5.1: parse ``OAuth realm="",oauth_x="v",...``; values are percent-decoded exactly once.

    Raises ``ValueError`` if the scheme is not OAuth, ``HeaderParameterError`` if a parameter
    is unquoted or not percent-encoded (a raw ``/``, ``+`` or ``=`` in ``oauth_token``).
    """
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "oauth":
        raise ValueError("not an OAuth Authorization header")
    pairs: Params = []
    for item in rest.split(","):
        item = item.strip()
        if not item:
            continue
        name, eq, quoted = item.partition("=")
        name = name.strip()
        quoted = quoted.strip()
        if not eq or len(quoted) < 2 or quoted[0] != '"' or quoted[-1] != '"':
            raise HeaderParameterError(name, f"{name} is not a quoted value")
        raw = quoted[1:-1]
        if name != "realm" and not _ENCODED.fullmatch(raw):
            raise HeaderParameterError(name, f"{name} is not percent-encoded (§3.6)")
        pairs.append((percent_decode(name), percent_decode(raw)))
    return pairs


def base_string_uri(scheme: str, host: str, path: str) -> str:
    """§3.4.1.2: lowercase scheme and host, drop the default port, keep the path as sent."""
    scheme = scheme.lower()
    host = host.lower()
    if host.startswith("["):  # IPv6 literal
        name, _, rest = host.partition("]")
        name, port = name + "]", rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port = host.partition(":")
    if (scheme, port) in {("http", "80"), ("https", "443")}:
        port = ""
    authority = f"{name}:{port}" if port else name
    return f"{scheme}://{authority}{path or '/'}"


def normalize_parameters(params: Iterable[tuple[str, str]]) -> str:
    """§3.4.1.3.2: encode names and values, sort by name then value, join with ``=`` and ``&``."""
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in params)
    return "&".join(f"{k}={v}" for k, v in encoded)


def signature_base_string(method: str, uri: str, params: Iterable[tuple[str, str]]) -> str:
    """§3.4.1.1: ``METHOD&enc(base string URI)&enc(normalized parameters)``.

    ``params`` must already exclude ``oauth_signature`` and ``realm`` (§3.4.1.3.1).
    """
    return "&".join(
        [method.upper(), percent_encode(uri), percent_encode(normalize_parameters(params))]
    )


def hmac_sha1(base_string: str, consumer_secret: str, token_secret: str = "") -> str:
    """§3.4.2: key ``enc(consumer_secret)&enc(token_secret)``; base64 of the HMAC-SHA1 digest."""
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode("utf-8"), base_string.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_hmac_sha1(
    signature: str, base_string: str, consumer_secret: str, token_secret: str = ""
) -> bool:
    """§3.4.2 verification with a constant-time comparison."""
    expected = hmac_sha1(base_string, consumer_secret, token_secret)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))
