"""``EmulatorServer.environ``: the loopback API for the kernel, a reachable authorize link."""

from __future__ import annotations

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
