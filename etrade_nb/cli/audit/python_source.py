"""Secrets in Python source, found by call and assignment (AST), not by line.

- calls with known parameters, wherever their arguments are on the page:
  ``OAuthFlow(<key>, <secret>)``, ``save_credentials(…)``, ``AccessToken(…)``,
  ``OAuth1Session(…)``, ``flow.finish(<code>)`` (:data:`.shapes.CALLS`), and any keyword
  argument whose name says what it is (``consumer_secret=…``, ``verifier=…``);
- assignments to telling names: ``consumer_secret = "…"``, ``code = "<the code>"``,
  ``os.environ["ETRADE_CONSUMER_KEY"] = "…"``, ``key, secret = "…", "…"``;
- dict literals: ``{"oauth_token": "…"}`` by key, ``{"k": <key>, "s": <secret>}`` by the
  values' shapes (a 32-hex value followed by a 32-64-hex value is a consumer key and secret);
- ``os.environ.setdefault("ETRADE_CONSUMER_SECRET", "…")``: a name followed by its value.

Literals are strings, bytes, f-strings without fields and ``"…" + "…"``. IPython syntax
(``%magic``, ``!cmd``) is blanked before parsing; source that still does not parse is read
as logical lines (continuation lines joined). Everything is also read as text
(:mod:`.text`), which covers comments, docstrings and URLs inside strings.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from itertools import pairwise

from .findings import PRAGMA, Finding, merge
from .names import CALLS, NOT_SECRET, Named, Role, role_of, words
from .shapes import Verdict, is_hex, judge
from .text import scan_line, scan_text

_IPYTHON = re.compile(r"^(\s*)(?:[%!?]|\w+\s*=\s*[%!])")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
Emit = tuple[int, Verdict]


def literal(node: ast.AST | None) -> str | None:
    """The string value of a literal expression, or ``None``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        value = node.value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal(node.left), literal(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _name(node: ast.AST) -> str | None:
    """The name a value is bound to: ``x``, ``obj.x``, ``d["x"]``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return literal(node.slice)
    return None


_COMPOUND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While)


class _Visitor(ast.NodeVisitor):
    """Collects ``(line, verdict)``; a simple statement with the pragma on any line is skipped."""

    def __init__(self, allowed: set[int]) -> None:
        self.emitted: list[Emit] = []
        self.allowed = allowed
        self.quiet = False

    def visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.stmt) and not isinstance(node, (*_COMPOUND, ast.With, ast.Try)):
            end = getattr(node, "end_lineno", None) or node.lineno
            before, self.quiet = self.quiet, bool(self.allowed & set(range(node.lineno, end + 1)))
            super().visit(node)
            self.quiet = before
        else:
            super().visit(node)

    def emit(self, node: ast.AST, named: Named | None) -> None:
        if isinstance(node, ast.BoolOp):  # input() or "…"
            for value_node in node.values:
                self.emit(value_node, named)
            return
        if isinstance(node, ast.IfExp):  # "…" if live else "…"
            self.emit(node.body, named)
            self.emit(node.orelse, named)
            return
        value = literal(node)
        line = getattr(node, "lineno", 0)
        if value is not None and not self.quiet and line not in self.allowed:
            self.emitted.extend((line, verdict) for verdict in judge(value, named))

    def pairs(self, nodes: list[ast.expr]) -> None:
        """Adjacent literals of a consumer key's and a secret's shapes (32 and 64 hex digits)."""
        for first, second in pairwise(nodes):
            a, b = literal(first), literal(second)
            if not (a and b and a != b and len(a) == 32 and len(b) == 64):
                continue
            if is_hex(a) and is_hex(b):
                self.emit(first, Named(Role.KEY, False))
                self.emit(second, Named(Role.SECRET, False))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        roles = CALLS.get(name, ())
        for i, arg in enumerate(node.args):
            self.emit(arg, Named(roles[i], True) if i < len(roles) else None)
        for previous, arg in pairwise(node.args):
            label = literal(previous)
            if label and _ENV_NAME.fullmatch(label):
                named = role_of(label)
                if named:
                    self.emit(arg, named)
        for keyword in node.keywords:
            if keyword.arg:
                self.emit(keyword.value, role_of(keyword.arg))
        self.pairs(node.args)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        unnamed = []  # values whose key says nothing, or says "hash" (cache_key, etag)
        for key, value in zip(node.keys, node.values, strict=False):
            label = literal(key)
            self.emit(value, role_of(label) if label else None)
            if not (label and any(w in NOT_SECRET for w in words(label))):
                unnamed.append(value)
        self.pairs(unnamed)
        self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> None:
        self.pairs(node.elts)
        self.generic_visit(node)

    def visit_List(self, node: ast.List) -> None:
        self.pairs(node.elts)
        self.generic_visit(node)

    def _bind(self, target: ast.AST, value: ast.AST | None) -> None:
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
            for t, v in zip(target.elts, value.elts, strict=False):
                self._bind(t, v)
            return
        name = _name(target)
        if name and value is not None:
            self.emit(value, role_of(name))

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._bind(node.target, node.value)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target, node.value)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Default values of telling parameters: ``def login(key="…", secret="…")``."""
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        with_defaults = positional[len(positional) - len(args.defaults) :]
        for arg, default in zip(with_defaults, args.defaults, strict=True):
            self.emit(default, role_of(arg.arg))
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            if kw_default is not None:
                self.emit(kw_default, role_of(arg.arg))
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef


def blank_ipython(source: str) -> str:
    """``source`` with IPython-only lines (``%magic``, ``!cmd``, ``x = !cmd``) made ``pass``."""
    lines = source.split("\n")
    for i, line in enumerate(lines):
        m = _IPYTHON.match(line)
        if m:
            lines[i] = f"{m.group(1)}pass"
    return "\n".join(lines)


def logical_lines(source: str) -> Iterator[tuple[int, str]]:
    """``(first line, joined text)`` for statements spanning lines, from tokens (no AST)."""
    parts: list[str] = []
    start = 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if parts and tok.start[0] > start:
                    yield start, " ".join(parts)
                parts = []
            elif tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT):
                if not parts:
                    start = tok.start[0]
                parts.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        if parts:
            yield start, " ".join(parts)


def scan_python(source: str, path: str, where: str = "") -> list[Finding]:
    """Findings in Python (or IPython) ``source``, located by line."""
    if source.lstrip().startswith("%%"):
        return scan_text(source, path, where)  # a cell magic: the body is not Python
    lines = source.split("\n")
    allowed = {i + 1 for i, line in enumerate(lines) if PRAGMA.search(line)}

    def place(line: int) -> str:
        return f"{where} line {line}" if where else f"line {line}"

    found: list[Finding] = []
    code = blank_ipython(source)
    try:
        visitor = _Visitor(allowed)
        visitor.visit(ast.parse(code))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        for start, joined in logical_lines(code):  # no tree: statements as joined lines
            if start not in allowed:
                for kind, confidence, how in scan_line(joined):
                    found.append(Finding(path, place(start), kind, confidence, how))
    else:
        for line, (kind, confidence) in visitor.emitted:
            found.append(Finding(path, place(line), kind, confidence))
    return merge(found + scan_text(source, path, where))
