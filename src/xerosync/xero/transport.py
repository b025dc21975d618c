"""The one I/O seam: httpx underneath, translated to `xerosync.errors` at the edge.

`send` turns httpx's exceptions into `XeroTimeout` / `XeroConnectionError`; `error_for`
turns a non-2xx response into the error the caller can act on. Nothing from httpx leaks out
of `xerosync.xero` as an exception.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import httpx

from xerosync.errors import (
    AuthError,
    InsufficientScope,
    NotFound,
    QueryRejected,
    RateLimited,
    RawResponse,
    RecordRejected,
    RequestRejected,
    ResponseTooLarge,
    TenantNotConnected,
    XeroConnectionError,
    XeroError,
    XeroTimeout,
    XeroUnavailable,
    redact,
)
from xerosync.version import __version__
from xerosync.xero.config import XeroConfig
from xerosync.xero.limits.budget import RateProblem
from xerosync.xero.models.base import encode
from xerosync.xero.retry import Failure

USER_AGENT = f"xerosync/{__version__}"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_DEADLINE = 90.0
# the body is handed on decoded, so these no longer describe it
_DECODED = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_KEPT_EXTENSIONS = frozenset({"http_version", "reason_phrase"})


def build_http_client(config: XeroConfig) -> httpx.Client:
    """The default client: timeouts from the config, a pool a little above Xero's 5 concurrent."""
    return httpx.Client(
        timeout=httpx.Timeout(config.timeout, connect=min(10.0, config.timeout)),
        limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        headers={"User-Agent": USER_AGENT},
    )


def send(
    http: httpx.Client,
    request: httpx.Request,
    *,
    auth: httpx.Auth | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE,
) -> httpx.Response:
    """Send and read the whole response, at most `max_bytes` (decoded) within `deadline`
    seconds; httpx failures become `XeroConnectionError`s.

    Redirects are never followed, whatever the caller's client does: a 307 would re-send
    the token form or the bearer token to wherever it points. The deadline is checked as
    each chunk arrives, so a server trickling bytes cannot stretch a call beyond it by more
    than one read timeout.
    """
    until = time.monotonic() + deadline
    failure: XeroError | None = None
    try:
        if auth is not None:
            response = http.send(request, auth=auth, follow_redirects=False, stream=True)
        else:
            response = http.send(request, follow_redirects=False, stream=True)
        try:
            body = _read(response, max_bytes, until)
        finally:
            response.close()
    except httpx.HTTPError as exc:
        failure = _translated(exc, request)
    if failure is not None:  # raised outside the handler: neither cause nor context
        raise failure
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _DECODED]
    extensions = {k: v for k, v in response.extensions.items() if k in _KEPT_EXTENSIONS}
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=request,
        extensions=extensions,
    )


def _read(response: httpx.Response, max_bytes: int, until: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge(
                f"Xero's answer passed {max_bytes:,} bytes; it was not read",
                response=_raw_request(response.request, response.status_code),
            )
        if time.monotonic() > until:
            raise httpx.ReadTimeout("the whole exchange passed its deadline")
        chunks.append(chunk)
    return b"".join(chunks)


def _translated(exc: httpx.HTTPError, request: httpx.Request) -> XeroError:
    """The error for an httpx failure. Not chained: httpx's exception holds the request,
    Authorization header included."""
    snapshot = _raw_request(request)
    if isinstance(exc, httpx.TimeoutException):
        return XeroTimeout(f"{type(exc).__name__} calling Xero", response=snapshot)
    reason = "connect" if isinstance(exc, httpx.ConnectError) else "lost"
    return XeroConnectionError(
        f"{type(exc).__name__} calling Xero: {exc}", reason=reason, response=snapshot
    )


def failure_kind(error: XeroConnectionError) -> Failure:
    """Classify a transport failure for the retry decision."""
    if isinstance(error, XeroTimeout):
        return "timeout"
    return "connect" if error.reason == "connect" else "lost"


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


def _raw_request(request: httpx.Request, status: int | None = None) -> RawResponse:
    return RawResponse.build(request.method, str(request.url), status, {})


def encode_json(payload: Any) -> bytes:
    """The request body for `payload` (Decimal money as exact JSON numbers)."""
    return encode(payload)


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
        text = message or "".join(response.text.strip().splitlines()[0:1])
        # redacted before the cut: a secret cut short would no longer be recognised
        return XeroUnavailable(redact(f"Xero answered {status}: {text}")[:300], **context)
    return RequestRejected(message or f"Xero answered {status}", **context)
