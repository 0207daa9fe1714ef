"""Frames for the accounts area: accounts, positions, position lots, transactions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .core import (
    booleans,
    epoch,
    indexed,
    integers,
    money,
    normalize,
    strings,
    strip_prefixes,
)

Doc = Mapping[str, Any]

VIEW_BLOCKS = ("Quick.", "Performance.", "Fundamental.", "OptionsWatch.", "Complete.")
POSITION_MONEY = (
    "pricePaid",
    "commissions",
    "otherFees",
    "daysGain",
    "daysGainPct",
    "marketValue",
    "totalCost",
    "totalGain",
    "totalGainPct",
    "pctOfPortfolio",
    "costPerShare",
    "todayCommissions",
    "todayFees",
    "todayPricePaid",
    "adjPrevClose",
    "strikePrice",
    "lastTrade",
    "change",
    "changePct",
    "quantity",
    "todayQuantity",
)
LOT_MONEY = (
    "price",
    "daysGain",
    "daysGainPct",
    "marketValue",
    "totalCost",
    "totalCostForGainPct",
    "totalGain",
    "originalQty",
    "remainingQty",
    "availableQty",
    "exchangeRate",
    "adjPrice",
    "commPerShare",
    "feesPerShare",
    "premiumAdj",
)
TRANSACTION_MONEY = ("amount", "price", "fee", "quantity")


def accounts_frame(accounts: Sequence[Doc]) -> Any:
    """One row per account, indexed by ``accountIdKey``; ``closedDate`` as a datetime."""
    frame = normalize(accounts)
    strings(frame, ("accountId",))
    epoch(frame, ("closedDate",), "s")
    booleans(frame, ("shareWorksAccount", "fcManagedMssbClosedAccount"))
    return indexed(frame, "accountIdKey")


def positions_frame(portfolio: Doc) -> Any:
    """One row per position of a ``PortfolioResponse``, indexed by ``positionId``.

    ``Product`` and the view block (``Quick``, ``Performance``, …) are flattened into plain
    column names where they do not clash with the position's own fields.
    """
    accounts = [a for a in portfolio.get("AccountPortfolio", []) if a.get("Position")]
    frame = normalize(accounts, record_path="Position", meta=["accountId"])
    frame = strip_prefixes(frame, ("Product.", *VIEW_BLOCKS))
    strings(frame, ("accountId", "symbol", "symbolDescription", "securityType", "osiKey"))
    epoch(frame, ("dateAcquired",), "ms")
    epoch(frame, ("lastTradeTime", *(b + "lastTradeTime" for b in VIEW_BLOCKS)), "s")
    money(frame, (*POSITION_MONEY, *(b + m for b in VIEW_BLOCKS for m in POSITION_MONEY)))
    integers(frame, ("expiryYear", "expiryMonth", "expiryDay", "volume"))
    return indexed(frame, "positionId")


def lots_frame(lots: Sequence[Doc]) -> Any:
    """One row per tax lot, indexed by ``positionLotId``."""
    frame = normalize(lots)
    epoch(frame, ("acquiredDate",), "ms")
    money(frame, LOT_MONEY)
    return indexed(frame, "positionLotId")


def transactions_frame(transactions: Sequence[Doc]) -> Any:
    """One row per transaction, indexed by ``transactionId`` (text, as on the wire).

    The ``brokerage`` block and its ``product`` become plain columns (``symbol``,
    ``quantity``, ``price``, ``fee``, ``settlementDate``…).
    """
    frame = normalize(transactions)
    frame = strip_prefixes(frame, ("brokerage.product.", "brokerage."))
    strings(frame, ("transactionId", "accountId", "symbol", "transactionType"))
    epoch(frame, ("transactionDate", "postDate", "settlementDate"), "ms")
    money(frame, TRANSACTION_MONEY)
    return indexed(frame, "transactionId")
