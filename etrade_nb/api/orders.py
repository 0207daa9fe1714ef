"""Orders area: list and look up orders; preview, place, change and cancel them.

Orders are sent exactly once. If the connection fails while an order is on its way,
:class:`OrderStatusUnknownError` names its ``clientOrderId``;
``session.find_order(client_order_id)`` then tells whether E*TRADE has it, so nothing is
sent twice by accident. On a LIVE session every order call is refused until
``session.enable_live_trading()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, overload

from ..errors import (
    ConfigurationError,
    InvalidOrderError,
    OrderStatusUnknownError,
    ResponseFormatError,
    TransportError,
)
from .base import Account, ApiBase, Doc, as_list, choice, dig, follow_markers, mmddyyyy

if TYPE_CHECKING:  # imported on first use: `import etrade_nb` stays quick
    from pandas import DataFrame

    from .base import Records
    from .order_results import OrderPreview, PlacedOrder
    from .order_types import OrderRequest


ORDER_STATUSES = (
    "OPEN",
    "EXECUTED",
    "CANCELLED",
    "INDIVIDUAL_FILLS",
    "CANCEL_REQUESTED",
    "EXPIRED",
    "REJECTED",
    "PARTIAL",
    "DO_NOT_EXERCISE",
    "DONE_TRADE_EXECUTED",
)
SECURITY_TYPES = ("EQ", "OPTN", "MF", "MMF")
TRANSACTION_TYPES = ("ATNM", "BUY", "SELL", "SELL_SHORT", "BUY_TO_COVER", "MF_EXCHANGE")
MARKET_SESSIONS = ("REGULAR", "EXTENDED")
ORDER_PAGE = 100  # E*TRADE's maximum ``count`` for List Orders
MAX_PAGES = 1000


class SentOrder(NamedTuple):
    """An order this session sent for placing: where, what and when (for ``find_order``)."""

    account_id_key: str
    order: OrderRequest
    sent_at: float


class OrdersApi(ApiBase):
    """``/v1/accounts/{accountIdKey}/orders...`` helpers."""

    def __init__(self) -> None:
        super().__init__()
        self._sent_order_log: dict[str, SentOrder] = {}
        """Orders this session sent for placing, by ``clientOrderId`` (for ``find_order``)."""

    def _sent_orders(self) -> dict[str, SentOrder]:
        return self._sent_order_log

    @overload
    def orders(
        self,
        account: Account,
        *,
        status: str | None = ...,
        start: date | datetime | str | None = ...,
        end: date | datetime | str | None = ...,
        symbols: str | Iterable[str] | None = ...,
        security_type: str | None = ...,
        transaction_type: str | None = ...,
        market_session: str | None = ...,
        limit: int | None = ...,
        as_frame: Literal[False] = False,
    ) -> Records: ...
    @overload
    def orders(
        self,
        account: Account,
        *,
        status: str | None = ...,
        start: date | datetime | str | None = ...,
        end: date | datetime | str | None = ...,
        symbols: str | Iterable[str] | None = ...,
        security_type: str | None = ...,
        transaction_type: str | None = ...,
        market_session: str | None = ...,
        limit: int | None = ...,
        as_frame: Literal[True],
    ) -> DataFrame: ...
    @overload
    def orders(
        self,
        account: Account,
        *,
        status: str | None = ...,
        start: date | datetime | str | None = ...,
        end: date | datetime | str | None = ...,
        symbols: str | Iterable[str] | None = ...,
        security_type: str | None = ...,
        transaction_type: str | None = ...,
        market_session: str | None = ...,
        limit: int | None = ...,
        as_frame: bool,
    ) -> Records | DataFrame: ...
    def orders(
        self,
        account: Account,
        *,
        status: str | None = None,
        start: date | datetime | str | None = None,
        end: date | datetime | str | None = None,
        symbols: str | Iterable[str] | None = None,
        security_type: str | None = None,
        transaction_type: str | None = None,
        market_session: str | None = None,
        limit: int | None = 1000,
        as_frame: bool = False,
    ) -> Records | DataFrame:
        """Orders of one account, newest first, every page (100 per call) up to ``limit``.

        Filters are E*TRADE's: ``status`` (OPEN, EXECUTED, CANCELLED, …), ``start``/``end``
        (a pair of dates), ``symbols`` (up to 25), ``security_type`` (EQ, OPTN, MF, MMF),
        ``transaction_type`` (BUY, SELL, …), ``market_session``.
        """
        params: dict[str, Any] = {"count": min(ORDER_PAGE, limit or ORDER_PAGE)}
        if status:
            params["status"] = choice("status", status, ORDER_STATUSES)
        if (start is None) != (end is None):
            raise ConfigurationError(
                "E*TRADE filters orders by a pair of dates: pass both start and end."
            )
        if start is not None and end is not None:
            params["fromDate"] = mmddyyyy("start", start)
            params["toDate"] = mmddyyyy("end", end)
        if symbols:
            listed = [symbols] if isinstance(symbols, str) else list(symbols)
            names = [s.strip().upper() for item in listed for s in str(item).split(",")]
            names = [n for n in names if n]
            if len(names) > 25:
                raise ConfigurationError("E*TRADE filters orders by at most 25 symbols.")
            params["symbol"] = ",".join(names)
        if security_type:
            params["securityType"] = choice("security_type", security_type, SECURITY_TYPES)
        if transaction_type:
            params["transactionType"] = choice(
                "transaction_type", transaction_type, TRANSACTION_TYPES
            )
        if market_session:
            params["marketSession"] = choice("market_session", market_session, MARKET_SESSIONS)
        path = self._account_path(account, "/orders")
        result = follow_markers(
            lambda query: dig(self.get(path, params=query), "OrdersResponse") or {},
            params,
            rows="Order",
            more=lambda body: True,  # E*TRADE's orders list says "more" by sending a marker
            limit=limit,
            pages=MAX_PAGES,
            noun="order",
            narrow="filter by status, dates or symbols",
        )
        if as_frame:
            from .frames import orders_frame

            frame: DataFrame = orders_frame(result)
            frame.attrs["more"] = result.more
            return frame
        return result

    def order(self, account: Account, order_id: int | str) -> Doc:
        """One order (``OrdersResponse.Order[0]``: ``OrderDetail``, ``Instrument``, status)."""
        doc = self.get(self._account_path(account, f"/orders/{_order_id(order_id)}"))
        found = as_list(dig(doc, "OrdersResponse", "Order"))
        if not found:
            raise ResponseFormatError(
                f"E*TRADE returned no order {order_id}. Check the id with session.orders()."
            )
        first: Doc = found[0]
        return first

    def preview_order(self, account: Account, order: OrderRequest) -> OrderPreview:
        """Ask E*TRADE what ``order`` would cost; ``.place()`` on the result places it."""
        from .order_results import OrderPreview

        payload = _payload(order)  # checked before anything is sent
        key = self.account_key(account)
        doc = self._preview("POST", self._account_path(key, "/orders/preview"), payload)
        return OrderPreview(key, order, _envelope(doc, "PreviewOrderResponse"), _session=self)

    def place_order(
        self,
        account: Account | OrderPreview,
        order: OrderRequest | None = None,
        *,
        preview_id: int | Iterable[int] | None = None,
    ) -> PlacedOrder:
        """Place a previewed order: ``place_order(preview)``, or the account, the same order
        and ``preview_id`` from its preview. Sent exactly once."""
        from .order_results import OrderPreview, PlacedOrder

        if isinstance(account, OrderPreview):
            return account.place()
        if order is None or preview_id is None:
            raise InvalidOrderError(
                "E*TRADE places only previewed orders: preview = session.preview_order(account, "
                "order), then preview.place()."
            )
        body = _payload(order, preview_id)
        key = self.account_key(account)
        doc = self._send_order("POST", self._account_path(key, "/orders/place"), body, key, order)
        return PlacedOrder(key, order, _envelope(doc, "PlaceOrderResponse"), _session=self)

    def preview_change(
        self, account: Account, order_id: int | str, order: OrderRequest
    ) -> OrderPreview:
        """Preview replacing open order ``order_id`` with ``order``; ``.place()`` applies it."""
        from .order_results import OrderPreview

        payload = _payload(order)
        key = self.account_key(account)
        path = self._account_path(key, f"/orders/{_order_id(order_id)}/change/preview")
        doc = self._preview("PUT", path, payload)
        return OrderPreview(
            key,
            order,
            _envelope(doc, "PreviewOrderResponse"),
            change_of=int(_order_id(order_id)),
            _session=self,
        )

    def place_change(
        self,
        account: Account,
        order_id: int | str,
        order: OrderRequest,
        *,
        preview_id: int | Iterable[int],
    ) -> PlacedOrder:
        """Replace open order ``order_id`` (previewed with ``preview_change``). E*TRADE
        cancels the old order and answers with a new ``orderId``."""
        from .order_results import PlacedOrder

        payload = _payload(order, preview_id)
        key = self.account_key(account)
        path = self._account_path(key, f"/orders/{_order_id(order_id)}/change/place")
        doc = self._send_order("PUT", path, payload, key, order)
        return PlacedOrder(key, order, _envelope(doc, "PlaceOrderResponse"), _session=self)

    def cancel_order(self, account: Account, order_id: int | str) -> Doc:
        """Ask E*TRADE to cancel an open order (``CancelOrderResponse``: ``cancelTime``,
        ``Messages``). The order shows CANCEL_REQUESTED, then CANCELLED."""
        number = int(_order_id(order_id))
        body = {"CancelOrderRequest": {"orderId": number}}
        try:
            doc = self.put(self._account_path(account, "/orders/cancel"), json=body)
        except OrderStatusUnknownError as error:
            unknown = error
        else:
            return _envelope(doc, "CancelOrderResponse")
        raise OrderStatusUnknownError(
            f"{unknown.message} Check the order's status with session.order(account, {number}) "
            "before asking again.",
            response=unknown.response,
        )

    def find_order(
        self, client_order_id: str, account: Account | None = None, *, limit: int = 500
    ) -> Doc | None:
        """The order this session sent as ``client_order_id``, or ``None`` if E*TRADE has none.

        Use it after :class:`OrderStatusUnknownError` before sending anything again. Orders
        whose listing carries ``clientOrderId`` match on it; E*TRADE's listing often omits it,
        so an order sent from this session also matches on account, symbol, action, quantity,
        price type, prices and a placed time no earlier than one minute before it was sent.
        """
        sent = self._sent_orders().get(client_order_id)
        if account is not None:
            key = self.account_key(account)
        elif sent is not None:
            key = sent.account_id_key
        else:
            raise ConfigurationError(
                f"This session did not send {client_order_id!r}: pass its account too, "
                "find_order(client_order_id, account)."
            )
        symbols = [sent.order.symbol] if sent is not None else None
        listed: list[Doc] = self.orders(key, symbols=symbols, limit=limit)
        for order in listed:
            ids = [order.get("clientOrderId")]
            ids += [d.get("clientOrderId") for d in as_list(order.get("OrderDetail"))]
            if client_order_id in ids:
                return order
        if sent is None:
            return None
        matches = [o for o in listed if _same_order(o, sent)]
        return matches[0] if matches else None

    def _preview(self, method: str, path: str, body: Doc) -> Any:
        """Send a preview; one lost on the way changed nothing, and the error says so."""
        try:
            return self.post(path, json=body) if method == "POST" else self.put(path, json=body)
        except OrderStatusUnknownError as error:
            unknown = error
        raise TransportError(
            "The order preview did not complete (the connection failed on the way). A preview "
            "places nothing, so preview the order again.",
            response=unknown.response,
        )

    def _send_order(self, method: str, path: str, body: Doc, key: str, order: OrderRequest) -> Any:
        log = self._sent_orders()
        log[order.client_order_id] = SentOrder(key, order, float(self._clock()))
        try:
            return self.post(path, json=body) if method == "POST" else self.put(path, json=body)
        except OrderStatusUnknownError as error:
            unknown = error
        raise OrderStatusUnknownError(
            f"{unknown.message} This order's clientOrderId is {order.client_order_id!r}: run "
            f"session.find_order({order.client_order_id!r}) to see whether E*TRADE has it "
            "before sending anything again.",
            response=unknown.response,
            client_order_id=order.client_order_id,
        )


def _order_id(order_id: int | str) -> str:
    text = str(order_id).strip()
    if not text.isdigit():
        raise ConfigurationError(f"order_id must be E*TRADE's numeric order id, not {order_id!r}.")
    return text


def _payload(order: OrderRequest, preview_id: int | Iterable[int] | None = None) -> Doc:
    from .order_types import OrderRequest

    if not isinstance(order, OrderRequest):
        raise InvalidOrderError(
            "Build the order with market_order(), limit_order(), stop_order() or "
            "stop_limit_order() (from etrade_nb), so it is checked before it is sent."
        )
    if preview_id is None:
        return order.payload()
    ids = [preview_id] if isinstance(preview_id, int) else [int(p) for p in preview_id]
    if not ids:
        raise InvalidOrderError("No previewId: preview the order first, then place it.")
    return order.payload(ids)


def _envelope(doc: Any, name: str) -> Doc:
    body = dig(doc, name)
    if not isinstance(body, dict):
        raise ResponseFormatError(
            f"E*TRADE's answer has no {name}. Check the order with session.orders() before "
            "trying again."
        )
    return body


def _same_order(listed: Doc, sent: SentOrder) -> bool:
    """True if a listed order looks like ``sent``: same leg, prices, placed after sending."""
    order = sent.order
    for detail in as_list(listed.get("OrderDetail")):
        placed = detail.get("placedTime")
        if placed is None or float(placed) / 1000 < sent.sent_at - 60:
            continue
        if str(detail.get("priceType", "")).upper() != order.price_type:
            continue
        for name, wanted in (("limitPrice", order.limit_price), ("stopPrice", order.stop_price)):
            if wanted is not None and abs(float(detail.get(name) or 0) - wanted) > 1e-6:
                break
        else:
            for leg in as_list(detail.get("Instrument")):
                product = leg.get("Product") or {}
                if (
                    str(product.get("symbol", "")).upper() == order.symbol
                    and str(leg.get("orderAction", "")).upper() == order.action
                    and float(leg.get("orderedQuantity") or leg.get("quantity") or 0)
                    == order.quantity
                ):
                    return True
    return False
