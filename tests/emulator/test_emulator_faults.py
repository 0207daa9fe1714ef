"""Fault switches: failures, resets, after-processing failures, delays, malformed bodies."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import quote

import pytest

KEY = "dBZOKt9xDrtRSAOl4MSiiA"
ACCOUNTS = "/v1/accounts/list.json"


def _order_body(preview_id: int | None = None) -> str:
    order = {
        "orderType": "EQ",
        "clientOrderId": "fault1",
        "Order": [
            {
                "priceType": "MARKET",
                "orderTerm": "GOOD_FOR_DAY",
                "marketSession": "REGULAR",
                "Instrument": [
                    {
                        "Product": {"securityType": "EQ", "symbol": "IBM"},
                        "orderAction": "BUY",
                        "quantity": "3",
                    }
                ],
            }
        ],
    }
    if preview_id is None:
        return json.dumps({"PreviewOrderRequest": order})
    return json.dumps({"PlaceOrderRequest": {**order, "PreviewIds": [{"previewId": preview_id}]}})


HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


def test_fail_next_status_then_recovers(emu, logged_in):
    emu.faults.fail_next(2, status=503, path_prefix="/v1/accounts")
    for _ in range(2):
        reply = logged_in.get(ACCOUNTS)
        assert reply.status == 503
        assert reply.json() == {
            "Error": {"code": 100, "message": "The requested service is not currently available."}
        }
    assert logged_in.get(ACCOUNTS).status == 200
    assert emu.stats.faults_fired == 2


def test_fail_next_only_matching_prefix(emu, logged_in):
    emu.faults.fail_next(1, path_prefix="/v1/market")
    assert logged_in.get(ACCOUNTS).status == 200
    assert logged_in.get("/v1/market/quote/IBM.json").status == 500
    assert logged_in.get("/v1/market/quote/IBM.json").status == 200


def test_fail_next_on_oauth_path_is_html(emu, client):
    emu.faults.fail_next(1)
    oauth = client.oauth_params(oauth_callback="oob")
    reply = client.get("/oauth/request_token", oauth=oauth)
    assert reply.status == 500 and "Apache Tomcat" in reply.text
    # Failed before processing: the nonce was not consumed, a retry with it succeeds.
    assert client.get("/oauth/request_token", oauth=oauth).status == 200


def test_fail_next_reset_drops_the_connection(emu, logged_in):
    emu.faults.fail_next(1, mode="reset")
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        logged_in.get(ACCOUNTS)
    assert logged_in.get(ACCOUNTS).status == 200
    assert emu.log[-2].status == 0


@pytest.mark.parametrize("mode", ["status", "reset", "cut"])
def test_after_processing_places_the_order_anyway(emu, logged_in, mode):
    base = f"/v1/accounts/{KEY}/orders"
    reply = logged_in.request(
        "POST", base + "/preview.json", body=_order_body().encode(), headers=HEADERS
    )
    preview_id = reply.json()["PreviewOrderResponse"]["PreviewIds"][0]["previewId"]
    emu.faults.fail_next(1, status=500, path_prefix=base + "/place", after_processing=True,
                         mode=mode)  # fmt: skip
    body = _order_body(preview_id).encode()
    if mode in ("reset", "cut"):
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            logged_in.request("POST", base + "/place.json", body=body, headers=HEADERS)
    else:
        reply = logged_in.request("POST", base + "/place.json", body=body, headers=HEADERS)
        assert reply.status == 500 and reply.json()["Error"]["code"] == 100
    # The order went through: the user can see it by listing orders.
    assert emu.stats.orders_placed == 1
    assert emu.stats.requests_by_path[f"POST {base}/place.json"] == 1
    orders = logged_in.get(base + ".json").json()["OrdersResponse"]["Order"]
    placed = [o for o in orders if o["OrderDetail"][0]["placedTime"] == emu.clock() * 1000]
    assert len(placed) == 1


def test_delay(emu, logged_in):
    # The record of applied delays, not wall time, says which requests were held back.
    emu.faults.delay(0.4, n=1)
    t0 = time.monotonic()
    assert logged_in.get(ACCOUNTS).status == 200
    assert time.monotonic() - t0 >= 0.4  # a lower bound only: it really waited
    assert logged_in.get(ACCOUNTS).status == 200
    assert emu.faults.delays == [0.4]
    emu.faults.delay(0.2)
    for _ in range(2):
        logged_in.get(ACCOUNTS)
    assert emu.faults.delays == [0.4, 0.2, 0.2]
    emu.faults.delay(0)
    logged_in.get(ACCOUNTS)
    assert emu.faults.delays == [0.4, 0.2, 0.2]
    assert emu.stats.requests_by_path[f"GET {ACCOUNTS}"] == 5


@pytest.mark.parametrize("kind", ["html", "garbage", "truncated_json"])
def test_malformed(emu, logged_in, kind):
    emu.faults.malformed_next(1, kind=kind)
    reply = logged_in.get(ACCOUNTS)
    assert reply.status == 200
    with pytest.raises(ValueError):
        json.loads(reply.body.decode("utf-8"))
    if kind == "html":
        assert "maintenance" in reply.text
    assert logged_in.get(ACCOUNTS).json()["AccountListResponse"]


def test_malformed_skips_oauth_and_errors(emu, logged_in):
    emu.faults.malformed_next(1)
    assert logged_in.get("/oauth/renew_access_token").text == "Access Token has been renewed"
    assert logged_in.get("/v1/accounts/x/portfolio.json").status == 400
    assert "maintenance" in logged_in.get(ACCOUNTS).text


def test_reset_clears_everything(emu, logged_in):
    emu.faults.fail_next(3)
    emu.faults.delay(5)
    emu.faults.malformed_next(3)
    emu.faults.reset()
    reply = logged_in.get(ACCOUNTS)
    assert reply.status == 200 and reply.json()
    assert emu.faults.delays == [] and emu.stats.faults_fired == 0


def test_auth_as_500_xml(emu, logged_in):
    """pyetrade#79: an auth failure answered HTTP 500 with an XML error, no oauth_problem."""
    emu.faults.fail_next(1, mode="auth_as_500_xml", path_prefix="/v1/")
    reply = logged_in.get(ACCOUNTS)
    assert reply.status == 500 and reply.headers["content-type"] == "application/xml"
    assert reply.text == (
        "<Error><message>Unauthorized request - invalid Consumer key and/or session token"
        "</message></Error>"
    )
    assert emu.log[-1].status == 500 and emu.stats.faults_fired == 1
    assert logged_in.get(ACCOUNTS).status == 200


def _requests_get(emu, logged_in, path: str):
    import requests

    oauth = logged_in.oauth_params()
    oauth["oauth_signature"] = logged_in.sign("GET", path, list(oauth.items()))
    header = "OAuth " + ",".join(f'{k}="{quote(v, safe="")}"' for k, v in oauth.items())
    return requests.get(f"{emu.url}{path}", headers={"Authorization": header}, timeout=10)


def test_cut_sends_half_the_announced_body(emu, logged_in):
    import requests

    emu.faults.fail_next(1, mode="cut", status=503)
    with pytest.raises(requests.exceptions.ChunkedEncodingError, match="IncompleteRead"):
        _requests_get(emu, logged_in, ACCOUNTS)
    assert emu.log[-1].status == 503 and emu.stats.faults_fired == 1
    assert _requests_get(emu, logged_in, ACCOUNTS).status_code == 200


def test_cut_after_processing_sends_half_the_real_answer(emu, logged_in):
    emu.faults.fail_next(1, mode="cut", after_processing=True)
    conn = http.client.HTTPConnection("127.0.0.1", emu.port, timeout=10)
    oauth = logged_in.oauth_params()
    oauth["oauth_signature"] = logged_in.sign("GET", ACCOUNTS, list(oauth.items()))
    header = "OAuth " + ",".join(f'{k}="{quote(v, safe="")}"' for k, v in oauth.items())
    conn.request("GET", ACCOUNTS, headers={"Authorization": header})
    resp = conn.getresponse()
    assert resp.status == 200  # the real answer's status line and headers
    with pytest.raises(http.client.IncompleteRead) as cut:
        resp.read()
    conn.close()
    whole = int(resp.getheader("Content-Length", "0"))
    assert len(cut.value.partial) == whole // 2
    assert cut.value.partial.startswith(b'{"AccountListResponse"')


def test_bad_fault_arguments(emu):
    with pytest.raises(ValueError):
        emu.faults.fail_next(1, mode="explode")
    with pytest.raises(ValueError):
        emu.faults.malformed_next(1, kind="xml")


def test_fail_next_status_is_xml_without_the_json_suffix(emu, logged_in):
    emu.faults.fail_next(1, status=500)
    reply = logged_in.get("/v1/accounts/list")
    assert reply.status == 500 and reply.headers["content-type"] == "application/xml"
    assert "<Error><code>100</code>" in reply.text
    # Accept: application/json selects JSON without the suffix (reference §1.2), errors too.
    emu.faults.fail_next(1, status=500)
    reply = logged_in.get("/v1/accounts/list", headers={"Accept": "application/json"})
    assert reply.status == 500 and reply.json()["Error"]["code"] == 100
