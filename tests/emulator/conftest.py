"""Fixtures for the emulator tests, and a minimal hand-written OAuth 1.0a client.

Test modules reach everything through fixtures (never ``import conftest``), so they work
whether or not ``tests/`` is a package.

The client signs with ``hmac``/``hashlib`` directly (not oauthlib, not the emulator's own
``signing`` module), so the emulator is checked against an independent implementation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import http.client
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

import pytest

from etrade_nb.emulator import EmulatorClock, EmulatorServer

START = 1_780_000_000.0  # 2026-05-28 16:26:40 America/New_York


def enc(value: str) -> str:
    return quote(value, safe="-._~")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.text, keep_blank_values=True, strict_parsing=True))

    @property
    def problem_text(self) -> str:
        """The body as a reader of E*TRADE's errors sees it: HTML- and percent-decoded."""
        return unquote(html.unescape(self.body.decode("utf-8", "replace")))

    @property
    def problem(self) -> str | None:
        """``oauth_problem`` from the body (Tomcat page or JSON), where E*TRADE documents it."""
        match = re.search(r"oauth_problem=([a-z_]+)", self.problem_text)
        return match.group(1) if match else None


@dataclass
class MiniClient:
    """Just enough OAuth 1.0a to drive the emulator, with knobs to break each rule."""

    host: str
    port: int
    consumer_key: str
    consumer_secret: str
    clock: Any
    token: str | None = None
    token_secret: str = ""
    sent_nonces: list[str] = field(default_factory=list)

    def oauth_params(self, **extra: str) -> dict[str, str]:
        params = {
            "oauth_consumer_key": self.consumer_key,
            "oauth_nonce": secrets.token_hex(12),
            "oauth_signature_method": "HMAC-SHA1",
            "oauth_timestamp": str(int(self.clock())),
            "oauth_version": "1.0",
        }
        if self.token is not None:
            params["oauth_token"] = self.token
        params.update(extra)
        return {k: v for k, v in params.items() if v is not None}

    def sign(
        self,
        method: str,
        path: str,
        params: list[tuple[str, str]],
        consumer_secret: str | None = None,
        token_secret: str | None = None,
    ) -> str:
        uri = f"http://{self.host}:{self.port}{path}"
        norm = "&".join(f"{k}={v}" for k, v in sorted((enc(k), enc(v)) for k, v in params))
        base = f"{method}&{enc(uri)}&{enc(norm)}"
        cs = self.consumer_secret if consumer_secret is None else consumer_secret
        ts = self.token_secret if token_secret is None else token_secret
        key = f"{enc(cs)}&{enc(ts)}".encode()
        return base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()

    def request(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        *,
        oauth: dict[str, str] | None = None,
        where: str = "header",
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        signature: str | None = None,
        consumer_secret: str | None = None,
        token_secret: str | None = None,
        sign: bool = True,
    ) -> Reply:
        query = list(query or [])
        oauth = dict(oauth if oauth is not None else self.oauth_params())
        headers = dict(headers or {})
        if sign and "oauth_signature" not in oauth:
            oauth["oauth_signature"] = signature or self.sign(
                method, path, query + list(oauth.items()), consumer_secret, token_secret
            )
        if oauth and where in ("header", "both"):
            headers["Authorization"] = 'OAuth realm="",' + ",".join(
                f'{k}="{enc(v)}"' for k, v in oauth.items()
            )
        if where in ("query", "both"):
            query += list(oauth.items())
        target = path + ("?" + "&".join(f"{enc(k)}={enc(v)}" for k, v in query) if query else "")
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, target, body=body or None, headers=headers)
            resp = conn.getresponse()
            reply = Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()
        return reply

    def get(self, path: str, query: list[tuple[str, str]] | None = None, **kw: Any) -> Reply:
        return self.request("GET", path, query, **kw)

    # -- the login steps --------------------------------------------------------------

    def request_token(self) -> tuple[str, str]:
        self.token, self.token_secret = None, ""
        reply = self.get("/oauth/request_token", oauth=self.oauth_params(oauth_callback="oob"))
        assert reply.status == 200, reply.text
        form = reply.form()
        self.token, self.token_secret = form["oauth_token"], form["oauth_token_secret"]
        return self.token, self.token_secret

    def access_token_reply(self, verifier: str) -> Reply:
        return self.get("/oauth/access_token", oauth=self.oauth_params(oauth_verifier=verifier))

    def access_token(self, verifier: str) -> tuple[str, str]:
        reply = self.access_token_reply(verifier)
        assert reply.status == 200, reply.text
        form = reply.form()
        self.token, self.token_secret = form["oauth_token"], form["oauth_token_secret"]
        return self.token, self.token_secret

    def login(self, emu: EmulatorServer) -> None:
        token, _ = self.request_token()
        self.access_token(emu.approve_token(token))


@pytest.fixture
def clock() -> EmulatorClock:
    return EmulatorClock(start=START)


@pytest.fixture
def emu(clock: EmulatorClock) -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, clock=clock, strict=True) as server:
        yield server


@pytest.fixture
def make_client(clock: EmulatorClock) -> Any:
    """``make_client(emu, key=None, secret=None)`` -> a ``MiniClient`` for that emulator."""

    def make(emu: EmulatorServer, key: str | None = None, secret: str | None = None) -> MiniClient:
        key, secret = key or emu.consumer_key, secret or emu.consumer_secret
        return MiniClient("127.0.0.1", emu.port, key, secret, clock)

    return make


@pytest.fixture
def client(emu: EmulatorServer, make_client: Any) -> MiniClient:
    return make_client(emu)


@pytest.fixture
def logged_in(client: MiniClient, emu: EmulatorServer) -> MiniClient:
    client.login(emu)
    return client
