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


def normalize(
    records: Sequence[Mapping[str, Any]],
    *,
    record_path: str | None = None,
    meta: Sequence[str] = (),
) -> Any:
    """Like ``pandas.json_normalize`` (same ``a.b`` column names), built column-wise.

    Nested objects are expanded one column at a time with the ``DataFrame`` constructor,
    several times faster than ``json_normalize``'s per-record recursion. With
    ``record_path`` the rows are the items of that list in each record, and the ``meta``
    fields of their record are repeated on them.
    """
    pd = pandas()
    if not records:
        return pd.DataFrame()
    if record_path is None:
        return _expand(pd.DataFrame(list(records)))
    outer = pd.DataFrame(list(records))
    if record_path not in outer.columns:
        return pd.DataFrame()
    kept = [m for m in meta if m in outer.columns]
    rows = outer[[*kept, record_path]].explode(record_path, ignore_index=True)
    rows = rows[rows[record_path].notna()].reset_index(drop=True)
    inner = normalize(objects(rows[record_path]))
    for name in kept:
        if name not in inner.columns:
            inner[name] = rows[name].to_numpy()
    return inner


def objects(column: Any) -> list[Mapping[str, Any]]:
    """The values of ``column``, with ``{}`` where a row has no object."""
    return [v if isinstance(v, dict) else {} for v in column.tolist()]


def _expand(frame: Any) -> Any:
    """Replace every column of objects by its fields (``name.field``), recursively."""
    pd = pandas()
    nested = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object:
            valid = column.first_valid_index()
            if valid is not None and isinstance(column[valid], dict):
                nested.append(name)
    if not nested:
        return frame
    parts = [frame.drop(columns=nested)]
    for name in nested:
        inner = _expand(pd.DataFrame(objects(frame[name]), index=frame.index))
        parts.append(inner.add_prefix(f"{name}."))
    return pd.concat(parts, axis=1)


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
    """Epoch ``unit`` (``"s"`` or ``"ms"``) columns → tz-aware datetimes in New York time,
    except a column whose name ends in ``UTC`` (``dateTimeUTC``), which stays in UTC as its
    name says. 0 and negative placeholders (E*TRADE's "no date") become ``NaT``."""
    pd = pandas()
    for name in columns:
        if name in frame.columns:
            numbers = pd.to_numeric(frame[name], errors="coerce")
            numbers = numbers.where(numbers > 0)
            times = pd.to_datetime(numbers, unit=unit, utc=True)
            frame[name] = times if name.endswith("UTC") else times.dt.tz_convert(TIMEZONE)


def dates(frame: Any, columns: Iterable[str], unit: str = "s") -> None:
    """Date-only epoch fields (``exDividendDate``, ``week52HiDate``...) → calendar dates.

    E*TRADE stamps such a date as midnight UTC of the day; read in New York time it would
    show as 19:00/20:00 the evening before. The result is a naive ``datetime64`` at
    midnight of the date E*TRADE meant (no time zone: a date has none), like the option
    expiry frames. 0 and negatives become ``NaT``.
    """
    pd = pandas()
    for name in columns:
        if name in frame.columns:
            numbers = pd.to_numeric(frame[name], errors="coerce")
            numbers = numbers.where(numbers > 0)
            frame[name] = pd.to_datetime(numbers, unit=unit).dt.normalize()


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


def text_dtype() -> Any:
    """pandas' own dtype for text (``str`` from pandas 3, ``object`` before): every text
    column of every frame has this one dtype."""
    return pandas().Series(["x"]).dtype


def strings(frame: Any, columns: Iterable[str]) -> None:
    """Identifiers as text (``transactionId`` is a string on the wire; ids never do math),
    in pandas' default text dtype like every other text column; missing stays missing."""
    text = text_dtype()
    for name in columns:
        if name in frame.columns:
            column = frame[name]
            if str(text) == "object":  # pandas 2: text lives in object columns
                frame[name] = column.map(str, na_action="ignore").astype(object)
            else:
                frame[name] = column.astype(text)


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
