"""``python -m etrade_nb.emulator`` / ``etrade-nb-emulator``: run the emulator until stopped."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from .server import EmulatorServer


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="etrade-nb-emulator",
        description="Local E*TRADE-compatible OAuth 1.0a provider (not the real E*TRADE).",
    )
    p.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    p.add_argument(
        "--host", default="127.0.0.1", help="loopback IPv4 address to bind (default 127.0.0.1)"
    )
    p.add_argument(
        "--callback-url", default=None, help="register this callback URL for the demo key"
    )
    p.add_argument(
        "--auto-approve", action="store_true", help="let etrade_nb.emulator.approve() accept"
    )
    p.add_argument(
        "--rate-limits",
        action="store_true",
        help="enforce E*TRADE's published per-second and hourly request limits per consumer "
        "key (HTTP 400 over the limit)",
    )
    p.add_argument(
        "--problem-header",
        action="store_true",
        help="also report OAuth problems in a WWW-Authenticate header (E*TRADE documents "
        "them only in the body)",
    )
    p.add_argument(
        "--strict",
        action="store_true",
        help="refuse, by name, what E*TRADE ignores (unknown query parameters and order "
        "fields, ...); by default they are ignored and listed in an X-Emulator-Ignored header",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Start the emulator, print how to use it, serve until Ctrl-C or SIGTERM."""
    args = _parser().parse_args(argv)
    try:
        emu = EmulatorServer(
            port=args.port,
            host=args.host,
            callback_url=args.callback_url,
            auto_approve=args.auto_approve,
            rate_limits=args.rate_limits,
            problem_header=args.problem_header,
            strict=args.strict,
        ).start()
    except (ValueError, OSError) as error:
        print(f"etrade-nb-emulator: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = {s: signal.signal(s, lambda *_: stop.set()) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(f"E*TRADE emulator (not the real E*TRADE) listening on {emu.url}")
        print(f"Demo consumer key: {emu.consumer_key}  (works only on this emulator)")
        if emu.strict:
            print("Strict: unknown parameters and order fields are refused by name.")
        if emu.rate_limits:
            print("Rate limits on: over E*TRADE's published per-second limits answers HTTP 400.")
        print("Point etrade-nb at it with:")
        for name, value in emu.environ().items():
            print(f"  export {name}={value}")
        print("Press Ctrl-C to stop.", flush=True)
        while not stop.wait(0.2):
            pass
    finally:
        emu.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("Emulator stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
