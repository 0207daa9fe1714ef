"""What a name says about its value: ``consumer_secret``, ``oauth_token``, ``code``, ``cache_key``.

Names are split into words (``ETRADE_consumerKey`` -> etrade, consumer, key). Words that mean
"hash or id" (``cache``, ``md5``, ``commit``, ``model_id``) cancel a role; a generic word
(``key``, ``code``) counts only among credential words (``my_key``, ``login_code``, not
``sort_key``, ``status_code``). :data:`CALLS` gives the roles of known calls' arguments.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


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
_CODE_WORDS = VOCAB | {"code", "login", "otp", "sms", "one", "time"}
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
    if bag & _VERIFIER_WORDS and bag <= _CODE_WORDS | _VERIFIER_WORDS | {"oauth", "code"}:
        return Named(Role.VERIFIER, True)
    if "code" in bag and bag <= _CODE_WORDS:
        return Named(Role.VERIFIER, False)
    if "secret" in bag or "secrets" in bag:
        tokenish = bag & {"token", "owner", "access", "request", "oauth"}
        return Named(Role.TOKEN_SECRET if tokenish else Role.SECRET, True)
    if bag & {"resource", "owner"} and "key" in bag:
        return Named(Role.TOKEN, True)  # requests-oauthlib's resource_owner_key
    if bag & {"token", "tokens"} and bag <= VOCAB | {"token", "tokens"}:
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
