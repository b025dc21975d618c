"""The gate in front of the Accounting API: token, tenant, scope, rate limits.

Every request under `/api.xro/2.0/` passes here in Xero's order: a valid, unexpired
bearer token (401), a `xero-tenant-id` the app is connected to (403), a scope that allows
the resource (401 insufficient_scope), then a rate-limit slot (429). Route handlers read
the admitted call from `request.state.api_call`.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.responses import Response
from starlette.types import ASGIApp

from xerosync.emulator import responses
from xerosync.emulator.scopes import allows
from xerosync.emulator.state import AccessToken, App, EmulatorState, Tenant

API_PREFIX = "/api.xro/2.0/"
_WRITE_METHODS = {"PUT", "POST", "DELETE", "PATCH"}


@dataclass(frozen=True)
class ApiCall:
    """An admitted Accounting API call: who is calling, for which organisation."""

    app: App
    tenant: Tenant
    token: AccessToken


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
    """`/api.xro/2.0/Reports/BalanceSheet` -> ("Reports", "BalanceSheet")."""
    parts = path[len(API_PREFIX) :].split("/")
    return parts[0], (parts[1] if len(parts) > 1 else None)


class AccessMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        super().__init__(app)
        self.state = state

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if not request.url.path.startswith(API_PREFIX):
            return await call_next(request)
        state = self.state
        token = bearer_token(state, request)
        if isinstance(token, Response):
            return token
        tenant_id = request.headers.get("xero-tenant-id", "").strip()
        tenant = state.tenants.get(tenant_id)
        if tenant is None or state.connection_for(token.client_id, tenant_id) is None:
            return responses.forbidden()
        resource, sub = _resource_of(request.url.path)
        write = request.method.upper() in _WRITE_METHODS
        if not allows(token.scopes, resource, write=write, report=sub):
            return responses.insufficient_scope()
        admission = state.limits.acquire(token.client_id, tenant_id)
        try:
            if admission.problem is not None:
                return _too_many(admission.headers, admission.problem, admission.retry_after)
            request.state.api_call = ApiCall(state.apps[token.client_id], tenant, token)
            response = await call_next(request)
            response.headers.update(admission.headers)
            return response
        finally:
            if admission.problem is None:
                state.limits.release(token.client_id, tenant_id)


def _too_many(headers: dict[str, str], problem: str, retry_after: int | None) -> Response:
    out = dict(headers)
    out["X-Rate-Limit-Problem"] = problem
    if retry_after is not None:
        out["Retry-After"] = str(retry_after)
    return Response(status_code=429, headers=out)
