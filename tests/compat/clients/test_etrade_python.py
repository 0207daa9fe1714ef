"""etrade-python 1.1.0 (typed, async, pydantic models of E*TRADE's docs), unchanged, through
every endpoint it supports against the default emulator.

Only its three host constants are pointed at the emulator; it signs for that host as it
would for E*TRADE's. Each answer is parsed by its own models, so a type that differs from
the docs model (a number where the docs say string or boolean) fails here, per endpoint.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from etrade_nb.emulator import EmulatorServer
from etrade_nb.emulator.robot import approve

if sys.version_info < (3, 11):  # etrade-python needs 3.11 (the test extra installs it there)
    pytest.skip("etrade-python needs Python 3.11 or newer", allow_module_level=True)

etrade_python = pytest.importorskip("etrade_python", reason="pip install -e '.[test]'")
from etrade_python import ETradeClient, ETradeSettings, MemoryCredentialStore  # noqa: E402
from etrade_python.accounts import AccountBalanceRequest  # noqa: E402
from etrade_python.alerts import AlertDetailsRequest, AlertsRequest  # noqa: E402
from etrade_python.enums import Environment  # noqa: E402
from etrade_python.market import (  # noqa: E402
    OptionChainRequest,
    OptionExpirationsRequest,
    QuotesRequest,
)
from etrade_python.orders import OrderBuilder, OrdersRequest  # noqa: E402
from etrade_python.portfolio import PortfolioRequest  # noqa: E402
from etrade_python.transactions import TransactionsRequest  # noqa: E402

STEPS = 50  # every call below


@pytest.fixture
def pointed(default_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> EmulatorServer:
    """etrade-python's hosts (API, OAuth, authorize page) pointed at the emulator."""
    emu = default_emulator
    oauth = sys.modules["etrade_python.auth.oauth"]
    monkeypatch.setattr(oauth, "OAUTH_BASE_URL", emu.url)
    monkeypatch.setattr(oauth, "AUTHORIZATION_URL", emu.authorize_url)
    monkeypatch.setattr(Environment, "api_base_url", property(lambda self: emu.url))
    return emu


class Steps:
    """Runs each call, records failures and goes on, so one run reports them all."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.failed: list[tuple[str, str]] = []

    async def __call__(
        self, name: str, call: Callable[[], Awaitable[Any]], check: Callable[[Any], bool]
    ) -> Any:
        self.done.append(name)
        try:
            value = await call()
            assert check(value), f"unexpected answer: {str(value)[:400]}"
        except Exception as error:  # report and go on
            self.failed.append((name, f"{type(error).__name__}: {error}"[:800]))
            return None
        return value


def _client_id(n: int) -> str:
    return f"epy{n}{date.today():%m%d}"


async def _run(emu: EmulatorServer, step: Steps) -> None:
    settings = ETradeSettings(consumer_key=emu.consumer_key, consumer_secret=emu.consumer_secret)
    async with ETradeClient(settings, credential_store=MemoryCredentialStore()) as client:
        await _login(client, step)
        key = await _accounts(client, step)
        expiry, chain = await _market(client, step)
        await _equity_orders(client, key, step)
        # -- orders: one option, then every spread builder etrade-python has, unchanged --
        if chain is not None and expiry is not None:
            await _spreads(client, key, expiry, [p.call.strike_price for p in chain.option_pairs],
                           step)  # fmt: skip
        await _alerts(client, step)
        await step("revoke", client.session.revoke, lambda r: True)


async def _login(client: ETradeClient, step: Steps) -> None:
    """Request token, a person approves over HTTP, access token; then renew."""
    request = await client.oauth.get_request_token()
    link = client.oauth.get_authorization_url(request)
    verifier = await asyncio.to_thread(approve, link.url)
    creds = await client.oauth.exchange_verifier(request, verifier)
    await client.session.save(creds)
    await step("renew", client.session.renew, lambda c: c is not None)


async def _accounts(client: ETradeClient, step: Steps) -> str:
    """Accounts, balance, portfolio (paged and iterated) and transactions; the first key."""
    listed = await step("accounts.list", client.accounts.list, lambda r: len(r.accounts) > 1)
    key = listed.accounts[0].account_id_key if listed else ""
    await step(
        "accounts.get_balance",
        lambda: client.accounts.get_balance(key, AccountBalanceRequest(real_time_nav=True)),
        lambda r: r.account_id is not None,
    )
    page = await step(
        "portfolio.get_positions",
        lambda: client.portfolio.get_positions(
            key, PortfolioRequest(count=2, totals_required=True, lots_required=True,
                                  view="COMPLETE")),
        lambda r: len(r.account_portfolios[0].positions) == 2,
    )  # fmt: skip
    if page is not None:
        await step(
            "portfolio.get_positions page 2",
            lambda: client.portfolio.get_positions(
                key, PortfolioRequest(count=2, page_number=int(page.account_portfolios[0]
                                                              .next_page_no))),
            lambda r: len(r.account_portfolios[0].positions) >= 1,
        )  # fmt: skip

    async def all_positions() -> list[Any]:
        return [p async for p in client.portfolio.iter_positions(key)]

    await step("portfolio.iter_positions", all_positions, lambda r: len(r) >= 4)
    start, end = date.today() - timedelta(days=60), date.today()
    txns = await step(
        "transactions.list",
        lambda: client.transactions.list(
            key, TransactionsRequest(count=5, start_date=f"{start:%m%d%Y}",
                                     end_date=f"{end:%m%d%Y}")),
        lambda r: len(r.transactions) == 5,
    )  # fmt: skip
    if txns is not None:
        first = txns.transactions[0]
        await step(
            "transactions.get",
            lambda: client.transactions.get(key, str(first.transaction_id)),
            lambda r: str(r.transaction.transaction_id) == str(first.transaction_id),
        )

    async def some_transactions() -> list[Any]:
        found = []
        async for t in client.transactions.list_all(key, TransactionsRequest(count=50)):
            found.append(t)
            if len(found) >= 120:
                break
        return found

    await step("transactions.list_all", some_transactions, lambda r: len(r) > 50)
    return key


async def _market(client: ETradeClient, step: Steps) -> tuple[date | None, Any]:
    """Lookup, quotes by detail flag, expiries, a chain and an option quote."""
    await step(
        "market.lookup_product",
        lambda: client.market.lookup_product("Apple"),
        lambda r: any(d.symbol == "AAPL" for d in r.products),
    )
    for flag, symbols in (
        ("ALL", ["AAPL", "MSFT"]), ("FUNDAMENTAL", ["IBM"]), ("INTRADAY", ["F"]),
        ("WEEK_52", ["GOOG"]), ("MF_DETAIL", ["VFIAX"]), (None, ["TSLA"]),
    ):  # fmt: skip
        await step(
            f"market.get_quotes {flag}",
            lambda flag=flag, symbols=symbols: client.market.get_quotes(
                symbols, QuotesRequest(detail_flag=flag, require_earnings_date=True,
                                       skip_mini_options_check=False)),
            lambda r, symbols=symbols: len(r.quotes) == len(symbols),
        )  # fmt: skip
    expiries = await step(
        "market.get_option_expirations",
        lambda: client.market.get_option_expirations(
            "AAPL", OptionExpirationsRequest(expiry_type="ALL")
        ),
        lambda r: len(r.expiration_dates) > 3,
    )
    expiry = None
    if expiries is not None:
        e = expiries.expiration_dates[2]
        expiry = date(e.year, e.month, e.day)
    chain = await step(
        "market.get_option_chain",
        lambda: client.market.get_option_chain(
            "AAPL", OptionChainRequest(expiry_year=expiry.year, expiry_month=expiry.month,
                                       expiry_day=expiry.day, strike_price_near=Decimal(200),
                                       no_of_strikes=4, chain_type="CALLPUT",
                                       price_type="ALL", include_weekly=True)),
        lambda r: len(r.option_pairs) == 4,
    )  # fmt: skip
    if chain is not None:
        option = chain.option_pairs[0].call
        await step(
            "market.get_quote OPTIONS",
            lambda: client.market.get_quote(
                f"AAPL:{expiry.year}:{expiry.month}:{expiry.day}:CALL:{option.strike_price}",
                QuotesRequest(detail_flag="OPTIONS"),
            ),
            lambda r: r.option is not None and r.option.option_greeks is not None,
        )
    return expiry, chain


async def _equity_orders(client: ETradeClient, key: str, step: Steps) -> None:
    """An equity limit order: preview, place, list, change and cancel."""
    order = (
        OrderBuilder.for_account(key)
        .client_order_id(_client_id(1))
        .equity_limit("MSFT", action="BUY", quantity=3, limit_price=Decimal("1.05"))
        .gtc()
    )
    preview = await step(
        "orders.preview",
        lambda: client.orders.preview(key, order.build_preview_request()),
        lambda r: len(r.preview_ids) == 1 and r.client_order_id is None,
    )
    placed = None
    if preview is not None:
        placed = await step(
            "orders.place",
            lambda: client.orders.place(
                key, order.build_place_request([preview.preview_ids[0].preview_id])
            ),
            lambda r: len(r.order_ids) == 1,
        )
    order_id = placed.order_ids[0].order_id if placed else 0
    await step(
        "orders.list",
        lambda: client.orders.list(key, OrdersRequest(status="OPEN", count=50)),
        lambda r: order_id in [o.order_id for o in r.orders],
    )

    async def every_order() -> list[Any]:
        return [o async for o in client.orders.list_all(key, OrdersRequest(count=10))]

    await step("orders.list_all", every_order, lambda r: len(r) > 30)
    change = (
        OrderBuilder.for_account(key)
        .client_order_id(_client_id(2))
        .equity_limit("MSFT", action="BUY", quantity=3, limit_price=Decimal("1.10"))
        .gtc()
    )
    changed = await step(
        "orders.preview_change",
        lambda: client.orders.preview_change(
            key, order_id, change.build_change_preview_request(order_id)
        ),
        lambda r: len(r.preview_ids) == 1,
    )
    new_id = order_id
    if changed is not None:
        replaced = await step(
            "orders.place_change",
            lambda: client.orders.place_change(
                key, order_id,
                change.build_change_place_request([changed.preview_ids[0].preview_id]),
            ),
            lambda r: r.order_ids[0].order_id != order_id,
        )  # fmt: skip
        if replaced is not None:
            new_id = replaced.order_ids[0].order_id
    await step(
        "orders.cancel",
        lambda: client.orders.cancel(key, new_id),
        lambda r: r.order_id == new_id,
    )


async def _alerts(client: ETradeClient, step: Steps) -> None:
    """The alerts inbox: list, read one and delete it."""
    inbox = await step(
        "alerts.list",
        lambda: client.alerts.list(AlertsRequest(count=10, direction="DESC")),
        lambda r: len(r.alerts) >= 2,
    )
    if inbox is not None:
        first_alert = inbox.alerts[0].id
        await step(
            "alerts.get",
            lambda: client.alerts.get(first_alert, AlertDetailsRequest(htmlTags=True)),
            lambda r: r.id == first_alert,
        )
        await step(
            "alerts.delete",
            lambda: client.alerts.delete([first_alert]),
            lambda r: str(r.result).upper().endswith("SUCCESS"),
        )


def _legs(instruments: Any) -> list[tuple[Any, ...]]:
    """(action, quantity, callPut, strike) per leg, as sent or as etrade-python parsed it."""
    return [(i.order_action, Decimal(i.quantity if i.quantity is not None
                                     else i.ordered_quantity),
             i.product.call_put, i.product.strike_price and Decimal(i.product.strike_price))
            for i in instruments]  # fmt: skip


async def _spreads(
    client: ETradeClient, key: str, expiry: date, k: list[Decimal], step: Steps
) -> None:
    """Each order through preview, place, the open-orders list and cancel. Limits are far
    from what the legs trade at, so nothing fills while the test runs (the clock is real).

    Three- and four-leg SPREADS (``three_leg_call_spread_short_put``, ``iron_condor``, which
    etrade-python sends as SPREADS rather than IRON_CONDOR) are custom strategies: the
    default emulator takes them and names them in ``X-Emulator-Ignored`` (checked below);
    strict mode refuses them (tests/emulator/test_emulator_strategies.py)."""

    def new(n: int) -> OrderBuilder:
        return OrderBuilder.for_account(key).client_order_id(_client_id(n))

    orders = {
        "long call": new(3).long_call_limit(
            "AAPL", expiration=expiry, strike_price=k[0], quantity=1,
            limit_price=Decimal("0.05")),
        "vertical call": new(4).option_vertical_call(
            "AAPL", expiration=expiry, quantity=1, long_strike=k[0], short_strike=k[1],
            net_debit=Decimal("0.10")),
        "three-leg call spread short put": new(5).three_leg_call_spread_short_put(
            "AAPL", expiration=expiry, quantity=2, long_call_strike=k[1],
            short_call_strike=k[2], short_put_strike=k[0], net_debit=Decimal("0.10")),
        "iron condor": new(6).iron_condor(
            "AAPL", expiration=expiry, quantity=1, short_put_strike=k[1],
            long_put_strike=k[0], short_call_strike=k[2], long_call_strike=k[3],
            net_credit=Decimal("40")),
        "buy-write": new(7).buy_write(
            "AAPL", expiration=expiry, stock_quantity=100, call_quantity=1,
            call_strike=k[3], net_debit=Decimal("1.00")),
    }  # fmt: skip
    for name, order in orders.items():
        request = order.build_preview_request()
        sent = _legs(request.orders[0].instruments)
        previewed = await step(
            f"orders.preview {name}",
            lambda request=request: client.orders.preview(key, request),
            lambda r, sent=sent, kind=request.order_type: (
                len(r.preview_ids) == 1
                and r.order_type == kind
                and _legs(r.orders[0].instruments) == sent
            ),
        )
        if previewed is None:
            continue
        placed = await step(
            f"orders.place {name}",
            lambda order=order, previewed=previewed: client.orders.place(
                key, order.build_place_request([previewed.preview_ids[0].preview_id])
            ),
            lambda r, sent=sent: len(r.order_ids) == 1 and _legs(r.orders[0].instruments) == sent,
        )
        if placed is None:
            continue
        order_id = placed.order_ids[0].order_id

        def listed(
            r: Any, order_id: int = order_id, sent: list[Any] = sent, kind: str = request.order_type
        ) -> bool:
            found = [o for o in r.orders if o.order_id == order_id]
            return (
                len(found) == 1
                and found[0].order_type == kind
                and found[0].order_details[0].status == "OPEN"
                and _legs(found[0].order_details[0].instruments) == sent
            )

        await step(
            f"orders.list {name}",
            lambda: client.orders.list(key, OrdersRequest(status="OPEN", symbol="AAPL",
                                                          count=100)),
            listed,
        )  # fmt: skip
        await step(
            f"orders.cancel {name}",
            lambda order_id=order_id: client.orders.cancel(key, order_id),
            lambda r, order_id=order_id: r.order_id == order_id,
        )


def test_etrade_python_runs_every_endpoint_unchanged(pointed: EmulatorServer) -> None:
    step = Steps()
    asyncio.run(_run(pointed, step))
    assert not step.failed, step.failed
    assert len(step.done) == STEPS, step.done
    assert all(record.status < 500 for record in pointed.log)
    noted = {name for record in pointed.log for name in record.ignored}
    assert {"orderType=SPREADS with 3 legs", "orderType=SPREADS with 4 legs"} <= noted, noted
