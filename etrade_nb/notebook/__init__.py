"""The notebook layer: ``%etrade_login`` and friends, the login widget, display builders.

Importing this package imports IPython (and ipywidgets when the widget is shown); the core
``etrade_nb`` package never imports it.
"""

from __future__ import annotations

from .magics import EtradeMagics, load_ipython_extension, unload_ipython_extension
from .manager import LoginManager, choose_ui

__all__ = [
    "EtradeMagics",
    "LoginManager",
    "choose_ui",
    "load_ipython_extension",
    "unload_ipython_extension",
]
