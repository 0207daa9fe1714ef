"""Secrets in plain text, line by line: assignments, query strings, prose, shell, YAML.

Each line is read as is and in each decoded form (:mod:`.decode`). Values are found as

- ``name = value`` / ``name: value`` / ``"name": "value"`` / ``--name value`` /
  ``export NAME=value`` / ``?key=…&token=…``: the name gives the role;
- bare values of a secret's shape (32-64 hex digits, 44-character tokens, ``KEY:SECRET``
  pairs, verification codes): the words just before them give the role
  ("my consumer key is …", "verification code: …"), and ``.finish("…")`` marks a verifier.

YAML block scalars (``key: |`` followed by indented lines) are read as one value of ``key``,
also with their lines joined (base64 wrapped over several lines). A line containing
``etrade-nb: allow`` is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .decode import skipped_detail, variants
from .findings import PRAGMA, TOO_LARGE, Finding, merge
from .names import CALLS, NOT_SECRET, VOCAB, Named, Role, role_of, word_set, words
from .shapes import Confidence, find_pairs, judge

Hit = tuple[str, Confidence, str]  # kind, confidence, how it was encoded ("" when plain)

# Every pattern here runs in time linear in the line: a name starts only where a run of name
# characters starts (a lookbehind, with a digit/dot/dash prefix skipped deterministically),
# and a value is read at most MAX_VALUE characters far (a longer one is not judged).
MAX_VALUE = 512
_VALUE = r"(?P<value>[^\s\"'&,;)}\]<>\\`|]{1,MORE})".replace("MORE", str(MAX_VALUE + 1))
_KV = re.compile(
    r"(?<![\w.-])[\d.-]*(?P<name>[A-Za-z_][\w.-]*)[\"']?\]?\s*(?::=|=>|=|:)\s*"
    r"(?:[rbuRBU]?[\"'])?" + _VALUE
)
_OPTION = re.compile(r"(?<![\w-])--(?P<name>[A-Za-z][\w-]*)(?:=|\s+)[\"']?" + _VALUE)
_FINISH = re.compile(
    r"\b(?:finish|extract_verifier)\(\s*[rbuRBU]?[\"'](?P<value>[^\"']{1,MAX})[\"']".replace(
        "MAX", str(MAX_VALUE)
    )
)
_TOKEN = re.compile(r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{43}=?(?![A-Za-z0-9+/=_-])")
_HEX = re.compile(r"(?<![0-9A-Za-z_])[0-9a-fA-F]{32,64}(?![0-9A-Za-z_])")
# a bare code needs a digit: prose is full of upper-case words ("the code E*TRADE showed")
_CODE = re.compile(r"(?<![A-Za-z0-9_])(?=[A-Z]*[0-9])[A-Z0-9]{4,10}(?![A-Za-z0-9_])")
_BACK = 120  # characters of context read before a value
_CALL_OPEN = re.compile(r"\b(?P<name>\w+)\(\s*[rbuRBU]?[\"']$")
_LONG = re.compile(r"(?=[A-Za-z_-]*[0-9+/=%])[A-Za-z0-9+/=_%-]{16,}")  # values, not names
_FILLER = word_set(
    "is are was were be to as of for in on at set use used using with here it its a an and "
    "now this that got gets reads read says shows showed enter entered paste pasted typed "
    "please export let var const the"
)
_BLOCK = re.compile(
    r"^(?P<indent>\s*)(?:-\s+)?[\"']?(?P<name>[\w.-]+)[\"']?\s*:\s*[|>][-+0-9]*\s*$"
)


def context_role(before: str) -> Named | None:
    """The role given by the last words before a bare value ("consumer secret is …").

    Filler words ("is", "the") and numbers are skipped. A hash or id word among the last three
    ("cache key", "sha256 of the key") cancels the role, and so does a qualifier in front of
    a generic word ("status code", "rotated key"); specific words ("token secret") stand.
    """
    call = _CALL_OPEN.search(before)
    if call and call["name"] in CALLS:
        return Named(CALLS[call["name"]][0], True)
    ws = [w for w in words(_LONG.sub(" ", before[-80:])) if w not in _FILLER and not w.isdigit()]
    tail = ws[-3:]
    if any(w in NOT_SECRET for w in tail):
        return None
    for size in (3, 2, 1):
        named = role_of("_".join(tail[-size:])) if len(tail) >= size else None
        if named:
            generic_qualified = len(tail) > size and tail[-size - 1] not in VOCAB
            return None if generic_qualified and not named.strong else named
    return None


def _hashy(before: str) -> bool:
    """True if the words just before a name say it is a hash or id ("sha256 of the")."""
    ws = words(before[-40:])
    while ws and (ws[-1] in _FILLER or ws[-1].isdigit()):
        ws.pop()
    return any(w in NOT_SECRET for w in ws[-2:])


def scan_line(line: str) -> list[Hit]:
    """Kinds of secret in one line, each with its confidence and encoding."""
    if PRAGMA.search(line):
        return []
    hits: dict[str, Hit] = {}
    for how, text in variants(line):
        detail = skipped_detail(text)
        if detail is not None:  # not read: said so, never passed as clean
            hits[TOO_LARGE] = (TOO_LARGE, Confidence.HIGH, detail)
            continue
        for kind, confidence in _scan_plain(text):
            if kind not in hits or confidence > hits[kind][1]:
                hits[kind] = (kind, confidence, how)
    return list(hits.values())


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of ``name=value`` that may nest (``url=…?oauth_token=…``)."""
    pos = 0
    while m := pattern.search(text, pos):
        yield m
        first = m.start("name") if "name" in pattern.groupindex else m.start()
        pos = m.start("value") if m.start("value") > first else m.end()


class _Claims:
    """Spans of the text already reported, so each value is judged by its first reading."""

    def __init__(self) -> None:
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        """Claim ``[start, end)`` unless it overlaps a span already claimed."""
        if any(start < e and s < end for s, e in self.taken):
            return False
        self.taken.append((start, end))
        return True


def _scan_plain(text: str) -> Iterator[tuple[str, Confidence]]:
    """Named values first, then key/secret pairs, then bare shapes, each span once."""
    claims = _Claims()
    yield from _named_values(text, claims)
    for start, end in find_pairs(text):
        verdicts = judge(text[start:end], context_role(text[max(0, start - _BACK) : start]))
        if verdicts and claims.free(start, end):
            yield from verdicts
    yield from _bare_shapes(text, claims)


def _named_values(text: str, claims: _Claims) -> Iterator[tuple[str, Confidence]]:
    """``name = value``, ``--option value`` and "finish with CODE", judged by their name."""
    for pattern in (_FINISH, _KV, _OPTION):
        for m in _overlapping(pattern, text):
            if len(m["value"]) > MAX_VALUE:
                continue  # a blob, not a credential (its inner name=value pairs still are)
            named = _name_of(m, pattern, text)
            value = m["value"].rstrip(".:")
            verdicts = judge(value, named) if named else []
            if verdicts and claims.free(m.start("value"), m.start("value") + len(value)):
                yield from verdicts


def _name_of(m: re.Match[str], pattern: re.Pattern[str], text: str) -> Named | None:
    """The role a match's name gives its value, helped or undone by the words before it."""
    named = Named(Role.VERIFIER, True) if pattern is _FINISH else role_of(m["name"])
    start = m.start("name") if pattern is _KV else m.start()
    if named and not named.strong:  # "Consumer Key: …": the words before help
        named = context_role(text[max(0, start - _BACK) : m.end("name")]) or named
    if named and pattern is not _FINISH and _hashy(text[max(0, start - _BACK) : start]):
        return None  # "sha256 of the key: …", "cache key = …"
    return named


def _bare_shapes(text: str, claims: _Claims) -> Iterator[tuple[str, Confidence]]:
    """Token, hex and code shapes with no name, judged by the words before them."""
    for pattern in (_TOKEN, _HEX, _CODE):
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - _BACK) : m.start()]
            if re.search(r"sha\d*-?$|IPY_MODEL_$", before, re.I) or _hashy(before):
                continue  # integrity hashes, widget references, "digest: …", "etag …"
            verdicts = judge(m.group(0), context_role(before))
            if verdicts and claims.free(m.start(), m.end()):
                yield from verdicts


def block_scalars(lines: list[str]) -> Iterator[tuple[int, str]]:
    """``(line index, "name: value")`` for each YAML block scalar, once joined and once glued."""
    for i, line in enumerate(lines):
        m = _BLOCK.match(line)
        if not m:
            continue
        indent, body = len(m["indent"]), []
        for follow in lines[i + 1 :]:
            if follow.strip() and len(follow) - len(follow.lstrip()) <= indent:
                break
            body.append(follow.strip())
        body = [b for b in body if b]
        if body:
            yield i, f"{m['name']}: {' '.join(body)}"
            if len(body) > 1:
                yield i, f"{m['name']}: {''.join(body)}"


def scan_text(text: str, path: str, where: str = "") -> list[Finding]:
    """Findings in ``text``, located as ``<where> line N`` (``line N`` in a plain file)."""
    lines = text.splitlines()
    numbered = [(i, line) for i, line in enumerate(lines)]
    if ":" in text and ("|" in text or ">" in text):
        numbered += [
            (i, synthetic) for i, synthetic in block_scalars(lines) if not PRAGMA.search(lines[i])
        ]
    found = []
    for i, line in numbered:
        for kind, confidence, how in scan_line(line):
            place = f"{where} line {i + 1}" if where else f"line {i + 1}"
            found.append(Finding(path, place, kind, confidence, how))
    return merge(found)
