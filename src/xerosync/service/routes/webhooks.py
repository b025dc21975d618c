"""[pull 1] Xero's webhooks: verify -> inbox -> wake -> 200, in milliseconds.

Every delivery's signature is checked in constant time over the raw bytes (`xero.webhooks`);
intent-to-receive probes get 200 for a good signature and 401 for a bad one. Events are stored
durably and once (insert-or-ignore on the event's key, so a redelivery is harmless) before the
200; the workers are woken per connection with new events, after the commit. No Xero call is
made here: the pull happens in a worker.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from xerosync.service.deps import Service, ServiceDep
from xerosync.store import connections as connection_store
from xerosync.store import inbox
from xerosync.xero.webhooks import SIGNATURE_HEADER, respond

__all__ = ["MAX_BODY_BYTES", "router"]

log = logging.getLogger("xerosync.service")

#: a delivery is at most a few hundred events of a few hundred bytes each
MAX_BODY_BYTES = 1024 * 1024

router = APIRouter(tags=["webhooks"])


async def _read_capped(request: Request, cap: int) -> bytes | None:
    """The body, or None when it is larger than `cap` (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            return None
    return bytes(body)


def _store(service: Service, body: bytes) -> None:
    """The delivery's events kept, in one insert and one transaction (Xero waits for the 200);
    then each connection with new events woken."""
    events: list[dict[str, Any]] = orjson.loads(body).get("events") or []
    sync = service.sync
    with sync.db.transaction() as session:
        new = inbox.store_events(sync.db, session, events, now=sync.context.clock.now())
        connected = connection_store.ids_by_tenant(session, list(new))
    for tenant_id, count in Counter(str(e.get("tenantId", "")) for e in events).items():
        connection_id = connected.get(tenant_id)
        log.info(
            "webhooks.received", extra={"tenant": tenant_id, "events": count, "new": new[tenant_id]}
        )
        if new[tenant_id] and connection_id is None:
            log.warning("webhooks.unknown_tenant", extra={"tenant": tenant_id})
        elif connection_id is not None:
            service.wake("inbox", connection_id)


@router.post(
    "/webhooks/xero",
    responses={
        200: {"description": "verified and stored (or an intent-to-receive probe)"},
        401: {"description": "signature does not match the webhook key"},
        413: {"description": "body over 1 MB"},
    },
)
async def xero_webhook(request: Request, service: ServiceDep) -> Response:
    """Xero's deliveries and intent-to-receive probes, signed with `x-xero-signature`."""
    body = await _read_capped(request, MAX_BODY_BYTES)
    if body is None:
        log.warning("webhooks.too_large")
        return Response(status_code=413)
    key = service.settings.webhook_key.get_secret_value()
    status, payload = respond(body, request.headers.get(SIGNATURE_HEADER), key)
    if status != 200 or payload is None:
        if status == 401:
            log.warning("webhooks.bad_signature", extra={"body_bytes": len(body)})
        return Response(status_code=status)
    if payload.events:
        await run_in_threadpool(_store, service, body)
    return Response(status_code=200)
