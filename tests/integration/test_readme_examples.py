"""README's API examples stay true over time: no hard-coded dates, and the dated ones run.

An example like ``option_chain("AAPL", "2026-06-19")`` works until that day and fails
after it, so the README computes its dates; these tests run those examples, as written,
against the emulator (whose expiries move with today's date like E*TRADE's).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import etrade_nb
from etrade_nb.oauth.tokens import EASTERN

README = Path(__file__).resolve().parents[2] / "README.md"
DATED = ("option_expirations", "option_chain", "quotes", "transactions", "OptionContract")
HARD_CODED_DATE = re.compile(r"20\d\d-\d\d-\d\d|:20\d\d:\d")


def _api_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## The API, one helper per endpoint")
    return text[start : text.index("\n## ", start + 1)]


def _setup_code(section: str) -> str:
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the API section lost its setup block (expiry, call)"
    return match.group(1)


def _examples(section: str) -> list[str]:
    """Every code span in the section's table rows and prose that uses a dated helper."""
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", section, flags=re.S))
    return [s for s in spans if "(" in s and any(name + "(" in s for name in DATED)]


def test_the_examples_hard_code_no_date() -> None:
    section = _api_section()
    examples = _examples(section)
    assert len(examples) >= 5  # option_expirations, option_chain, quotes, transactions, ...
    for code in [_setup_code(section), *examples]:
        assert not HARD_CODED_DATE.search(code), code


def test_the_dated_examples_run_as_written(session, clock) -> None:
    acct = session.accounts()[0]["accountId"]
    namespace = {n: getattr(etrade_nb, n) for n in etrade_nb.__all__}
    namespace.update(etrade=session, acct=acct)
    section = _api_section()
    exec(_setup_code(section), namespace)
    ran = 0
    for example in _examples(section):
        for call in re.split(r"`, `", example):
            result = eval(call, namespace)  # a refused date would raise here
            if "transactions" not in call:  # a quiet account may have none in 90 days
                assert result is not None and (not hasattr(result, "__len__") or len(result)), call
            ran += 1
    assert ran >= 5
    today = datetime.fromtimestamp(clock(), EASTERN).date()  # the emulator's day
    assert namespace["expiry"] >= today  # the nearest expiry that has not passed
