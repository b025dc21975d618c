"""The gate in front of the Accounting API: door checks, token, tenant, scope, limits, faults.

A pure ASGI middleware. Every request under `/api.xro/2.0/` passes here in Xero's order:
API offline for maintenance (503), request too large (413), a valid, unexpired bearer
token (401), a `xero-tenant-id` the app is connected to (403), a scope that allows the
resource (401 insufficient_scope), a rate-limit slot (429); then, with the rate-limit
headers on whatever follows, an organisation offline (503) and the scripted faults
(latency, 5xx bursts, a response lost after the handler committed). Route handlers read
the admitted call with `api_call(request)`.

Tenantless `/connections` calls count against the app-wide minute and carry only
`X-AppMinLimit-Remaining`; the identity routes check their own token. Every request
except the admin API's is written to `state.requests`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xerosync.emulator import responses
from xerosync.emulator.faults import MAINTENANCE_MESSAGE, ORG_OFFLINE_MESSAGE
from xerosync.emulator.limits import Admission
from xerosync.emulator.request_log import Received
from xerosync.emulator.routing import CanonicalPaths, canonical_raw_path
from xerosync.emulator.scopes import allows
from xerosync.emulator.state import AccessToken, App, EmulatorState, Tenant

API_PREFIX = "/api.xro/2.0/"
ADMIN_PREFIX = "/_emulator"
_WRITE_METHODS = {"PUT", "POST", "DELETE", "PATCH"}


@dataclass(frozen=True)
class ApiCall:
    """An admitted Accounting API call: who is calling, for which organisation."""

    app: App
    tenant: Tenant
    token: AccessToken


class ResponseLost(httpx.RemoteProtocolError):
    """A scripted lost response, raised when there is no socket to drop.

    In-process clients (Starlette's TestClient, httpx.ASGITransport) get the exception
    itself, which is what an httpx client sees when a server hangs up mid-exchange.
    """


def api_call(request: Request) -> ApiCall:
    """FastAPI dependency for accounting routes."""
    call: ApiCall = request.state.api_call
    return call


def bearer_token(state: EmulatorState, request: Request) -> AccessToken | Response:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value:
        return responses.unauthorized()
    token = state.access_tokens.get(value.strip())
    if token is None:
        return responses.unauthorized()
    now = state.clock.now()
    if token.expires_at <= now:
        stamp = token.expires_at.strftime("%m/%d/%Y %H:%M:%S")
        return responses.unauthorized(f"TokenExpired: token expired at {stamp}")
    return token


def _resource_of(path: str) -> tuple[str, str | None]:
    """`/api.xro/2.0/Reports/BalanceSheet` -> ("Reports", "BalanceSheet");
    `/api.xro/2.0/Invoices/{id}/Attachments/...` -> ("Attachments", None)."""
    if not path.startswith(API_PREFIX):
        return "", None
    parts = path[len(API_PREFIX) :].split("/")
    if len(parts) > 2 and parts[2] == "Attachments":
        return "Attachments", None
    return parts[0], (parts[1] if len(parts) > 1 else None)


class AccessMiddleware:
    def __init__(
        self, app: ASGIApp, state: EmulatorState, paths: CanonicalPaths | None = None
    ) -> None:
        self.app = app
        self.state = state
        self.paths = paths or CanonicalPaths(())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        if path[: len(API_PREFIX)].lower() == API_PREFIX:  # Xero matches paths in any case
            canonical = self.paths.canonical(path)
            if canonical != path:
                raw = canonical_raw_path(scope.get("raw_path") or path.encode(), canonical)
                scope = {**scope, "path": canonical, "raw_path": raw}
                path = canonical
        passage = _Passage(self.app, self.state, scope, receive, send)
        try:
            if path.startswith(API_PREFIX):
                await passage.accounting()
            elif path.lower().startswith("/connections"):
                await passage.connections()
            else:
                await self.app(scope, receive, passage.recording)
        except BaseException:
            if passage.entry.status is None and not passage.entry.lost:
                passage.entry.status = 500
            raise


class _Passage:
    """One request on its way through the gate, logged as it goes."""

    def __init__(
        self, app: ASGIApp, state: EmulatorState, scope: Scope, receive: Receive, send: Send
    ) -> None:
        self.app, self.state = app, state
        self.scope, self.receive, self.send = scope, receive, send
        self.request = request = Request(scope)
        path = request.url.path
        logged_query = path.startswith(API_PREFIX) or path.lower().startswith("/connections")
        self.tenant_id = request.headers.get("xero-tenant-id", "").strip() or None
        self.entry = state.requests.start(
            request.method,
            path,
            request.url.query if logged_query else "",
            tenant_id=self.tenant_id if path.startswith(API_PREFIX) else None,
            idempotency_key=request.headers.get("idempotency-key"),
        )
        self.recording = _recording(send, self.entry)

    @property
    def body_limit(self) -> int:
        """The largest body accepted: a file's limit for attachment uploads."""
        config = self.state.config
        if _resource_of(self.request.url.path)[0] == "Attachments":
            return config.attachment_max_bytes
        return config.max_request_bytes

    async def answer(self, response: Response, send: Send | None = None) -> None:
        await response(self.scope, self.receive, send or self.recording)

    async def accounting(self) -> None:
        state, request = self.state, self.request
        refusal = self._at_the_door()
        token = refusal or bearer_token(state, request)
        if isinstance(token, Response):
            await self.answer(token)
            return
        self.entry.client_id = token.client_id
        tenant = state.tenants.get(self.tenant_id or "")
        if tenant is None or state.connection_for(token.client_id, tenant.tenant_id) is None:
            await self.answer(responses.forbidden())
            return
        resource, sub = _resource_of(request.url.path)
        write = request.method.upper() in _WRITE_METHODS
        if not allows(token.scopes, resource, write=write, report=sub):
            await self.answer(responses.insufficient_scope())
            return
        self.scope.setdefault("state", {})["api_call"] = ApiCall(
            state.apps[token.client_id], tenant, token
        )
        await self._admitted(token.client_id, tenant.tenant_id)

    async def connections(self) -> None:
        refusal = self._at_the_door()
        if refusal is not None:
            await self.answer(refusal)
            return
        token = bearer_token(self.state, self.request)
        if isinstance(token, Response):  # the identity route answers 401 itself
            await self.app(self.scope, self.receive, self.recording)
            return
        self.entry.client_id = token.client_id
        await self._admitted(token.client_id, None)

    def _at_the_door(self) -> Response | None:
        """Refusals before anyone is identified: maintenance, a URL too long for Xero's front
        door (its 404, as Xero answers), and a body known to be too big."""
        if self.state.faults.maintenance:
            self.entry.fault = "maintenance"
            return responses.offline(MAINTENANCE_MESSAGE)
        if len(self.scope.get("query_string", b"")) > self.state.config.max_query_length:
            return responses.not_found()
        length = self.request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.body_limit:
            return _too_large()
        return None

    async def _admitted(self, client_id: str, tenant_id: str | None) -> None:
        """Take a rate-limit slot, apply faults, run the handler, give the slot back."""
        state, entry = self.state, self.entry
        admission = state.limits.acquire(client_id, tenant_id)
        if admission.problem is not None:
            refused = _with_headers(self.recording, _refusal_headers(admission))
            await self.answer(Response(status_code=429), refused)
            return
        reply = _with_headers(self.recording, admission.headers)
        try:
            if state.faults.is_offline(tenant_id):
                entry.fault = "offline"
                await self.answer(responses.offline(ORG_OFFLINE_MESSAGE), reply)
                return
            plan = state.faults.plan(self.request.method, self.request.url.path, tenant_id)
            entry.fault = _fault_names(plan.delay, plan.error, plan.lose_response)
            if plan.delay > 0:
                await asyncio.sleep(plan.delay)
            if plan.error is not None:
                status, text = plan.error
                await self.answer(PlainTextResponse(text, status_code=status), reply)
                return
            try:
                body = await _read_body(self.receive, self.body_limit)
            except _ClientGone:
                return  # nothing was received whole: nothing runs, nobody to answer
            if body is None:
                await self.answer(_too_large(), reply)
                return
            replay = _replaying(body, self.receive)
            if plan.lose_response:
                await self._lose_response(replay)
            else:
                await self.app(self.scope, replay, reply)
        finally:
            if admission.holds_slot:
                state.limits.release(client_id, tenant_id)

    async def _lose_response(self, receive: Receive) -> None:
        """Run the handler (its write commits), then drop the connection without a reply."""
        entry = self.entry

        async def swallow(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]

        await self.app(self.scope, receive, swallow)
        entry.lost = True
        transport = _transport_of(self.send)
        if transport is None:
            raise ResponseLost("the response was lost after the write was committed")
        transport.abort()
        await asyncio.sleep(0)  # let the server see the connection go before we return


def _recording(send: Send, entry: Received) -> Send:
    async def record(message: Message) -> None:
        if message["type"] == "http.response.start":
            entry.status = message["status"]
        await send(message)

    return record


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    """Add (or replace) response headers, keeping Xero's spelling (`X-MinLimit-Remaining`)."""
    names = {name.lower().encode("latin-1") for name in extra}
    encoded = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]

    async def add(message: Message) -> None:
        if message["type"] == "http.response.start" and extra:
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
            message = {**message, "headers": kept + encoded}
        await send(message)

    return add


class _ClientGone(Exception):
    """The client went away before its request body was complete."""


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None once it passes `limit` bytes (chunked uploads).

    Raises `_ClientGone` when the client disconnects first: Xero never sees a request that
    did not arrive whole (running the handler on half a body would answer it, and remember
    that answer under its Idempotency-Key, refusing the client's whole retry)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the buffered body over once, then waits on the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _transport_of(send: Send) -> Any | None:
    """The server's socket transport behind `send`, found through the wrapping closures.

    ASGI has no message for "drop this connection"; uvicorn's `send` is a bound method of
    its request cycle, which holds the asyncio transport. None under other servers.
    """
    seen: set[int] = set()
    stack: list[Any] = [send]
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        transport = getattr(getattr(fn, "__self__", None), "transport", None)
        if transport is not None and hasattr(transport, "abort"):
            return transport
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if callable(content):
                stack.append(content)
    return None


def _fault_names(delay: float, error: tuple[int, str] | None, lost: bool) -> str | None:
    names = [
        n for n, on in (("latency", delay > 0), ("error", error), ("lost_response", lost)) if on
    ]
    return ",".join(names) or None


def _refusal_headers(admission: Admission) -> dict[str, str]:
    headers = dict(admission.headers)
    headers["X-Rate-Limit-Problem"] = admission.problem or "minute"
    if admission.retry_after is not None:
        headers["Retry-After"] = str(admission.retry_after)
    return headers


def _too_large() -> Response:
    return PlainTextResponse("The request is larger than the API accepts", status_code=413)
