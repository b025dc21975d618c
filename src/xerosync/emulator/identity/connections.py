"""`GET /connections` and `DELETE /connections/{id}` (also spelt `/Connections`, as the SDKs do).

The list holds the calling app's connections, shaped like xero-identity.yaml's `Connection`,
with Xero's timestamps: no `Z`, seven fractional digits (`2019-12-07T18:46:19.5165400`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from xerosync.emulator.access import bearer_token
from xerosync.emulator.admin import emulator_state
from xerosync.emulator.state import Connection, EmulatorState, Tenant

router = APIRouter()


def xero_timestamp(moment: datetime) -> str:
    """`2019-12-07T18:46:19.5165400`: UTC, no offset, 100-nanosecond precision."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


def connection_json(conn: Connection, tenant: Tenant) -> dict[str, Any]:
    return {
        "id": conn.id,
        "authEventId": conn.auth_event_id,
        "tenantId": conn.tenant_id,
        "tenantType": tenant.tenant_type,
        "tenantName": tenant.name,
        "createdDateUtc": xero_timestamp(conn.created),
        "updatedDateUtc": xero_timestamp(conn.updated),
    }


def app_connections(state: EmulatorState, client_id: str) -> list[Connection]:
    with state.lock:
        found = [c for c in state.connections.values() if c.client_id == client_id]
    return sorted(found, key=lambda c: c.created)


def list_connections(request: Request) -> Response:
    state = emulator_state(request)
    token = bearer_token(state, request)
    if isinstance(token, Response):
        return token
    auth_event_id = request.query_params.get("authEventId")
    found = [
        connection_json(c, tenant)
        for c in app_connections(state, token.client_id)
        if (tenant := state.tenants.get(c.tenant_id)) is not None
        and (auth_event_id is None or c.auth_event_id == auth_event_id)
    ]
    return JSONResponse(found)


def delete_connection(request: Request, connection_id: str) -> Response:
    """The app disconnects one organisation; its tokens stay valid for the others."""
    state = emulator_state(request)
    token = bearer_token(state, request)
    if isinstance(token, Response):
        return token
    with state.lock:
        conn = state.connections.get(connection_id)
        if conn is None or conn.client_id != token.client_id:
            return PlainTextResponse("Connection not found", status_code=404)
        del state.connections[connection_id]
    return Response(status_code=204)


for _path in ("/connections", "/Connections"):
    router.add_api_route(_path, list_connections, methods=["GET"])
    router.add_api_route(f"{_path}/{{connection_id}}", delete_connection, methods=["DELETE"])
