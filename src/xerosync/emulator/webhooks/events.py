"""What a webhook delivery carries, as pure functions: events, payload bytes, signatures.

Shapes follow Xero's webhooks specification (`WebhookEvent`, `CreditNoteWebhookEvent`) and
docs/xero-behaviour.md section 4:

- the signature is base64(HMAC-SHA256(webhook key, raw body bytes)), sent as
  `x-xero-signature`; a receiver must verify the bytes it received, never re-serialised JSON;
- `eventDateUtc` is `2024-06-21T01:15:39.902` (milliseconds, no zone), as Xero sends it;
- CREDITNOTE events carry `data: {Type, Status}`; CONTACT and INVOICE events carry no data;
- the intent-to-receive body is Xero's own, spacing included, with sequences 0 (the spec
  says minimum 1, Xero sends 0 for the handshake).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

CREATE = "CREATE"
UPDATE = "UPDATE"
EVENT_TYPES = frozenset({CREATE, UPDATE})

CONTACT = "CONTACT"
INVOICE = "INVOICE"
CREDITNOTE = "CREDITNOTE"
# The Accounting API collection each category's resourceUrl points into. Xero sends no
# webhooks for payments, bank transactions, items, journals or accounts.
RESOURCE_PATHS: Mapping[str, str] = {
    CONTACT: "Contacts",
    INVOICE: "Invoices",
    CREDITNOTE: "CreditNotes",
}
# The books' entity kinds (their plural) that make events: category and id field.
BOOKS_KINDS: Mapping[str, tuple[str, str]] = {
    "Contacts": (CONTACT, "ContactID"),
    "Invoices": (INVOICE, "InvoiceID"),
    "CreditNotes": (CREDITNOTE, "CreditNoteID"),
}
CREDIT_NOTE_TYPES = frozenset({"ACCPAYCREDIT", "ACCRECCREDIT"})
CREDIT_NOTE_STATUSES = frozenset({"DRAFT", "SUBMITTED", "DELETED", "AUTHORISED", "PAID", "VOIDED"})

SIGNATURE_HEADER = "x-xero-signature"
CONTENT_TYPE = "application/json; charset=utf-8"
XERO_RESOURCE_BASE = "https://api.xero.com/api.xro/2.0"


@dataclass(frozen=True)
class Event:
    """One change, as queued for one subscription (its sequence is that subscription's)."""

    sequence: int
    tenant_id: str
    tenant_type: str
    category: str
    event_type: str
    resource_id: str
    occurred: datetime
    data: Mapping[str, str] | None = None

    def to_json(self, resource_base: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "resourceUrl": f"{resource_base.rstrip('/')}/{RESOURCE_PATHS[self.category]}/"
            f"{self.resource_id}",
            "resourceId": self.resource_id,
            "eventDateUtc": event_date(self.occurred),
            "eventType": self.event_type,
            "eventCategory": self.category,
            "tenantId": self.tenant_id,
            "tenantType": self.tenant_type,
        }
        if self.data is not None:
            out["data"] = dict(self.data)
        return out


@dataclass(frozen=True)
class Batch:
    """A delivery's fixed contents: retries resend exactly these bytes."""

    events: tuple[Event, ...]
    body: bytes = field(repr=False)

    @property
    def first_sequence(self) -> int:
        return self.events[0].sequence

    @property
    def last_sequence(self) -> int:
        return self.events[-1].sequence


def check_event(category: str, event_type: str, data: Mapping[str, str] | None) -> str | None:
    """Why this event cannot be recorded (None when it can)."""
    if category not in RESOURCE_PATHS:
        return f"Xero sends no webhooks for {category!r}; categories are {sorted(RESOURCE_PATHS)}"
    if event_type not in EVENT_TYPES:
        return f"eventType must be CREATE or UPDATE, not {event_type!r}"
    if category == CREDITNOTE:
        if data is None:
            return "CREDITNOTE events need data={'Type': ..., 'Status': ...}"
        if data.get("Type") not in CREDIT_NOTE_TYPES:
            return f"credit note Type must be one of {sorted(CREDIT_NOTE_TYPES)}"
        if data.get("Status") not in CREDIT_NOTE_STATUSES:
            return f"credit note Status must be one of {sorted(CREDIT_NOTE_STATUSES)}"
    elif data is not None:
        return f"{category} events carry no data"
    return None


def event_date(moment: datetime) -> str:
    """`2024-06-21T01:15:39.902`: UTC, milliseconds, no zone suffix (as Xero sends it)."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}"


def entropy() -> str:
    """Twenty random capitals, like Xero's `entropy`."""
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(20))


def batch(events: Sequence[Event], resource_base: str) -> Batch:
    payload = {
        "events": [event.to_json(resource_base) for event in events],
        "firstEventSequence": events[0].sequence,
        "lastEventSequence": events[-1].sequence,
        "entropy": entropy(),
    }
    return Batch(tuple(events), json.dumps(payload, separators=(",", ":")).encode())


def intent_body() -> bytes:
    """An intent-to-receive delivery: no events, byte for byte in Xero's layout."""
    return (
        f'{{"events":[],"firstEventSequence": 0,"lastEventSequence": 0, "entropy": "{entropy()}"}}'
    ).encode()


def sign(key: str, body: bytes) -> str:
    digest = hmac.new(key.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def forged_signature(key: str, body: bytes) -> str:
    """A well-formed signature made with some other key, for the handshake's bad deliveries."""
    while True:
        other = secrets.token_urlsafe(32)
        if other != key:
            return sign(other, body)


def retry_delay(failures: int, base: float, cap: float) -> float:
    """Seconds before the next attempt after `failures` failed ones: base, 2x, 4x ... up to cap."""
    return float(min(cap, base * 2 ** max(0, failures - 1)))
