"""The shop's web hooks receiver: xerosync POSTs its change feed here, signed.

Check the signature before reading the body (HMAC-SHA256 of "<timestamp>.<body>" with the shared
secret, in `X-Xerosync-Signature: t=<unix seconds>,v1=<hex>`), refuse old timestamps (a replay),
answer 2xx only once the events are stored: xerosync sends again until it gets one."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shop.store import ShopStore

__all__ = ["SIGNATURE_HEADER", "receiver", "verify_signature"]

SIGNATURE_HEADER = "X-Xerosync-Signature"


def verify_signature(
    body: bytes,
    header: str | None,
    secret: str,
    *,
    now: float | None = None,
    tolerance: float = 300,
) -> bool:
    if not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def receiver(store: ShopStore, secret: str) -> Starlette:
    async def events(request: Request) -> Response:
        body = await request.body()
        if not verify_signature(body, request.headers.get(SIGNATURE_HEADER), secret):
            return Response("bad signature", status_code=401)
        for event in json.loads(body)["events"]:
            store.apply(event)
        return Response(status_code=204)

    return Starlette(routes=[Route("/xerosync/events", events, methods=["POST"])])
