"""What E*TRADE secrets look like, line by line (used by :mod:`etrade_nb.cli.audit`).

Shapes recognised (each reported by kind only, never by value):

- ``consumer key``: 32 hex digits with a key-ish name (``consumer_key``, ``ETRADE_…``,
  ``key=``, ``OAuthFlow(``…) within 40 characters before it on the same line;
- ``consumer secret``: 32-64 hex digits next to ``secret`` (or 33-64 next to a key-ish name);
- ``token``/``token secret``: 44 base64 characters ending in ``=`` (E*TRADE's request and
  access tokens), raw or URL-encoded (``%2F``, ``%2B``, ``%3D``);
- ``oauth_token``/``oauth_token_secret``/``oauth_verifier`` assignments with a literal value;
- ``verifier``: a 4-10 character upper-case code with a digit, after ``verifier``, ``verify``,
  ``verification code`` or in ``.finish("…")``.

Placeholders (``{token}``, ``<key>``, ``xxxx…``, ``%s``), variables (``oauth_token=token``),
hashes in ``sha256-…`` integrity attributes, and E*TRADE's published documentation samples are
not findings. A line containing ``etrade-nb: allow`` is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import unquote

PRAGMA = re.compile(r"etrade-nb:\s*allow", re.I)

CONSUMER_KEY = "consumer key"
CONSUMER_SECRET = "consumer secret"
TOKEN = "token"
TOKEN_SECRET = "token secret"
VERIFIER = "verifier"
KINDS = (CONSUMER_KEY, CONSUMER_SECRET, TOKEN, TOKEN_SECRET, VERIFIER)

# Values printed in E*TRADE's own documentation and our docstrings: public, not secrets.
PUBLISHED_SAMPLES = frozenset(
    {
        "282683cc9e4b8fc81dea6bc687d46758",
        "/iQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU=",
        "/rC9scEpzcwSEMy4vE7nodSzPLqfRINnTNY4voczyFM=",
        "LTg2ODUzOTQ5MTEzMTY3MzQwMzE=",
        "Y27X25F",
        "WXYZ89",
        "K7Q2M",
    }
)

_HEX = re.compile(r"(?<![0-9A-Za-z_])([0-9a-fA-F]{32,64})(?![0-9A-Za-z_])")
FULL_HEX = re.compile(r"[0-9a-fA-F]{32,64}")
_B64_UNIT = r"(?:[A-Za-z0-9+/]|%2[BbFf])"
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/%])(" + _B64_UNIT + r"{43}(?:=|%3[Dd]))(?![A-Za-z0-9+/=%])")
_ASSIGN = re.compile(
    r"\boauth_(token_secret|token|verifier)\b\\?[\"']?\s*[=:]\s*\\?[\"']?"
    r"([^\s\"'&,;)}\]<>\\]+)"
)
_VERIFIER = re.compile(
    r"(?:(?i:verifier|verify|verification[\s_-]*code)[^A-Za-z0-9\n]{1,6}"
    r"|\.finish\(\s*[\"'])([A-Z0-9]{4,10})(?![A-Za-z0-9])"
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYISH = ("key", "secret", "consumer", "client", "oauth", "etrade")
_PLACEHOLDER = re.compile(r"[{}<>$*]|^%[s(]|\.\.\.|…|^(?:none|null|true|false|oob)$", re.I)
_CODE = re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{4,10}")
_LONG_HEXISH = re.compile(r"[0-9A-Za-z]{16,}")


def _context(line: str, start: int, width: int = 40) -> list[str]:
    """Lower-cased words in the ``width`` characters before ``start`` (long runs dropped)."""
    before = _LONG_HEXISH.sub(" ", line[max(0, start - 4 * width) : start])[-width:]
    return [w.lower() for w in _WORD.findall(before)]


def _keyish(words: list[str]) -> bool:
    return any(part in w for w in words for part in _KEYISH) or any(
        w in ("ck", "cs") for w in words
    )


def _low_entropy(value: str) -> bool:
    return len(set(value.lower())) < 4


def _published(value: str) -> bool:
    return value in PUBLISHED_SAMPLES or unquote(value) in PUBLISHED_SAMPLES


def _mixed_base64(value: str) -> bool:
    raw = unquote(value)
    return (
        any(c.isdigit() for c in raw)
        and any(c.isupper() for c in raw)
        and any(c.islower() for c in raw)
    )


def _literal_value(name: str, value: str) -> bool:
    """True when ``oauth_<name>=value`` assigns a literal secret, not a variable or placeholder."""
    if _PLACEHOLDER.search(value) or _low_entropy(value) or _published(value):
        return False
    if name == "verifier":
        return bool(_CODE.fullmatch(value)) or "%" in value
    return len(value) >= 8 and any(c.isdigit() or c in "%+/=" for c in value)


def scan_line(line: str) -> Iterator[str]:
    """The kinds of secret found in one line, in order of position (nothing if allowed)."""
    if PRAGMA.search(line):
        return
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []

    def claim(start: int, end: int, kind: str) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append((start, kind))

    for m in _ASSIGN.finditer(line):
        name, value = m.group(1), m.group(2)
        if _literal_value(name, value):
            kind = {"token": TOKEN, "token_secret": TOKEN_SECRET, "verifier": VERIFIER}[name]
            claim(m.start(2), m.end(2), kind)
    for m in _TOKEN.finditer(line):
        value = m.group(1)
        words = _context(line, m.start(1), 10)
        if _published(value) or not _mixed_base64(value) or any("sha" in w for w in words):
            continue
        secretish = any("secret" in w for w in _context(line, m.start(1)))
        claim(m.start(1), m.end(1), TOKEN_SECRET if secretish else TOKEN)
    for m in _HEX.finditer(line):
        value = m.group(1)
        has_digit = any(c.isdigit() for c in value)
        has_letter = any(c.isalpha() for c in value)
        if not (has_digit and has_letter) or _low_entropy(value) or _published(value):
            continue
        words = _context(line, m.start(1))
        if any("secret" in w for w in words):
            claim(m.start(1), m.end(1), CONSUMER_SECRET)
        elif _keyish(words):
            claim(m.start(1), m.end(1), CONSUMER_KEY if len(value) == 32 else CONSUMER_SECRET)
    for m in _VERIFIER.finditer(line):
        value = m.group(1)
        if any(c.isdigit() for c in value) and not _published(value) and not _low_entropy(value):
            claim(m.start(1), m.end(1), VERIFIER)
    for _, kind in sorted(found):
        yield kind


def hex_value_kind(value: str) -> str | None:
    """The kind of a whole value that is nothing but 32-64 hex digits (widget traits)."""
    if not FULL_HEX.fullmatch(value) or _low_entropy(value) or _published(value):
        return None
    if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
        return None
    return CONSUMER_KEY if len(value) == 32 else CONSUMER_SECRET
