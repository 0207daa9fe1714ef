"""``EmulatorServer.environ``: the loopback API for the kernel, a reachable authorize link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from etrade_nb.emulator import EmulatorServer
from etrade_nb.emulator.net import is_loopback


def test_environ_defaults_to_loopback_links():
    emu = EmulatorServer(port=8765)  # not started: environ() needs only the address
    env = emu.environ()
    assert env["ETRADE_NB_API_BASE"] == "http://127.0.0.1:8765"
    assert env["ETRADE_NB_AUTHORIZE_URL"] == "http://127.0.0.1:8765/e/t/etws/authorize"
    assert emu.environ(proxy_prefix=None) == env
    assert emu.environ(proxy_prefix="") == env  # an empty JUPYTERHUB_SERVICE_PREFIX


@pytest.mark.parametrize(
    ("prefix", "link"),
    [
        ("/user/alice/", "/user/alice/proxy/8765/e/t/etws/authorize"),
        ("/user/alice", "/user/alice/proxy/8765/e/t/etws/authorize"),
        ("user/alice/", "/user/alice/proxy/8765/e/t/etws/authorize"),
        ("/", "/proxy/8765/e/t/etws/authorize"),
        ("/binder/jupyter/user/org-repo-abc123/", "/binder/jupyter/user/org-repo-abc123/proxy/"
         "8765/e/t/etws/authorize"),
    ],
)  # fmt: skip
def test_environ_sends_the_browser_through_jupyter_server_proxy(prefix, link):
    emu = EmulatorServer(port=8765)
    env = emu.environ(proxy_prefix=prefix)
    assert env["ETRADE_NB_AUTHORIZE_URL"] == link == emu.proxied_authorize_url(prefix)
    assert env["ETRADE_NB_API_BASE"] == "http://127.0.0.1:8765"  # the kernel stays on loopback


def test_environ_uses_the_bound_port():
    with EmulatorServer(port=0) as emu:
        link = emu.environ(proxy_prefix="/user/bob/")["ETRADE_NB_AUTHORIZE_URL"]
        assert link == f"/user/bob/proxy/{emu.port}/e/t/etws/authorize"


@pytest.mark.parametrize(
    ("host", "any_spelling", "ipv4_literal"),
    [
        ("127.0.0.1", True, True),
        ("127.5.6.7", True, True),
        ("localhost", True, False),
        ("LOCALHOST", True, False),
        ("::1", True, False),
        ("0.0.0.0", False, False),
        ("10.0.0.1", False, False),
        ("127.0.0.1.example.com", False, False),
        ("", False, False),
        (None, False, False),
    ],
)
def test_one_loopback_rule_for_server_and_robot(host, any_spelling, ipv4_literal):
    assert is_loopback(host) is any_spelling  # the robot: where a browser could be sent
    assert is_loopback(host, ipv4_only=True) is ipv4_literal  # the server: its IPv4 socket
    if host is not None and not ipv4_literal:
        with pytest.raises(ValueError, match="loopback"):
            EmulatorServer(host=host)


def test_a_short_link_lifetime_reaches_the_client_and_expires_both_ends():
    from etrade_nb import OAuthFlow
    from etrade_nb.emulator import EmulatorClock
    from etrade_nb.storage.token_store import MemoryTokenStore

    clock = EmulatorClock()
    assert "ETRADE_NB_LINK_LIFETIME" not in EmulatorServer(port=8765).environ()
    with EmulatorServer(port=0, clock=clock, request_token_lifetime=20) as emu:
        env = emu.environ()
        assert env["ETRADE_NB_LINK_LIFETIME"] == "20"
        flow = OAuthFlow(environ=env, clock=clock, store=MemoryTokenStore())
        url = flow.start()
        assert flow.seconds_left() == 20
        assert emu.approve_token(parse_qs(urlsplit(url).query)["token"][0])
        clock.advance(20)
        assert flow.authorize_url is None  # the client counts the same 20 s
        with emu.state.lock:
            assert all(rt.expired(clock()) for rt in emu.state.request_tokens.values())


def test_the_link_lifetime_setting_is_ignored_for_real_etrade():
    from etrade_nb.environments import resolve_environment
    from etrade_nb.errors import ConfigurationError
    from etrade_nb.login.flow import link_lifetime

    real = resolve_environment(sandbox=True, environ={})
    assert link_lifetime(real, {"ETRADE_NB_LINK_LIFETIME": "5"}) == 300
    local = resolve_environment(sandbox=True, environ={"ETRADE_NB_API_BASE": "http://127.0.0.1:1"})
    assert link_lifetime(local, {"ETRADE_NB_LINK_LIFETIME": "5"}) == 5
    for bad in ("soon", "0", "301"):
        with pytest.raises(ConfigurationError, match="ETRADE_NB_LINK_LIFETIME"):
            link_lifetime(local, {"ETRADE_NB_LINK_LIFETIME": bad})
