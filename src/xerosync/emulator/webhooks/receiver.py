"""A reference webhook receiver: what a correct one does, in a few lines, for trying the
emulator (and for its tests).

It verifies `x-xero-signature` over the raw body bytes in constant time, answers 401 to
a bad signature and 200 with no body to a good one, and keeps what it accepted.
`check_signatures=False` makes the classic mistake (200 to everything), which the
intent-to-receive handshake must catch; `status` forces an answer; `delay` answers late.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from typing import Any

from starlette.types import Receive, Scope, Send

from xerosync.emulator.webhooks.events import SIGNATURE_HEADER


def verify(key: str, body: bytes, signature: str) -> bool:
    expected = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(expected, signature.encode())


class WebhookReceiver:
    """An ASGI app accepting Xero-style webhooks on any path."""

    def __init__(
        self,
        key: str,
        *,
        check_signatures: bool = True,
        status: int | None = None,
        delay: float = 0.0,
    ) -> None:
        self.key = key
        self.check_signatures = check_signatures
        self.status = status
        self.delay = delay
        self.payloads: list[dict[str, Any]] = []  # accepted deliveries, parsed
        self.bodies: list[tuple[bytes, str]] = []  # every request: raw body, signature
        self._lock = threading.Lock()

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every accepted event, in arrival order."""
        with self._lock:
            return [event for payload in self.payloads for event in payload["events"]]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = bytearray()
        while True:
            message = await receive()
            body.extend(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        signature = headers.get(SIGNATURE_HEADER, "")
        status = self._answer(bytes(body), signature)
        if self.delay:
            await asyncio.sleep(self.delay)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def _answer(self, body: bytes, signature: str) -> int:
        with self._lock:
            self.bodies.append((body, signature))
            if self.status is not None:
                return self.status
            if self.check_signatures and not verify(self.key, body, signature):
                return 401
            payload = json.loads(body)
            if payload["events"]:
                self.payloads.append(payload)
            return 200
