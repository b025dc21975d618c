"""Signed outbound webhooks: the change feed, sent in order to the application's endpoint.

Each delivery is a POST of the next events after the receiver's cursor (`{"events": [...]}`),
signed with HMAC-SHA256 over `"<timestamp>.<body>"` in the header
`X-Xerosync-Signature: t=<unix seconds>,v1=<hex>`. The cursor moves only when the receiver
answers 2xx, so every event is delivered at least once and in `seq` order (so in order per
record); a failure is tried again with exponential backoff (`next_attempt_at`). A receiver checks
a delivery with `verify(body, header, secret, now=...)` and ignores events it has already seen
(their `seq` is below the last one it kept).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from xerosync.clock import Clock
from xerosync.host.feed import changes
from xerosync.store.db import Database
from xerosync.store.tables import FeedCursor

__all__ = ["HEADER", "Delivered", "deliver", "sign", "verify"]

HEADER = "X-Xerosync-Signature"
MAX_BACKOFF = 3600.0


def sign(body: bytes, secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    body: bytes, header: str | None, secret: str, *, now: datetime, tolerance: float = 300
) -> bool:
    """True if `header` signs `body` with `secret` and is no older than `tolerance` seconds (an
    old delivery replayed by someone else is refused); compared in constant time."""
    if not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now.timestamp() - timestamp) > tolerance:
        return False
    return hmac.compare_digest(
        sign(body, secret, timestamp), f"t={timestamp},v1={parts.get('v1', '')}"
    )


@dataclass(frozen=True)
class Delivered:
    sent: int  # events the receiver accepted in this run
    seq: int  # the receiver's cursor now
    waiting_until: datetime | None = None  # set when the receiver failed and is backing off
    error: str | None = None


def _cursor(db: Database, name: str) -> tuple[int, int, datetime | None]:
    with db.transaction() as session:
        row = session.get(FeedCursor, name)
        if row is None:
            session.add(FeedCursor(name=name, seq=0, attempts=0))
            return 0, 0, None
        return row.seq, row.attempts, row.next_attempt_at


def _save(db: Database, name: str, **values: Any) -> None:
    with db.transaction() as session:
        row = session.get(FeedCursor, name)
        assert row is not None
        for key, value in values.items():
            setattr(row, key, value)


def deliver(
    db: Database,
    http: httpx.Client,
    *,
    url: str,
    secret: str,
    clock: Clock,
    name: str = "default",
    batch: int = 100,
    max_batches: int = 100,
) -> Delivered:
    """Send the feed after receiver `name`'s cursor to `url`, a batch at a time, until it is
    caught up, it fails, or `max_batches` were sent."""
    seq, attempts, not_before = _cursor(db, name)
    now = clock.now()
    if not_before is not None and now < not_before:
        return Delivered(0, seq, not_before)
    sent = 0
    for _ in range(max_batches):
        with db.transaction() as session:
            events = changes(session, after=seq, limit=batch)
        if not events:
            break
        body = json.dumps(
            {
                "events": [
                    {
                        "seq": e.seq,
                        "connection_id": e.connection_id,
                        "entity": e.entity,
                        "kind": e.kind,
                        "app_id": e.app_id,
                        "xero_id": e.xero_id,
                        "data": e.data,
                        "at": e.at.isoformat(),
                    }
                    for e in events
                ]
            },
            default=str,
        ).encode()
        stamp = int(clock.now().timestamp())
        error: str | None = None
        try:
            answer = http.post(
                url,
                content=body,
                headers={"Content-Type": "application/json", HEADER: sign(body, secret, stamp)},
                follow_redirects=False,
            )
            if not answer.is_success:
                error = f"the receiver answered {answer.status_code}"
        except httpx.HTTPError as exc:
            error = f"the receiver could not be reached ({type(exc).__name__})"
        if error is not None:
            attempts += 1
            wait = min(MAX_BACKOFF, 2.0 ** min(attempts, 20))
            until = clock.now() + timedelta(seconds=wait)
            _save(db, name, attempts=attempts, next_attempt_at=until, last_error=error)
            return Delivered(sent, seq, until, error)
        seq = events[-1].seq
        sent += len(events)
        attempts = 0
        _save(db, name, seq=seq, attempts=0, next_attempt_at=None, last_error=None)
    return Delivered(sent, seq)
