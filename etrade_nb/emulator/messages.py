"""Request/response values passed between the HTTP handler and the endpoint code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from . import pages
from .signing import percent_encode


@dataclass
class Request:
    """One parsed HTTP request. ``path`` is the raw path as the client addressed it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # lowercase names
    body: bytes = b""
    robot: bool = False

    @property
    def wants_json(self) -> bool:
        """JSON for a ``.json`` suffix (also mid-path: ``transactions.json/{id}``) or for
        ``Accept: application/json`` without a suffix (reference §1.2); XML otherwise.

        When ``Accept`` names both, the one listed first wins; ``*/*`` or no header is XML,
        E*TRADE's default. The header is documented for transactions only; for the other
        endpoints only etrade-cli's use backs it (unverified), and the emulator honours it
        everywhere.
        """
        if self.path.endswith(".json") or ".json/" in self.path:
            return True
        accept = self.headers.get("accept", "").lower()
        at_json, at_xml = accept.find("application/json"), accept.find("application/xml")
        return at_json >= 0 and (at_xml < 0 or at_json < at_xml)


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    ignored: tuple[str, ...] = ()  # what the lenient emulator ignored (see .leniency)


class OAuthProblem(Exception):
    """An OAuth failure: ``oauth_problem=<code>`` plus extra parameters (RFC problem reporting).

    The problem is reported where E*TRADE's is documented: in the body, a Tomcat HTML page
    ("HTTP Status 401 - oauth_problem=X&...") or, for ``.json`` data calls, a JSON
    ``{"Error": {"code", "message": "oauth_problem=X&..."}}``. Extra parameters follow form
    encoding (``&name=value``, values percent-encoded), e.g.
    ``oauth_problem=timestamp_refused&oauth_acceptable_timestamps=<from>-<to>``. The
    ``WWW-Authenticate`` header is not documented for E*TRADE and is sent only on request
    (``EmulatorServer(problem_header=True)``).
    """

    def __init__(self, problem: str, status: int = 401, **extra: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status
        self.extra = extra

    @property
    def message(self) -> str:
        """``oauth_problem=X&name=value...`` as it appears in the body."""
        params = "".join(f"&{k}={percent_encode(v)}" for k, v in self.extra.items())
        return f"oauth_problem={self.problem}{params}"

    def response(self, as_json: bool = False, header: bool = False) -> Response:
        headers = []
        if header:
            params = "".join(f",{k}={v}" for k, v in self.extra.items())
            headers.append(
                ("WWW-Authenticate", f'OAuth realm="",oauth_problem={self.problem}{params}')
            )
        if as_json:
            return json_response(self.status, error_body(self.status, self.message), headers)
        return html_response(self.status, pages.tomcat_error(self.status, self.message), headers)


class ApiError(Exception):
    """A data-API error: ``{"Error":{"code":..,"message":..}}`` (or the XML equivalent)."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self, as_json: bool) -> Response:
        body = error_body(self.code, self.message)
        return json_response(self.status, body) if as_json else xml_response(self.status, body)


def error_body(code: int, message: str) -> dict[str, Any]:
    return {"Error": {"code": code, "message": message}}


def json_response(
    status: int, payload: Any, headers: list[tuple[str, str]] | None = None
) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return Response(status, body, "application/json", list(headers or []))


def html_response(status: int, html: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, html.encode("utf-8"), "text/html;charset=utf-8", list(headers or []))


def text_response(status: int, text: str) -> Response:
    return Response(status, text.encode("utf-8"))


def _xml(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "".join(_xml(name, item) for item in value)
    if isinstance(value, dict):
        inner = "".join(_xml(k, v) for k, v in value.items())
        return f"<{name}>{inner}</{name}>"
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return f"<{name}>{escape(text)}</{name}>"


def xml_response(status: int, payload: dict[str, Any]) -> Response:
    """E*TRADE's default format: the JSON tree as XML, one element per key."""
    body = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + "".join(
        _xml(k, v) for k, v in payload.items()
    )
    return Response(status, body.encode("utf-8"), "application/xml")


def data_response(status: int, payload: dict[str, Any] | None, as_json: bool) -> Response:
    """``payload`` as JSON or XML; ``None`` is E*TRADE's empty answer, 204 with no body."""
    if payload is None:
        return Response(204, b"", "application/json" if as_json else "application/xml")
    return json_response(status, payload) if as_json else xml_response(status, payload)
