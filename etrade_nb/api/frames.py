"""pandas DataFrames from E*TRADE documents (optional: ``pip install 'etrade-nb[pandas]'``)."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ConfigurationError(
            "as_frame=True needs pandas. Install it with: pip install 'etrade-nb[pandas]'"
        ) from None
    return pandas


def accounts_frame(accounts: list[dict[str, Any]]) -> Any:
    """One row per account, indexed by ``accountIdKey``."""
    pd = _pandas()
    frame = pd.DataFrame(accounts)
    return frame.set_index("accountIdKey") if "accountIdKey" in frame else frame


def quotes_frame(quotes: Any) -> Any:
    """One row per symbol: product fields plus the detail section (``All``, ``Intraday``…)."""
    pd = _pandas()
    rows = []
    for q in quotes:
        row: dict[str, Any] = {}
        product = q.get("Product", {})
        row["symbol"] = product.get("symbol")
        row["securityType"] = product.get("securityType")
        for key in ("dateTime", "dateTimeUTC", "quoteStatus", "ahFlag"):
            if key in q:
                row[key] = q[key]
        for value in q.values():
            if isinstance(value, dict) and value is not product:
                row.update({k: v for k, v in value.items() if not isinstance(v, (dict, list))})
        rows.append(row)
    frame = pd.DataFrame(rows)
    if "symbol" in frame:
        frame = frame.set_index("symbol")
    frame.attrs["messages"] = list(getattr(quotes, "messages", []))
    return frame
