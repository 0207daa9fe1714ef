"""Reading E*TRADE's answers never fails with anything but ``EtradeError`` (hypothesis).

Responses are built by hand (no network): arbitrary statuses, headers and bodies, plus
bodies shaped like E*TRADE's token forms, JSON/XML error documents and Tomcat pages.
"""

from __future__ import annotations

import json

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etrade_nb.api.responses import decode_json, error_for, oauth_problem, parse_token_body
from etrade_nb.errors import EtradeError

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_text = st.text(max_size=200)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)
_problems = st.sampled_from(
    [
        "token_expired",
        "token_rejected",
        "signature_invalid",
        "consumer_key_rejected",
        "timestamp_refused",
        "nonce_used",
        "",
        "x" * 300,
    ]
)


@st.composite
def _bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 6))
    if kind == 0:
        return draw(st.binary(max_size=400))
    if kind == 1:
        return draw(_text).encode("utf-8", "surrogatepass")
    if kind == 2:
        doc = {"Error": draw(st.dictionaries(st.sampled_from(["code", "message"]), _json_value))}
        return json.dumps(draw(st.sampled_from([doc, draw(_json_value)]))).encode()
    if kind == 3:
        code, message = draw(_text), draw(_text)
        return f"<Error><code>{code}</code><message>{message}</message></Error>".encode(
            "utf-8", "surrogatepass"
        )
    if kind == 4:
        low, high = draw(st.integers(-(10**12), 10**12)), draw(st.integers(-(10**12), 10**12))
        problem = draw(_problems)
        return (
            f"<html><body>HTTP Status 401 - oauth_problem={problem}"
            f"&oauth_acceptable_timestamps={low}-{high}</body></html>"
        ).encode()
    if kind == 5:
        pairs = draw(st.lists(st.tuples(_text, _text), max_size=4))
        return "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass")
    return json.dumps(draw(_json_value)).encode()[: draw(st.integers(0, 300))]


_header_text = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=120)


@st.composite
def responses(draw: st.DrawFn) -> requests.Response:
    response = requests.Response()
    response.status_code = draw(st.integers(100, 599))
    response._content = draw(_bodies())
    response.encoding = draw(st.sampled_from([None, "utf-8", "latin-1", "ascii"]))
    headers = {}
    if draw(st.booleans()):
        problem = draw(_problems)
        tail = draw(_header_text)
        headers["WWW-Authenticate"] = draw(
            st.sampled_from([tail, f'OAuth oauth_problem="{problem}", {tail}'])
        )
    if draw(st.booleans()):
        headers["Date"] = draw(
            st.sampled_from(["Tue, 02 Jun 2026 14:00:00 GMT", "not a date", ""]) | _header_text
        )
    if draw(st.booleans()):
        headers["Content-Type"] = draw(
            st.sampled_from(["application/json", "text/html", "text/plain"])
        )
    response.headers.update(headers)
    if draw(st.booleans()):
        prepared = requests.Request("GET", "http://127.0.0.1:9/v1/accounts/list").prepare()
        stamp = draw(st.integers(-(10**15), 10**15) | st.just(1780408800))
        prepared.headers["Authorization"] = f'OAuth oauth_timestamp="{stamp}", oauth_nonce="n"'
        response.request = prepared
    return response


def _only_etrade_errors(fn, response: requests.Response):
    try:
        return fn(response)
    except EtradeError as exc:
        assert str(exc)  # every error has a message
        return exc


@SETTINGS
@given(responses())
def test_decode_json_returns_or_raises_etrade_error(response: requests.Response) -> None:
    _only_etrade_errors(decode_json, response)


@SETTINGS
@given(responses())
def test_parse_token_body_returns_both_fields_or_raises(response: requests.Response) -> None:
    result = _only_etrade_errors(parse_token_body, response)
    if isinstance(result, dict):
        assert result["oauth_token"] and result["oauth_token_secret"]


@SETTINGS
@given(responses())
def test_oauth_problem_is_a_pair_or_none(response: requests.Response) -> None:
    found = oauth_problem(response)
    assert found is None or (isinstance(found, tuple) and isinstance(found[0], str))


@SETTINGS
@given(responses(), st.sampled_from(["sandbox", "live"]))
def test_error_for_always_builds_an_etrade_error(response: requests.Response, env: str) -> None:
    error = error_for(response, env=env)
    assert isinstance(error, EtradeError)
    assert error.message and error.response is response
    assert len(error.message) < 2000
