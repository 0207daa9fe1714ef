"""The notebook layer: ``%etrade_login`` and friends over one login object per name.

``login.NotebookLogin`` (flow, receiver, state machine) renders into a view
(``views.TextView`` or ``widget.WidgetView``); ``manager.LoginManager`` keeps one per name;
``magics`` are thin; ``frontend`` holds the IPython Protocols and the headless checks.

Importing this package imports IPython (and ipywidgets when the widget is shown); the core
``etrade_nb`` package never imports it.
"""

from __future__ import annotations

from typing import Any

from .magics import EtradeMagics, load_ipython_extension, unload_ipython_extension

__all__ = [
    "EtradeMagics",
    "LoginManager",
    "NotebookLogin",
    "choose_ui",
    "load_ipython_extension",
    "unload_ipython_extension",
]


def __getattr__(name: str) -> Any:
    # The manager pulls in the HTTP stack; import it only when asked for.
    if name in ("LoginManager", "choose_ui", "NotebookLogin"):
        from . import manager

        return getattr(manager, name)
    raise AttributeError(f"module 'etrade_nb.notebook' has no attribute {name!r}")
