"""Private Jupyter/IPython directories for a test's server or kernel.

Jupyter, IPython and JupyterLab (via npm) write to HOME and to their own config, data and
runtime folders; tests point all of them into a temp folder so nothing lands in the real
home, and no user config changes what a test sees.
"""

from __future__ import annotations

from pathlib import Path

_DIRS = {
    "HOME": "home",
    "IPYTHONDIR": "ipython",
    "JUPYTER_CONFIG_DIR": "jupyter-config",
    "JUPYTER_DATA_DIR": "jupyter-data",
    "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
    "MPLCONFIGDIR": "mpl",
}


def private_jupyter_dirs(tmp: Path) -> dict[str, str]:
    """Create the folders under ``tmp``; return the variables that point at them."""
    env = {"JUPYTER_PLATFORM_DIRS": "1"}
    for var, name in _DIRS.items():
        (tmp / name).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / name)
    return env
