"""User alerts: list, read one, delete some (``/v1/user/alerts``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, overload
from urllib.parse import quote

from ..errors import ApiError, ConfigurationError
from .base import ApiBase, Doc, Records, as_list, choice, dig, flag, is_no_data, unwrap

if TYPE_CHECKING:
    from pandas import DataFrame

ALERT_CATEGORIES = ("STOCK", "ACCOUNT")
ALERT_STATUSES = ("READ", "UNREAD", "DELETED")
DIRECTIONS = ("ASC", "DESC")
MAX_ALERTS = 300  # E*TRADE's maximum ``count``; the list has no further pages


def _alert_id(alert_id: int | str) -> str:
    text = str(alert_id).strip()
    if not text.isdigit() or int(text) <= 0:
        raise ConfigurationError(f"Alert ids are positive numbers, not {alert_id!r}.")
    return text


class AlertsApi(ApiBase):
    """``/v1/user/alerts`` helpers."""

    @overload
    def alerts(
        self,
        *,
        count: int = ...,
        category: str | None = ...,
        status: str | None = ...,
        direction: str | None = ...,
        search: str | None = ...,
        as_frame: Literal[False] = False,
    ) -> Records: ...
    @overload
    def alerts(
        self,
        *,
        count: int = ...,
        category: str | None = ...,
        status: str | None = ...,
        direction: str | None = ...,
        search: str | None = ...,
        as_frame: Literal[True],
    ) -> DataFrame: ...
    @overload
    def alerts(
        self,
        *,
        count: int = ...,
        category: str | None = ...,
        status: str | None = ...,
        direction: str | None = ...,
        search: str | None = ...,
        as_frame: bool,
    ) -> Records | DataFrame: ...
    def alerts(
        self,
        *,
        count: int = MAX_ALERTS,
        category: str | None = None,
        status: str | None = None,
        direction: str | None = None,
        search: str | None = None,
        as_frame: bool = False,
    ) -> Records | DataFrame:
        """Alerts in the inbox (up to 300, E*TRADE's maximum; READ and UNREAD by default).

        ``category`` STOCK or ACCOUNT, ``status`` READ, UNREAD or DELETED, ``direction``
        ASC or DESC (by creation time), ``search`` matches the subject. An empty inbox
        (E*TRADE's 404, code 53) is an empty list.
        """
        if not 1 <= int(count) <= MAX_ALERTS:
            raise ConfigurationError(f"count must be 1-{MAX_ALERTS} (E*TRADE's limit).")
        params: dict[str, Any] = {"count": int(count)}
        if category:
            params["category"] = choice("category", category, ALERT_CATEGORIES)
        if status:
            params["status"] = choice("status", status, ALERT_STATUSES)
        if direction:
            params["direction"] = choice("direction", direction, DIRECTIONS)
        if search:
            params["search"] = search
        try:
            doc = self.get("/v1/user/alerts", params=params)
        except ApiError as error:
            if not is_no_data(error):
                raise
            doc = None
        body = dig(doc, "AlertsResponse") or {}
        result = Records(as_list(body.get("Alert")))
        if as_frame:
            from .frames import alerts_frame

            frame: DataFrame = alerts_frame(result)
            frame.attrs["totalAlerts"] = body.get("totalAlerts", len(result))
            return frame
        return result

    def alert(self, alert_id: int | str, *, html_tags: bool = False) -> Doc:
        """One alert with its text (``AlertDetailsResponse``: ``msgText``, ``symbol``…)."""
        path = "/v1/user/alerts/" + _alert_id(alert_id)
        doc = self.get(path, params={"htmlTags": flag(html_tags)})
        return unwrap(doc, "AlertDetailsResponse")

    def delete_alerts(self, alert_ids: int | str | Iterable[int | str]) -> Doc:
        """Delete alerts by id; E*TRADE's ``{result, failedAlerts}`` says which it could not."""
        items = [alert_ids] if isinstance(alert_ids, (int, str)) else list(alert_ids)
        ids = [_alert_id(i) for i in items]
        if not ids:
            raise ConfigurationError("No alert ids given: pass e.g. [6773, 6774].")
        doc = self.delete("/v1/user/alerts/" + quote(",".join(ids), safe=","))
        # The docs name the envelope DeleteAlertsResponse; two clients read AlertsResponse.
        for name in ("DeleteAlertsResponse", "AlertsResponse"):
            if isinstance(dig(doc, name), dict):
                return unwrap(doc, name)
        return unwrap(doc, "DeleteAlertsResponse")
