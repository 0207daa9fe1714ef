"""Orders area: list and look up orders; preview, place, change and cancel them.

Orders are sent exactly once. If the connection fails while an order is on its way,
:class:`OrderStatusUnknownError` names its ``clientOrderId``;
``session.find_order(client_order_id)`` then tells whether E*TRADE has it, so nothing is
sent twice by accident. On a LIVE session every order call is refused until
``session.enable_live_trading()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, overload

from ..errors import (
    ConfigurationError,
    InvalidOrderError,
    OrderLookupError,
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
    from .strategies import StrategyOrder

    AnyOrder = OrderRequest | StrategyOrder


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


@dataclass
class SentOrder:
    """An order this session sent for placing: where, what, since when, and what became of it.

    ``since`` is a lower bound on E*TRADE's ``placedTime`` for it, in E*TRADE's own clock
    (epoch seconds): its preview's ``previewTime``, else the server time (``Date`` header)
    just before sending; ``None`` if neither is known. ``state`` is ``sending``, ``placed``
    (``order_ids`` known), ``refused`` (E*TRADE answered with an error), ``unknown`` (the
    answer was lost: nothing more is sent until ``find_order`` answers) or ``absent``
    (``find_order`` found that E*TRADE does not have it).
    """

    account_id_key: str
    order: AnyOrder
    since: float | None
    state: str = "sending"
    order_ids: list[int] = field(default_factory=list)


class OrdersApi(ApiBase):
    """``/v1/accounts/{accountIdKey}/orders...`` helpers."""

    def __init__(self) -> None:
        super().__init__()
        self._sent_order_log: dict[str, SentOrder] = {}
        """Orders this session sent for placing, by ``clientOrderId`` (for ``find_order``)."""
        self._preview_time_log: dict[int, float] = {}
        """previewId -> E*TRADE's ``previewTime`` of this session's previews."""

    def _sent_orders(self) -> dict[str, SentOrder]:
        return self._sent_order_log

    def _preview_times(self) -> dict[int, float]:
        """previewId -> E*TRADE's ``previewTime`` (epoch seconds) of this session's previews."""
        return self._preview_time_log

    def _note_preview(self, body: Doc) -> None:
        stamp = body.get("previewTime")
        if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
            return
        for entry in as_list(body.get("PreviewIds")):
            if isinstance(entry, dict) and str(entry.get("previewId", "")).isdigit():
                self._preview_times()[int(entry["previewId"])] = float(stamp) / 1000

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

    def preview_order(self, account: Account, order: AnyOrder) -> OrderPreview:
        """Ask E*TRADE what ``order`` would cost; ``.place()`` on the result places it."""
        from .order_results import OrderPreview

        payload = _payload(order)  # checked before anything is sent
        key = self.account_key(account)
        doc = self._preview("POST", self._account_path(key, "/orders/preview"), payload)
        body = _envelope(doc, "PreviewOrderResponse")
        self._note_preview(body)
        return OrderPreview(key, order, body, _session=self)

    def place_order(
        self,
        account: Account | OrderPreview,
        order: AnyOrder | None = None,
        *,
        preview_id: int | Iterable[int] | None = None,
    ) -> PlacedOrder:
        """Place a previewed order: ``place_order(preview)``, or the account, the same order
        and ``preview_id`` from its preview. Sent exactly once."""
        from .order_results import OrderPreview

        if isinstance(account, OrderPreview):
            return account.place()
        if order is None or preview_id is None:
            raise InvalidOrderError(
                "E*TRADE places only previewed orders: preview = session.preview_order(account, "
                "order), then preview.place()."
            )
        body = _payload(order, preview_id)
        key = self.account_key(account)
        path = self._account_path(key, "/orders/place")
        doc = self._send_order("POST", path, body, key, order, _ids(preview_id))
        return self._placed(key, order, doc)

    def preview_change(
        self, account: Account, order_id: int | str, order: AnyOrder
    ) -> OrderPreview:
        """Preview replacing open order ``order_id`` with ``order``; ``.place()`` applies it."""
        from .order_results import OrderPreview

        payload = _payload(order)
        key = self.account_key(account)
        path = self._account_path(key, f"/orders/{_order_id(order_id)}/change/preview")
        doc = self._preview("PUT", path, payload)
        body = _envelope(doc, "PreviewOrderResponse")
        self._note_preview(body)
        return OrderPreview(
            key,
            order,
            body,
            change_of=int(_order_id(order_id)),
            _session=self,
        )

    def place_change(
        self,
        account: Account,
        order_id: int | str,
        order: AnyOrder,
        *,
        preview_id: int | Iterable[int],
    ) -> PlacedOrder:
        """Replace open order ``order_id`` (previewed with ``preview_change``). E*TRADE
        cancels the old order and answers with a new ``orderId``."""

        payload = _payload(order, preview_id)
        key = self.account_key(account)
        path = self._account_path(key, f"/orders/{_order_id(order_id)}/change/place")
        doc = self._send_order("PUT", path, payload, key, order, _ids(preview_id))
        return self._placed(key, order, doc)

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
        """The order sent as ``client_order_id`` (from ``orders()``), or ``None`` when E*TRADE
        certainly does not have it. Raises :class:`OrderLookupError` (with ``.candidates``)
        when it cannot tell: it never guesses about an order.

        Use it after :class:`OrderStatusUnknownError`, before sending anything again. An
        order whose listing carries ``clientOrderId`` matches on it alone. E*TRADE's
        listing usually omits it; then an order this session sent matches on content
        (account, symbol, action, quantity, price type and prices) placed no earlier than
        its preview, by E*TRADE's clock (its ``previewTime`` and ``Date`` header, never
        this computer's), leaving out orders this session knows to be others.
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
        listed = self.orders(key, symbols=symbols, limit=limit)
        carrying = [o for o in listed if _client_ids(o)]
        for order in carrying:
            if client_order_id in _client_ids(order):
                return self._answer(client_order_id, order)
        uncarried = [o for o in listed if not _client_ids(o)]
        if sent is None:
            if not uncarried and not getattr(listed, "more", False):
                return self._answer(client_order_id, None)
            raise OrderLookupError(
                f"Cannot tell whether E*TRADE has {client_order_id!r}: its order list does "
                "not carry clientOrderId and this session did not send it. Compare with "
                "session.orders(account) before sending anything again.",
                candidates=uncarried,
            )
        others = self._known_other_orders(client_order_id)
        same = [o for o in uncarried if _same_content(o, sent) and _order_no(o) not in others]
        if not same and not getattr(listed, "more", False):
            return self._answer(client_order_id, None)  # nothing like it at all
        if sent.since is None:
            raise OrderLookupError(
                f"Cannot tell whether E*TRADE has {client_order_id!r}: the time it was sent "
                "is unknown in E*TRADE's clock, and "
                f"{len(same)} listed order(s) look like it: check them before sending again.",
                candidates=same,
            )
        recent = [o for o in same if _placed_since(o, sent.since)]
        covered = not getattr(listed, "more", False) or any(
            not _placed_since(o, sent.since) for o in listed
        )
        if len(recent) == 1 and covered:
            return self._answer(client_order_id, recent[0])
        if not recent and covered:
            return self._answer(client_order_id, None)
        why = (
            f"{len(recent)} orders like it were placed since it was sent"
            if recent
            else f"the listing stopped at {limit} orders before reaching the time it was sent"
        )
        raise OrderLookupError(
            f"Cannot tell whether E*TRADE has {client_order_id!r}: {why}. Check them with "
            "session.order(account, order_id) before sending anything again.",
            candidates=recent,
        )

    def _answer(self, client_order_id: str, order: Doc | None) -> Doc | None:
        """Record what ``find_order`` found, so the order may (or may not) be sent again."""
        sent = self._sent_orders().get(client_order_id)
        if sent is not None:
            if order is None:
                sent.state = "absent"
            else:
                sent.state = "placed"
                number = _order_no(order)
                sent.order_ids = [number] if number is not None else sent.order_ids
        return order

    def _known_other_orders(self, client_order_id: str) -> set[int | None]:
        """Order ids this session placed under other clientOrderIds (never the lost one)."""
        return {
            number
            for cid, entry in self._sent_orders().items()
            if cid != client_order_id
            for number in entry.order_ids
        }

    def _placed(self, key: str, order: AnyOrder, doc: Any) -> PlacedOrder:
        from .order_results import PlacedOrder

        placed = PlacedOrder(key, order, _envelope(doc, "PlaceOrderResponse"), _session=self)
        entry = self._sent_orders().get(order.client_order_id)
        if entry is not None:
            entry.order_ids = placed.order_ids
        return placed

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

    def _send_order(
        self, method: str, path: str, body: Doc, key: str, order: AnyOrder, ids: list[int]
    ) -> Any:
        log = self._sent_orders()
        cid = order.client_order_id
        prior = log.get(cid)
        if prior is not None and prior.state in ("unknown", "sending"):
            raise InvalidOrderError(
                f"The last attempt to place {cid!r} may have reached E*TRADE: run "
                f"session.find_order({cid!r}) first; it says whether to send it again."
            )
        if prior is not None and prior.state == "placed":
            placed = ", ".join(map(str, prior.order_ids)) or "unknown"
            raise InvalidOrderError(
                f"{cid!r} is already placed (order {placed}). To send the same order again, "
                "preview order.renewed() (a new clientOrderId)."
            )
        times = self._preview_times()
        since = max((times[i] for i in ids if i in times), default=None)
        if since is None:
            server_now = self.server_time()
            since = None if server_now is None else server_now - 2.0  # Date: 1 s resolution
        entry = log[cid] = SentOrder(key, order, since)
        try:
            doc = self.post(path, json=body) if method == "POST" else self.put(path, json=body)
        except OrderStatusUnknownError as error:
            entry.state = "unknown"
            unknown = error
        except BaseException:
            entry.state = "refused"
            raise
        else:
            entry.state = "placed"
            return doc
        raise OrderStatusUnknownError(
            f"{unknown.message} This order's clientOrderId is {cid!r}: run "
            f"session.find_order({cid!r}) to see whether E*TRADE has it "
            "before sending anything again.",
            response=unknown.response,
            client_order_id=cid,
        )


def _order_id(order_id: int | str) -> str:
    text = str(order_id).strip()
    if not text.isdigit():
        raise ConfigurationError(f"order_id must be E*TRADE's numeric order id, not {order_id!r}.")
    return text


def _payload(order: AnyOrder, preview_id: int | Iterable[int] | None = None) -> Doc:
    from .order_types import OrderRequest
    from .strategies import StrategyOrder

    if not isinstance(order, (OrderRequest, StrategyOrder)):
        raise InvalidOrderError(
            "Build the order with market_order(), limit_order(), stop_order(), "
            "stop_limit_order() or a strategy such as vertical_spread() (from etrade_nb), so "
            "it is checked before it is sent."
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


def _ids(preview_id: int | Iterable[int]) -> list[int]:
    return [preview_id] if isinstance(preview_id, int) else [int(p) for p in preview_id]


def _client_ids(listed: Doc) -> set[str]:
    """The ``clientOrderId`` values a listed order carries (usually none in production)."""
    found = [listed.get("clientOrderId")]
    found += [d.get("clientOrderId") for d in as_list(listed.get("OrderDetail"))]
    return {str(v) for v in found if v not in (None, "")}


def _order_no(listed: Doc) -> int | None:
    value = listed.get("orderId")
    return int(str(value)) if str(value).isdigit() else None


def _placed_since(listed: Doc, since: float) -> bool:
    """Whether E*TRADE placed ``listed`` at or after ``since`` (both E*TRADE's clock)."""
    for detail in as_list(listed.get("OrderDetail")):
        placed = detail.get("placedTime")
        if isinstance(placed, (int, float)) and float(placed) / 1000 >= since:
            return True
    return False


def _same_content(listed: Doc, sent: SentOrder) -> bool:
    """True if a listed order is ``sent``'s order: same price type, prices and every leg."""
    order = sent.order
    wanted_legs = _legs(next(iter(order.payload().values()))["Order"][0]["Instrument"])
    for detail in as_list(listed.get("OrderDetail")):
        if str(detail.get("priceType", "")).upper() != order.price_type:
            continue
        for name, wanted in (("limitPrice", order.limit_price), ("stopPrice", order.stop_price)):
            if wanted is not None and abs(float(detail.get(name) or 0) - wanted) > 1e-6:
                break
        else:
            if _legs(detail.get("Instrument")) == wanted_legs:
                return True
    return False


def _legs(instruments: Any) -> list[tuple[object, ...]]:
    """Each leg as (symbol, option fields, action, quantity), sorted: order-independent."""
    legs: list[tuple[object, ...]] = []
    for leg in as_list(instruments):
        product = leg.get("Product") or {}
        option = tuple(
            str(product.get(name, "")).upper()
            if name == "callPut"
            else float(product.get(name) or 0)
            for name in ("callPut", "strikePrice", "expiryYear", "expiryMonth", "expiryDay")
        )
        quantity = float(leg.get("orderedQuantity") or leg.get("quantity") or 0)
        legs.append(
            (
                str(product.get("symbol", "")).upper(),
                option,
                str(leg.get("orderAction", "")).upper(),
                quantity,
            )
        )
    return sorted(legs, key=repr)
