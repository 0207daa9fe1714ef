"""send(): what each kind of failure in flight becomes, and what is never repeated."""

from __future__ import annotations

import pytest
import requests
import urllib3.exceptions

from etrade_nb import (
    AccessToken,
    OrderStatusUnknownError,
    RetryPolicy,
    ServiceUnavailableError,
    Session,
    TransportError,
    resolve_environment,
)
from etrade_nb.secret import Secret
from tests.unit.fake_http import fake_http

T0 = 1_780_408_800.0
SECRET_TOKEN = "TOKEN/with+secret="


def raising(error_type: type[requests.RequestException], *args: object):
    def answer(request: requests.PreparedRequest):
        raise error_type(*args, request=request)

    return answer


def make_session(*answers):
    http, adapter = fake_http(*answers)
    delays: list[float] = []
    session = Session(
        "ckey",
        "csecret",
        AccessToken(SECRET_TOKEN, Secret("TSECRET"), issued_at=T0),
        environment=resolve_environment(environ={}),
        http=http,
        clock=lambda: T0,
        retry=RetryPolicy(sleep=delays.append),
        rate_limit=None,
    )
    return session, adapter, delays


def chain(exc: BaseException | None) -> list[BaseException]:
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def test_a_body_cut_short_on_post_is_an_unknown_order_outcome_never_resent():
    cut = raising(requests.exceptions.ChunkedEncodingError, "IncompleteRead(50 bytes read)")
    session, adapter, delays = make_session(cut)
    with pytest.raises(OrderStatusUnknownError, match="may or may not"):
        session.post("/v1/accounts/a/orders/place", json={})
    assert len(adapter.sent) == 1 and delays == []


def test_a_body_cut_short_on_get_is_retried():
    cut = raising(requests.exceptions.ChunkedEncodingError, "IncompleteRead")
    bad_gzip = raising(requests.exceptions.ContentDecodingError, "bad gzip")
    session, adapter, delays = make_session(cut, bad_gzip, (200, "{}"))
    assert session.get("/v1/accounts/list") == {}
    assert len(adapter.sent) == 3 and delays == [0.5, 1.0]


def test_tls_failure_is_named_and_never_retried_or_called_an_unknown_order():
    tls = raising(requests.exceptions.SSLError, "certificate verify failed")
    session, adapter, delays = make_session(tls, tls)
    for call in (lambda: session.get("/v1/accounts/list"), lambda: session.post("/v1/x/orders")):
        with pytest.raises(TransportError, match="REQUESTS_CA_BUNDLE") as info:
            call()
        assert not isinstance(info.value, OrderStatusUnknownError)
        assert "nothing was sent" in str(info.value) and "verify=False" not in str(info.value)
    assert len(adapter.sent) == 2 and delays == []


def test_a_refused_connection_on_post_says_nothing_was_sent():
    reason = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    refused = raising(
        requests.exceptions.ConnectionError,
        urllib3.exceptions.MaxRetryError(None, "/", reason),  # type: ignore[arg-type]
    )
    session, _, _ = make_session(refused)
    with pytest.raises(ServiceUnavailableError, match="nothing was sent"):
        session.post("/v1/accounts/a/orders/place", json={})


def test_errors_carry_no_chained_exception_with_the_signed_request():
    reset = raising(requests.exceptions.ConnectionError, "reset")
    timeout = raising(requests.exceptions.ReadTimeout, "slow")
    session, _, _ = make_session(reset, timeout)
    for call in (
        lambda: session.post("/v1/accounts/a/orders/place", json={}),
        lambda: session.get("/v1/accounts/list"),
    ):
        with pytest.raises(TransportError) as info:
            call()
        for exc in chain(info.value):
            assert exc.__context__ is None and exc.__cause__ is None
            request = getattr(exc, "request", None)
            header = str(getattr(request, "headers", {}).get("Authorization", ""))
            assert "TOKEN%2Fwith%2Bsecret%3D" not in header and 'oauth_signature="' not in header
