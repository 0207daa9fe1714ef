"""Typed columns for E*TRADE frames: times as tz-aware datetimes, money as floats, flags as bools.

Everything here works on whole columns (``pd.to_datetime``, ``pd.to_numeric``, ``map``);
no function loops over rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ...errors import ConfigurationError

TIMEZONE = "America/New_York"
"""E*TRADE's market time zone; epoch times become datetimes in this zone."""

_BOOLS = {"true": True, "false": False, "y": True, "n": False, "yes": True, "no": False}


def pandas() -> Any:
    """The pandas module, or a clear error that says how to install it."""
    try:
        import pandas
    except ImportError:
        raise ConfigurationError(
            "as_frame=True needs pandas. Install it with: pip install 'etrade-nb[pandas]'"
        ) from None
    return pandas


def normalize(records: Sequence[Mapping[str, Any]], **kw: Any) -> Any:
    """``pandas.json_normalize`` that also accepts an empty list."""
    pd = pandas()
    if not records:
        return pd.DataFrame()
    return pd.json_normalize(list(records), **kw)


def strip_prefixes(frame: Any, prefixes: Iterable[str]) -> Any:
    """Drop container prefixes (``Product.symbol`` → ``symbol``) unless a name would clash."""
    names = list(frame.columns)
    taken = set(names)
    mapping: dict[str, str] = {}
    for prefix in prefixes:
        for name in names:
            current = mapping.get(name, name)
            if current.startswith(prefix):
                short = current[len(prefix) :]
                if short and short not in taken:
                    taken.discard(current)
                    taken.add(short)
                    mapping[name] = short
    return frame.rename(columns=mapping) if mapping else frame


def epoch(frame: Any, columns: Iterable[str], unit: str) -> None:
    """Epoch ``unit`` (``"s"`` or ``"ms"``) columns → tz-aware datetimes; 0 and negative
    placeholders (E*TRADE's "no date") become ``NaT``."""
    pd = pandas()
    for name in columns:
        if name in frame.columns:
            numbers = pd.to_numeric(frame[name], errors="coerce")
            numbers = numbers.where(numbers > 0)
            frame[name] = pd.to_datetime(numbers, unit=unit, utc=True).dt.tz_convert(TIMEZONE)


def money(frame: Any, columns: Iterable[str]) -> None:
    """Amounts and prices as ``float64`` (E*TRADE examples sometimes send numbers as text)."""
    pd = pandas()
    for name in columns:
        if name in frame.columns:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")


def integers(frame: Any, columns: Iterable[str]) -> None:
    """Whole numbers as nullable ``Int64`` (absent values stay ``<NA>``)."""
    pd = pandas()
    for name in columns:
        if name in frame.columns:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")


def booleans(frame: Any, columns: Iterable[str]) -> None:
    """``true``/``false``/``y``/``n`` strings and JSON booleans as nullable ``boolean``."""
    for name in columns:
        if name in frame.columns:
            column = frame[name]
            if column.dtype != bool:
                column = column.astype("string").str.lower().map(_BOOLS)
            frame[name] = column.astype("boolean")


def strings(frame: Any, columns: Iterable[str]) -> None:
    """Identifiers as text (``transactionId`` is a string on the wire; ids never do math)."""
    for name in columns:
        if name in frame.columns:
            frame[name] = frame[name].astype("string")


def indexed(frame: Any, name: str) -> Any:
    """``frame`` indexed by ``name`` when it has that column (an empty frame gets the name)."""
    if name in frame.columns:
        return frame.set_index(name)
    frame.index.name = name
    return frame


def quote_key(frame: Any) -> Any:
    """The quote symbol per row: ``AAPL`` for stock, ``AAPL:2026:6:19:CALL:190.000000``
    (E*TRADE's option form) where the row has an option's expiry, type and strike."""
    pd = pandas()
    import numpy as np

    symbol = frame["symbol"].astype("string")
    needed = ("expiryYear", "expiryMonth", "expiryDay", "callPut", "strikePrice")
    if not all(name in frame.columns for name in needed):
        return symbol
    strike = pd.to_numeric(frame["strikePrice"], errors="coerce")
    option = frame["callPut"].notna() & strike.gt(0)
    parts = [
        symbol,
        *(
            pd.to_numeric(frame[n], errors="coerce").astype("Int64").astype("string")
            for n in needed[:3]
        ),
        frame["callPut"].astype("string"),
        pd.Series(np.char.mod("%.6f", strike.to_numpy("float64")), index=frame.index),
    ]
    composed = parts[0].str.cat(parts[1:], sep=":")
    return symbol.where(~option, composed)
