import pytest

from etrade_nb import ConfigurationError, authorize_url, resolve_environment
from etrade_nb.environments import is_loopback_url

SAMPLE_KEY = "282683cc9e4b8fc81dea6bc687d46758"
SAMPLE_TOKEN = "/iQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU="


def test_authorize_url_matches_etrade_sample_exactly():
    # The sample request of E*TRADE's authorize page, character for character.
    assert authorize_url(SAMPLE_KEY, SAMPLE_TOKEN) == (
        "https://us.etrade.com/e/t/etws/authorize?key=282683cc9e4b8fc81dea6bc687d46758"
        "&token=%2FiQRgQCRGPo7Xdk6G8QDSEzX0Jsy6sKNcULcDavAGgU%3D"
    )


def test_plus_is_encoded_not_left_as_space():
    assert authorize_url("k", "a+b/c=").endswith("token=a%2Bb%2Fc%3D")


def test_default_hosts_sandbox_and_live():
    sb = resolve_environment(environ={})
    assert (sb.name, sb.oauth_base, sb.api_base) == (
        "sandbox",
        "https://api.etrade.com",
        "https://apisb.etrade.com",
    )
    assert sb.authorize_page == "https://us.etrade.com/e/t/etws/authorize"
    live = resolve_environment(sandbox=False, environ={})
    assert (live.name, live.oauth_base, live.api_base) == (
        "live",
        "https://api.etrade.com",
        "https://api.etrade.com",
    )
    assert not sb.overridden and not sb.local


def test_overrides_replace_both_hosts_and_the_page():
    env = resolve_environment(
        environ={
            "ETRADE_NB_API_BASE": "http://127.0.0.1:8765/",
            "ETRADE_NB_AUTHORIZE_URL": "http://127.0.0.1:8765/e/t/etws/authorize",
        }
    )
    assert env.oauth_base == env.api_base == "http://127.0.0.1:8765"
    assert env.authorize_url("k", "t") == "http://127.0.0.1:8765/e/t/etws/authorize?key=k&token=t"
    assert env.overridden and env.local and env.sandbox


def test_plain_http_to_a_remote_host_is_refused():
    with pytest.raises(ConfigurationError, match="unencrypted"):
        resolve_environment(environ={"ETRADE_NB_API_BASE": "http://example.com"})
    with pytest.raises(ConfigurationError, match="not an http"):
        resolve_environment(environ={"ETRADE_NB_AUTHORIZE_URL": "ftp://x"})


def test_loopback_detection():
    assert is_loopback_url("http://127.0.0.1:1/x")
    assert is_loopback_url("http://localhost:2")
    assert is_loopback_url("http://[::1]:3/")
    assert not is_loopback_url("https://api.etrade.com")
    assert not is_loopback_url("http://10.0.0.1")


def test_authorize_page_may_be_a_path_on_the_notebook_host():
    env = resolve_environment(
        environ={
            "ETRADE_NB_API_BASE": "http://127.0.0.1:8765",
            "ETRADE_NB_AUTHORIZE_URL": "/user/alice/proxy/8765/e/t/etws/authorize",
        }
    )
    assert env.authorize_url("k", "a/b") == (
        "/user/alice/proxy/8765/e/t/etws/authorize?key=k&token=a%2Fb"
    )
    with pytest.raises(ConfigurationError):
        resolve_environment(environ={"ETRADE_NB_AUTHORIZE_URL": "//evil.example/x"})


@pytest.mark.parametrize(
    "base",
    [
        "https://apisb.etrade.com@evil.example.com",  # the host is evil.example.com
        "https://user:pw@api.example.com",
        "http://127.0.0.1:8765?next=https://evil.example.com",
        "http://127.0.0.1:8765#frag",
    ],
)
def test_api_base_with_user_info_query_or_fragment_is_refused(base):
    with pytest.raises(ConfigurationError, match="ETRADE_NB_API_BASE"):
        resolve_environment(environ={"ETRADE_NB_API_BASE": base})


@pytest.mark.parametrize("sandbox", [None, 0, "", "False", "live"])
def test_live_is_chosen_only_by_sandbox_false(sandbox):
    with pytest.raises(ConfigurationError, match="sandbox=False"):
        resolve_environment(sandbox=sandbox, environ={})
