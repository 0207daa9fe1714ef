"""One schema per endpoint, written from E*TRADE's API v1 documentation and captured answers.

Names, nesting and types follow responses captured from production and sandbox first, and
the model in E*TRADE's published docs (https://apisb.etrade.com/docs/api/) where no capture
exists; each block says which (``§`` numbers the endpoint sections of the team's API notes,
tags name the capture: PROD production, SBX sandbox, DOC the docs model). Not derived from
the emulator's code. Objects are closed: a name the reference does not list fails the
check, so ``exchange`` instead of ``primaryExchange`` or ``computedBalance`` instead of
``Computed`` cannot slip through.
"""

from __future__ import annotations

from .schemacheck import (
    BOOL,
    BOOL_TEXT,
    EPOCH_MS,
    EPOCH_S,
    INT,
    NUM,
    STR,
    URL,
    Arr,
    Scalar,
    enum,
    obj,
    pattern,
)  # fmt: skip

ANY = Scalar("scalar", lambda v: isinstance(v, (str, int, float, bool)), lambda s: True)
URL_OR_EMPTY = Scalar("URL or ''", lambda v: v == "" or str(v).startswith("http"),
                      lambda s: s == "" or s.startswith("http"))  # fmt: skip

# §1.8 error bodies: code may be absent (pyetrade#79)
ERROR = obj({"code": INT, "message": STR}, optional=["code"])
# §1.8: Message.type ∈ WARNING, INFO, INFO_HOLD, ERROR
MESSAGE = obj(
    {"description": STR, "code": INT, "type": enum("WARNING", "INFO", "INFO_HOLD", "ERROR")}
)
MESSAGES = obj({"Message": Arr(MESSAGE)})

# §2.2 [SBX-WET]; instNo documented [Dcomp], shareWorksSource seen in client structs
ACCOUNT = obj(
    {
        "accountId": STR, "accountIdKey": STR,
        "accountMode": enum("CASH", "MARGIN", "CHECKING", "IRA", "SAVINGS", "CD"),
        "accountDesc": STR, "accountName": STR, "accountType": STR,
        "institutionType": enum("BROKERAGE"), "accountStatus": enum("ACTIVE", "CLOSED"),
        "closedDate": EPOCH_S, "shareWorksAccount": BOOL, "fcManagedMssbClosedAccount": BOOL,
        "instNo": INT, "shareWorksSource": STR,
    },
    optional=["instNo", "shareWorksSource"],
)  # fmt: skip
ACCOUNT_LIST = obj({"Accounts": obj({"Account": Arr(ACCOUNT)})})

# §2.3: the sandbox drops zero/empty fields, so Computed's members are optional
_COMPUTED_FIELDS = [
    "cashAvailableForInvestment", "cashAvailableForWithdrawal", "totalAvailableForWithdrawal",
    "netCash", "cashBalance", "settledCashForInvestment", "unSettledCashForInvestment",
    "fundsWithheldFromPurchasePower", "fundsWithheldFromWithdrawal", "marginBuyingPower",
    "cashBuyingPower", "dtMarginBuyingPower", "dtCashBuyingPower", "marginBalance",
    "shortAdjustBalance", "regtEquity", "regtEquityPercent", "accountBalance",
]  # fmt: skip
COMPUTED = obj(
    {
        **dict.fromkeys(_COMPUTED_FIELDS, NUM),
        "OpenCalls": obj(dict.fromkeys(["minEquityCall", "fedCall", "cashCall", "houseCall"], NUM)),
        "RealTimeValues": obj(
            dict.fromkeys(
                ["totalAccountValue", "netMv", "netMvLong", "netMvShort", "totalLongValue"], NUM
            ),
            optional=["netMv", "netMvLong", "netMvShort", "totalLongValue"],
        ),
        "PortfolioMargin": obj({}, open=True),
    },
    optional=[*_COMPUTED_FIELDS, "OpenCalls", "PortfolioMargin"],
)
BALANCE = obj(
    {
        "accountId": STR, "accountType": STR, "optionLevel": STR, "accountDescription": STR,
        "accountMode": STR, "quoteMode": INT, "dayTraderStatus": STR,
        "Cash": obj({"fundsForOpenOrdersCash": NUM, "moneyMktBalance": NUM}),
        "Margin": obj({"dtCashOpenOrderReserve": NUM, "dtMarginOpenOrderReserve": NUM}),
        "Lending": obj({}, open=True),
        "Computed": COMPUTED,
    },
    optional=["Margin", "Lending"],
)  # fmt: skip

# §2.4 Position [PROD-TBB][SBX-WET][DOC-EX]; view blocks: Quick verified, others docs model
_QUOTE_STATUS = STR
QUICK = obj(
    {"lastTrade": NUM, "lastTradeTime": EPOCH_S, "change": NUM, "changePct": NUM, "volume": INT,
     "quoteStatus": _QUOTE_STATUS, "sevenDayCurrentYield": NUM, "annualTotalReturn": NUM,
     "weightedAverageMaturity": NUM},
    optional=["sevenDayCurrentYield", "annualTotalReturn", "weightedAverageMaturity"],
)  # fmt: skip
PERFORMANCE = obj(
    {"change": NUM, "changePct": NUM, "lastTrade": NUM, "daysGain": NUM, "totalGain": NUM,
     "totalGainPct": NUM, "marketValue": NUM, "quoteStatus": _QUOTE_STATUS,
     "lastTradeTime": EPOCH_S}
)  # fmt: skip
FUNDAMENTAL_VIEW = obj(
    {"lastTrade": NUM, "lastTradeTime": EPOCH_S, "change": NUM, "changePct": NUM,
     "peRatio": NUM, "eps": NUM, "dividend": NUM, "divYield": NUM, "marketCap": NUM,
     "week52Range": STR, "quoteStatus": _QUOTE_STATUS}
)  # fmt: skip
OPTIONS_WATCH = obj(
    {"baseSymbolAndPrice": STR, "premium": NUM, "lastTrade": NUM, "bid": NUM, "ask": NUM,
     "quoteStatus": _QUOTE_STATUS, "lastTradeTime": EPOCH_S}
)  # fmt: skip
# "~60 fields incl. ..." : the listed ones are required, the rest are not enumerated
COMPLETE = obj(
    {**dict.fromkeys(["price", "adjPrice", "bid", "ask", "delta", "gamma", "ivPct", "rho",
                      "theta", "vega", "premium", "intrinsicValue", "week52High", "week52Low",
                      "marketCap"], NUM),
     "daysToExpiration": INT, "openInterest": INT, "cusip": STR, "quoteStatus": _QUOTE_STATUS},
    open=True,
)  # fmt: skip
VIEW_BLOCKS = {
    "QUICK": "Quick", "PERFORMANCE": "Performance", "FUNDAMENTAL": "Fundamental",
    "OPTIONSWATCH": "OptionsWatch", "COMPLETE": "Complete",
}  # fmt: skip
PRODUCT = obj(
    {"symbol": STR, "securityType": STR, "callPut": enum("CALL", "PUT"), "expiryYear": INT,
     "expiryMonth": INT, "expiryDay": INT, "strikePrice": NUM,
     "productId": obj({"symbol": STR, "typeCode": STR}, optional=["typeCode"])},
    optional=["callPut", "expiryYear", "expiryMonth", "expiryDay", "strikePrice", "productId"],
)  # fmt: skip
# §2.5 lot fields [EPY] (envelope unverified)
LOT = obj(
    {**dict.fromkeys(["positionId", "positionLotId", "orderNo", "legNo", "termCode",
                      "lotSourceCode", "locationCode", "shortType"], INT),
     **dict.fromkeys(["price", "daysGain", "daysGainPct", "marketValue", "totalCost",
                      "totalCostForGainPct", "totalGain", "originalQty", "remainingQty",
                      "availableQty", "exchangeRate", "adjPrice", "commPerShare",
                      "feesPerShare", "premiumAdj"], NUM),
     "acquiredDate": EPOCH_MS, "settlementCurrency": STR, "paymentCurrency": STR}
)  # fmt: skip
POSITION = obj(
    {"positionId": INT, "Product": PRODUCT, "symbolDescription": STR, "osiKey": STR,
     "dateAcquired": EPOCH_MS, "pricePaid": NUM, "commissions": NUM, "otherFees": NUM,
     "quantity": NUM, "positionIndicator": STR, "positionType": enum("LONG", "SHORT"),
     **dict.fromkeys(["daysGain", "daysGainPct", "marketValue", "totalCost", "totalGain",
                      "totalGainPct", "pctOfPortfolio", "costPerShare", "todayCommissions",
                      "todayFees", "todayPricePaid", "todayQuantity", "adjPrevClose"], NUM),
     "lotsDetails": URL, "quoteDetails": URL,
     "Quick": QUICK, "Performance": PERFORMANCE, "Fundamental": FUNDAMENTAL_VIEW,
     "OptionsWatch": OPTIONS_WATCH, "Complete": COMPLETE,
     # lotsRequired=true: the reference names the parameter but not the inline block (unverified)
     "positionLot": Arr(LOT)},
    optional=["osiKey", "Quick", "Performance", "Fundamental", "OptionsWatch", "Complete",
              "positionLot"],
)  # fmt: skip
TOTALS = obj(
    dict.fromkeys(["todaysGainLoss", "todaysGainLossPct", "totalMarketValue", "totalGainLoss",
                   "totalGainLossPct", "totalPricePaid", "cashBalance"], NUM)
)  # fmt: skip
PORTFOLIO = obj(
    {"Totals": TOTALS,
     "AccountPortfolio": Arr(obj(
         # nextPageNo: a string in the docs model (no capture shows its type)
         {"accountId": STR, "totalPages": INT, "next": URL, "nextPageNo": STR,
          "Position": Arr(POSITION)},
         optional=["next", "nextPageNo"]))},
    optional=["Totals"],
)  # fmt: skip
POSITION_LOTS = obj({"PositionLot": Arr(LOT)})

# §2.6 [PROD-TBB][DOC-EX]
MARKER = pattern(r"\d+_\d+")
TRANSACTION = obj(
    {"transactionId": STR, "accountId": STR, "transactionDate": EPOCH_MS, "postDate": EPOCH_MS,
     "amount": NUM, "description": STR, "description2": STR, "transactionType": STR,
     "memo": STR, "imageFlag": BOOL, "instType": STR, "storeId": INT, "detailsURI": URL,
     "brokerage": obj({"product": obj({"symbol": STR, "securityType": STR}),
                       "quantity": NUM, "price": NUM, "settlementCurrency": STR,
                       "paymentCurrency": STR, "fee": NUM, "displaySymbol": STR,
                       "settlementDate": EPOCH_MS})}
)  # fmt: skip
TRANSACTIONS = obj(
    {"next": URL, "marker": MARKER, "pageMarkers": STR, "moreTransactions": BOOL,
     "transactionCount": INT, "totalCount": INT, "Transaction": Arr(TRANSACTION)},
    optional=["next", "marker", "pageMarkers"],
)  # fmt: skip
# §2.7 [DOC-EX][EJS]: capitalised Category/Brokerage/Product here
TRANSACTION_DETAILS = obj(
    {"transactionId": STR, "accountId": STR, "transactionDate": EPOCH_MS, "amount": NUM,
     "description": STR,
     "Category": obj({"categoryId": ANY, "parentId": ANY, "categoryName": STR, "parentName": STR}),
     "Brokerage": obj({"transactionType": STR, "Product": obj({"symbol": STR, "securityType": STR}),
                       "quantity": NUM, "price": NUM, "settlementCurrency": STR,
                       "paymentCurrency": STR, "fee": NUM, "memo": STR, "checkNo": ANY,
                       "orderNo": ANY}, optional=["checkNo"])}
)  # fmt: skip

# §2.8 quotes [PROD-TBB][Dq]
ET_TIME = pattern(r"\d\d:\d\d:\d\d [A-Z]{2,4} \d\d-\d\d-\d{4}")
# currentValue: a boolean in the docs model and example ("greeks are current"), not a price
GREEKS = obj({**dict.fromkeys(["rho", "vega", "theta", "delta", "gamma", "iv"], NUM),
              "currentValue": BOOL})  # fmt: skip
EH_QUOTE = obj(
    {"lastPrice": NUM, "change": NUM, "percentChange": NUM, "bid": NUM, "bidSize": INT,
     "ask": NUM, "askSize": INT, "volume": INT, "timeOfLastTrade": EPOCH_S, "timeZone": STR,
     "quoteStatus": STR}
)  # fmt: skip
ALL = obj(
    {"adjustedFlag": BOOL, "ask": NUM, "askSize": INT, "askTime": ET_TIME, "bid": NUM,
     "bidExchange": STR, "bidSize": INT, "bidTime": ET_TIME, "changeClose": NUM,
     "changeClosePercentage": NUM, "companyName": STR, "daysToExpiration": INT, "dirLast": STR,
     "dividend": NUM, "eps": NUM, "estEarnings": NUM, "exDividendDate": EPOCH_S, "high": NUM,
     "high52": NUM, "lastTrade": NUM, "low": NUM, "low52": NUM, "open": NUM,
     "openInterest": INT, "optionStyle": STR, "optionUnderlier": STR,
     "optionUnderlierExchange": STR, "previousClose": NUM, "previousDayVolume": INT,
     "primaryExchange": STR, "symbolDescription": STR, "totalVolume": INT, "upc": INT,
     "cashDeliverable": NUM, "marketCap": NUM, "sharesOutstanding": NUM,
     "nextEarningDate": pattern(r"(\d\d/\d\d/\d{4})?"), "beta": NUM, "yield": NUM,
     "declaredDividend": NUM, "dividendPayableDate": EPOCH_S, "pe": NUM,
     "week52LowDate": EPOCH_S, "week52HiDate": EPOCH_S, "intrinsicValue": NUM,
     "timePremium": NUM, "optionMultiplier": NUM, "contractSize": NUM,
     "expirationDate": EPOCH_S, "timeOfLastTrade": EPOCH_S, "averageVolume": INT,
     "osiKey": STR, "optionPreviousBidPrice": NUM, "optionPreviousAskPrice": NUM,
     "optionDeliverableList": obj({}, open=True), "ExtendedHourQuoteDetail": EH_QUOTE},
    optional=["osiKey", "optionPreviousBidPrice", "optionPreviousAskPrice",
              "optionDeliverableList", "ExtendedHourQuoteDetail"],
)  # fmt: skip
FUNDAMENTAL = obj(
    {"companyName": STR, "eps": NUM, "estEarnings": NUM, "high52": NUM, "lastTrade": NUM,
     "low52": NUM, "symbolDescription": STR}
)  # fmt: skip
INTRADAY = obj(
    {**dict.fromkeys(["ask", "bid", "changeClose", "changeClosePercentage", "high", "lastTrade",
                      "low"], NUM), "companyName": STR, "totalVolume": INT}
)  # fmt: skip
OPTION = obj(
    {**dict.fromkeys(["ask", "bid", "lastTrade", "optionPreviousBidPrice",
                      "optionPreviousAskPrice", "intrinsicValue", "timePremium",
                      "optionMultiplier", "contractSize"], NUM),
     "askSize": INT, "bidSize": INT, "companyName": STR, "daysToExpiration": INT,
     "openInterest": INT, "osiKey": STR, "symbolDescription": STR, "OptionGreeks": GREEKS}
)  # fmt: skip
WEEK52 = obj(
    {"companyName": STR, "high52": NUM, "lastTrade": NUM, "low52": NUM, "perf12Months": NUM,
     "previousClose": NUM, "symbolDescription": STR, "totalVolume": INT}
)  # fmt: skip
MUTUAL_FUND = obj(  # "~60 fields": the named ones are required
    {**dict.fromkeys(["netAssetValue", "publicOfferPrice", "initialInvestment",
                      "netExpenseRatio", "grossExpenseRatio", "sevenDayCurrentYield",
                      "averageAnnualReturn1Yr", "averageAnnualReturn10Yr"], NUM),
     "fundFamily": STR, "fundName": STR,
     # strings in the docs model (no capture): a number here breaks typed clients
     **dict.fromkeys(["transactionFee", "earlyRedemptionFee", "salesCharge",
                      "performanceAsOfDate", "qtrlyPerformanceAsOfDate"], STR),
     "NetAssets": obj({"value": NUM, "asOfDate": INT}), "Redemption": obj({}, open=True),
     "deferredSalesCharges": Arr(obj({}, open=True)),
     "frontEndSalesCharges": Arr(obj({}, open=True))},
    open=True,
)  # fmt: skip
DETAIL_BLOCKS = {
    "ALL": ("All", ALL), "FUNDAMENTAL": ("Fundamental", FUNDAMENTAL),
    "INTRADAY": ("Intraday", INTRADAY), "OPTIONS": ("Option", OPTION),
    "WEEK_52": ("Week52", WEEK52), "MF_DETAIL": ("MutualFund", MUTUAL_FUND),
}  # fmt: skip
QUOTE_DATA = obj(
    {"dateTime": ET_TIME, "dateTimeUTC": EPOCH_S,
     "quoteStatus": enum("REALTIME", "DELAYED", "CLOSING", "EH_REALTIME", "EH_BEFORE_OPEN",
                         "EH_CLOSED", "INDICATIVE_REALTIME"),
     "ahFlag": BOOL_TEXT, "hasMiniOptions": BOOL, "Product": PRODUCT,
     "timeZone": STR, "dstFlag": BOOL,
     **{name: spec for name, spec in DETAIL_BLOCKS.values()}},
    optional=["hasMiniOptions", "timeZone", "dstFlag", *(n for n, _ in DETAIL_BLOCKS.values())],
)  # fmt: skip
QUOTES = obj(
    {"QuoteData": Arr(QUOTE_DATA), "Messages": MESSAGES}, optional=["QuoteData", "Messages"]
)

# §2.9-2.11 [DOC-EX pyetrade fixtures][SBX-WET]
LOOKUP = obj(
    {"Data": Arr(obj({"symbol": STR, "description": STR, "type": STR}))}, optional=["Data"]
)
CHAIN_OPTION = obj(
    {"optionCategory": STR, "optionRootSymbol": STR, "timeStamp": EPOCH_S, "adjustedFlag": BOOL,
     "displaySymbol": STR, "optionType": enum("CALL", "PUT"), "strikePrice": NUM, "symbol": STR,
     "bid": NUM, "ask": NUM, "bidSize": INT, "askSize": INT, "inTheMoney": enum("y", "n"),
     "volume": INT, "openInterest": INT, "netChange": NUM, "lastPrice": NUM,
     "quoteDetail": URL, "osiKey": pattern(r"[A-Z^-]{6}\d{6}[CP]\d{8}"), "OptionGreeks": GREEKS}
)  # fmt: skip
OPTION_CHAIN = obj(
    {"OptionPair": Arr(obj({"Call": CHAIN_OPTION, "Put": CHAIN_OPTION}, optional=["Call", "Put"])),
     "timeStamp": EPOCH_S, "quoteType": STR, "nearPrice": NUM,
     "SelectedED": obj({"day": INT, "month": INT, "year": INT})}
)  # fmt: skip
EXPIRE_DATES = obj(
    {"ExpirationDate": Arr(obj({"year": INT, "month": INT, "day": INT, "expiryType": STR}))},
    optional=["ExpirationDate"],
)

# §2.12-2.18 orders [PROD-TBB][SBX-WET][DOC-EX]
ORDER_STATUS = enum(
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
_TERMS = {"orderTerm": STR, "priceType": STR, "limitPrice": NUM, "stopPrice": NUM,
          "marketSession": enum("REGULAR", "EXTENDED"), "allOrNone": BOOL, "netPrice": NUM,
          "netBid": NUM, "netAsk": NUM, "gcd": NUM, "ratio": STR}  # fmt: skip
ORDER_PRODUCT = obj(
    {"symbol": STR, "securityType": STR, "callPut": enum("CALL", "PUT"), "expiryYear": INT,
     "expiryMonth": INT, "expiryDay": INT, "strikePrice": NUM, "productId": obj({"symbol": STR})},
    optional=["callPut", "expiryYear", "expiryMonth", "expiryDay", "strikePrice", "productId"],
)  # fmt: skip
LISTED_INSTRUMENT = obj(
    {"symbolDescription": STR, "orderAction": STR, "quantityType": STR, "orderedQuantity": INT,
     "filledQuantity": NUM, "averageExecutionPrice": NUM, "estimatedCommission": NUM,
     "estimatedFees": NUM, "Product": ORDER_PRODUCT},
    optional=["averageExecutionPrice"],
)  # fmt: skip
ORDER_DETAIL = obj(
    {"orderNumber": INT, "placedTime": EPOCH_MS, "executedTime": EPOCH_MS, "orderValue": NUM,
     "status": ORDER_STATUS, **_TERMS, "bracketedLimitPrice": NUM, "initialStopPrice": NUM,
     "Instrument": Arr(LISTED_INSTRUMENT)},
    optional=["orderNumber", "executedTime", "bracketedLimitPrice", "initialStopPrice"],
)  # fmt: skip
LISTED_ORDER = obj(
    {"orderId": INT, "details": URL, "orderType": STR, "totalOrderValue": NUM,
     "totalCommission": NUM, "OrderDetail": Arr(ORDER_DETAIL), "Events": obj({}, open=True)},
    # §2.14: no clientOrderId; the docs model lists it, production captures do not carry it
    optional=["totalOrderValue", "totalCommission", "Events"],
)  # fmt: skip
ORDERS = obj(
    {"marker": STR, "next": URL, "Order": Arr(LISTED_ORDER), "messages": obj({}, open=True)},
    optional=["marker", "next", "messages"],
)
PREVIEW_INSTRUMENT = obj(
    {"symbolDescription": STR, "orderAction": STR, "quantityType": STR, "quantity": NUM,
     "cancelQuantity": NUM, "reserveOrder": BOOL, "reserveQuantity": NUM,
     "Product": ORDER_PRODUCT}
)  # fmt: skip
PREVIEW_ORDER = obj(
    {**_TERMS, "messages": MESSAGES, "egQual": STR, "estimatedCommission": NUM,
     "estimatedTotalAmount": NUM, "estimatedFees": NUM, "Instrument": Arr(PREVIEW_INSTRUMENT)},
    optional=["messages", "estimatedFees"],
)  # fmt: skip
_BP = obj(
    dict.fromkeys(["currentBp", "currentOor", "currentNetBp", "currentOrderImpact", "netBp"], NUM)
)
PORTFOLIO_MARGIN = obj(
    {"houseExcessEquityNew": NUM, "pmEligible": BOOL, "houseExcessEquityCurr": NUM,
     "houseExcessEquityChange": NUM}
)  # fmt: skip
PREVIEW = obj(
    {"orderType": STR, "totalOrderValue": NUM, "previewTime": EPOCH_MS, "dstFlag": BOOL,
     "accountId": STR, "optionLevelCd": ANY, "marginLevelCd": STR,
     "cashBpDetails": obj({"settled": _BP, "settledUnsettled": _BP}),
     "marginBpDetails": obj({}, open=True), "dtBpDetails": obj({}, open=True),
     "PortfolioMargin": PORTFOLIO_MARGIN,
     "Disclosure": obj(dict.fromkeys(["ehDisclosureFlag", "ahDisclosureFlag",
                                      "conditionalDisclosureFlag", "aoDisclosureFlag"], BOOL)),
     "MessageList": obj({}, open=True), "totalCommission": NUM,
     "PreviewIds": Arr(obj({"previewId": INT, "cashMargin": STR}, optional=["cashMargin"])),
     "Order": Arr(PREVIEW_ORDER)},  # no clientOrderId, as in production (§2.14)
    optional=["marginBpDetails", "dtBpDetails", "PortfolioMargin", "MessageList",
              "totalCommission"],
)  # fmt: skip
PLACE = obj(
    {"orderType": STR, "dstFlag": BOOL, "optionLevelCd": ANY, "marginLevelCd": STR,
     "placedTime": EPOCH_MS, "accountId": STR, "Order": Arr(PREVIEW_ORDER),
     "OrderIds": Arr(obj({"orderId": INT})), "PortfolioMargin": PORTFOLIO_MARGIN,
     "MessageList": obj({}, open=True)},  # no clientOrderId, as in the preview (§2.14)
    optional=["PortfolioMargin", "MessageList"],
)  # fmt: skip
CANCEL = obj({"accountId": STR, "orderId": INT, "cancelTime": INT, "Messages": MESSAGES})

# §2.19-2.21 alerts [DOC-EX LVE][NET][Dal]
ALERTS = obj(
    {"totalAlerts": INT,
     "Alert": Arr(obj({"id": INT, "createTime": EPOCH_S, "subject": STR,
                       "status": enum("READ", "UNREAD", "DELETED")}))}
)  # fmt: skip
ALERT_DETAILS = obj(
    {"id": INT, "createTime": EPOCH_S, "subject": STR, "msgText": STR, "readTime": EPOCH_S,
     "deleteTime": EPOCH_S, "symbol": STR, "next": URL_OR_EMPTY, "prev": URL_OR_EMPTY},
    optional=["symbol"],
)  # fmt: skip
DELETE_ALERTS = obj(
    {"result": enum("SUCCESS", "ERROR"), "failedAlerts": obj({"alertId": Arr(INT)})},
    optional=["failedAlerts"],
)

# Envelope name → schema, per endpoint
ENVELOPES = {
    "accounts": ("AccountListResponse", ACCOUNT_LIST),
    "balance": ("BalanceResponse", BALANCE),
    "portfolio": ("PortfolioResponse", PORTFOLIO),
    "lots": ("PositionLotsResponse", POSITION_LOTS),
    "transactions": ("TransactionListResponse", TRANSACTIONS),
    "transaction": ("TransactionDetailsResponse", TRANSACTION_DETAILS),
    "quotes": ("QuoteResponse", QUOTES),
    "lookup": ("LookupResponse", LOOKUP),
    "chain": ("OptionChainResponse", OPTION_CHAIN),
    "expiries": ("OptionExpireDateResponse", EXPIRE_DATES),
    "orders": ("OrdersResponse", ORDERS),
    "preview": ("PreviewOrderResponse", PREVIEW),
    "place": ("PlaceOrderResponse", PLACE),
    "cancel": ("CancelOrderResponse", CANCEL),
    "alerts": ("AlertsResponse", ALERTS),
    "alert": ("AlertDetailsResponse", ALERT_DETAILS),
    # §2.21: disputed name; the documented DeleteAlertsResponse is checked
    "delete_alerts": ("DeleteAlertsResponse", DELETE_ALERTS),
    "error": ("Error", ERROR),
}
