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


def parse_xml(body: bytes) -> dict[str, Any]:
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:  # no entity expansion, no external DTDs
        raise ApiError(400, ERR_BODY, "DOCTYPE and ENTITY declarations are not accepted.")
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as error:
        raise ApiError(
            400, ERR_BODY, f"The request body is not well-formed XML: {error}."
        ) from None
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
        if not isinstance(payload, dict):
            raise ApiError(400, ERR_BODY, "The request body must be a JSON object.")
        return payload
    shown = ctype or "none"
    raise ApiError(
        415,
        ERR_BODY,
        f"Unsupported Content-Type {shown}: send the order as application/xml or application/json.",
    )
