"""The notebook layer: ``%etrade_login`` and friends over one login object per name.

``login.NotebookLogin`` (flow, receiver, state machine) renders into a view
(``views.TextView`` or ``widget.WidgetView``); ``manager.LoginManager`` keeps one per name;
``magics`` are thin; ``frontend`` holds the IPython Protocols and the headless checks.

Importing this package imports IPython (and ipywidgets when the widget is shown); the core
``etrade_nb`` package never imports it.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "EtradeMagics": "magics",
    "load_ipython_extension": "magics",
    "unload_ipython_extension": "magics",
    "LoginManager": "manager",
    "NotebookLogin": "login",
    "choose_ui": "manager",
    "on_login": "hooks",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    # Each name imports its module on first use: the magics pull in IPython, the manager the
    # HTTP stack, and ``etrade_nb.on_login`` must not import either before it is called.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'etrade_nb.notebook' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
