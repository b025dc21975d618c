"""Validate every emulator response against Xero's OpenAPI specification.

`SpecCheck` wraps the emulator's ASGI app: each request/response pair that passes
through it is checked against Xero's specification, vendored in `tests/support/xero-openapi/`
(accounting for `/api.xro/2.0/...`, identity for `/connections`). Statuses the spec does not
document for an operation (Xero's spec documents only 200/204/400) are not checked; everything
else that does not match is recorded in `failures`, and the `emulator` fixture fails the test
on teardown.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from werkzeug.datastructures import Headers, ImmutableMultiDict

from xerosync.emulator.routing import CanonicalPaths

SPEC_DIR = Path(__file__).resolve().parent / "xero-openapi"
XERO_HOST = "https://api.xero.com"


@functools.cache
def accounting_spec() -> OpenAPI:
    return _load("xero_accounting.yaml")


@functools.cache
def identity_spec() -> OpenAPI:
    # Xero's /connections dates have no offset ("2019-12-07T18:46:19.5165400", the spec's own
    # example), which strict RFC 3339 `date-time` refuses: accept any ISO 8601 date-time here.
    return _load("xero-identity.yaml", {"date-time": _iso_datetime})


@functools.cache
def _accounting_paths() -> CanonicalPaths:
    with open(SPEC_DIR / "xero_accounting.yaml") as fh:
        paths = [line[2:-2] for line in fh if line.startswith("  /") and line.endswith(":\n")]
    return CanonicalPaths(f"/api.xro/2.0{p}" for p in paths)


def _spec_spelling(path: str) -> str:
    """Xero matches paths in any case and serves `/Organisations` as `/Organisation`."""
    path = _accounting_paths().canonical(path)
    plural = "/api.xro/2.0/Organisations"
    if path.lower() == plural.lower() or path.lower().startswith(plural.lower() + "/"):
        path = "/api.xro/2.0/Organisation" + path[len(plural) :]
    return _accounting_paths().canonical(path)


def _iso_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _load(name: str, formats: dict[str, Any] | None = None) -> OpenAPI:
    with open(SPEC_DIR / name) as fh:
        data = yaml.load(fh, Loader=yaml.CSafeLoader)
    config = Config(spec_validator_cls=None, extra_format_validators=formats or {})
    return OpenAPI.from_dict(data, config=config)


@dataclass
class _Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes | None
    host_url: str = XERO_HOST
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(
                [
                    (k, v)
                    for k, vs in parse_qs(self.query, keep_blank_values=True).items()
                    for v in vs
                ]
            ),
            header=Headers(self.headers),
            cookie=ImmutableMultiDict(),
        )

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "application/json").lower()


@dataclass
class _Response:
    status_code: int
    headers: Headers
    data: bytes

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).lower()


def check(
    method: str,
    path: str,
    query: str,
    req_headers: dict[str, str],
    req_body: bytes,
    status: int,
    resp_headers: dict[str, str],
    resp_body: bytes,
) -> str | None:
    """Validate one exchange; return a description of the mismatch, or None."""
    if path.lower().startswith("/api.xro/2.0/"):
        spec = accounting_spec()
        path = _spec_spelling(path)
    elif path.lower().startswith("/connections"):
        spec = identity_spec()
        path = "/Connections" + path[len("/connections") :]
    else:
        return None
    if "/Attachments/" in path and method.upper() == "GET":
        return None  # the file itself: the spec says only "binary"
    request = _Request(method.lower(), path, query, req_headers, req_body or None)
    response = _Response(status, Headers(resp_headers), resp_body)
    if status == 204 or not response.content_type.startswith("application/json"):
        if status in (200, 400):
            return f"{method} {path}: status {status} with content-type {response.content_type!r}"
        return None
    try:
        json.loads(resp_body or b"null")
    except ValueError as exc:
        return f"{method} {path}: body is not JSON: {exc}"
    try:
        spec.validate_response(request, response)
    except (ResponseNotFound,):
        return None
    except PathNotFound:
        return f"{method} {path}: path not in Xero's spec"
    except Exception as exc:  # the validator's own error types vary; all are mismatches
        detail = "; ".join(str(e) for e in getattr(exc, "schema_errors", ()) or [exc])
        return f"{method} {path}?{query} -> {status}: {type(exc).__name__}: {detail[:2000]}"
    return None


class SpecCheck:
    """ASGI wrapper that validates each response and records mismatches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.failures: list[str] = []
        self.checked = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        req_body = bytearray()
        resp: dict[str, Any] = {"status": 0, "headers": {}, "body": bytearray()}

        async def recv() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                req_body.extend(message.get("body", b""))
            return message

        async def snd(message: Message) -> None:
            if message["type"] == "http.response.start":
                resp["status"] = message["status"]
                resp["headers"] = {
                    k.decode().lower(): v.decode() for k, v in message.get("headers", [])
                }
            elif message["type"] == "http.response.body":
                resp["body"].extend(message.get("body", b""))
            await send(message)

        await self.app(scope, recv, snd)
        req_headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        problem = check(
            scope["method"],
            scope["path"],
            scope.get("query_string", b"").decode(),
            req_headers,
            bytes(req_body),
            resp["status"],
            resp["headers"],
            bytes(resp["body"]),
        )
        self.checked += 1
        if problem:
            self.failures.append(problem)
