"""Secrets in notebook JSON: every cell, every output, saved widget state and metadata.

- code cells are read as Python (:mod:`.python_source`), markdown and raw cells as text;
- outputs: streams, every MIME type of ``display_data``/``execute_result`` (text, HTML,
  JSON, SVG; images and PDFs are base64-decoded and their strings and PNG text chunks read),
  errors (``evalue`` and traceback) and output metadata;
- saved widget state (``metadata.widgets``): every trait of every model, a Text or Password
  widget's ``value`` judged by its ``description``/``placeholder`` ("Code:" makes a short
  upper-case value a verifier), and binary buffers, such as the files a ``FileUpload`` widget
  holds (an uploaded ``credentials.ini`` is read as an ``.ini`` file);
- cell attachments and notebook metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from .decode import b64_bytes, binary_strings
from .findings import PRAGMA, Finding, merge
from .names import Named, Role, role_of
from .python_source import scan_python
from .shapes import judge
from .text import context_role, scan_line, scan_text

BytesScanner = Callable[[bytes, str, str, str], list[Finding]]
_WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_BINARY = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf")
_V3_BINARY = frozenset({"png", "jpeg", "pdf"})
_V3_TEXT = frozenset({"html", "json", "latex", "svg", "javascript", "markdown"})
_LABEL_TRAITS = ("description", "placeholder", "tooltip", "description_tooltip", "title")
_VALUE_LIKE = re.compile(r"(?=.*[0-9])[A-Za-z0-9+/=_%-]{16,}")
_ID_TRAITS = frozenset({"model_id", "_model_id", "_view_id", "id", "msg_id", "layout", "style"})


def _text(value: Any) -> str:
    """nbformat multiline strings are a string or a list of strings."""
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else json.dumps(value, default=str)


def leaves(value: Any, trail: str = "") -> Iterator[tuple[str, str]]:
    """``(dotted.key, string)`` for every string inside nested dicts and lists.

    A key that looks like a value (a token cache keyed by token) is a leaf itself, under its
    parent's name, and shows as ``…`` in the trail, so a location never spells a secret.
    """
    if isinstance(value, dict):
        for key, item in value.items():
            label = str(key)
            if _VALUE_LIKE.fullmatch(label):
                yield trail or "key", label
                label = "…"
            yield from leaves(item, f"{trail}.{label}" if trail else label)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{trail}[{i}]")
    elif isinstance(value, str):
        yield trail, value


def _last_name(trail: str) -> str:
    return trail.rsplit(".", 1)[-1].split("[", 1)[0]


def scan_value(
    value: str, named: Named | None, path: str, where: str, label: str = ""
) -> list[Finding]:
    """One stored value: judged whole under its name, and read as text (encodings, URLs).

    ``label`` (the key or trait name) is put before the first line as ``label: ``.
    """
    if PRAGMA.search(value):
        return []
    found = [Finding(path, where, kind, conf) for kind, conf in judge(value.strip(), named)]
    lines = value.splitlines() or [""]
    for number, line in enumerate(lines, start=1):
        place = f"{where} line {number}" if len(lines) > 1 else where
        text = f"{label}: {line}" if label and number == 1 else line
        found += [Finding(path, place, k, c, how) for k, c, how in scan_line(text)]
    return found


def scan_tree(value: Any, path: str, where: str) -> list[Finding]:
    """JSON-like data: each string judged under its key (``oauth_token`` says what it is)."""
    found: list[Finding] = []
    for trail, text in leaves(value):
        name = _last_name(trail)
        found += scan_value(text, role_of(name), path, f"{where} {trail!r}", name)
    return found


def scan_binary(data: bytes, path: str, where: str) -> list[Finding]:
    """Strings inside binary data (images, PDFs): PNG text chunks and printable runs."""
    found = []
    for piece in binary_strings(data):
        found += [Finding(path, where, k, c, how or "binary") for k, c, how in scan_line(piece)]
    return found


def _scan_output(output: dict[str, Any], path: str, where: str) -> list[Finding]:
    found: list[Finding] = []
    if "text" in output:
        found += scan_text(_text(output["text"]), path, f"{where} ({output.get('name', 'text')})")
    for mime, value in (output.get("data") or {}).items():
        label = f"{where} ({mime})"
        if mime.startswith(_BINARY) and isinstance(value, (str, list)):
            data = b64_bytes("".join(_text(value).split()))
            if data is not None:
                found += scan_binary(data, path, label)
        elif isinstance(value, (dict, list)) and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            found += scan_tree(value, path, label)
        else:
            found += scan_text(_text(value), path, label)
    for short, value in output.items():  # nbformat 3: "png", "html", "json" at the top
        if short in _V3_BINARY and isinstance(value, (str, list)):
            data = b64_bytes("".join(_text(value).split()))
            if data is not None:
                found += scan_binary(data, path, f"{where} ({short})")
        elif short in _V3_TEXT:
            found += scan_text(_text(value), path, f"{where} ({short})")
    if output.get("output_type") in ("error", "pyerr"):
        found += scan_text(str(output.get("evalue", "")), path, f"{where} (error)")
        traceback = "\n".join(str(t) for t in output.get("traceback", []))
        found += scan_text(traceback, path, f"{where} (traceback)")
    found += scan_tree(output.get("metadata") or {}, path, f"{where} metadata")
    return found


def _follow(state: dict[str, Any], trail: list[Any]) -> Any:
    node: Any = state
    for step in trail:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _upload_name(state: dict[str, Any], trail: list[Any]) -> str:
    """The file name of an uploaded buffer (ipywidgets 8 ``value[i]``, 7 ``metadata[i]``)."""
    for parent in (_follow(state, trail[:-1]), _follow(state, ["metadata", *trail[1:]])):
        if isinstance(parent, dict) and isinstance(parent.get("name"), str):
            return str(parent["name"])
    return "upload"


def _scan_model(
    model_id: str, model: dict[str, Any], path: str, scan_bytes: BytesScanner
) -> list[Finding]:
    state = model.get("state") if isinstance(model.get("state"), dict) else {}
    assert isinstance(state, dict)
    name = state.get("_model_name") or model.get("model_name") or "?"
    where = f"widget model {model_id} ({name})"
    labels = [state.get(t) for t in _LABEL_TRAITS if isinstance(state.get(t), str)]
    roles = [r for r in (context_role(f"{label} ") for label in labels) if r]
    named = max(roles, key=lambda r: r.strong, default=None)
    if named is None and "Password" in str(name):
        named = Named(Role.SECRET, False)
    found: list[Finding] = []
    for trait, value in state.items():
        if trait in _ID_TRAITS or trait.startswith(("_model_", "_view_")):
            continue
        if isinstance(value, str):
            found += scan_value(value, named or role_of(trait), path, f"{where} trait {trait!r}")
        else:
            found += scan_tree({trait: value}, path, f"{where} trait")
    for buffer in model.get("buffers") or []:
        if not isinstance(buffer, dict) or not isinstance(buffer.get("data"), str):
            continue
        data = b64_bytes("".join(buffer["data"].split()))
        trail = buffer["path"] if isinstance(buffer.get("path"), list) else []
        if data is not None:
            filename = _upload_name(state, trail)
            found += scan_bytes(data, filename, path, f"{where} upload {filename!r}")
    return found


def _scan_widgets(widgets: Any, path: str, scan_bytes: BytesScanner) -> list[Finding]:
    found: list[Finding] = []
    if not isinstance(widgets, dict):
        return found
    for mime, bundle in widgets.items():
        models = bundle.get("state") if isinstance(bundle, dict) else None
        if mime != _WIDGET_STATE or not isinstance(models, dict):
            found += scan_tree(bundle, path, f"widget metadata {mime!r}")
            continue
        for model_id, model in models.items():
            if isinstance(model, dict):
                found += _scan_model(str(model_id), model, path, scan_bytes)
    return found


def scan_notebook(doc: dict[str, Any], path: str, scan_bytes: BytesScanner) -> list[Finding]:
    """Findings in a parsed ``.ipynb`` document (cells are numbered from 1)."""
    found: list[Finding] = []
    metadata = dict(doc.get("metadata") or {})
    language = str((metadata.get("kernelspec") or {}).get("language", "python")).lower()
    cells = doc.get("cells") or [
        cell  # nbformat 3: cells inside worksheets, code in "input"
        for sheet in doc.get("worksheets") or []
        if isinstance(sheet, dict)
        for cell in sheet.get("cells") or []
    ]
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        where = f"cell {number}"
        source = _text(cell.get("source", cell.get("input", "")))
        if cell.get("cell_type") == "code" and language == "python":
            found += scan_python(source, path, f"{where}, source")
        else:
            found += scan_text(source, path, f"{where}, source")
        for i, output in enumerate(cell.get("outputs") or [], start=1):
            if isinstance(output, dict):
                found += _scan_output(output, path, f"{where}, output {i}")
        found += scan_tree(cell.get("metadata") or {}, path, f"{where}, metadata")
        for name, bundle in (cell.get("attachments") or {}).items():
            if isinstance(bundle, dict):
                found += _scan_output({"data": bundle}, path, f"{where}, attachment {name!r}")
    found += _scan_widgets(metadata.pop("widgets", None), path, scan_bytes)
    found += scan_tree(metadata, path, "notebook metadata")
    return merge(found)
