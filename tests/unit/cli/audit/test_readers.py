"""The three readers: Python by syntax tree, notebooks by structure, text with decodings."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from etrade_nb.cli.audit import Confidence, Finding, scan_bytes, scan_python, scan_text

KEY = "deadbeefc0ffee00facade00badc0de1"  # etrade-nb: allow (planted fake)
SECRET = "badc0de1facade00c0ffee00deadbeef0123456789abcdef0123456789abcdef"  # etrade-nb: allow
TOKEN = "FAKE/TOKEN+for+etrade+nb+tests+only+0000001="  # etrade-nb: allow (planted fake)
TOKEN_SECRET = "FAKE/SECRET+for+etrade+nb+tests+only+000001="  # etrade-nb: allow (planted fake)
VERIFIER = "F4KE9"  # etrade-nb: allow (planted fake)
MD5 = "9dd4e461268c8034f5c8564e155c67a6"


def _got(found: list[Finding]) -> set[tuple[str, str]]:
    return {(f.where, f.kind) for f in found if f.confidence >= Confidence.MEDIUM}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (  # black/ruff layout: the values are on their own lines, located there
            f'flow = OAuthFlow(\n    "{KEY}",\n    "{SECRET}",\n)\n',
            {("line 2", "consumer key"), ("line 3", "consumer secret")},
        ),
        (
            f'import os\nos.environ["ETRADE_CONSUMER_SECRET"] = "{SECRET}"\n',
            {("line 2", "consumer secret")},
        ),
        (
            f'os.environ.setdefault(\n    "ETRADE_CONSUMER_KEY",\n    "{KEY}",\n)\n',
            {("line 3", "consumer key")},
        ),
        (
            f'key, secret = "{KEY}", "{SECRET}"\n',
            {("line 1", "consumer key"), ("line 1", "consumer secret")},
        ),
        (
            f'def login(consumer_key="{KEY}", *, verifier="{VERIFIER}"):\n    pass\n',
            {("line 1", "consumer key"), ("line 1", "verifier")},
        ),
        (
            f'auth = OAuth1("k", "s", "{TOKEN}", "{TOKEN_SECRET}")\n',
            {("line 1", "token"), ("line 1", "token secret")},
        ),
        (f'secret = "badc0de1" + "{SECRET[8:]}"\n', {("line 1", "consumer secret")}),
        (f"%env ETRADE_CONSUMER_KEY={KEY}\nx = 1\n", {("line 1", "consumer key")}),
        (f"session = flow.finish(\n    '{VERIFIER}'\n)\n", {("line 2", "verifier")}),
        (f"for x in y:\n    %etrade_verify {VERIFIER}\n", {("line 2", "verifier")}),
        (f"%%bash\nexport ETRADE_CONSUMER_SECRET={SECRET}\n", {("line 2", "consumer secret")}),
    ],
)
def test_python_by_call_and_assignment(source: str, expected: set[tuple[str, str]]) -> None:
    assert _got(scan_python(source, "x.py")) == expected


@pytest.mark.parametrize(
    "source",
    [
        "flow = OAuthFlow(consumer_key, consumer_secret)\n",
        f'cache = {{"cache_key": "{MD5}", "etag": "{MD5[::-1]}"}}\n',
        f'lookup("{MD5}", "{MD5}")  # the same digest twice is not a key and secret\n',
        f'row = ("{MD5}", "{MD5[::-1]}")  # two digests, no names\n',
        'status_code = "E1234"\nzip_code = "10001"\n',
        f'flow = OAuthFlow(  # etrade-nb: allow\n    "{KEY}",\n    "{SECRET}",\n)\n',
    ],
)
def test_python_that_holds_no_secret(source: str) -> None:
    assert _got(scan_python(source, "x.py")) == set()


def _nb(widgets: dict[str, object] | None = None, /, **cell: object) -> bytes:
    metadata: dict[str, object] = {"kernelspec": {"language": "python", "name": "python3"}}
    if widgets:
        metadata["widgets"] = {
            "application/vnd.jupyter.widget-state+json": {"state": widgets, "version_major": 2}
        }
    base = {"cell_type": "code", "metadata": {}, "outputs": [], "source": ""}
    doc = {"cells": [{**base, **cell}], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc).encode()


def _model(name: str, **state: object) -> dict[str, object]:
    return {"model_name": name, "state": {"_model_name": name, **state}}


MODEL = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ({"placeholder": "Paste the code E*TRADE showed"}, "verifier"),
        ({"description": "Verifier"}, "verifier"),
        ({"description": "Consumer secret"}, "consumer secret"),
    ],
)
def test_widget_values_are_judged_by_their_labels(label: dict[str, str], kind: str) -> None:
    value = SECRET if kind == "consumer secret" else VERIFIER
    data = _nb({MODEL: _model("TextModel", value=value, **label)})
    found = scan_bytes(data, "w.ipynb", "w.ipynb")
    assert _got(found) == {(f"widget model {MODEL} (TextModel) trait 'value'", kind)}
    unlabelled = _nb({MODEL: _model("TextModel", value=VERIFIER)})
    assert scan_bytes(unlabelled, "w.ipynb", "w.ipynb") == []  # a bare short code is not enough


def test_upload_buffers_ipywidgets_7_and_a_notebook_upload() -> None:
    ini = f"[live]\nconsumer_key = {KEY}\n".encode()
    seven = _model("FileUploadModel", data=[None], metadata=[{"name": "credentials.ini"}])
    seven["buffers"] = [
        {"encoding": "base64", "path": ["data", 0], "data": base64.b64encode(ini).decode()}
    ]
    found = scan_bytes(_nb({MODEL: seven}), "u.ipynb", "u.ipynb")
    where = f"widget model {MODEL} (FileUploadModel) upload 'credentials.ini' line 2"
    assert _got(found) == {(where, "consumer key")}
    inner = _nb(source=f'flow = OAuthFlow(\n "{KEY}",\n "{SECRET}")\n')
    eight = _model("FileUploadModel", value=[{"name": "login.ipynb", "size": len(inner)}])
    eight["buffers"] = [
        {
            "encoding": "base64",
            "path": ["value", 0, "content"],
            "data": base64.b64encode(inner).decode(),
        }
    ]
    found = scan_bytes(_nb({MODEL: eight}), "u.ipynb", "u.ipynb")
    prefix = f"widget model {MODEL} (FileUploadModel) upload 'login.ipynb', cell 1, source"
    assert _got(found) == {
        (f"{prefix} line 2", "consumer key"),
        (f"{prefix} line 3", "consumer secret"),
    }


def test_outputs_attachments_and_errors() -> None:
    jpeg = b"\xff\xd8\xff\xfe\x00\x40" + f"oauth_token_secret={TOKEN_SECRET}".encode() + b"\0" * 80
    cell = {
        "outputs": [
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"image/jpeg": base64.b64encode(jpeg).decode()},
            },
            {
                "output_type": "error",
                "ename": "E",
                "evalue": f"bad verifier {VERIFIER}",
                "traceback": [],
            },
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"image/svg+xml": f"<text>token={TOKEN}</text>"},
            },
        ],
    }
    found = scan_bytes(_nb(**cell), "o.ipynb", "o.ipynb")
    assert _got(found) == {
        ("cell 1, output 1 (image/jpeg)", "token secret"),
        ("cell 1, output 2 (error) line 1", "verifier"),
        ("cell 1, output 3 (image/svg+xml) line 1", "token"),
    }
    markdown = {
        "cell_type": "markdown",
        "source": "![shot](attachment:a.png)",
        "attachments": {"a.png": {"text/plain": f"oauth_token={TOKEN}"}},
    }
    found = scan_bytes(_nb(**markdown), "m.ipynb", "m.ipynb")
    assert _got(found) == {("cell 1, attachment 'a.png' (text/plain) line 1", "token")}


def test_text_with_encodings_and_block_scalars(tmp_path: Path) -> None:
    wrapped = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    text = "auth:\n  basic: |\n" + "".join(
        f"    {wrapped[i : i + 50]}\n" for i in range(0, len(wrapped), 50)
    )
    assert _got(scan_text(text, "a.yaml")) == {
        ("line 2", "consumer key"),
        ("line 2", "consumer secret"),
    }
    found = scan_text(f"oauth_token={TOKEN.replace('/', '%252F')}\n", "x.log")
    assert [(f.kind, f.encoding) for f in found] == [("token", "percent-encoded, percent-encoded")]


def test_a_location_never_spells_the_value() -> None:
    data = json.dumps({"tokens": {TOKEN: {"secret": TOKEN_SECRET}}}).encode()
    found = scan_bytes(_nb(metadata={"cache": json.loads(data)}), "k.ipynb", "k.ipynb")
    assert {f.kind for f in found} == {"token", "token secret"}
    assert all(TOKEN not in str(f) and TOKEN_SECRET not in str(f) for f in found)


def test_nbformat_3_notebooks_are_read() -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + f"oauth_token={TOKEN}".encode() + b"\0" * 80)
    doc = {
        "nbformat": 3,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": f'OAuthFlow("{KEY}", "{SECRET}")',
                        "outputs": [],
                    },
                    {
                        "cell_type": "code",
                        "input": "show()",
                        "outputs": [{"output_type": "display_data", "png": png.decode()}],
                    },
                ]
            }
        ],
    }
    found = scan_bytes(json.dumps(doc).encode(), "old.ipynb", "old.ipynb")
    assert _got(found) == {
        ("cell 1, source line 1", "consumer key"),
        ("cell 1, source line 1", "consumer secret"),
        ("cell 2, output 1 (png)", "token"),
    }


def test_deeply_nested_source_is_still_read() -> None:
    source = "x = " + " + ".join(['"a"'] * 20000) + f'\nconsumer_secret = "{SECRET}"\n'
    assert _got(scan_python(source, "deep.py")) == {("line 2", "consumer secret")}


def test_names_read_as_phrases_and_either_branch_of_an_expression() -> None:
    assert _got(scan_text(f"Consumer Key: {KEY}\n", "n.md")) == {("line 1", "consumer key")}
    found = scan_text(f"Consumer Key: {KEY}\n", "n.md")
    assert [f.confidence for f in found] == [Confidence.HIGH]  # "Key" alone would be medium
    assert scan_text(f"cache key: {KEY}\n", "n.md") == []
    source = f"verification_code = input() or '{VERIFIER}'\nkey = '{KEY}' if live else ''\n"
    assert _got(scan_python(source, "x.py")) == {("line 1", "verifier"), ("line 2", "consumer key")}


def test_state_saved_by_real_ipywidgets_is_read() -> None:
    """The exact shapes ipywidgets 8 saves: FileUpload content in buffers, Text value."""
    import datetime

    widgets = pytest.importorskip("ipywidgets")
    ini = f"[live]\nconsumer_key = {KEY}\nconsumer_secret = {SECRET}\n".encode()
    upload = widgets.FileUpload(accept=".ini")
    code = widgets.Text(description="Code:", placeholder="verification code")
    try:
        when = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
        upload.set_trait(
            "value",
            (
                {
                    "name": "credentials.ini",
                    "type": "",
                    "size": len(ini),
                    "last_modified": when,
                    "content": memoryview(ini),
                },
            ),
        )
        code.value = VERIFIER
        upload_id, code_id = upload.model_id, code.model_id
        state = widgets.Widget.get_manager_state(drop_defaults=True)
        mine = {k: v for k, v in state["state"].items() if k in (upload_id, code_id)}
        assert "buffers" in mine[upload_id]  # the file is not in "state" but beside it
    finally:
        upload.close()
        code.close()
    doc = {
        "cells": [],
        "metadata": {
            "widgets": {"application/vnd.jupyter.widget-state+json": {**state, "state": mine}}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    found = scan_bytes(json.dumps(doc).encode(), "saved.ipynb", "saved.ipynb")
    uploaded = f"widget model {upload_id} (FileUploadModel) upload 'credentials.ini'"
    assert _got(found) == {
        (f"{uploaded} line 2", "consumer key"),
        (f"{uploaded} line 3", "consumer secret"),
        (f"widget model {code_id} (TextModel) trait 'value'", "verifier"),
    }
