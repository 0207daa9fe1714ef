"""Reading the verification code out of what a user pastes: a bare code, a query, a URL."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from ..errors import VerifierFormatError

_CODE = re.compile(r"[A-Za-z0-9]{1,64}")
_SPACES = re.compile(r"\s+")


def normalize_code(code: str) -> str:
    """E*TRADE's codes are upper-case letters and digits: ``' k7q 2m '`` becomes ``K7Q2M``.

    A lower-case, mixed-case or spaced-out paste is fixed here, before it is sent, instead of
    costing one of the login link's tries.
    """
    return _SPACES.sub("", code).upper()


def extract_verifier(text: str) -> tuple[str, str | None]:
    """``(verifier, oauth_token or None)`` from what a user pastes.

    Accepts a bare code (``' K7Q2M\\n'``), a query string (``oauth_verifier=K7Q2M&...``) or a
    whole callback URL (``https://host/cb?app=1&oauth_verifier=K7Q2M``). The code is normalised
    (:func:`normalize_code`): ``k7q 2m`` is sent as ``K7Q2M``.
    """
    if text is not None and not isinstance(text, str):
        raise VerifierFormatError(
            f"The verification code must be text, not {type(text).__name__}. Pass the code "
            "as a string, e.g. finish('K7Q2M'), or the whole address as pasted."
        )
    raw = (text or "").strip().strip("'\"")
    if not raw:
        raise VerifierFormatError(
            "No verification code was given. Approve the request on the E*TRADE page, copy "
            "the code it shows, and paste it here."
        )
    if "oauth_verifier" in raw:
        query = urlsplit(raw).query if "?" in raw else raw.lstrip("?#")
        fields = parse_qs(query, keep_blank_values=True)
        _refuse_repeats(fields)
        verifier = normalize_code((fields.get("oauth_verifier") or [""])[0])
        tokens = fields.get("oauth_token")
        token = tokens[0] if tokens else None
        if not _CODE.fullmatch(verifier):
            raise VerifierFormatError(
                "The pasted address has no usable oauth_verifier. Paste the whole address "
                "the browser was sent to after you clicked Accept, or just the code."
            )
        return verifier, token
    if raw.startswith(("http://", "https://")):
        raise VerifierFormatError(
            "That address has no oauth_verifier in it: it looks like the authorize link "
            "itself. Open it, click Accept, then paste the code E*TRADE shows."
        )
    code = normalize_code(raw)
    if not _CODE.fullmatch(code):
        raise VerifierFormatError(
            "A verification code has only letters and digits (E*TRADE shows about 5 of "
            "them). Copy it again from the E*TRADE page and paste it here."
        )
    return code, None


def _refuse_repeats(fields: dict[str, list[str]]) -> None:
    """A pasted address must carry one ``oauth_verifier`` (and one ``oauth_token``)."""
    for name in ("oauth_verifier", "oauth_token"):
        if len(fields.get(name, ())) > 1:
            raise VerifierFormatError(
                f"The pasted address has more than one {name}, so it is not clear which one "
                "E*TRADE sent. Paste the address exactly as the browser shows it after you "
                "clicked Accept, or just the code."
            )
