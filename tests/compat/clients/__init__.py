"""Independent E*TRADE clients, unchanged, driven against the emulator in its default mode.

``pyetrade_run.py`` runs inside a venv of its own (pyetrade pins exact versions of
requests, urllib3 1.26 and more, which would downgrade ours), built once and reused:
see ``conftest.py``. ``etrade-python`` installs with the test extra and runs in-process.
"""
