"""Fuzzed order bodies and headers never get a 500: E*TRADE's 4xx error shape instead.

The bodies start from a valid order and have any part replaced by any JSON value (lists and
objects in enum fields, numbers where text goes, unknown keys), or are nested deeply; they go
out as JSON or XML with fuzzed headers. Examples are bounded to keep the suite lean.
"""

from __future__ import annotations

import codecs
import json
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KEY = "dBZOKt9xDrtRSAOl4MSiiA"
BASE = f"/v1/accounts/{KEY}/orders"
ENDPOINTS = [
    ("POST", f"{BASE}/preview.json", "PreviewOrderRequest"),
    ("POST", f"{BASE}/place.json", "PlaceOrderRequest"),
    ("PUT", f"{BASE}/1/change/preview.json", "PreviewOrderRequest"),
    ("PUT", f"{BASE}/cancel.json", "CancelOrderRequest"),
]
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def order() -> dict[str, Any]:
    instrument = {
        "Product": {"securityType": "EQ", "symbol": "IBM"},
        "orderAction": "BUY",
        "quantityType": "QUANTITY",
        "quantity": 3,
    }
    detail = {
        "priceType": "LIMIT",
        "limitPrice": 150,
        "orderTerm": "GOOD_FOR_DAY",
        "marketSession": "REGULAR",
        "allOrNone": False,
        "Instrument": [instrument],
    }
    return {"orderType": "EQ", "clientOrderId": "fz1", "Order": [detail]}


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(tree: Any, trail: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [trail]
    if isinstance(tree, dict):
        for k, v in tree.items():
            found += paths(v, (*trail, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            found += paths(v, (*trail, i))
    return found


@st.composite
def bodies(draw: st.DrawFn, root: str) -> dict[str, Any]:
    tree: Any = {"orderId": 1} if root == "CancelOrderRequest" else order()
    for _ in range(draw(st.integers(1, 3))):
        trail = draw(st.sampled_from(paths(tree)[1:]))
        node: Any = tree
        for step in trail[:-1]:
            node = node[step]
        if draw(st.booleans()):
            node[trail[-1]] = draw(values)
        elif isinstance(node, dict):
            node[draw(st.text(min_size=1, max_size=10))] = draw(values)
    return tree


def nested(depth: int) -> str:
    """JSON nested ``depth`` deep (objects and lists in turn), written out as text."""
    opened = "".join('{"Order": ' if i % 2 == 0 else "[" for i in range(depth))
    closed = "".join("}" if i % 2 == 0 else "]" for i in reversed(range(depth)))
    return opened + "1" + closed


def to_xml(name: str, value: Any) -> str:
    tag = name if name.isidentifier() else "x"
    if isinstance(value, dict):
        inner = "".join(to_xml(k, v) for k, v in value.items())
    elif isinstance(value, list):
        return "".join(to_xml(name, v) for v in value)
    else:
        inner = escape("" if value is None else str(value))
    return f"<{tag}>{inner}</{tag}>"


headers = st.fixed_dictionaries(
    {},
    optional={
        "Content-Type": st.sampled_from(
            [
                "application/json",
                "application/xml",
                "text/xml; charset=utf-16",
                "text/plain",
                "application/json; charset=latin-1",
                "",
                "application/x-www-form-urlencoded",
            ]
        ),
        "Accept": st.sampled_from(["application/json", "application/xml", "*/*", "x"]),
        "X-Fuzz": st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
        "Content-Encoding": st.sampled_from(["gzip", "identity"]),
    },
)


@pytest.fixture
def trader(emu: Any, client: Any) -> Any:
    client.login(emu)
    return client


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), data=st.data(), xml=st.booleans(), extra=headers)
def test_fuzzed_order_bodies_and_headers_never_get_a_500(
    trader: Any, endpoint: tuple[str, str, str], data: st.DataObject, xml: bool, extra: Any
) -> None:
    method, path, root = endpoint
    body = data.draw(bodies(root))
    if xml:
        sent = {"Content-Type": "application/xml", **extra}
        raw = to_xml(root, body).encode()
    else:
        sent = {"Content-Type": "application/json", **extra}
        raw = json.dumps({root: body}).encode()
    reply = trader.request(method, path, body=raw, headers=sent)
    assert reply.status < 500, (reply.status, reply.body[:300])


@pytest.mark.parametrize("depth", [40, 2000, 50_000])
def test_deep_nesting_is_a_400_in_etrades_error_shape(trader: Any, depth: int) -> None:
    for ctype, data in (
        ("application/json", ('{"PreviewOrderRequest": ' + nested(depth) + "}").encode()),
        ("application/xml", ("<a>" * depth + "1" + "</a>" * depth).encode()),
    ):
        reply = trader.request(
            "POST", f"{BASE}/preview.json", body=data, headers={"Content-Type": ctype}
        )
        assert reply.status == 400, (ctype, reply.status, reply.body[:200])
        assert "code" in reply.json()["Error"]


@pytest.mark.parametrize("value", [["EQ"], {"a": "EQ"}, [], {}, 7, None])
def test_a_list_or_object_in_an_enum_field_is_a_400(trader: Any, value: Any) -> None:
    for field in ("orderType", "priceType", "orderTerm", "marketSession", "orderAction"):
        body = order()
        target = body if field == "orderType" else body["Order"][0]
        if field == "orderAction":
            target = target["Instrument"][0]
        target[field] = value
        data = json.dumps({"PreviewOrderRequest": body}).encode()
        reply = trader.request(
            "POST", f"{BASE}/preview.json", body=data, headers={"Content-Type": "application/json"}
        )
        assert reply.status == 400, (field, value, reply.status, reply.body[:200])
        assert reply.json()["Error"]["message"]


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-16-be"])
def test_a_doctype_is_refused_in_any_encoding(trader: Any, codec: str) -> None:
    xml = (
        f'<?xml version="1.0" encoding="{codec.upper()}"?>'
        '<!DOCTYPE r [<!ENTITY big "EQ">]><PreviewOrderRequest><orderType>&big;</orderType>'
        "</PreviewOrderRequest>"
    )
    data = (codecs.BOM_UTF16_BE if codec == "utf-16-be" else b"") + xml.encode(codec)
    reply = trader.request(
        "POST", f"{BASE}/preview.json", body=data, headers={"Content-Type": "application/xml"}
    )
    assert reply.status == 400
    message = reply.json()["Error"]["message"]
    if codec == "utf-16-be":  # an encoding name expat cannot read: refused before any entity
        assert "encoding cannot be read" in message
    else:
        assert "DOCTYPE and ENTITY declarations are not accepted" in message
