"""``etrade-nb`` command-line tools: ``demo`` (emulator + JupyterLab), ``audit`` (secret scan).

Apart from the library layers: commands may use the emulator and the core, and nothing in the
library imports them.
"""
