"""Which files are scanned, and how each is read (notebook, Python or text)."""

from __future__ import annotations

import fnmatch
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path, PurePath

from .findings import Finding, merge
from .names import word_set
from .notebook import scan_binary, scan_notebook
from .python_source import scan_python
from .text import scan_text

EXTENSIONS = word_set(
    ".ipynb .py .pyw .ipy .json .txt .md .rst .ini .cfg .conf .env .yaml .yml .toml "
    ".sh .bash .zsh .log .html .htm .xml .csv .properties"
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
    r"|csv|properties)|(^|/)(\.env(\.[^/]+)?|\.envrc|\.netrc|\.pypirc|credentials(\.[^/]+)?))$"
)


def wanted(name: str) -> bool:
    """True if a file called ``name`` is scanned when its folder is."""
    return PurePath(name).suffix.lower() in EXTENSIONS or bool(_NAMES.fullmatch(name))


def _binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


def scan_bytes(data: bytes, name: str, path: str, where: str = "") -> list[Finding]:
    """Findings in the content of a file called ``name`` (a real file or an upload)."""
    if _binary(data):
        return scan_binary(data, path, where or "binary")
    text = data.decode("utf-8", errors="replace")
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
