"""The one I/O seam: httpx underneath, translated to `xerosync.errors` at the edge.

`send` turns httpx's exceptions into `XeroTimeout` / `XeroConnectionError`; `error_for`
turns a non-2xx response into the error the caller can act on. Nothing from httpx leaks out
of `xerosync.xero` as an exception.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx

from xerosync import __version__
from xerosync.errors import (
    AuthError,
    InsufficientScope,
    NotFound,
    QueryRejected,
    RateLimited,
    RawResponse,
    RecordRejected,
    RequestRejected,
    TenantNotConnected,
    XeroConnectionError,
    XeroError,
    XeroTimeout,
    XeroUnavailable,
)
from xerosync.xero.config import XeroConfig
from xerosync.xero.limits.budget import RateProblem
from xerosync.xero.retry import Failure

USER_AGENT = f"xerosync/{__version__}"


def build_http_client(config: XeroConfig) -> httpx.Client:
    """The default client: timeouts from the config, a pool a little above Xero's 5 concurrent."""
    return httpx.Client(
        timeout=httpx.Timeout(config.timeout, connect=min(10.0, config.timeout)),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"User-Agent": USER_AGENT},
    )


def send(
    http: httpx.Client, request: httpx.Request, *, auth: httpx.Auth | None = None
) -> httpx.Response:
    """Send and read the whole response; httpx failures become `XeroConnectionError`s."""
    try:
        return http.send(request, auth=auth) if auth is not None else http.send(request)
    except httpx.TimeoutException as exc:
        raise XeroTimeout(
            f"{type(exc).__name__} calling Xero", response=_raw_request(request)
        ) from exc
    except httpx.TransportError as exc:
        raise XeroConnectionError(
            f"{type(exc).__name__} calling Xero: {exc}", response=_raw_request(request)
        ) from exc


def failure_kind(error: XeroConnectionError) -> Failure:
    """Classify a transport failure for the retry decision."""
    if isinstance(error, XeroTimeout):
        return "timeout"
    cause = error.__cause__
    return "connect" if isinstance(cause, httpx.ConnectError) else "lost"


def raw(response: httpx.Response) -> RawResponse:
    """A loggable copy of `response` (secrets removed)."""
    try:
        body = response.text
    except httpx.ResponseNotRead:
        body = ""
    request = response.request
    return RawResponse.build(
        request.method, str(request.url), response.status_code, dict(response.headers), body
    )


def _raw_request(request: httpx.Request) -> RawResponse:
    return RawResponse.build(request.method, str(request.url), None, {})


def json_body(response: httpx.Response) -> Any:
    """The JSON body (numbers with a fraction as Decimal: a rejected record's echoed amounts
    are money), or None if there is none."""
    try:
        return json.loads(response.content, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError, httpx.ResponseNotRead):
        return None


def error_for(response: httpx.Response, *, tenant: str | None) -> XeroError:
    """The `xerosync.errors` exception for a non-2xx Xero response."""
    status, snapshot, body = response.status_code, raw(response), json_body(response)
    details = body if isinstance(body, dict) else {}
    message = str(details.get("Message") or details.get("Detail") or details.get("Title") or "")
    context: dict[str, Any] = {"response": snapshot, "tenant": tenant}
    if status == 400:
        kind = details.get("Type")
        if kind == "ValidationException":
            elements = details.get("Elements") or []
            first = RecordRejected(elements=elements).messages
            return RecordRejected(
                first[0] if first else message or "Xero refused the record",
                elements=elements,
                **context,
            )
        if kind == "QueryParseException":
            return QueryRejected(message or "Xero could not parse the query", **context)
        return RequestRejected(message or f"Xero refused the request ({kind})", **context)
    if status == 401:
        if "insufficient_scope" in response.headers.get("www-authenticate", ""):
            return InsufficientScope(None, **context)
        return AuthError(message or "Xero did not accept the access token", **context)
    if status == 403:
        return TenantNotConnected(None, **context)
    if status == 404:
        return NotFound(f"Xero has no {response.request.url.path}", **context)
    if status == 429:
        problem = RateProblem.from_headers(response.headers)
        return RateLimited("Xero's rate limit was hit", scope=problem.scope, **context)
    if status >= 500:
        text = message or response.text.strip().splitlines()[0:1]
        return XeroUnavailable(f"Xero answered {status}: {''.join(text)}"[:300], **context)
    return RequestRejected(message or f"Xero answered {status}", **context)
