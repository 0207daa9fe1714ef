"""Frames for the market area: quotes, product lookup, option expiries, option chains."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .core import (
    booleans,
    dates,
    epoch,
    indexed,
    integers,
    money,
    normalize,
    pandas,
    quote_key,
    strings,
    strip_prefixes,
)

Doc = Mapping[str, Any]

DETAIL_BLOCKS = ("All.", "Fundamental.", "Intraday.", "Option.", "Week52.", "MutualFund.")
QUOTE_SECONDS = (
    "dateTimeUTC",  # kept in UTC, as its name says; the others in New York time
    "timeOfLastTrade",
    "ExtendedHourQuoteDetail.timeOfLastTrade",
)
QUOTE_DATES = ("exDividendDate", "dividendPayableDate", "week52LowDate", "week52HiDate")
QUOTE_MONEY = (
    "ask",
    "bid",
    "lastTrade",
    "open",
    "high",
    "low",
    "high52",
    "low52",
    "previousClose",
    "changeClose",
    "changeClosePercentage",
    "dividend",
    "eps",
    "estEarnings",
    "strikePrice",
    "intrinsicValue",
    "timePremium",
    "netAssetValue",
    "publicOfferPrice",
)
OPTION_MONEY = ("strikePrice", "bid", "ask", "lastPrice", "netChange")
GREEKS = ("rho", "vega", "theta", "delta", "gamma", "iv")
# OptionGreeks.currentValue is a flag (whether the greeks are current), not a price
FLAGS = ("ahFlag", "hasMiniOptions", "adjustedFlag", "currentValue")


def quotes_frame(quotes: Sequence[Doc]) -> Any:
    """One row per quote, indexed by symbol (E*TRADE's option form for options).

    The detail block (``All``, ``Fundamental``, ``Intraday``, ``Option``, ``Week52``,
    ``MutualFund``) and ``Product`` become plain columns; ``OptionGreeks`` too. Notes E*TRADE
    sent about symbols are in ``frame.attrs["messages"]``.
    """
    frame = normalize(quotes)
    frame = strip_prefixes(frame, ("Product.", *DETAIL_BLOCKS, "OptionGreeks."))
    if "symbol" in frame.columns:
        frame["symbol"] = quote_key(frame)
    booleans(frame, FLAGS)
    epoch(frame, QUOTE_SECONDS, "s")
    dates(frame, QUOTE_DATES)
    money(frame, (*QUOTE_MONEY, *GREEKS))
    integers(frame, ("expiryYear", "expiryMonth", "expiryDay"))
    frame = indexed(frame, "symbol")
    frame.attrs["messages"] = list(getattr(quotes, "messages", []))
    return frame


def lookup_frame(data: Sequence[Doc]) -> Any:
    """Products matching a lookup: ``symbol`` (index), ``description``, ``type``."""
    frame = normalize(data)
    strings(frame, ("symbol", "description", "type"))
    return indexed(frame, "symbol")


def expirations_frame(dates: Sequence[Doc]) -> Any:
    """Option expiry dates, indexed by ``expiryDate`` (a date), with ``expiryType``."""
    pd = pandas()
    frame = normalize(dates)
    if {"year", "month", "day"} <= set(frame.columns):
        parts = frame[["year", "month", "day"]].apply(pd.to_numeric, errors="coerce")
        frame["expiryDate"] = pd.to_datetime(parts, errors="coerce")
        frame = frame.drop(columns=["year", "month", "day"])
    strings(frame, ("expiryType",))
    return indexed(frame, "expiryDate")


def option_chain_frame(chain: Doc) -> Any:
    """One row per option (calls and puts) of an ``OptionChainResponse``, indexed by
    ``osiKey`` and sorted by strike, calls before puts; ``OptionGreeks`` as plain columns.

    ``frame.attrs`` keeps ``nearPrice``, ``quoteType`` and ``timeStamp`` of the chain.
    """
    pd = pandas()
    pairs = chain.get("OptionPair", [])
    wide = normalize(pairs if isinstance(pairs, list) else [pairs])
    sides = []
    for side in ("Call.", "Put."):
        columns = [c for c in wide.columns if c.startswith(side)]
        if columns:
            part = wide[columns].dropna(how="all")
            sides.append(part.rename(columns={c: c[len(side) :] for c in columns}))
    frame = pd.concat(sides, ignore_index=True) if sides else pd.DataFrame()
    frame = strip_prefixes(frame, ("OptionGreeks.",))
    booleans(frame, ("inTheMoney", "adjustedFlag", "currentValue"))
    epoch(frame, ("timeStamp",), "s")
    money(frame, (*OPTION_MONEY, *GREEKS))
    integers(frame, ("bidSize", "askSize", "volume", "openInterest"))
    strings(frame, ("optionType", "symbol", "osiKey", "displaySymbol", "optionRootSymbol"))
    if {"strikePrice", "optionType"} <= set(frame.columns):
        frame = frame.sort_values(["strikePrice", "optionType"], kind="stable")
    frame = indexed(frame, "osiKey")
    frame.attrs.update({k: chain[k] for k in ("nearPrice", "quoteType", "timeStamp") if k in chain})
    if "SelectedED" in chain:
        frame.attrs["SelectedED"] = dict(chain["SelectedED"])
    return frame
