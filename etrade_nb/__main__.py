"""``python -m etrade_nb``: the ``etrade-nb`` command line."""

import sys

from .cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
