"""Drive the emulator from outside, as a third-party E*TRADE client does.

Login uses requests-oauthlib's own ``OAuth1Session.fetch_request_token`` and
``fetch_access_token`` (both POST, as pyetrade and wetrade do); data calls use plain
``requests`` signed by ``requests_oauthlib.OAuth1``. The emulator runs on the real clock,
since these libraries stamp requests with the real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from requests_oauthlib import OAuth1, OAuth1Session

from etrade_nb.emulator import EmulatorServer

from .schemacheck import check_root_json, check_root_xml
from .schemas import ENVELOPES

MAIN = "dBZOKt9xDrtRSAOl4MSiiA"  # the first account of the emulator's list
FORMATS = ("json", "xml", "accept")  # .json suffix; no suffix (XML); Accept: application/json


def login(emu: EmulatorServer) -> tuple[str, str]:
    """The access token pair, obtained exactly as requests-oauthlib's users obtain it."""
    oauth = OAuth1Session(emu.consumer_key, client_secret=emu.consumer_secret, callback_uri="oob")
    request = oauth.fetch_request_token(emu.url + "/oauth/request_token", timeout=10)
    verifier = emu.approve_token(request["oauth_token"])
    oauth = OAuth1Session(
        emu.consumer_key,
        client_secret=emu.consumer_secret,
        resource_owner_key=request["oauth_token"],
        resource_owner_secret=request["oauth_token_secret"],
        verifier=verifier,
    )
    access = oauth.fetch_access_token(emu.url + "/oauth/access_token", timeout=10)
    return access["oauth_token"], access["oauth_token_secret"]


@dataclass
class Api:
    """Plain ``requests`` + ``OAuth1`` against one emulator, in one of three formats."""

    emu: EmulatorServer
    http: requests.Session

    def url(self, path: str, fmt: str) -> str:
        return self.emu.url + path + (".json" if fmt == "json" else "")

    def call(
        self, method: str, path: str, fmt: str = "json", *, headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> requests.Response:  # fmt: skip
        headers = dict(headers or {})
        if fmt == "accept":
            headers["Accept"] = "application/json"
        return self.http.request(method, self.url(path, fmt), headers=headers, timeout=10, **kw)

    def get(self, path: str, fmt: str = "json", **kw: Any) -> requests.Response:
        return self.call("GET", path, fmt, **kw)

    def follow(self, url: str, fmt: str) -> requests.Response:
        """GET a URL the API handed back (``next``, ``details``, ``lotsDetails``...)."""
        headers = {"Accept": "application/json"} if fmt == "accept" else {}
        return self.http.get(url, headers=headers, timeout=10)


def checked(response: requests.Response, kind: str, fmt: str, status: int = 200) -> Any:
    """Check ``response`` against the reference schema for ``kind``; return the JSON tree
    (for XML, the parsed root element)."""
    assert response.status_code == status, response.text[:500]
    root, spec = ENVELOPES[kind]
    ctype = response.headers["Content-Type"].split(";")[0]
    if fmt == "xml":
        assert ctype == "application/xml", ctype
        return check_root_xml(response.content, root, spec)
    assert ctype == "application/json", ctype
    doc = response.json()
    check_root_json(doc, root, spec)
    return doc[root]


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0) as server:
        yield server


@pytest.fixture(scope="module")
def api(emu: EmulatorServer) -> Iterator[Api]:
    token, secret = login(emu)
    http = requests.Session()
    http.auth = OAuth1(
        emu.consumer_key,
        client_secret=emu.consumer_secret,
        resource_owner_key=token,
        resource_owner_secret=secret,
    )
    with http:
        yield Api(emu, http)
