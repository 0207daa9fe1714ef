"""Undo the encodings a secret hides behind before it is matched.

:func:`variants` turns one line into the line itself plus each decoded form: percent-encoding
(repeatedly, so ``%252F`` becomes ``/``), JSON and JavaScript escapes (``\\/``, ``\\u002F``),
HTML entities (``&amp;``, ``&#x2F;``) and base64 runs (standard and URL-safe, inside ``data:``
URIs or alone) that decode to text; layers combine up to :data:`MAX_DEPTH` deep. A decoded
run replaces the run in its line, so the words before it still give context
(``Authorization: Basic <base64 of key:secret>``). Binary payloads (images) give their
printable strings and PNG text chunks (:func:`binary_strings`).
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import struct
import zlib
from collections.abc import Iterator
from urllib.parse import unquote

from .findings import TOO_LARGE

MAX_INFLATED = 1 << 20
"""A compressed PNG text chunk is read up to 1 MiB inflated; a larger one (a 2 KiB image can
inflate to gigabytes) is reported as skipped (:data:`TOO_LARGE`) instead of read."""
SKIPPED = "\0" + TOO_LARGE + "\0"
"""Stands for content that was not read (no text holds a NUL); :func:`skipped_detail`."""
_CONTEXT = 200  # characters kept on each side of a decoded run (long lines stay cheap)
MAX_VARIANTS = 500  # per line: a minified blob full of base64 runs is read this far
MAX_DEPTH = 3  # base64 of percent-encoded JSON is three layers; deeper is not followed
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})|\\([/\"'\\])")
_B64_RUN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX_ONLY = re.compile(r"[0-9a-fA-F]+")
_PRINTABLE = re.compile(rb"[\x20-\x7e\t]{6,}")


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return chr(int(code, 16)) if code else m.group(3)

    return _ESCAPE.sub(one, text)


def b64_bytes(run: str) -> bytes | None:
    """Decode a standard or URL-safe base64 run (padding optional), or ``None``."""
    body = run.rstrip("=")
    if len(body) % 4 == 1:
        return None
    padded = body + "=" * (-len(body) % 4)
    try:
        if "-" in body or "_" in body:
            if "+" in body or "/" in body:
                return None
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def as_text(data: bytes) -> str | None:
    """``data`` as text if it reads as text (UTF-8, at least 90% printable), else ``None``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(c.isprintable() or c in "\t\r\n" for c in text)
    return text if text and printable >= 0.9 * len(text) else None


def skipped_detail(text: str) -> str | None:
    """What was skipped, if ``text`` stands for content too large to read, else ``None``."""
    at = text.find(SKIPPED)
    return None if at < 0 else text[at + len(SKIPPED) :] or TOO_LARGE


def _inflate(data: bytes) -> bytes:
    """zlib-decompressed ``data``, stopping at :data:`MAX_INFLATED` (``ValueError`` past it)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_INFLATED)
    if inflater.unconsumed_tail or len(out) > MAX_INFLATED:
        raise ValueError("inflates past the limit")
    return out


def _png_text(data: bytes) -> Iterator[str]:
    """Text chunks (tEXt, zTXt, iTXt) of a PNG image, decompressed."""
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        try:
            if kind == b"tEXt":
                keyword, _, text = body.partition(b"\0")
                yield f"{keyword.decode('latin-1')}: {text.decode('latin-1')}"
            elif kind == b"zTXt":
                keyword, _, rest = body.partition(b"\0")
                text = _inflate(rest[1:])
                yield f"{keyword.decode('latin-1')}: {text.decode('latin-1')}"
            elif kind == b"iTXt":
                keyword, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                _lang, _, rest = rest.partition(b"\0")
                _translated, _, text = rest.partition(b"\0")
                text = _inflate(text) if compressed else text
                yield f"{keyword.decode('latin-1')}: {text.decode('utf-8', 'replace')}"
        except (zlib.error, IndexError):
            continue
        except ValueError:
            mib = MAX_INFLATED >> 20
            yield f"{SKIPPED}PNG text chunk {kind.decode('latin-1')} inflates past {mib} MiB"
        if kind == b"IEND":
            break


def binary_strings(data: bytes) -> list[str]:
    """Printable strings in binary ``data`` (like ``strings``), plus PNG text chunks."""
    found = []
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        found += list(_png_text(data))
    found += [m.group(0).decode("ascii") for m in _PRINTABLE.finditer(data)]
    return found


def _decoded_runs(line: str) -> Iterator[tuple[str, str]]:
    for m in _B64_RUN.finditer(line):
        run = m.group(0)
        if _HEX_ONLY.fullmatch(run.rstrip("=")):
            continue  # hex digits are a value of their own, not base64
        data = b64_bytes(run)
        if data is None or len(data) < 8:
            continue
        text = as_text(data)
        before = line[max(0, m.start() - _CONTEXT) : m.start()]
        after = line[m.end() : m.end() + _CONTEXT]
        if text is not None:
            yield "base64", before + text + after
        elif len(data) >= 64:
            for piece in binary_strings(data):
                yield "base64 binary", f"{before}{piece}"


def variants(line: str) -> Iterator[tuple[str, str]]:
    """``(how, text)``: the line as is (how ``""``), then each decoded form of it."""
    seen = {line}
    queue: list[tuple[str, str, int]] = [("", line, 0)]
    while queue and len(seen) <= MAX_VARIANTS:
        how, text, depth = queue.pop(0)
        yield how, text
        if depth >= MAX_DEPTH:
            continue
        steps: list[tuple[str, str]] = []
        if _PERCENT.search(text):
            steps.append(("percent-encoded", unquote(text)))
        if "\\" in text:
            steps.append(("escaped", _unescape(text)))
        if "&" in text and ";" in text:
            steps.append(("HTML entities", html.unescape(text)))
        steps.extend(_decoded_runs(text))
        for step, decoded in steps:
            if decoded not in seen:
                seen.add(decoded)
                queue.append((f"{how}, {step}" if how else step, decoded, depth + 1))
