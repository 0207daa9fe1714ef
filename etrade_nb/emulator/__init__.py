"""A local E*TRADE-compatible OAuth 1.0a provider and v1 API for tests and demos (stdlib only).

Every endpoint of the project's API reference answers with E*TRADE's wire names, in XML by
default or JSON (``.json`` suffix or ``Accept: application/json``): accounts, balance,
portfolio (all views, pages), position lots, transactions (two years, marker pages) and
their details, quotes (every ``detailFlag``), lookup, option chains and expire dates,
orders (list, details, preview, place, change, cancel; XML or JSON bodies; every documented
orderType, priceType, orderTerm and quantityType, strategies leg by leg; fills on the
emulator's clock that move positions and cash; ``set_price`` gives it a price to follow)
and alerts. The data is deterministic: four accounts (one with 210
positions, one closed), equities, ETFs, a mutual fund, short stock and options.

Like E*TRADE it ignores what it does not use and names it in an ``X-Emulator-Ignored``
header and its log; ``EmulatorServer(strict=True)`` refuses the same by name instead
(see :mod:`.leniency`).

>>> from etrade_nb.emulator import EmulatorServer, EmulatorClock, approve  # doctest: +SKIP
>>> with EmulatorServer(clock=EmulatorClock(), auto_approve=True) as emu:  # doctest: +SKIP
...     env = emu.environ()
"""

from .robot import approve
from .server import EmulatorServer, RequestRecord
from .state import EmulatorClock, Stats

__all__ = ["EmulatorClock", "EmulatorServer", "RequestRecord", "Stats", "approve"]
