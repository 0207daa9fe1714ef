"""``approve``: a stand-in for the person who clicks Accept, for demos and CI.

It only ever talks to a loopback emulator started with ``auto_approve=True``; it cannot
approve anything on real E*TRADE hosts.
"""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

from .net import is_loopback

ROBOT_HEADER = "X-Etrade-Emulator-Robot"


class _PageParser(HTMLParser):
    """Collects the accept form (action and hidden fields) and the verification code."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.code: str | None = None
        self._in_accept = self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_accept = a.get("id") == "accept-form"
            if self._in_accept:
                self.action = a.get("action", "")
        elif tag == "input" and self._in_accept and a.get("type") == "hidden":
            self.fields[a.get("name", "")] = a.get("value", "")
        elif tag == "span" and a.get("id") == "verification-code":
            self._in_code = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_accept = False
        elif tag == "span":
            self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code and data.strip():
            self.code = data.strip()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def approve(authorize_url: str, timeout: float = 10) -> str:
    """Open ``authorize_url``, press Accept, and return the verification code.

    Refuses (``ValueError``) unless the URL points at a loopback address (127.0.0.0/8, ::1,
    localhost), and the emulator refuses the robot (403, raised here as ``ValueError``) unless it
    was started with ``auto_approve=True`` / ``--auto-approve``. So it can never work against
    real E*TRADE. If the consumer has a registered callback, the emulator answers 302; the robot
    then GETs that callback like a browser would (only if it is loopback too; errors from it are
    ignored) and returns ``oauth_verifier`` from the redirect.
    """
    parts = urlsplit(authorize_url)
    if parts.scheme != "http" or not is_loopback(parts.hostname):
        raise ValueError(
            "approve() only works with the local etrade-nb emulator (an http:// loopback "
            f"URL), not {parts.scheme}://{parts.hostname}"
        )
    headers = {ROBOT_HEADER: "1"}
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(
            urllib.request.Request(authorize_url, headers=headers), timeout=timeout
        ) as r:
            page = r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        raise ValueError(f"the authorize page answered HTTP {error.code}; get a new link") from None
    form = _PageParser()
    form.feed(page)
    if form.action is None:
        raise ValueError("no Accept form on the authorize page")
    accept_url = urljoin(authorize_url, form.action)
    there = urlsplit(accept_url)
    if (there.scheme, there.netloc) != (parts.scheme, parts.netloc):
        raise ValueError(
            f"the Accept form posts to another address ({there.scheme}://{there.hostname}), "
            "not the emulator that served the page; get a new link"
        )
    accept = urllib.request.Request(
        accept_url, data=urlencode(form.fields).encode("ascii"), headers=headers, method="POST"
    )
    try:
        with opener.open(accept, timeout=timeout) as r:
            result = _PageParser()
            result.feed(r.read().decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        if error.code == 302:
            return _follow_callback(error.headers.get("Location", ""), timeout)
        if error.code == 403:
            raise ValueError(
                "auto-approve is off; start the emulator with --auto-approve "
                "(EmulatorServer(auto_approve=True))"
            ) from None
        raise ValueError(f"Accept answered HTTP {error.code}; get a new link") from None
    if not result.code:
        raise ValueError("no #verification-code on the Authorization Complete page")
    return result.code


def _follow_callback(location: str, timeout: float) -> str:
    verifiers = parse_qs(urlsplit(location).query).get("oauth_verifier", [])
    verifier = verifiers[0] if len(verifiers) == 1 else ""
    if not verifier:
        raise ValueError("the callback redirect carries no oauth_verifier")
    if is_loopback(urlsplit(location).hostname):
        # A browser would show an error page; the code is still in the URL.
        with contextlib.suppress(OSError):
            urllib.request.urlopen(location, timeout=timeout).close()
    return verifier
