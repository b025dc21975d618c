"""Xero's webhooks, received: signature check, payload parsing, and the intent-to-receive answer.

Xero signs each delivery with `x-xero-signature: base64(HMAC-SHA256(webhook key, raw body))`. The
check must run on the bytes exactly as received (re-serialising the JSON changes them and breaks the
HMAC, xero-node#563) and compare in constant time. Xero's intent-to-receive probe sends empty
deliveries, some deliberately mis-signed, and wants 200 for the good ones and 401 for the bad ones
within 5 seconds: `respond()` gives exactly that for any delivery.

    status, payload = respond(request_body, request.headers.get(SIGNATURE_HEADER), webhook_key)
    if payload: store the events (insert-or-ignore on `event.dedupe_key`), enqueue, then answer `status`.

A correctly signed body that does not parse is a genuine delivery we cannot read (most likely
Xero changed its shape): `respond()` answers it `UNPARSABLE_STATUS` (500), never 200, so Xero keeps
it and retries instead of it being acknowledged and lost.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "SIGNATURE_HEADER",
    "UNPARSABLE_STATUS",
    "WebhookEvent",
    "WebhookPayload",
    "parse_payload",
    "respond",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "x-xero-signature"
UNPARSABLE_STATUS = 500  # not 2xx: Xero retries the delivery (and disables after long failure)

log = logging.getLogger("xerosync.webhooks")


def sign(body: bytes, key: str) -> str:
    """The signature Xero sends for `body` (also handy for tests and for the emulator's tooling)."""
    digest = hmac.new(key.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(body: bytes, signature: str | None, key: str) -> bool:
    """True when `signature` is Xero's signature of these exact bytes; constant-time."""
    if not signature or not key:
        return False
    return hmac.compare_digest(
        sign(body, key).encode("ascii"), signature.strip().encode("ascii", "replace")
    )


class WebhookEvent(BaseModel):
    """One change Xero tells us about. Events are thin: fetch `resource_url` for the record."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)

    resource_url: str = Field(alias="resourceUrl")
    resource_id: str = Field(alias="resourceId")
    event_date_utc: datetime = Field(alias="eventDateUtc")
    event_type: str = Field(alias="eventType")
    event_category: str = Field(alias="eventCategory")
    tenant_id: str = Field(alias="tenantId")
    tenant_type: str = Field(alias="tenantType")
    data: dict[str, Any] | None = None

    @field_validator("event_date_utc", mode="after")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # Xero sends `2024-06-21T01:15:39.902` with no zone; it is UTC.
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    @field_validator("event_type", "event_category", mode="after")
    @classmethod
    def _upper(cls, value: str) -> str:
        # Xero's docs have shown "Update"; the spec says "UPDATE".
        return value.upper()

    @property
    def dedupe_key(self) -> str:
        """Stable across Xero's re-deliveries of the same change (sequences are per delivery)."""
        return "|".join(
            (self.tenant_id, self.event_category, self.resource_id, self.event_date_utc.isoformat())
        )


class WebhookPayload(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)

    events: list[WebhookEvent]
    first_event_sequence: int = Field(alias="firstEventSequence")
    last_event_sequence: int = Field(alias="lastEventSequence")
    entropy: str

    @property
    def is_intent_to_receive(self) -> bool:
        """Xero's set-up probe: no events, only a signature to get right."""
        return not self.events


def parse_payload(body: bytes) -> WebhookPayload:
    """The delivery's events; raises `pydantic.ValidationError` for a body that is not one."""
    return WebhookPayload.model_validate_json(body)


def respond(body: bytes, signature: str | None, key: str) -> tuple[int, WebhookPayload | None]:
    """(HTTP status to answer, payload to act on). 401 and no payload for a bad signature; 200 and
    the payload for a good one (an intent-to-receive probe comes back with no events). A correctly
    signed body that does not parse gets `UNPARSABLE_STATUS` and no payload: it is not handled,
    so it must not be acknowledged; Xero retries it."""
    if not verify_signature(body, signature, key):
        return 401, None
    try:
        return 200, parse_payload(body)
    except ValueError as exc:
        problems = len(exc.errors()) if isinstance(exc, ValidationError) else 1
        log.error(
            "webhooks.unparsable_delivery",
            extra={"body_bytes": len(body), "problems": problems},
        )
        return UNPARSABLE_STATUS, None
