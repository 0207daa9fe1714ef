"""``etrade-nb audit PATH...``: find E*TRADE secrets in notebooks and text files before they leak.

Notebooks are read cell by cell: sources, outputs (text, HTML, JSON, tracebacks; images are
skipped), cell and notebook metadata, and saved widget state (``metadata.widgets``: a Text or
Password widget keeps its value there). Widget model ids (32 hex digits, also in
``application/vnd.jupyter.widget-view+json`` outputs) are not secrets and are not reported.
Other files are read line by line. Directories are searched for
``.ipynb .py .json .txt .md .ini .cfg .env .yaml .yml .toml`` files.

Each finding is printed as location and kind only; the secret itself is never printed::

    $ etrade-nb audit notebooks/
    notebooks/login.ipynb: cell 3, source line 2: consumer secret
    notebooks/login.ipynb: cell 5, output 1 (text/plain) line 1: token
    1 file with possible E*TRADE secrets (2 findings). ...

Exit status: 0 clean, 1 findings, 2 usage error. Add ``etrade-nb: allow`` to a line (e.g.
``# etrade-nb: allow``) if it holds no secret. The shapes recognised are listed in
:mod:`etrade_nb.cli.audit_patterns`. As a pre-commit hook::

    - repo: <this repository>
      hooks: [{id: etrade-nb-audit}]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .audit_patterns import hex_value_kind, scan_line

EXTENSIONS = frozenset(
    {".ipynb", ".py", ".json", ".txt", ".md", ".ini", ".cfg", ".env", ".yaml", ".yml", ".toml"}
)
_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", ".tox"})
_BINARY_MIME = ("image/", "video/", "audio/", "application/pdf")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_ID_TRAITS = frozenset({"model_id", "_model_id", "_view_id", "id", "msg_id"})


@dataclass(frozen=True)
class Finding:
    """One possible secret: where it is and what it looks like (never the value)."""

    path: str
    where: str
    kind: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.kind}"


def scan_text(text: str, path: str, where: str = "") -> list[Finding]:
    """Findings in ``text``, located as ``<where> line N`` (or ``line N`` in a plain file)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for kind in scan_line(line):
            found.append(
                Finding(path, f"{where} line {number}" if where else f"line {number}", kind)
            )
    return found


def _text(value: Any) -> str:
    """nbformat multiline strings are either a string or a list of strings."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value, indent=1, default=str)


def _leaves(value: Any, trail: str = "") -> Iterator[tuple[str, str]]:
    """``(dotted.key, string)`` for every string inside nested dicts and lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{trail}.{key}" if trail else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{trail}[{i}]")
    elif isinstance(value, str):
        yield trail, value


def _scan_tree(value: Any, path: str, where: str) -> list[Finding]:
    """Scan metadata-like JSON, giving each string its key as context (``key: value``)."""
    found = []
    for trail, text in _leaves(value):
        name = trail.rsplit(".", 1)[-1]
        for line in text.splitlines() or [""]:
            for kind in scan_line(f"{name}: {line}"):
                found.append(Finding(path, f"{where} {trail!r}", kind))
    return found


def _scan_output(output: dict[str, Any], path: str, where: str) -> list[Finding]:
    found: list[Finding] = []
    if "text" in output:
        found += scan_text(_text(output["text"]), path, f"{where} ({output.get('name', 'text')})")
    for mime, value in (output.get("data") or {}).items():
        if mime == _WIDGET_VIEW or mime.startswith(_BINARY_MIME):
            continue
        if isinstance(value, (dict, list)) and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            found += _scan_tree(value, path, f"{where} ({mime})")
        else:
            found += scan_text(_text(value), path, f"{where} ({mime})")
    if output.get("output_type") == "error":
        found += scan_text(str(output.get("evalue", "")), path, f"{where} (error)")
        traceback = _text([f"{t}\n" for t in output.get("traceback", [])])
        found += scan_text(traceback, path, f"{where} (traceback)")
    found += _scan_tree(output.get("metadata") or {}, path, f"{where} metadata")
    return found


def _scan_widgets(widgets: Any, path: str) -> list[Finding]:
    """Saved widget state: trait values are scanned; model ids are not secrets."""
    found: list[Finding] = []
    if not isinstance(widgets, dict):
        return found
    for mime, bundle in widgets.items():
        models = bundle.get("state") if isinstance(bundle, dict) else None
        if mime != _WIDGET_STATE or not isinstance(models, dict):
            found += _scan_tree(bundle, path, f"widget metadata {mime!r}")
            continue
        for model_id, model in models.items():
            state = model.get("state", {}) if isinstance(model, dict) else {}
            name = state.get("_model_name", "?") if isinstance(state, dict) else "?"
            where = f"widget model {model_id} ({name})"
            if not isinstance(state, dict):
                continue
            for trait, value in state.items():
                if isinstance(value, str) and trait not in _ID_TRAITS:
                    kind = hex_value_kind(value.strip())
                    if kind:
                        found.append(Finding(path, f"{where} trait {trait!r}", kind))
                        continue
                if trait not in _ID_TRAITS:
                    found += _scan_tree({trait: value}, path, f"{where} trait")
    return found


def scan_notebook(doc: dict[str, Any], path: str) -> list[Finding]:
    """Findings in a parsed ``.ipynb`` document (cells are numbered from 1)."""
    found: list[Finding] = []
    for number, cell in enumerate(doc.get("cells") or [], start=1):
        if not isinstance(cell, dict):
            continue
        where = f"cell {number}"
        found += scan_text(_text(cell.get("source", "")), path, f"{where}, source")
        for i, output in enumerate(cell.get("outputs") or [], start=1):
            if isinstance(output, dict):
                found += _scan_output(output, path, f"{where}, output {i}")
        found += _scan_tree(cell.get("metadata") or {}, path, f"{where}, metadata")
        for name, attachment in (cell.get("attachments") or {}).items():
            found += _scan_tree(
                {k: v for k, v in attachment.items() if not k.startswith(_BINARY_MIME)},
                path,
                f"{where}, attachment {name!r}",
            )
    metadata = dict(doc.get("metadata") or {})
    found += _scan_widgets(metadata.pop("widgets", None), path)
    found += _scan_tree(metadata, path, "notebook metadata")
    return found


def scan_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Findings in one file; binary files are skipped, notebooks are read as notebooks."""
    p = Path(path)
    data = p.read_bytes()
    if b"\0" in data[:8192]:
        return []
    text = data.decode("utf-8", errors="replace")
    if p.suffix == ".ipynb":
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            return scan_notebook(doc, str(path))
    return scan_text(text, str(path))


def iter_files(paths: Iterable[str], exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Files named directly, plus files with a scanned extension under named directories."""

    def excluded(p: Path) -> bool:
        text = p.as_posix()
        return any(fnmatch.fnmatch(text, pat) or fnmatch.fnmatch(p.name, pat) for pat in exclude)

    for raw in paths:
        root = Path(raw)
        if root.is_file():
            if not excluded(root):
                yield root
            continue
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(
                d for d in dirs if d not in _SKIP_DIRS and not excluded(Path(folder, d))
            )
            for name in sorted(files):
                candidate = Path(folder, name)
                wanted = candidate.suffix in EXTENSIONS or name == ".env"
                if wanted and not excluded(candidate):
                    yield candidate


def audit(paths: Iterable[str], exclude: Sequence[str] = ()) -> list[Finding]:
    """All findings in ``paths`` (files or directories)."""
    found: list[Finding] = []
    for path in iter_files(paths, exclude):
        found += scan_file(path)
    return found


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="etrade-nb audit",
        description="Scan notebooks and text files for E*TRADE consumer keys and secrets, "
        "OAuth tokens and verification codes. Prints where and what kind, never the value.",
        epilog="Exit status: 0 clean, 1 findings, 2 usage error. "
        "Put 'etrade-nb: allow' on a line that holds no secret.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip paths matching GLOB (repeatable), e.g. 'tests/fixtures/*'",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: --help is 0, usage errors are 2
        return int(exc.code or 0)
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        print(f"etrade-nb audit: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        findings = audit(args.paths, args.exclude)
    except OSError as exc:
        print(f"etrade-nb audit: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    if not findings:
        return 0
    files = len({f.path for f in findings})
    print(
        f"{files} file(s) with possible E*TRADE secrets ({len(findings)} finding(s)). Remove "
        "them (clear notebook outputs and widget state; revoke tokens and regenerate leaked "
        "keys), or add 'etrade-nb: allow' to a line that holds no secret.",
        file=sys.stderr,
    )
    return 1
