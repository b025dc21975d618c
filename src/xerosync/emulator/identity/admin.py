"""Identity admin routes under `/_emulator`: look at apps, tenants and connections, change an
app, and inject identity faults (a user disconnecting, refresh or access tokens dying now).

Secrets (client secrets, webhook keys, tokens) are never listed; registering an app is
the one answer that returns its secret.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from xerosync.emulator.admin import emulator_state
from xerosync.emulator.identity import grants, oauth
from xerosync.emulator.identity.connections import xero_timestamp
from xerosync.emulator.state import App, EmulatorState

router = APIRouter(prefix="/_emulator")


class TokenIn(BaseModel):
    client_id: str
    tenant_ids: list[str]
    scopes: list[str]


class AppUpdate(BaseModel):
    """Fields left out stay as they are; `consent_tenant_ids: null` means "all organisations"."""

    name: str | None = None
    redirect_uris: list[str] | None = None
    webhook_url: str | None = None
    webhook_key: str | None = None
    consent_tenant_ids: list[str] | None = None


def _app_json(state: EmulatorState, app: App) -> dict[str, Any]:
    return {
        "client_id": app.client_id,
        "name": app.name,
        "redirect_uris": app.redirect_uris,
        "webhook_url": app.webhook_url,
        "has_webhook_key": bool(app.webhook_key),
        "consent_tenant_ids": state.consent_tenants.get(app.client_id),
    }


def _app(state: EmulatorState, client_id: str) -> App:
    app = state.apps.get(client_id)
    if app is None:
        raise HTTPException(404, f"No app with client_id {client_id!r}")
    return app


@router.get("/apps")
def list_apps(request: Request) -> list[dict[str, Any]]:
    state = emulator_state(request)
    return [_app_json(state, app) for app in state.apps.values()]


@router.patch("/apps/{client_id}")
def update_app(client_id: str, body: AppUpdate, request: Request) -> dict[str, Any]:
    state = emulator_state(request)
    app = _app(state, client_id)
    changes = body.model_dump(exclude_unset=True)
    if "consent_tenant_ids" in changes:
        chosen = changes.pop("consent_tenant_ids")
        if chosen is None:
            state.consent_tenants.pop(client_id, None)
        else:
            unknown = [t for t in chosen if t not in state.tenants]
            if unknown:
                raise HTTPException(422, f"Unknown tenant ids: {', '.join(unknown)}")
            state.consent_tenants[client_id] = list(chosen)
    with state.lock:
        for name, value in changes.items():
            if name == "name" and value is None:
                continue
            setattr(app, name, list(value) if name == "redirect_uris" else value)
    return _app_json(state, app)


@router.post("/tokens", status_code=201)
def mint_token(body: TokenIn, request: Request) -> dict[str, Any]:
    """Skip the consent flow: connect the app to the tenants and issue what the flow would
    (a JWT access token; a refresh token with `offline_access`; an id_token with `openid`)."""
    state = emulator_state(request)
    _app(state, body.client_id)
    unknown = [t for t in body.tenant_ids if t not in state.tenants]
    if unknown:
        raise HTTPException(422, f"Unknown tenant ids: {', '.join(unknown)}")
    auth_event_id = grants.new_auth_event_id()
    for tenant_id in body.tenant_ids:
        state.connect(body.client_id, tenant_id, grants.EMULATOR_USER_ID, auth_event_id)
    issuer = oauth.issuer_of(request)
    issued = grants.issue(
        state,
        client_id=body.client_id,
        user_id=grants.EMULATOR_USER_ID,
        scopes=frozenset(body.scopes),
        auth_event_id=auth_event_id,
        public_client=False,
        issuer=issuer,
    )
    return oauth.token_body(state, issued, issuer)


@router.get("/tenants")
def list_tenants(request: Request) -> list[dict[str, Any]]:
    state = emulator_state(request)
    return [
        {"tenant_id": t.tenant_id, "name": t.name, "tenant_type": t.tenant_type}
        for t in state.tenants.values()
    ]


@router.get("/connections")
def list_connections(request: Request) -> list[dict[str, Any]]:
    state = emulator_state(request)
    with state.lock:
        conns = sorted(state.connections.values(), key=lambda c: c.created)
    return [
        {
            "id": c.id,
            "client_id": c.client_id,
            "tenant_id": c.tenant_id,
            "user_id": c.user_id,
            "auth_event_id": c.auth_event_id,
            "created": xero_timestamp(c.created),
            "updated": xero_timestamp(c.updated),
        }
        for c in conns
    ]


@router.post("/connections/{connection_id}/revoke")
def revoke_connection(connection_id: str, request: Request) -> dict[str, Any]:
    """As if the user disconnected the app from this organisation inside Xero."""
    if not grants.disconnect(emulator_state(request), connection_id):
        raise HTTPException(404, f"No connection {connection_id!r}")
    return {"revoked": connection_id}


@router.post("/apps/{client_id}/expire-refresh-tokens")
def expire_refresh_tokens(client_id: str, request: Request) -> dict[str, int]:
    state = emulator_state(request)
    _app(state, client_id)
    return {"expired": grants.expire_refresh_tokens(state, client_id)}


@router.post("/apps/{client_id}/expire-access-tokens")
def expire_access_tokens(client_id: str, request: Request) -> dict[str, int]:
    state = emulator_state(request)
    _app(state, client_id)
    return {"expired": grants.expire_access_tokens(state, client_id)}
