"""Order request bodies: XML (``application/xml``, as E*TRADE's sample sends) or JSON.

Both become the same tree of dicts, lists and strings/numbers. In XML every element that
may repeat (``Order``, ``Instrument``, ``PreviewIds``) becomes a list even when it appears
once, and text stays text: ``<stopPrice></stopPrice>`` is ``""``, as in the sample.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from .messages import ApiError, Request

ERR_BODY = 1001  # the emulator's own: missing, unreadable or unlabelled order body
REPEATED = frozenset({"Order", "Instrument", "PreviewIds"})


def _element(node: ElementTree.Element) -> Any:
    children = list(node)
    if not children:
        return (node.text or "").strip()
    tree: dict[str, Any] = {}
    for child in children:
        if child.attrib:
            raise ApiError(400, ERR_BODY, f"Unexpected XML attributes on <{child.tag}>.")
        value = _element(child)
        if child.tag in tree:
            previous = tree[child.tag]
            tree[child.tag] = [*(previous if isinstance(previous, list) else [previous]), value]
        elif child.tag in REPEATED:
            tree[child.tag] = [value]
        else:
            tree[child.tag] = value
    return tree


MAX_DEPTH = 32
"""Order bodies nest about 7 deep (request, Order, Instrument, Product); deeper is refused."""
_TOO_DEEP = f"The request body nests deeper than {MAX_DEPTH} levels; an order is far flatter."


class _Declared(Exception):
    pass


def _refuse_declarations(body: bytes) -> None:
    """Refuse any DOCTYPE (so any ENTITY) as expat meets it, in whatever encoding the body
    is written (UTF-16 too, which a byte search misses): no entity expansion, no DTDs."""
    from xml.parsers import expat

    def declared(*_: Any) -> None:
        raise _Declared

    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = declared
    scanner.EntityDeclHandler = declared
    try:
        scanner.Parse(body, True)
    except _Declared:
        raise ApiError(400, ERR_BODY, "DOCTYPE and ENTITY declarations are not accepted.") from None
    except (expat.ExpatError, ValueError):  # ValueError: an encoding expat cannot read
        pass  # not well-formed: ElementTree says where


def _xml_depth(root: ElementTree.Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in node)
    return deepest


def _json_depth(value: Any) -> int:
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def parse_xml(body: bytes) -> dict[str, Any]:
    _refuse_declarations(body)
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ApiError(
            400, ERR_BODY, f"The request body is not well-formed XML: {error}."
        ) from None
    except RecursionError:
        raise ApiError(400, ERR_BODY, _TOO_DEEP) from None
    except ValueError as error:  # "multi-byte encodings are not supported"
        raise ApiError(
            400, ERR_BODY, f"The request body's XML encoding cannot be read ({error}): send UTF-8."
        ) from None
    if _xml_depth(root) > MAX_DEPTH:
        raise ApiError(400, ERR_BODY, _TOO_DEEP)
    tag = root.tag.rsplit("}", 1)[-1]  # a namespace, if any, is not part of the name
    return {tag: _element(root)}


def parse(req: Request) -> dict[str, Any]:
    """The body as a tree, chosen by ``Content-Type`` (XML or JSON; anything else is 415)."""
    ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if not req.body:
        raise ApiError(400, ERR_BODY, "The request body is empty: send the order as XML or JSON.")
    if ctype in ("application/xml", "text/xml"):
        return parse_xml(req.body)
    if ctype == "application/json":
        try:
            payload = json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ApiError(400, ERR_BODY, "The request body is not valid JSON.") from None
        except RecursionError:
            raise ApiError(400, ERR_BODY, _TOO_DEEP) from None
        if _json_depth(payload) > MAX_DEPTH:
            raise ApiError(400, ERR_BODY, _TOO_DEEP)
        if not isinstance(payload, dict):
            raise ApiError(400, ERR_BODY, "The request body must be a JSON object.")
        return payload
    shown = ctype or "none"
    raise ApiError(
        415,
        ERR_BODY,
        f"Unsupported Content-Type {shown}: send the order as application/xml or application/json.",
    )
