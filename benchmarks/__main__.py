"""``python -m benchmarks [--quick] [--json PATH] [--only GROUP...]``: run, print, save, check."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import api, audit, calls, login, quotes, startup
from .harness import Row, render
from .live import running

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"
GROUPS = ("calls", "quotes", "api", "startup", "login", "audit")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller N (a quick check)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    rounds, per_round, runs = (7, 20, 5) if args.quick else (15, 50, 11)
    started = time.time()
    rows: list[Row] = []
    if {"calls", "quotes", "login", "api"} & set(args.only):
        with running() as live:
            if "calls" in args.only:
                rows += calls.run(live, rounds=rounds, per_round=per_round)
            if "quotes" in args.only:
                rows += quotes.run(live, rounds=max(3, rounds // 3))
            if "login" in args.only:
                rows += login.run(live, rounds=rounds)
            if "api" in args.only:
                rows += api.run(live, rounds=rounds, per_round=max(1, per_round // 10))
    if "startup" in args.only:
        rows += startup.run(runs=runs)
    if "audit" in args.only:
        rows += audit.run(rounds=max(3, rounds // 3))
    print(render(rows))
    missed = [r for r in rows if not r.ok]
    doc = {
        "started": started,
        "seconds": round(time.time() - started, 1),
        "quick": args.quick,
        "params": {"rounds": rounds, "per_round": per_round, "startup_runs": runs},
        "machine": {
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "results": [r.as_dict() for r in rows],
        "missed": [f"{r.group}: {r.name}" for r in missed],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    print(f"\nwrote {args.json}")
    if missed:
        print("MISSED targets: " + "; ".join(doc["missed"]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
