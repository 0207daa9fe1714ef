"""``approve``: works only against a loopback emulator started with auto_approve=True."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from etrade_nb.emulator import EmulatorServer, approve


def _link(emu: EmulatorServer, token: str, key: str | None = None) -> str:
    return f"{emu.authorize_url}?key={key or emu.consumer_key}&token={quote(token, safe='')}"


@pytest.mark.parametrize(
    "url",
    [
        "https://us.etrade.com/e/t/etws/authorize?key=k&token=t",
        "http://us.etrade.com/e/t/etws/authorize?key=k&token=t",
        "http://10.0.0.1:8080/e/t/etws/authorize?key=k&token=t",
        "https://127.0.0.1:8080/e/t/etws/authorize?key=k&token=t",
        "http://127.0.0.1.example.com/e/t/etws/authorize",
        "file:///etc/passwd",
    ],
)
def test_refuses_anything_but_a_loopback_emulator(url):
    with pytest.raises(ValueError, match="only works with the local etrade-nb emulator"):
        approve(url)


def test_refuses_when_auto_approve_is_off(emu, client):
    token, _ = client.request_token()
    assert not emu.auto_approve
    with pytest.raises(ValueError, match="auto-approve is off; start the emulator with"):
        approve(_link(emu, token))
    # The token was not approved.
    assert client.access_token_reply("ABCDE").problem == "token_rejected"


def test_approves_when_auto_approve_is_on(clock, make_client):
    with EmulatorServer(clock=clock, auto_approve=True) as emu:
        client = make_client(emu)
        token, _ = client.request_token()
        verifier = approve(_link(emu, token).replace("127.0.0.1", "localhost"), timeout=5)
        assert re.fullmatch(r"[A-Z0-9]{5}", verifier)
        client.access_token(verifier)
        assert client.get("/v1/accounts/list.json").status == 200


def test_follows_a_registered_callback(clock, make_client):
    with EmulatorServer(clock=clock, auto_approve=True) as emu:
        callback = f"{emu.url}/cb?myapp=trading"
        emu.register_consumer("c" * 32, "d" * 32, callback_url=callback)
        client = make_client(emu, "c" * 32, "d" * 32)
        token, _ = client.request_token()
        verifier = approve(_link(emu, token, "c" * 32))
        client.access_token(verifier)
        hit = [r for r in emu.log if r.path == "/cb"]
        assert hit and hit[0].query == {"myapp": "trading", "oauth_verifier": verifier}


def test_expired_link(clock, make_client):
    with EmulatorServer(clock=clock, auto_approve=True) as emu:
        client = make_client(emu)
        token, _ = client.request_token()
        clock.advance(301)
        with pytest.raises(ValueError, match="HTTP 400"):
            approve(_link(emu, token))


@pytest.mark.timeout(30)
def test_an_accept_form_that_points_elsewhere_is_not_posted():
    """The robot checks the URL it posts to, not only the page it was given."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    posted: list[str] = []

    class Other(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            posted.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<p id="verification-code">STOLE</p>')

    other = HTTPServer(("127.0.0.1", 0), Other)

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            body = (
                f'<form method="post" action="http://127.0.0.1:{other.server_port}/accept" '
                'id="accept-form"><input type="hidden" name="token" value="t"></form>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    page = HTTPServer(("127.0.0.1", 0), Page)
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (other, page)]
    for t in threads:
        t.start()
    try:
        with pytest.raises(ValueError, match="another address"):
            approve(f"http://127.0.0.1:{page.server_port}/e/t/etws/authorize?key=k&token=t")
    finally:
        for s in (other, page):
            s.shutdown()
            s.server_close()
    assert posted == []
