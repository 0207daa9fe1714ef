"""What E*TRADE secrets look like, and the verdict that shape and name give together.

A value is judged on two things: its *shape* (32 hex digits for a consumer key, 64 for a
secret, 44 base64 characters ending in ``=`` for a token, a short upper-case code for a
verifier) and its *role*, read from the name it is assigned to (``consumer_secret``,
``oauth_token``, ``verifier``, a dict key, a keyword argument, the words before it in prose).
Shape and role together give a :class:`Confidence`; a shape alone is reported only when the
shape is specific (a token), a role alone only at ``low`` confidence.

Names that say "this is a hash or an id" (``cache_key``, ``md5``, ``commit``, ``model_id``)
cancel the role, so digests and git SHAs next to the word "key" are not findings.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import unquote

from .names import Named, Role

CONSUMER_KEY = "consumer key"
CONSUMER_SECRET = "consumer secret"
TOKEN = "token"
TOKEN_SECRET = "token secret"
VERIFIER = "verifier"
KINDS = (CONSUMER_KEY, CONSUMER_SECRET, TOKEN, TOKEN_SECRET, VERIFIER)


class Confidence(enum.IntEnum):
    """How sure a finding is: ``high`` shape and name agree; ``low`` one of them is weak."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    def __str__(self) -> str:
        return self.name.lower()


# E*TRADE's documentation samples, our docstrings and the emulator's built-in demo keys:
# public values, never findings.
PUBLISHED = frozenset(
    {
        "282683cc9e4b8fc81dea6bc687d46758",
        "/iQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU=",
        "/rC9scEpzcwSEMy4vE7nodSzPLqfRINnTNY4voczyFM=",
        "LTg2ODUzOTQ5MTEzMTY3MzQwMzE=",
        "Y27X25F",
        "WXYZ89",
        "K7Q2M",
        "5f1d0c8e2b7a4c39a6e0d4b8c1f2e3a7",  # emulator DEMO_CONSUMER_KEY
        "9c4e7b2a1d6f8e0b3a5c7d9e1f2a4b6c",  # emulator DEMO_CONSUMER_SECRET
    }
)

# -- shapes ----------------------------------------------------------------------------------
HEX = re.compile(r"[0-9a-fA-F]{32,64}")
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9+/]{43}=?|[A-Za-z0-9_-]{43}=?")
CODE_SHAPE = re.compile(r"[A-Z0-9]{4,10}")
_NUMBERED = re.compile(r"[A-Z]{1,4}[0-9]+")  # a prefix and a number: YN0006, E1234, HTTP404
_PLACEHOLDER = re.compile(
    r"[{}<>$*]|^%[s(]|\.\.\.|…|^(?:none|null|true|false|oob|redacted|masked|hidden)$"
    r"|x{4}|your|example|changeme|placeholder|dummy|here\b|^(?:secret|token|key|code|verifier)s?$",
    re.I,
)


def _repeats(value: str) -> bool:
    """``0123456789abcdef0123456789abcdef``: a short unit repeated is a placeholder."""
    n = len(value)
    return any(
        n % size == 0 and value[:size] * (n // size) == value for size in range(1, n // 2 + 1)
    )


def boring(value: str) -> bool:
    """Placeholders, published samples, repeated units and low-entropy strings."""
    return (
        len(set(value.lower())) < 4
        or bool(_PLACEHOLDER.search(value))
        or value in PUBLISHED
        or unquote(value) in PUBLISHED
        or _repeats(value)
    )


def _mixed(value: str) -> bool:
    return (
        any(c.isdigit() for c in value)
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
    )


def is_token(value: str) -> bool:
    """44 base64 characters ending in ``=`` (E*TRADE's tokens), also URL-safe or unpadded."""
    return bool(TOKEN_SHAPE.fullmatch(value)) and _mixed(value)


def is_hex(value: str) -> bool:
    """32-64 hex digits with both digits and letters."""
    return (
        bool(HEX.fullmatch(value))
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def is_code(value: str) -> bool:
    """A verification code: 4-10 upper-case letters and digits."""
    return bool(CODE_SHAPE.fullmatch(value))


Verdict = tuple[str, Confidence]


def _judge_hex(value: str, role: Role | None, strong: bool) -> Verdict | None:
    n = len(value)
    sure = Confidence.HIGH if strong else Confidence.MEDIUM
    if role is Role.SECRET:
        return CONSUMER_SECRET, sure if n in (32, 64) else Confidence.LOW
    if role is Role.KEY:
        if n == 32:
            return CONSUMER_KEY, sure
        if n != 64:
            return None  # a git SHA or another digest under a name with "key" in it
        return CONSUMER_SECRET, Confidence.MEDIUM if strong else Confidence.LOW
    if role in (Role.TOKEN, Role.TOKEN_SECRET, Role.CREDENTIALS):
        return (CONSUMER_KEY if n == 32 else CONSUMER_SECRET), Confidence.LOW
    return None


def judge(value: str, named: Named | None) -> list[Verdict]:
    """Kinds and confidence of ``value`` under a name with role ``named`` (empty: not a secret).

    A ``KEY:SECRET`` pair gives two verdicts, a consumer key and a consumer secret.
    """
    value = value.strip()
    if len(value) < 4 or boring(value):
        return []
    role, strong = (named.role, named.strong) if named else (None, False)
    if split_pair(value, named=role is not None):
        confidence = Confidence.HIGH if role else Confidence.MEDIUM
        return [(CONSUMER_KEY, confidence), (CONSUMER_SECRET, confidence)]
    one = _judge_one(value, role, strong)
    return [one] if one else []


def _judge_one(value: str, role: Role | None, strong: bool) -> Verdict | None:
    if is_token(value):
        if role in (Role.TOKEN_SECRET, Role.SECRET):
            return TOKEN_SECRET, Confidence.HIGH
        padded = value.endswith("=")
        if role is None or role is Role.VERIFIER:
            return (TOKEN, Confidence.MEDIUM) if padded else None
        return TOKEN, Confidence.HIGH if padded or role is Role.TOKEN else Confidence.MEDIUM
    if is_hex(value):
        return _judge_hex(value, role, strong)
    if role is Role.VERIFIER:
        if not is_code(value):
            return None
        has_digit = any(c.isdigit() for c in value)
        has_alpha = any(c.isalpha() for c in value)
        if strong:
            return VERIFIER, Confidence.HIGH if has_digit and has_alpha else Confidence.LOW
        if _NUMBERED.fullmatch(value):
            return None  # "code: YN0006", "E1234": an error or status code, not a verifier
        return (VERIFIER, Confidence.MEDIUM) if has_digit and has_alpha else None
    kind = _ROLE_KIND.get(role) if role else None
    if strong and kind and _plausible(value):
        return kind, Confidence.LOW
    return None


_ROLE_KIND = {
    Role.KEY: CONSUMER_KEY,
    Role.SECRET: CONSUMER_SECRET,
    Role.TOKEN: TOKEN,
    Role.TOKEN_SECRET: TOKEN_SECRET,
}
_PAIR = re.compile(r"([0-9a-fA-F]{32})[\"']?\s*[:,;| \t]\s*(?:[rbu]?[\"'])?([0-9a-fA-F]{32,64})")


def split_pair(value: str, named: bool = True) -> tuple[str, str] | None:
    """``KEY:SECRET`` (e.g. inside HTTP basic auth): two hex values of a consumer's shapes.

    Without a name (``named=False``) only a 32-digit key with a 64-digit secret counts: two
    32-digit values side by side are as likely a pair of MD5 digests.
    """
    m = _PAIR.fullmatch(value.strip())
    if not m or not (is_hex(m.group(1)) and is_hex(m.group(2))):
        return None
    if len(m.group(2)) not in (32, 64) or (not named and len(m.group(2)) != 64):
        return None
    if boring(m.group(1)) or boring(m.group(2)) or m.group(1) == m.group(2):
        return None
    return m.group(1), m.group(2)


def find_pairs(text: str) -> list[tuple[int, int]]:
    """Spans of ``KEY:SECRET`` pairs inside ``text``."""
    found = []
    for m in re.finditer(r"(?<![0-9A-Za-z])" + _PAIR.pattern + r"(?![0-9A-Za-z])", text):
        if split_pair(m.group(0)):
            found.append((m.start(), m.end()))
    return found


_CODE_LIKE = re.compile(r"[A-Za-z_][\w.]*(?:\(.*)?|.*[()\[\]{}].*")  # names, calls, code


def _plausible(value: str) -> bool:
    """A literal that could be a credential of another shape: 12+ chars, no spaces, mixed."""
    if len(value) < 12 or len(value) > 200 or any(c.isspace() for c in value):
        return False
    if value.startswith(("http:", "https:", "/", "~", ".")) or _CODE_LIKE.fullmatch(value):
        return False
    return sum((any(c.isdigit() for c in value), any(c.isalpha() for c in value))) == 2
