"""The ``etrade-nb`` dispatcher: ``etrade-nb COMMAND ...`` runs ``<module>.main(argv)``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

_COMMANDS = {
    "demo": (
        "etrade_nb.cli.demo",
        "start the built-in emulator and JupyterLab with the quickstart",
    ),
    "audit": ("etrade_nb.cli.audit", "scan notebooks and files for E*TRADE secrets"),
    "emulator": ("etrade_nb.emulator.__main__", "run the built-in E*TRADE emulator"),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to ``etrade_nb.<command>.main(argv)``."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="etrade-nb",
        description="Sign in to the E*TRADE API from Jupyter. Commands:",
        epilog="\n".join(f"  {name:9} {help_}" for name, (_, help_) in _COMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=sorted(_COMMANDS), help="what to run")
    if not args or args[0] in ("-h", "--help"):
        parser.print_help()
        return 0 if args else 2
    ns, rest = parser.parse_known_args(args[:1])
    module = importlib.import_module(_COMMANDS[ns.command][0])
    return int(module.main([*rest, *args[1:]]) or 0)


if __name__ == "__main__":
    sys.exit(main())
