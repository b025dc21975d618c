"""The admin API under `/_emulator/`: set the emulator up and look inside it.

Documented in the README so any client or test outside the project can drive it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from xerosync.emulator.state import EmulatorState

router = APIRouter(prefix="/_emulator")


def emulator_state(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


class AppIn(BaseModel):
    name: str = "My Xero App"
    client_id: str | None = None
    client_secret: str | None = None
    redirect_uris: list[str] = []
    webhook_url: str | None = None
    webhook_key: str | None = None


class TenantIn(BaseModel):
    name: str
    tenant_id: str | None = None
    seed_demo: bool = False


@router.post("/apps", status_code=201)
def register_app(body: AppIn, request: Request) -> dict[str, Any]:
    app = emulator_state(request).register_app(**body.model_dump())
    return {
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "name": app.name,
        "redirect_uris": app.redirect_uris,
        "webhook_url": app.webhook_url,
        "webhook_key": app.webhook_key,
    }


@router.post("/tenants", status_code=201)
def create_tenant(body: TenantIn, request: Request) -> dict[str, Any]:
    state = emulator_state(request)
    tenant = state.create_tenant(body.name, tenant_id=body.tenant_id)
    if body.seed_demo:
        tenant.books.seed_demo()
    return {"tenant_id": tenant.tenant_id, "name": tenant.name}


@router.post("/reset", status_code=204)
def reset(request: Request) -> Response:
    """The whole emulator back to its fresh state: only the demo app is left."""
    emulator_state(request).reset()
    return Response(status_code=204)
