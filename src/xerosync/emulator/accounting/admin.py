"""Admin routes for the books: `POST /_emulator/tenants/{id}/reset`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from xerosync.emulator.state import EmulatorState

router = APIRouter(prefix="/_emulator")


class ResetIn(BaseModel):
    seed_demo: bool = True


@router.post("/tenants/{tenant_id}/reset")
def reset_tenant(tenant_id: str, request: Request, body: ResetIn | None = None) -> Response:
    """Empty the organisation's books (and forget idempotency keys); reseed the demo
    company unless `{"seed_demo": false}`."""
    state: EmulatorState = request.app.state.emulator
    tenant = state.tenants.get(tenant_id)
    if tenant is None:
        return JSONResponse({"detail": f"no tenant {tenant_id}"}, status_code=404)
    books = tenant.books
    with books.lock:
        books.reset()
        if body is None or body.seed_demo:
            books.seed_demo()
        counts: dict[str, Any] = {k: len(e.collection) for k, e in books.entities.items()}
    return JSONResponse({"tenant_id": tenant_id, "records": counts})
