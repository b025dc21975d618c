"""The emulator's webhook dispatcher: record changes, run handshakes, deliver in order.

Stores call `record(tenant_id, category, event_type, resource_id)` at the point a create or
update is committed; it only queues (no I/O), for every app connected to the tenant whose
subscription is `OK`. `pump()` does the I/O: it runs pending intent-to-receive handshakes
and sends each subscription's due batches, oldest first, one batch at a time. A failed
batch is retried with exactly the same bytes after `retry_delay(...)` (base
`webhook_retry_base`, doubling, capped at 15 minutes), and nothing behind it goes out first,
so receivers see sequences in order with none lost. After `webhook_disable_after` seconds
of continuous failure the subscription is disabled.

Time is the injected clock: tests advance a FakeClock and call `pump()`. The real server
runs `Runner`, which calls `pump()` every `webhook_pump_interval` seconds.
"""

from __future__ import annotations

import functools
import itertools
import logging
import secrets
import threading
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx

from xerosync.emulator.webhooks import events as ev
from xerosync.emulator.webhooks.delivery import Outcome, Sender
from xerosync.emulator.webhooks.subscriptions import (
    DELIVERED,
    DISABLED,
    FAILED,
    INTENT_REQUIRED,
    ITR_FAILED,
    OK,
    Attempt,
    Subscription,
)

if TYPE_CHECKING:
    from xerosync.emulator.state import EmulatorState

log = logging.getLogger("xerosync.emulator.webhooks")

RETRY_CAP = 900.0  # Xero retries every 15 minutes at most (docs/xero-behaviour.md, "Webhooks")
INTENT_GOOD = 2  # correctly signed handshake deliveries
INTENT_BAD = 2  # deliberately mis-signed ones
ATTEMPTS_KEPT = 2000


class WebhookDispatcher:
    def __init__(
        self, state: EmulatorState, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._state = state
        self._transport = transport
        self._lock = threading.Lock()  # guards the data below; never held during I/O
        self._pump_lock = threading.Lock()  # one pump (the only sender) at a time
        self._subs: dict[str, Subscription] = {}
        self._attempts: deque[Attempt] = deque(maxlen=ATTEMPTS_KEPT)
        self._attempt_ids = itertools.count(1)
        self.resource_base: str = state.config.webhook_resource_base

    # -- recording (called by the stores; no I/O) -----------------------------------

    def record(
        self,
        tenant_id: str,
        category: str,
        event_type: str,
        resource_id: str,
        *,
        data: Mapping[str, str] | None = None,
    ) -> int:
        """Queue one change for every subscribed app connected to the tenant; return how many."""
        problem = ev.check_event(category, event_type, data)
        if problem:
            raise ValueError(problem)
        if not self._subs:
            return 0
        state = self._state
        tenant = state.tenants.get(tenant_id)
        if tenant is None:
            raise ValueError(f"no organisation {tenant_id}")
        client_ids = {
            c.client_id for c in list(state.connections.values()) if c.tenant_id == tenant_id
        }
        now = state.clock.now()
        queued = 0
        with self._lock:
            for client_id in sorted(client_ids):
                sub = self._subs.get(client_id)
                if sub is None or sub.status != OK:
                    continue
                event = ev.Event(
                    sequence=sub.take_sequence(),
                    tenant_id=tenant_id,
                    tenant_type=tenant.tenant_type,
                    category=category,
                    event_type=event_type,
                    resource_id=str(resource_id).lower(),
                    occurred=now,
                    data=dict(data) if data is not None else None,
                )
                sub.queue.append(event)
                queued += 1
        return queued

    def hook(self, tenant_id: str) -> Callable[[str, Mapping[str, Any], bool], None]:
        """The `Books.on_change` callback for one organisation."""
        return functools.partial(self.books_changed, tenant_id)

    def books_changed(
        self, tenant_id: str, plural: str, record: Mapping[str, Any], created: bool
    ) -> None:
        """The books' hook (`Books.on_change`): a record of kind `plural` was stored.

        Only contacts, invoices and credit notes make events; a payment shows up as the
        UPDATE of its invoice, which the payment store re-stores."""
        kind = ev.BOOKS_KINDS.get(plural)
        if kind is None or not self._subs:
            return
        category, id_field = kind
        data = None
        if category == ev.CREDITNOTE:
            data = {"Type": str(record.get("Type")), "Status": str(record.get("Status"))}
        event_type = ev.CREATE if created else ev.UPDATE
        try:
            self.record(tenant_id, category, event_type, str(record[id_field]), data=data)
        except ValueError:  # never fail the API call that made the change
            log.exception("webhooks.event_refused", extra={"category": category})

    # -- subscriptions --------------------------------------------------------------

    def subscribe(self, client_id: str, url: str, key: str) -> Subscription:
        """Point an app's webhooks at `url`, signed with `key`; the handshake comes next."""
        app = self._state.apps.get(client_id)
        if app is None:
            raise KeyError(client_id)
        with self._state.lock:
            app.webhook_url, app.webhook_key = url, key
        self.sync()
        return self._subs[client_id]

    def unsubscribe(self, client_id: str) -> None:
        app = self._state.apps.get(client_id)
        if app is not None:
            with self._state.lock:
                app.webhook_url = app.webhook_key = None
        self.sync()

    def sync(self) -> None:
        """Follow the apps' webhook settings: new or changed URL/key -> handshake required."""
        apps = list(self._state.apps.values())
        with self._lock:
            wanted = {a.client_id: a for a in apps if a.webhook_url and a.webhook_key}
            for client_id in list(self._subs):
                if client_id not in wanted:
                    del self._subs[client_id]
            for client_id, app in wanted.items():
                url, key = str(app.webhook_url), str(app.webhook_key)
                sub = self._subs.get(client_id)
                if sub is None:
                    self._subs[client_id] = Subscription(client_id, url, key)
                elif (sub.url, sub.key) != (url, key):
                    sub.url, sub.key = url, key
                    sub.status, sub.reason = INTENT_REQUIRED, None

    def subscriptions(self) -> list[dict[str, Any]]:
        self.sync()
        with self._lock:
            return [sub.to_json() for sub in self._subs.values()]

    def subscription(self, client_id: str) -> dict[str, Any] | None:
        self.sync()
        with self._lock:
            sub = self._subs.get(client_id)
            return sub.to_json() if sub else None

    def pending(self, client_id: str | None = None) -> list[dict[str, Any]]:
        """Accepted events not yet delivered, in order, with the app they are for."""
        with self._lock:
            return [
                {
                    "client_id": sub.client_id,
                    "sequence": e.sequence,
                    **e.to_json(self.resource_base),
                }
                for sub in self._subs.values()
                if client_id in (None, sub.client_id)
                for e in sub.pending_events()
            ]

    def attempts(
        self, client_id: str | None = None, outcome: str | None = None
    ) -> list[dict[str, Any]]:
        with self._lock:
            return [
                a.to_json()
                for a in self._attempts
                if client_id in (None, a.client_id) and outcome in (None, a.outcome)
            ]

    def reset(self) -> None:
        """As new: no subscriptions, queues or attempts. Waits for a pump in progress, so
        nothing is delivered once this returns (the apps' settings are the state's to clear)."""
        with self._pump_lock, self._lock:
            self._subs.clear()
            self._attempts.clear()
            self._attempt_ids = itertools.count(1)
            self.resource_base = self._state.config.webhook_resource_base

    # -- I/O: handshakes and deliveries --------------------------------------------

    def pump(self) -> dict[str, int]:
        """Run due handshakes and deliver every due batch; return counts of what was sent."""
        with self._pump_lock, Sender(self._transport) as sender:
            self.sync()
            with self._lock:
                subs = list(self._subs.values())
            counts = {"handshakes": 0, "delivered_batches": 0, "failed_batches": 0}
            for sub in subs:
                if sub.status == INTENT_REQUIRED:
                    self._handshake(sender, sub)
                    counts["handshakes"] += 1
                if sub.status == OK:
                    delivered, failed = self._deliver_due(sender, sub)
                    counts["delivered_batches"] += delivered
                    counts["failed_batches"] += failed
            return counts

    deliver_due = pump

    def intent_to_receive(self, client_id: str) -> dict[str, Any]:
        """Run the handshake now (Xero's "Send 'Intent To Receive'"); a pass re-enables."""
        with self._pump_lock, Sender(self._transport) as sender:
            self.sync()
            with self._lock:
                sub = self._subs.get(client_id)
            if sub is None:
                raise KeyError(client_id)
            self._handshake(sender, sub)
            if sub.status == OK:
                self._deliver_due(sender, sub)
            with self._lock:
                return sub.to_json()

    def _handshake(self, sender: Sender, sub: Subscription) -> None:
        with self._lock:
            url, key = sub.url, sub.key
        plan = ["good"] * INTENT_GOOD + ["bad"] * INTENT_BAD
        secrets.SystemRandom().shuffle(plan)
        reason = None
        for signed in plan:
            body = ev.intent_body()
            signature = ev.sign(key, body) if signed == "good" else ev.forged_signature(key, body)
            outcome = sender.post(url, body, signature, self._state.config.webhook_timeout)
            want = 200 if signed == "good" else 401
            passed = outcome.error is None and outcome.status_code == want
            with self._lock:
                self._log(sub, "intent", outcome, passed, signed=signed)
            if not passed:
                reason = _handshake_failure(signed, outcome)
                break
        with self._lock:
            if (sub.url, sub.key) != (url, key):
                return  # re-pointed meanwhile: that handshake is still to come
            if reason is None:
                sub.status, sub.reason = OK, None
                sub.failures, sub.failing_since, sub.next_attempt_at = 0, None, None
            else:
                sub.status, sub.reason = ITR_FAILED, reason
        log.info(
            "webhooks.intent_%s",
            "passed" if reason is None else "failed",
            extra={"client_id": sub.client_id, "reason": reason},
        )

    def _deliver_due(self, sender: Sender, sub: Subscription) -> tuple[int, int]:
        config = self._state.config
        delivered = 0
        while True:
            now = self._state.clock.now()
            with self._lock:
                if sub.status != OK or (sub.next_attempt_at and now < sub.next_attempt_at):
                    return delivered, 0
                if self._expired(sub, now):
                    self._disable(sub)
                    return delivered, 0
                if sub.in_flight is None and sub.queue:
                    size = max(1, config.webhook_batch_size)
                    taken = [sub.queue.popleft() for _ in range(min(size, len(sub.queue)))]
                    sub.in_flight = ev.batch(taken, self.resource_base)
                batch = sub.in_flight
                url, key = sub.url, sub.key
            if batch is None:
                return delivered, 0
            outcome = sender.post(url, batch.body, ev.sign(key, batch.body), config.webhook_timeout)
            now = self._state.clock.now()
            with self._lock:
                self._log(sub, "events", outcome, outcome.accepted, batch=batch)
                if outcome.accepted:
                    sub.succeeded(now)
                    delivered += 1
                    continue
                sub.failures += 1
                sub.failing_since = sub.failing_since or now
                delay = ev.retry_delay(sub.failures, config.webhook_retry_base, RETRY_CAP)
                sub.next_attempt_at = now + timedelta(seconds=delay)
                if self._expired(sub, now):
                    self._disable(sub)
            return delivered, 1

    def _expired(self, sub: Subscription, now: datetime) -> bool:
        limit = timedelta(seconds=self._state.config.webhook_disable_after)
        return sub.failing_since is not None and now - sub.failing_since >= limit

    def _disable(self, sub: Subscription) -> None:
        sub.status = DISABLED
        sub.reason = (
            f"deliveries failed continuously for {self._state.config.webhook_disable_after:g} s"
        )
        log.warning("webhooks.disabled", extra={"client_id": sub.client_id})

    def _log(
        self,
        sub: Subscription,
        kind: str,
        outcome: Outcome,
        passed: bool,
        *,
        signed: str = "good",
        batch: ev.Batch | None = None,
    ) -> None:
        """Keep one attempt for the admin (caller holds the lock)."""
        attempt = Attempt(
            id=next(self._attempt_ids),
            client_id=sub.client_id,
            kind=kind,
            sent_at=self._state.clock.now(),
            outcome=DELIVERED if passed else FAILED,
            status_code=outcome.status_code,
            error=outcome.error,
            seconds=outcome.seconds,
            signed=signed,
        )
        if batch is not None:
            attempt.first_sequence, attempt.last_sequence = (
                batch.first_sequence,
                batch.last_sequence,
            )
            attempt.events = len(batch.events)
            attempt.attempt = sub.failures + 1
        self._attempts.append(attempt)


def _handshake_failure(signed: str, outcome: Outcome) -> str:
    if outcome.error is not None:
        return f"Intent to receive failed: {outcome.error}"
    if signed == "bad":
        return f"Response to incorrectly signed payload not 401 (got {outcome.status_code})"
    return f"Response to correctly signed payload not 200 (got {outcome.status_code})"
