"""Drive pyetrade, unchanged, through every endpoint it supports (run in its own venv).

Usage: ``python pyetrade_run.py EMULATOR_URL CONSUMER_KEY CONSUMER_SECRET``. Only pyetrade's
host attributes are pointed at the emulator. The login is a person's: this script prints
``AUTHORIZE <url>`` and reads the verification code from stdin (the test approves the page
over HTTP). It prints ``STEP<tab>name<tab>ok|error`` for each call and ``DONE`` at the end, and
never stops at a failing step, so one run reports them all.
"""

from __future__ import annotations

import datetime
import json
import random
import sys
import traceback
from collections.abc import Callable
from typing import Any

import pyetrade

base, key, secret = sys.argv[1:4]
state: dict[str, Any] = {}


def step(name: str, call: Callable[[], Any], check: Callable[[Any], object] | None = None) -> Any:
    try:
        value = call()
        if check is not None:
            verdict = check(value)
            if verdict is not True:
                raise AssertionError(f"unexpected answer: {verdict!r} in {str(value)[:300]}")
    except Exception as error:  # report and go on: one run shows every failure
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        print(f"STEP\t{name}\t{detail[:600]!r}", flush=True)
        return None
    print(f"STEP\t{name}\tok", flush=True)
    return value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def point(obj: Any, attr: str, path: str) -> None:
    """Replace the E*TRADE host in ``obj.attr`` by the emulator's (nothing else changes)."""
    url = getattr(obj, attr)
    rest = url.split(".etrade.com", 1)[1]
    setattr(obj, attr, base + (path or rest))


# -- login: request token, a person approves, access token ------------------------------
oauth = pyetrade.ETradeOAuth(key, secret)
for attr in ("req_token_url", "access_token_url"):
    point(oauth, attr, "")
authorize = oauth.get_request_token()
print("AUTHORIZE " + authorize, flush=True)
verifier = sys.stdin.readline().strip()
tokens = step("get_access_token", lambda: oauth.get_access_token(verifier), lambda t: bool(t))
if tokens is None:
    print("DONE", flush=True)
    sys.exit(0)
creds = (key, secret, tokens["oauth_token"], tokens["oauth_token_secret"])

manager = pyetrade.ETradeAccessManager(*creds)
point(manager, "renew_access_token_url", "")
point(manager, "revoke_access_token_url", "")
accounts = pyetrade.ETradeAccounts(*creds, dev=True)
market = pyetrade.ETradeMarket(*creds, dev=True)
orders = pyetrade.ETradeOrder(*creds, dev=True)
alerts = pyetrade.ETradeAlerts(*creds, dev=True)
for client in (accounts, market, orders, alerts):
    point(client, "base_url", "")

step("renew_access_token", manager.renew_access_token, lambda ok: ok is True)

# -- accounts ---------------------------------------------------------------------------
listed = step(
    "list_accounts",
    accounts.list_accounts,
    lambda doc: len(as_list(doc["AccountListResponse"]["Accounts"]["Account"])) > 1,
)
main = as_list(listed["AccountListResponse"]["Accounts"]["Account"])[0] if listed else {}
account = main.get("accountIdKey", "")
step(
    "list_accounts json",
    lambda: accounts.list_accounts(resp_format="json"),
    lambda doc: doc["AccountListResponse"]["Accounts"]["Account"][0]["accountIdKey"] == account,
)
step(
    "get_account_balance",
    lambda: accounts.get_account_balance(account, resp_format="json"),
    lambda doc: "Computed" in doc["BalanceResponse"],
)
step(
    "get_account_balance xml",
    lambda: accounts.get_account_balance(account, account_type=main.get("accountType")),
    lambda doc: "Computed" in doc["BalanceResponse"],
)
portfolio = step(
    "get_account_portfolio",
    lambda: accounts.get_account_portfolio(
        account, count=2, totals_required=True, lots_required=True, view="COMPLETE",
        resp_format="json",
    ),
    lambda doc: len(doc["PortfolioResponse"]["AccountPortfolio"][0]["Position"]) == 2,
)  # fmt: skip
if portfolio:
    page = portfolio["PortfolioResponse"]["AccountPortfolio"][0]
    step(
        "get_account_portfolio page 2",
        lambda: accounts.get_account_portfolio(
            account, count=2, page_number=int(page["nextPageNo"]), resp_format="json"
        ),
        lambda doc: len(doc["PortfolioResponse"]["AccountPortfolio"][0]["Position"]) >= 1,
    )
    symbol = page["Position"][0]["Product"]["symbol"]
    step(
        "get_portfolio_position_lot",
        lambda: accounts.get_portfolio_position_lot(symbol, account, resp_format="json"),
        lambda doc: len(doc["PositionLotsResponse"]["PositionLot"]) >= 1,
    )
step(
    "get_account_portfolio xml sorted",
    lambda: accounts.get_account_portfolio(account, sort_by="SYMBOL", sort_order="ASC"),
    lambda doc: "AccountPortfolio" in doc["PortfolioResponse"],
)
today = datetime.date.today()
transactions = step(
    "list_transactions",
    lambda: accounts.list_transactions(
        account, start_date=today - datetime.timedelta(days=90), end_date=today, count=5,
        resp_format="json",
    ),
    lambda doc: len(doc["TransactionListResponse"]["Transaction"]) == 5,
)  # fmt: skip
if transactions:
    first = transactions["TransactionListResponse"]["Transaction"][0]
    step(
        "list_transaction_details",
        lambda: accounts.list_transaction_details(
            account, first["transactionId"], store_id=first.get("storeId"), resp_format="json"
        ),
        lambda doc: (
            str(doc["TransactionDetailsResponse"]["transactionId"]) == str(first["transactionId"])
        ),
    )
    step(
        "list_transactions xml marker",
        lambda: accounts.list_transactions(
            account, marker=transactions["TransactionListResponse"].get("marker"), count=5
        ),
        lambda doc: "Transaction" in doc["TransactionListResponse"],
    )

# -- market -----------------------------------------------------------------------------
step(
    "look_up_product",
    lambda: market.look_up_product("Apple", resp_format="json"),
    lambda doc: len(doc["LookupResponse"]["Data"]) >= 1,
)
for flag in ("all", "fundamental", "intraday", "options", "week_52", "mf_detail", None):
    step(
        f"get_quote {flag}",
        lambda flag=flag: market.get_quote(  # type: ignore[misc]  # (a default binds the loop value)
            ["AAPL", "MSFT"], detail_flag=flag, require_earnings_date=True,
            skip_mini_options_check=True, resp_format="json",
        ),
        lambda doc: len(doc["QuoteResponse"]["QuoteData"]) == 2,
    )  # fmt: skip
step(
    "get_quote xml",
    lambda: market.get_quote(["IBM"], detail_flag="all"),
    lambda doc: "All" in doc["QuoteResponse"]["QuoteData"],
)
expiries = step(
    "get_option_expire_date",
    lambda: market.get_option_expire_date("AAPL", resp_format="json"),
    lambda doc: len(doc["OptionExpireDateResponse"]["ExpirationDate"]) > 3,
)
expiry = None
if expiries:
    e = expiries["OptionExpireDateResponse"]["ExpirationDate"][2]
    expiry = datetime.date(int(e["year"]), int(e["month"]), int(e["day"]))
chain = step(
    "get_option_chains",
    lambda: market.get_option_chains(
        "AAPL", expiry_date=expiry, chain_type="CALLPUT", strike_price_near=200,
        no_of_strikes=4, option_category="STANDARD", price_type="ALL", skip_adjusted=True,
        resp_format="json",
    ),
    lambda doc: len(doc["OptionChainResponse"]["OptionPair"]) == 4,
)  # fmt: skip
step(
    "get_option_chains xml",
    lambda: market.get_option_chains("MSFT", expiry_date=expiry, no_of_strikes=2),
    lambda doc: "OptionPair" in doc["OptionChainResponse"],
)

# -- orders: equity lifecycle (preview, place, list, details, change, cancel) ------------


def new_id() -> str:
    return "pye" + str(random.randint(10**8, 10**9))


equity = {
    "accountIdKey": account, "symbol": "MSFT", "orderAction": "BUY", "clientOrderId": new_id(),
    "priceType": "LIMIT", "limitPrice": 1.05, "quantity": 3, "orderTerm": "GOOD_UNTIL_CANCEL",
    "marketSession": "REGULAR",
}  # fmt: skip
preview = step(
    "preview_equity_order",
    lambda: orders.preview_equity_order(**dict(equity)),
    lambda doc: bool(doc["PreviewOrderResponse"]["PreviewIds"]["previewId"]),
)
placed = None
if preview:
    preview_id = preview["PreviewOrderResponse"]["PreviewIds"]["previewId"]
    placed = step(
        "place_equity_order",
        lambda: orders.place_equity_order(**dict(equity, previewId=preview_id)),
        lambda doc: bool(doc["PlaceOrderResponse"]["OrderIds"]["orderId"]),
    )
step(
    "place_equity_order (previews itself)",
    lambda: orders.place_equity_order(
        **{
            **{k: v for k, v in equity.items() if k != "limitPrice"},
            "clientOrderId": new_id(),
            "priceType": "MARKET",
            "orderTerm": "GOOD_FOR_DAY",
        }
    ),
    lambda doc: bool(doc["PlaceOrderResponse"]["OrderIds"]["orderId"]),
)
order_id = int(placed["PlaceOrderResponse"]["OrderIds"]["orderId"]) if placed else 0
step(
    "list_orders",
    lambda: orders.list_orders(account, status="OPEN", resp_format="json"),
    lambda doc: order_id in [o["orderId"] for o in doc["OrdersResponse"]["Order"]],
)
step(
    "list_orders xml filtered",
    lambda: orders.list_orders(
        account, count=10, symbols=["MSFT", "AAPL"], security_type="EQ",
        transaction_type="BUY", from_date=datetime.datetime.now() - datetime.timedelta(days=30),
        to_date=datetime.datetime.now(),
    ),
    lambda doc: "Order" in doc["OrdersResponse"],
)  # fmt: skip
step(
    "list_order_details",
    lambda: orders.list_order_details(account, order_id),
    lambda doc: doc["OrdersResponse"]["Order"][0]["orderId"] == order_id,
)
change = dict(equity, clientOrderId=new_id(), limitPrice=1.10, orderId=order_id)
changed = step(
    "change_preview_equity_order",
    lambda: orders.change_preview_equity_order(**dict(change, account_id_key=account,
                                                      order_id=order_id)),
    lambda doc: bool(doc["PreviewOrderResponse"]["PreviewIds"]["previewId"]),
)  # fmt: skip
new_order = 0
if changed:
    change_preview = changed["PreviewOrderResponse"]["PreviewIds"]["previewId"]
    # pyetrade's change flow places with a fresh clientOrderId: matched by previewId
    replaced = step(
        "place_changed_equity_order",
        lambda: orders.place_changed_equity_order(
            **dict(change, clientOrderId=new_id(), previewId=change_preview)
        ),
        lambda doc: int(doc["PlaceOrderResponse"]["OrderIds"]["orderId"]) != order_id,
    )
    if replaced:
        new_order = int(replaced["PlaceOrderResponse"]["OrderIds"]["orderId"])
step(
    "cancel_order",
    lambda: orders.cancel_order(account, new_order or order_id),
    lambda doc: int(doc["CancelOrderResponse"]["orderId"]) == (new_order or order_id),
)

# -- orders: an option order and find_option_orders -------------------------------------
if chain and expiry:
    pair = chain["OptionChainResponse"]["OptionPair"][0]
    strike = float(pair["Call"]["strikePrice"])
    option = {
        "accountIdKey": account, "symbol": "AAPL", "orderAction": "BUY_OPEN",
        "clientOrderId": new_id(), "priceType": "LIMIT", "limitPrice": 0.05, "quantity": 1,
        "orderTerm": "GOOD_FOR_DAY", "marketSession": "REGULAR", "securityType": "OPTN",
        "callPut": "Put", "expiryDate": expiry.isoformat(), "strikePrice": strike,
    }  # fmt: skip
    step(
        "place_option_order",
        lambda: orders.place_option_order(**dict(option)),
        lambda doc: bool(doc["PlaceOrderResponse"]["OrderIds"]["orderId"]),
    )
    expiry_text = expiry.strftime("%m-%d-%Y")
    step(
        "find_option_orders",
        lambda: orders.find_option_orders(account, "AAPL", "Put", expiry_text, strike),
        lambda found: len(found) == 1,
    )

# -- alerts -----------------------------------------------------------------------------
inbox = step(
    "list_alerts",
    lambda: alerts.list_alerts(count=10, resp_format="json"),
    lambda doc: len(doc["AlertsResponse"]["Alert"]) >= 2,
)
if inbox:
    first_alert = inbox["AlertsResponse"]["Alert"][0]["id"]
    step(
        "list_alert_details",
        lambda: alerts.list_alert_details(first_alert, html_tags=True, resp_format="json"),
        lambda doc: doc["AlertDetailsResponse"]["id"] == first_alert,
    )
    step(
        "delete_alert",
        lambda: alerts.delete_alert(first_alert, resp_format="json"),
        lambda doc: json.dumps(doc).find("SUCCESS") >= 0,
    )
step("list_alerts xml", alerts.list_alerts, lambda doc: "Alert" in doc["AlertsResponse"])

step("revoke_access_token", manager.revoke_access_token, lambda ok: ok is True)
print("DONE", flush=True)
