"""What E*TRADE secrets look like, and what names say about a value.

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
from dataclasses import dataclass
from urllib.parse import unquote

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


class Role(enum.Enum):
    """What a name says its value is."""

    KEY = "key"
    SECRET = "secret"
    TOKEN = "token"
    TOKEN_SECRET = "token secret"
    VERIFIER = "verifier"
    CREDENTIALS = "credentials"


@dataclass(frozen=True)
class Named:
    """A role and whether the name is unambiguous (``consumer_key``) or generic (``key``)."""

    role: Role
    strong: bool


def word_set(text: str) -> frozenset[str]:
    """The space-separated words of ``text``."""
    return frozenset(text.split())


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

# Words that make a name mean "not a credential": hashes, ids, caches, signatures.
NOT_SECRET = word_set(
    "md5 sha sha1 sha224 sha256 sha384 sha512 hash hashed digest checksum crc etag integrity "
    "fingerprint commit rev revision head git uuid guid id ids model view msg nonce signature "
    "sig salt cache cached sort primary foreign idempotency row public pub lookup index dict "
    "field map column partition dedup dedupe short sha1sum md5sum blob tree object"
)
# Words that may stand next to key/secret/token in a credential's name.
VOCAB = word_set(
    "etrade e trade consumer client oauth auth api app my the your our live prod production "
    "sandbox sb dev test real new old default user personal private access request k s ck cs "
    "x env var value str text raw plain saved stored input pasted copied"
)
_VERIFIER_WORDS = frozenset({"verifier", "verify", "verification", "pin"})
_CODEVOCAB = VOCAB | {"code", "login", "otp", "sms", "one", "time"}
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def words(name: str) -> list[str]:
    """``ETRADE_consumerKey`` -> ``['etrade', 'consumer', 'key']``."""
    return [w.lower() for w in _WORD.findall(name)]


def role_of(name: str) -> Named | None:
    """What ``name`` (a variable, key, keyword or phrase) says its value is, if anything."""
    ws = words(name)
    if not ws or any(w in NOT_SECRET for w in ws):
        return None
    bag = set(ws)
    if bag & _VERIFIER_WORDS and bag <= _CODEVOCAB | _VERIFIER_WORDS | {"oauth", "code"}:
        return Named(Role.VERIFIER, True)
    if "code" in bag and bag <= _CODEVOCAB:
        return Named(Role.VERIFIER, False)
    if "secret" in bag or "secrets" in bag:
        tokenish = bag & {"token", "owner", "access", "request", "oauth"}
        return Named(Role.TOKEN_SECRET if tokenish else Role.SECRET, True)
    if bag & {"resource", "owner"} and "key" in bag:
        return Named(Role.TOKEN, True)  # requests-oauthlib's resource_owner_key
    if "token" in bag and bag <= VOCAB | {"token"}:
        return Named(Role.TOKEN, True)
    if "key" in bag and bag <= VOCAB | {"key"}:
        return Named(Role.KEY, bool(bag & {"consumer", "etrade", "oauth", "client", "api"}))
    if ws in (["ck"], ["k"], ["consumer"]):
        return Named(Role.KEY, False)
    if ws in (["cs"], ["s"], ["password"], ["passwd"], ["pwd"]):
        return Named(Role.SECRET, False)
    if bag & {"credentials", "creds", "credential", "authorization", "basic"}:
        return Named(Role.CREDENTIALS, False)
    return None


# Calls whose positional arguments are known: etrade-nb, requests-oauthlib, oauthlib, pyetrade.
_K, _S, _T, _TS, _V = Role.KEY, Role.SECRET, Role.TOKEN, Role.TOKEN_SECRET, Role.VERIFIER
CALLS: dict[str, tuple[Role, ...]] = {
    "save_credentials": (_K, _S),
    "load_credentials": (_K, _S),
    "OAuthFlow": (_K, _S),
    "Credentials": (_K, _S),
    "AccessToken": (_T, _TS),
    "RequestToken": (_T, _TS),
    "OAuth1Session": (_K, _S, _T, _TS),
    "OAuth1": (_K, _S, _T, _TS),
    "Client": (_K, _S, _T, _TS),
    "ETradeOAuth": (_K, _S),
    "ETradeAccounts": (_K, _S, _T, _TS),
    "ETradeMarket": (_K, _S, _T, _TS),
    "ETradeOrder": (_K, _S, _T, _TS),
    "ETradeAlerts": (_K, _S, _T, _TS),
    "finish": (_V,),
    "extract_verifier": (_V,),
    "get_access_token": (_V,),
}


# -- shapes ----------------------------------------------------------------------------------
HEX = re.compile(r"[0-9a-fA-F]{32,64}")
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9+/]{43}=?|[A-Za-z0-9_-]{43}=?")
CODE_SHAPE = re.compile(r"[A-Z0-9]{4,10}")
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
