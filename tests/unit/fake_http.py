"""A hand-written requests transport for unit tests: scripted answers, recorded requests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from requests.adapters import BaseAdapter

Answer = Callable[[requests.PreparedRequest], requests.Response] | Exception | tuple


@dataclass
class FakeAdapter(BaseAdapter):
    """Answers each request with the next scripted answer: (status, body[, headers]) or an error."""

    answers: list[Answer] = field(default_factory=list)
    sent: list[requests.PreparedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.sent.append(request.copy())  # as sent: the client scrubs secrets afterwards
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        status, body, *rest = answer
        return make_response(request, status, body, rest[0] if rest else {})

    def close(self) -> None:
        pass


def make_response(
    request: requests.PreparedRequest | None, status: int, body: str | bytes, headers: dict
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode() if isinstance(body, str) else body
    response.headers.update(headers)
    response.request = request  # type: ignore[assignment]
    response.url = (request.url if request is not None else None) or ""
    response.encoding = "utf-8"
    return response


def fake_http(*answers: Answer) -> tuple[requests.Session, FakeAdapter]:
    adapter = FakeAdapter(list(answers))
    http = requests.Session()
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    return http, adapter
