"""``etrade-nb audit PATH...``: find E*TRADE secrets in notebooks and files before they leak.

What is read, and how:

- Python (``.py``, notebook code cells) by its syntax tree: calls by call, wherever the
  arguments sit (:mod:`.python_source`), assignments, dict literals, keyword arguments;
- notebooks as JSON: every cell, every output (text, HTML, JSON, images), saved widget state
  including ``FileUpload`` buffers, and metadata (:mod:`.notebook`);
- everything else as text, line by line, YAML block scalars included (:mod:`.text`);
- in all of them, values hidden in base64 (also URL-safe and ``data:`` URIs), percent-encoding
  (also double) and JSON escapes are decoded first (:mod:`.decode`).

A value is judged by its shape (:mod:`.shapes`) and the name it is given (:mod:`.names`);
each finding has a confidence (high, medium, low), and findings below ``--min-confidence``
(medium) are counted but not listed. Folders are searched for the files
:func:`.files.wanted` names (including ``.env.local``, ``.envrc`` and ``*.sh``). Each finding
is printed as location, kind and confidence only; the secret itself is never printed::

    $ etrade-nb audit notebooks/
    notebooks/login.ipynb: cell 3, source line 2: consumer secret (high confidence)
    ...
    etrade-nb audit: scanned 4 files, 2 findings in 1 file. Remove them ...

Exit status: 0 clean, 1 findings, 2 usage error or a file that could not be read.
``etrade-nb: allow`` on a line (for example ``# etrade-nb: allow``) marks it as holding no
secret (on any line of a Python statement: the whole statement). As a pre-commit hook::

    - repo: <this repository>
      hooks: [{id: etrade-nb-audit}]
"""

from __future__ import annotations

from .cli import main
from .files import EXTENSIONS, HOOK_PATTERN, audit, iter_files, scan_bytes, scan_file, wanted
from .findings import Finding, ranked
from .notebook import scan_notebook
from .python_source import scan_python
from .shapes import KINDS, Confidence
from .text import scan_line, scan_text

__all__ = [
    "EXTENSIONS",
    "HOOK_PATTERN",
    "KINDS",
    "Confidence",
    "Finding",
    "audit",
    "iter_files",
    "main",
    "ranked",
    "scan_bytes",
    "scan_file",
    "scan_line",
    "scan_notebook",
    "scan_python",
    "scan_text",
    "wanted",
]
