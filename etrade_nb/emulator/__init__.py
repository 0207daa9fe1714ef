"""A local E*TRADE-compatible OAuth 1.0a provider for tests and demos (stdlib only).

>>> from etrade_nb.emulator import EmulatorServer, EmulatorClock, approve  # doctest: +SKIP
>>> with EmulatorServer(clock=EmulatorClock(), auto_approve=True) as emu:  # doctest: +SKIP
...     env = emu.environ()
"""

from .robot import approve
from .server import EmulatorServer, RequestRecord
from .state import EmulatorClock, Stats

__all__ = ["EmulatorClock", "EmulatorServer", "RequestRecord", "Stats", "approve"]
