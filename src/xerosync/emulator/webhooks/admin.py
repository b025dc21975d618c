"""Admin routes under `/_emulator/webhooks/`: subscriptions, handshake, queue, deliveries.

Also the router's lifespan, which runs the background delivery `Runner` while the server
is up (`webhook_pump_interval` seconds apart; 0 turns it off).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Request
from pydantic import BaseModel

from xerosync.emulator.state import EmulatorState
from xerosync.emulator.webhooks.dispatcher import WebhookDispatcher
from xerosync.emulator.webhooks.runner import Runner


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: EmulatorState = app.state.emulator
    interval = state.config.webhook_pump_interval
    runner = Runner(state.webhooks, interval).start() if interval > 0 else None
    try:
        yield
    finally:
        if runner is not None:
            runner.stop()


router = APIRouter(prefix="/_emulator/webhooks", tags=["webhooks"], lifespan=lifespan)


def _dispatcher(request: Request) -> WebhookDispatcher:
    state: EmulatorState = request.app.state.emulator
    return state.webhooks


class SubscriptionIn(BaseModel):
    url: str
    key: str


class EventIn(BaseModel):
    tenant_id: str
    category: Literal["CONTACT", "INVOICE", "CREDITNOTE"]
    event_type: Literal["CREATE", "UPDATE"] = "UPDATE"
    resource_id: str | None = None
    data: dict[str, str] | None = None


class SettingsIn(BaseModel):
    resource_base: str


@router.get("/subscriptions")
def list_subscriptions(request: Request) -> list[dict[str, Any]]:
    return _dispatcher(request).subscriptions()


@router.get("/subscriptions/{client_id}")
def get_subscription(client_id: str, request: Request) -> dict[str, Any]:
    sub = _dispatcher(request).subscription(client_id)
    if sub is None:
        raise HTTPException(404, f"app {client_id} has no webhook subscription")
    return sub


@router.put("/subscriptions/{client_id}")
def subscribe(client_id: str, body: SubscriptionIn, request: Request) -> dict[str, Any]:
    """Set the app's delivery URL and key, then run the intent-to-receive handshake."""
    dispatcher = _dispatcher(request)
    try:
        dispatcher.subscribe(client_id, body.url, body.key)
    except KeyError:
        raise HTTPException(404, f"no app {client_id}") from None
    return dispatcher.intent_to_receive(client_id)


@router.delete("/subscriptions/{client_id}", status_code=204)
def unsubscribe(client_id: str, request: Request) -> None:
    _dispatcher(request).unsubscribe(client_id)


@router.post("/subscriptions/{client_id}/intent")
def intent_to_receive(client_id: str, request: Request) -> dict[str, Any]:
    """Run the handshake now; a pass (re-)enables the subscription."""
    try:
        return _dispatcher(request).intent_to_receive(client_id)
    except KeyError:
        raise HTTPException(404, f"app {client_id} has no webhook subscription") from None


@router.get("/queue")
def queued_events(request: Request, client_id: str | None = None) -> list[dict[str, Any]]:
    return _dispatcher(request).pending(client_id)


@router.get("/deliveries")
def deliveries(
    request: Request,
    client_id: str | None = None,
    outcome: Literal["delivered", "failed"] | None = None,
) -> list[dict[str, Any]]:
    return _dispatcher(request).attempts(client_id, outcome)


@router.post("/pump")
def pump(request: Request) -> dict[str, int]:
    """Deliver everything due now (the background runner does this periodically)."""
    return _dispatcher(request).pump()


@router.post("/events", status_code=201)
def emit_event(body: EventIn, request: Request) -> dict[str, Any]:
    """Record a synthetic event, as if the resource had changed (for testing receivers)."""
    resource_id = body.resource_id or str(uuid.uuid4())
    try:
        queued = _dispatcher(request).record(
            body.tenant_id, body.category, body.event_type, resource_id, data=body.data
        )
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"resource_id": resource_id, "queued_for": queued}


@router.get("/settings")
def get_settings(request: Request) -> dict[str, Any]:
    return {"resource_base": _dispatcher(request).resource_base}


@router.put("/settings")
def put_settings(body: SettingsIn, request: Request) -> dict[str, Any]:
    """`resource_base` prefixes each event's resourceUrl (default Xero's API base)."""
    _dispatcher(request).resource_base = body.resource_base.rstrip("/")
    return {"resource_base": _dispatcher(request).resource_base}
