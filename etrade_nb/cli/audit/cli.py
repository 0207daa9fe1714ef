"""``etrade-nb audit PATH...``: the command line.

Exit status: 0 clean, 1 findings, 2 usage error or a file that could not be read (the
others are still scanned and reported).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .files import iter_files, scan_file
from .findings import Finding, ranked
from .shapes import Confidence

_LEVELS = {str(c): c for c in Confidence}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="etrade-nb audit",
        description="Scan notebooks, Python and text files for E*TRADE consumer keys and "
        "secrets, OAuth tokens and verification codes. Prints where, what kind and how sure, "
        "never the value.",
        epilog="Exit status: 0 clean, 1 findings, 2 usage error or unreadable file. "
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
    parser.add_argument(
        "--min-confidence",
        choices=list(_LEVELS),
        default="medium",
        help="report findings at least this sure (default: medium; 'low' adds values that "
        "only a name suggests, such as a secret of an unusual shape)",
    )
    return parser


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: --help is 0, usage errors are 2
        return int(exc.code or 0)
    missing = [p for p in args.paths if not os.path.exists(p)]
    if missing:
        print(
            f"etrade-nb audit: no such file or directory: {', '.join(missing)}. "
            "Check the path (run from the project folder, or pass an absolute path).",
            file=sys.stderr,
        )
        return 2
    threshold = _LEVELS[args.min_confidence]
    scanned, everything, unread = 0, list[Finding](), list[str]()
    unlisted: list[str] = []  # directories os.walk could not list
    for path in iter_files(args.paths, args.exclude, unlisted):
        try:
            everything += scan_file(path)
            scanned += 1
        except OSError as exc:
            unread.append(str(path))
            print(
                f"etrade-nb audit: cannot read {path}: {exc.strerror or exc}. It was not "
                "checked: fix its permissions, or skip it with --exclude.",
                file=sys.stderr,
            )
        except (ValueError, RecursionError, MemoryError) as exc:
            unread.append(str(path))
            print(
                f"etrade-nb audit: could not scan {path} ({type(exc).__name__}). It was not "
                "checked: review it by hand, or skip it with --exclude.",
                file=sys.stderr,
            )
    for folder in unlisted:
        unread.append(folder)
        print(
            f"etrade-nb audit: cannot list {folder}. Its files were not checked: fix its "
            "permissions, or skip it with --exclude.",
            file=sys.stderr,
        )
    for skipped in [f for f in everything if f.skipped]:
        unread.append(skipped.path)
        print(
            f"etrade-nb audit: {skipped}. That part was not checked: review it by hand, or "
            "skip the file with --exclude.",
            file=sys.stderr,
        )
    everything = [f for f in everything if not f.skipped]
    shown: list[Finding] = [f for f in everything if f.confidence >= threshold]
    hidden = len(everything) - len(shown)
    for finding in ranked(shown):
        print(finding)
    note = (
        f" ({_plural(hidden, 'lower-confidence finding')} not shown; "
        "--min-confidence low lists them)"
        if hidden
        else ""
    )
    if unread:
        note += f"; {_plural(len(set(unread)), 'path')} could not be read"
    if not shown:
        print(f"etrade-nb audit: scanned {_plural(scanned, 'file')}, 0 findings{note}.")
        return 2 if unread else 0
    files = len({f.path for f in shown})
    print(
        f"etrade-nb audit: scanned {_plural(scanned, 'file')}, {_plural(len(shown), 'finding')} "
        f"in {_plural(files, 'file')}{note}. Remove them (clear notebook outputs and widget "
        "state; revoke tokens and regenerate leaked keys), or add 'etrade-nb: allow' to a line "
        "that holds no secret.",
        file=sys.stderr,
    )
    return 1
