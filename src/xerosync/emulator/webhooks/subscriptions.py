"""A webhook subscription per app: where to deliver, its handshake status, its event queue.

Status follows Xero's developer portal:

- `INTENT_REQUIRED`: new, or its URL/key changed; the next pump (or the admin) runs the
  intent-to-receive handshake;
- `ITR_FAILED`: the receiver failed the handshake (`reason` says how); stays so until
  the handshake is run again;
- `OK`: events are queued and delivered; `failing_since` is set while deliveries fail and
  are being retried;
- `DISABLED`: deliveries failed for `webhook_disable_after` seconds; no new events are
  queued; a passed handshake re-enables it and the events already queued go out in order.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from xerosync.emulator.webhooks.events import Batch, Event

INTENT_REQUIRED = "INTENT_REQUIRED"
ITR_FAILED = "ITR_FAILED"
OK = "OK"
DISABLED = "DISABLED"

DELIVERED = "delivered"
FAILED = "failed"


@dataclass
class Attempt:
    """One POST to a receiver, as the admin lists it."""

    id: int
    client_id: str
    kind: str  # "intent" | "events"
    sent_at: datetime
    outcome: str  # delivered | failed
    status_code: int | None
    error: str | None
    seconds: float
    first_sequence: int = 0
    last_sequence: int = 0
    events: int = 0
    signed: str = "good"  # "good" | "bad" (handshake only)
    attempt: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "kind": self.kind,
            "sent_at": self.sent_at.isoformat(),
            "outcome": self.outcome,
            "status_code": self.status_code,
            "error": self.error,
            "seconds": round(self.seconds, 4),
            "first_sequence": self.first_sequence,
            "last_sequence": self.last_sequence,
            "events": self.events,
            "signed": self.signed,
            "attempt": self.attempt,
        }


@dataclass
class Subscription:
    client_id: str
    url: str
    key: str = field(repr=False)
    status: str = INTENT_REQUIRED
    reason: str | None = None
    next_sequence: int = 1
    queue: deque[Event] = field(default_factory=deque)
    in_flight: Batch | None = None
    failures: int = 0
    failing_since: datetime | None = None
    next_attempt_at: datetime | None = None
    last_delivered_at: datetime | None = None
    delivered_events: int = 0

    def take_sequence(self) -> int:
        seq = self.next_sequence
        self.next_sequence += 1
        return seq

    def pending_events(self) -> list[Event]:
        """Accepted and not yet delivered, in delivery order."""
        head = list(self.in_flight.events) if self.in_flight else []
        return head + list(self.queue)

    def succeeded(self, now: datetime) -> None:
        if self.in_flight is not None:
            self.delivered_events += len(self.in_flight.events)
        self.in_flight = None
        self.failures = 0
        self.failing_since = None
        self.next_attempt_at = None
        self.last_delivered_at = now

    def to_json(self) -> dict[str, Any]:
        """The admin view; never the webhook key."""
        return {
            "client_id": self.client_id,
            "url": self.url,
            "status": self.status,
            "reason": self.reason,
            "retrying": self.failing_since is not None,
            "failures": self.failures,
            "failing_since": _iso(self.failing_since),
            "next_attempt_at": _iso(self.next_attempt_at),
            "last_delivered_at": _iso(self.last_delivered_at),
            "queued_events": len(self.queue)
            + (len(self.in_flight.events) if self.in_flight else 0),
            "delivered_events": self.delivered_events,
            "next_sequence": self.next_sequence,
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
