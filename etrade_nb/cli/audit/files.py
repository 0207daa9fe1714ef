"""Which files are scanned, and how each is read (notebook, Python or text)."""

from __future__ import annotations

import codecs
import fnmatch
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePath

from .findings import NOT_TEXT, Finding, merge
from .names import word_set
from .notebook import scan_binary, scan_notebook
from .python_source import scan_python
from .shapes import Confidence
from .text import scan_text

EXTENSIONS = word_set(
    ".ipynb .py .pyw .ipy .json .txt .md .rst .ini .cfg .conf .env .yaml .yml .toml "
    ".sh .bash .zsh .log .html .htm .xml .csv .properties .ps1 .bat .cmd .r"
)
# Dotfiles scanned by name: .env, .env.local, .env.production, .envrc, .netrc
_NAMES = re.compile(r"\.env(?:\..+)?|\.envrc|\.netrc|\.pypirc|credentials(?:\..+)?")
SKIP_DIRS = word_set(
    ".git .hg .svn .venv venv node_modules __pycache__ .tox .nox .mypy_cache .ruff_cache "
    ".pytest_cache"
)
# The pre-commit hook's `files:` pattern selects the same files (a test keeps them in step).
HOOK_PATTERN = (
    r"(\.(ipynb|pyw?|ipy|json|txt|md|rst|ini|cfg|conf|env|ya?ml|toml|sh|bash|zsh|log|html?|xml"
    r"|csv|properties|ps1|bat|cmd|[Rr])|(^|/)(\.env(\.[^/]+)?|\.envrc|\.netrc|\.pypirc"
    r"|credentials(\.[^/]+)?))$"
)


def wanted(name: str) -> bool:
    """True if a file called ``name`` is scanned when its folder is."""
    return PurePath(name).suffix.lower() in EXTENSIONS or bool(_NAMES.fullmatch(name))


def _binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def text_encoding(data: bytes) -> tuple[str, int] | None:
    """``(codec, BOM length)`` for text that is not plain UTF-8: a byte order mark, or
    UTF-16 without one (every other byte zero: ASCII written by Windows tools)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    head = data[:4096]
    if len(head) >= 8 and b"\0" in head:
        even, odd = head[0::2], head[1::2]
        if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
            return "utf-16-le", 0
        if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
            return "utf-16-be", 0
    return None


def not_text(path: str, where: str, why: str) -> Finding:
    """The finding that says a file could not be read as text (so was not fully checked)."""
    return Finding(path, where or "file", NOT_TEXT, Confidence.HIGH, why)


def scan_bytes(data: bytes, name: str, path: str, where: str = "") -> list[Finding]:
    """Findings in the content of a file called ``name`` (a real file or an upload).

    Text is decoded by its byte order mark (UTF-8, UTF-16 and UTF-32, as Windows PowerShell
    writes ``echo ... > .env``) or as BOM-less UTF-16, else as UTF-8. A file named as text
    that cannot be read as text gets a :data:`NOT_TEXT` finding besides its printable strings.
    """
    encoding = text_encoding(data)
    if encoding is not None:
        codec, skip = encoding
        try:
            return _scan_text_of(data[skip:].decode(codec), name, path, where)
        except UnicodeDecodeError as exc:
            if skip:  # a byte order mark said so: text that is broken, and said to be
                why = f"starts as {codec.upper()} but byte {skip + exc.start} is not valid"
                return [not_text(path, where, why), *scan_binary(data, path, where or "binary")]
    if _binary(data):  # binary data, or BOM-less "UTF-16" that was not
        found = scan_binary(data, path, where or "binary")
        if not where and wanted(name):
            why = "binary content (NUL bytes) in a text file; only its printable strings were read"
            found.insert(0, not_text(path, where, why))
        return found
    return _scan_text_of(data.decode("utf-8", errors="replace"), name, path, where)


def _scan_text_of(text: str, name: str, path: str, where: str) -> list[Finding]:
    suffix = PurePath(name).suffix.lower()
    prefix = f"{where}," if where else ""
    if suffix == ".ipynb":
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            found = scan_notebook(doc, path, scan_bytes)
            return [replace(f, where=f"{prefix} {f.where}".strip()) for f in found]
    if suffix in (".py", ".pyw", ".ipy"):
        return scan_python(text, path, where)
    return scan_text(text, path, where)


def scan_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Findings in one file, read as a notebook, Python or text by its name."""
    p = Path(path)
    return merge(scan_bytes(p.read_bytes(), p.name, str(path)))


def iter_files(
    paths: Iterable[str], exclude: Sequence[str] = (), unreadable: list[str] | None = None
) -> Iterator[Path]:
    """Files named directly, plus the files :func:`wanted` under named directories.

    A directory that cannot be listed is added to ``unreadable`` (raised if it is ``None``).
    """

    def failed(exc: OSError) -> None:
        if unreadable is None:
            raise exc
        unreadable.append(str(exc.filename))

    def excluded(p: Path) -> bool:
        text = p.as_posix()
        return any(fnmatch.fnmatch(text, pat) or fnmatch.fnmatch(p.name, pat) for pat in exclude)

    for raw in paths:
        root = Path(raw)
        if root.is_file():
            if not excluded(root):
                yield root
            continue
        for folder, dirs, files in os.walk(root, onerror=failed):
            dirs[:] = sorted(
                d for d in dirs if d not in SKIP_DIRS and not excluded(Path(folder, d))
            )
            for name in sorted(files):
                candidate = Path(folder, name)
                if wanted(name) and not excluded(candidate):
                    yield candidate


def audit(paths: Iterable[str], exclude: Sequence[str] = ()) -> list[Finding]:
    """All findings in ``paths`` (files or directories)."""
    found: list[Finding] = []
    for path in iter_files(paths, exclude):
        found += scan_file(path)
    return found
