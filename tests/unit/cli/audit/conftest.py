"""Print the audit's measurements (planted corpus, repository tree) in pytest's summary."""

from __future__ import annotations

import pytest

MEASURED: dict[str, str] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if MEASURED:
        terminalreporter.section("etrade-nb audit measurements")
        for name, line in MEASURED.items():
            terminalreporter.write_line(f"{name}: {line}")
