import pytest

from etrade_nb import (
    AccessTokenExpiredError,
    ApiError,
    ConsumerKeyRejectedError,
    ResponseFormatError,
    SignatureRejectedError,
    TimestampRefusedError,
    TokenRejectedError,
)
from etrade_nb.api.responses import decode_json, error_for, oauth_problem, parse_token_body
from tests.unit.fake_http import make_response

TOMCAT = "<html><head><title>Apache Tomcat/7.0 - Error report</title></head><body><h1>HTTP Status 401 - oauth_problem={}</h1></body></html>"  # noqa: E501


class Sent:
    def __init__(self, ts: int) -> None:
        self.headers = {"Authorization": f'OAuth oauth_timestamp="{ts}", oauth_nonce="n"'}
        self.url = "https://api.etrade.com/oauth/request_token"


def resp(status, body="", headers=None, request=None):
    return make_response(request, status, body, headers or {})


@pytest.mark.parametrize(
    ("problem", "error", "hint"),
    [
        ("signature_invalid", SignatureRejectedError, "sandbox and live keys differ"),
        ("consumer_key_rejected", ConsumerKeyRejectedError, "developer portal"),
        ("consumer_key_unknown", ConsumerKeyRejectedError, "developer portal"),
        ("token_rejected", TokenRejectedError, "Log in again"),
        ("token_expired", AccessTokenExpiredError, "Log in again"),
    ],
)
def test_oauth_problem_from_html_header_or_json(problem, error, hint):
    for response in (
        resp(401, TOMCAT.format(problem)),
        resp(401, "", {"WWW-Authenticate": f'OAuth realm="",oauth_problem={problem}'}),
        resp(401, '{"Error":{"message":"oauth_problem=' + problem + '"}}'),
        resp(500, '{"Error":{"message":"oauth_problem=' + problem + '"}}'),
    ):
        err = error_for(response, env="sandbox")
        assert isinstance(err, error) and err.problem == problem
        assert hint in str(err)


def test_timestamp_refused_measures_the_skew():
    response = resp(
        401,
        TOMCAT.format("timestamp_refused&oauth_acceptable_timestamps=1000-1600"),
        request=Sent(1900),
    )
    err = error_for(response, env="sandbox")
    assert isinstance(err, TimestampRefusedError)
    assert err.skew_seconds == 600
    assert "+600 s" in str(err) and "clock" in str(err)


def test_api_errors_json_and_xml():
    err = error_for(resp(500, '{"Error":{"code":670,"message":"maintenance"}}'), env="sandbox")
    assert isinstance(err, ApiError) and err.code == 670 and "try again" in str(err)
    xml = "<Error><code>100</code><message>could not be completed</message></Error>"
    err = error_for(resp(400, xml), env="sandbox")
    assert isinstance(err, ApiError) and err.code == "100"
    err = error_for(
        resp(400, "<html>Number of requests exceeded the rate limit set</html>"), env="x"
    )
    assert "rate limit" in str(err) and "Slow" in str(err)


def test_html_and_garbage_bodies_give_a_short_clean_snippet():
    page = "<html><body><h1>Down for maintenance</h1>" + "x" * 5000 + "</body></html>"
    with pytest.raises(ResponseFormatError, match="HTML page") as info:
        decode_json(resp(200, page))
    assert "Down for maintenance" in str(info.value) and len(str(info.value)) < 400
    with pytest.raises(ResponseFormatError, match="non-JSON"):
        decode_json(resp(200, b"\xff\xfe\x00garbage"))
    with pytest.raises(ResponseFormatError):
        decode_json(resp(200, '{"QuoteResponse": {'))
    assert decode_json(resp(204)) is None


def test_token_body_is_decoded_once_and_checked():
    fields = parse_token_body(resp(200, "oauth_token=%2Fa%2Bb%3D&oauth_token_secret=c%252F"))
    assert fields == {"oauth_token": "/a+b=", "oauth_token_secret": "c%2F"}
    with pytest.raises(ResponseFormatError, match="no oauth_token"):
        parse_token_body(resp(200, "Access Token has been renewed"))


def test_no_problem_found_in_a_plain_error():
    assert oauth_problem(resp(404, "not here")) is None


def test_a_token_body_with_a_field_twice_is_refused_not_read_as_one_of_them():
    body = "oauth_token=A1&oauth_token_secret=S1&oauth_token=B2"
    with pytest.raises(ResponseFormatError, match="more than one") as info:
        parse_token_body(resp(200, body))
    assert "A1" not in info.value.message and "S1" not in info.value.message
