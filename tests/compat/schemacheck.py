"""A small schema checker for E*TRADE answers, in JSON or XML.

A schema is built from ``Obj`` (named fields; ``optional`` ones may be absent; ``open``
objects may carry fields the reference does not list), ``Arr`` (a JSON array even with one
member, reference §1.2; repeated elements in XML) and scalar types. The same schema checks
a JSON tree and an XML element, so both formats are held to the same wire names and nesting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree


@dataclass(frozen=True)
class Scalar:
    name: str
    json_ok: Callable[[Any], bool]
    xml_ok: Callable[[str], bool]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


_INT_TEXT = re.compile(r"-?\d+")
_NUM_TEXT = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")

INT = Scalar("integer", _is_int, lambda s: bool(_INT_TEXT.fullmatch(s)))
NUM = Scalar("number", _is_num, lambda s: bool(_NUM_TEXT.fullmatch(s)))
STR = Scalar("string", lambda v: isinstance(v, str), lambda s: True)
BOOL = Scalar("boolean", lambda v: isinstance(v, bool), lambda s: s in ("true", "false"))
# "true"/"false" as a JSON *string* (ahFlag, reference §3 item 3)
BOOL_TEXT = Scalar(
    "'true'/'false' string", lambda v: v in ("true", "false"), lambda s: s in ("true", "false")
)
URL = Scalar(
    "http URL",
    lambda v: isinstance(v, str) and v.startswith("http"),
    lambda s: s.startswith("http"),
)
# epoch seconds / milliseconds as integers; placeholders may be negative (reference §1.6)
EPOCH_S = Scalar(
    "epoch seconds",
    lambda v: _is_int(v) and abs(v) < 10**11,
    lambda s: bool(_INT_TEXT.fullmatch(s)) and abs(int(s)) < 10**11,
)
EPOCH_MS = Scalar(
    "epoch milliseconds",
    lambda v: _is_int(v) and (v <= 0 or v > 10**11),
    lambda s: bool(_INT_TEXT.fullmatch(s)) and (int(s) <= 0 or int(s) > 10**11),
)


def enum(*values: str) -> Scalar:
    return Scalar("one of " + "/".join(values), lambda v: v in values, lambda s: s in values)


def pattern(regex: str) -> Scalar:
    r = re.compile(regex)
    return Scalar(
        f"matching {regex}",
        lambda v: isinstance(v, str) and bool(r.fullmatch(v)),
        lambda s: bool(r.fullmatch(s)),
    )


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Any]
    optional: frozenset[str] = field(default_factory=frozenset)
    open: bool = False


@dataclass(frozen=True)
class Arr:
    item: Any


def obj(fields: dict[str, Any], optional: Iterable[str] = (), open: bool = False) -> Obj:
    unknown = set(optional) - set(fields)
    assert not unknown, f"optional names not in fields: {unknown}"
    return Obj(fields, frozenset(optional), open)


class SchemaError(AssertionError):
    pass


def check_json(value: Any, spec: Any, path: str = "$") -> None:
    """Raise ``SchemaError`` naming the first place ``value`` differs from ``spec``."""
    if isinstance(spec, Scalar):
        if not spec.json_ok(value):
            raise SchemaError(f"{path}: expected {spec.name}, got {value!r}")
    elif isinstance(spec, Arr):
        if not isinstance(value, list):
            raise SchemaError(f"{path}: expected a JSON array, got {type(value).__name__}")
        for i, item in enumerate(value):
            check_json(item, spec.item, f"{path}[{i}]")
    elif isinstance(spec, Obj):
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected an object, got {value!r}")
        missing = [k for k in spec.fields if k not in value and k not in spec.optional]
        if missing:
            raise SchemaError(f"{path}: missing {missing}")
        extra = sorted(set(value) - set(spec.fields))
        if extra and not spec.open:
            raise SchemaError(f"{path}: names the reference does not list: {extra}")
        for k, sub in spec.fields.items():
            if k in value:
                check_json(value[k], sub, f"{path}.{k}")
    else:  # pragma: no cover - a bad schema
        raise TypeError(spec)


def check_xml(element: ElementTree.Element, spec: Any, path: str | None = None) -> None:
    """The same check on an XML element (``spec`` describes its content)."""
    path = path or element.tag
    if isinstance(spec, Scalar):
        if len(element):
            raise SchemaError(f"{path}: expected {spec.name} text, got child elements")
        if not spec.xml_ok(element.text or ""):
            raise SchemaError(f"{path}: expected {spec.name}, got {element.text!r}")
        return
    if not isinstance(spec, Obj):  # pragma: no cover - arrays are handled by the parent
        raise TypeError(spec)
    children: dict[str, list[ElementTree.Element]] = {}
    for child in element:
        children.setdefault(child.tag, []).append(child)
    _check_xml_names(path, spec, set(children))
    for name, elements in children.items():
        sub = spec.fields.get(name)
        if sub is None:
            continue
        if isinstance(sub, Arr):
            for i, child in enumerate(elements):
                check_xml(child, sub.item, f"{path}.{name}[{i}]")
        else:
            if len(elements) > 1:
                raise SchemaError(f"{path}.{name}: repeated, but the reference has one")
            check_xml(elements[0], sub, f"{path}.{name}")


def _check_xml_names(path: str, spec: Obj, present: set[str]) -> None:
    missing = [k for k in spec.fields if k not in present and k not in spec.optional]
    # an empty JSON array has no XML element at all
    missing = [k for k in missing if not isinstance(spec.fields[k], Arr)]
    if missing:
        raise SchemaError(f"{path}: missing {missing}")
    extra = sorted(present - set(spec.fields))
    if extra and not spec.open:
        raise SchemaError(f"{path}: names the reference does not list: {extra}")


def check_root_json(doc: Any, root: str, spec: Any) -> None:
    if not isinstance(doc, dict) or list(doc) != [root]:
        raise SchemaError(
            f"expected one top-level {root}, got {list(doc) if isinstance(doc, dict) else doc!r}"
        )
    check_json(doc[root], spec, root)


def check_root_xml(body: bytes, root: str, spec: Any) -> ElementTree.Element:
    element = ElementTree.fromstring(body)
    if element.tag != root:
        raise SchemaError(f"expected root <{root}>, got <{element.tag}>")
    check_xml(element, spec)
    return element
