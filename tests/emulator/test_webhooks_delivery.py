"""Webhook deliveries over real HTTP: batches in sequence order, retries with backoff while
a receiver is down (nothing lost, nothing twice), disabling after long failure, and the
server's own delivery loop. Time is the FakeClock; tests pump explicitly."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.emulator.test_webhooks import (
    KEY,
    emit,
    free_port,
    serve_at,
    start_emulator,
    subscribed_app,
    subscription,
    xero_signature,
)
from xerosync.emulator.webhooks import WebhookReceiver
from xerosync.testing import serve


def deliveries(emulator: RunningEmulator, **params: str) -> list[dict[str, Any]]:
    with emulator.admin() as admin:
        return list(admin.get("/webhooks/deliveries", params=params).json())


def event_attempts(emulator: RunningEmulator) -> list[dict[str, Any]]:
    return [d for d in deliveries(emulator) if d["kind"] == "events"]


def test_events_go_out_in_batches_with_consecutive_sequences(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory, webhook_batch_size=50)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        _, (tenant_a, tenant_b) = subscribed_app(emulator, url, tenants=2)
        emulator.state.webhooks.pump()
        dispatcher = emulator.state.webhooks
        ids = [f"00000000-0000-0000-0000-{i:012d}" for i in range(120)]
        for i, resource_id in enumerate(ids):
            tenant = tenant_a if i % 2 else tenant_b
            dispatcher.record(tenant, "INVOICE", "UPDATE", resource_id)
        counts = dispatcher.pump()
    assert counts["delivered_batches"] == 3
    ranges = [(p["firstEventSequence"], p["lastEventSequence"]) for p in receiver.payloads]
    assert ranges == [(1, 50), (51, 100), (101, 120)]
    assert [e["resourceId"] for e in receiver.events] == ids  # all of them, in order
    assert {e["tenantId"] for e in receiver.payloads[0]["events"]} == {tenant_a, tenant_b}


def test_a_receiver_that_is_down_gets_the_events_later_in_order(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory, webhook_retry_base=60, webhook_batch_size=3)
    dispatcher, clock = emulator.state.webhooks, emulator.clock
    port = free_port()
    receiver = WebhookReceiver(KEY)
    with serve_at(receiver, port) as url:
        client_id, (tenant_id,) = subscribed_app(emulator, url)
        dispatcher.pump()
        assert subscription(emulator, client_id)["status"] == "OK"
    # the receiver is down now
    sent = [emit(emulator, tenant_id) for _ in range(5)]
    assert dispatcher.pump()["failed_batches"] == 1
    sub = subscription(emulator, client_id)
    assert (sub["status"], sub["retrying"], sub["queued_events"]) == ("OK", True, 5)

    clock.advance(59)  # not due yet: no attempt at all
    assert dispatcher.pump() == {"handshakes": 0, "delivered_batches": 0, "failed_batches": 0}
    clock.advance(1)
    assert dispatcher.pump()["failed_batches"] == 1  # second try, still down
    sent += [emit(emulator, tenant_id) for _ in range(3)]  # more changes meanwhile

    failed = event_attempts(emulator)
    assert [(a["outcome"], a["attempt"], a["first_sequence"]) for a in failed] == [
        ("failed", 1, 1),
        ("failed", 2, 1),
    ]
    assert "ConnectError" in failed[0]["error"]
    next_at = datetime.fromisoformat(subscription(emulator, client_id)["next_attempt_at"])
    assert next_at == clock.now() + timedelta(seconds=120)  # base 60, doubled
    with serve_at(receiver, port):
        assert dispatcher.pump()["delivered_batches"] == 0  # backoff: 120 s after the 2nd failure
        clock.advance(120)
        assert dispatcher.pump()["delivered_batches"] == 3  # 8 events, batches of 3
    assert [e["resourceId"] for e in receiver.events] == sent  # in order, none lost, none twice
    sequences = [(p["firstEventSequence"], p["lastEventSequence"]) for p in receiver.payloads]
    assert sequences == [(1, 3), (4, 6), (7, 8)]
    sub = subscription(emulator, client_id)
    assert (sub["retrying"], sub["queued_events"], sub["delivered_events"]) == (False, 0, 8)
    with emulator.admin() as admin:
        assert admin.get("/webhooks/queue").json() == []


def test_a_failed_batch_is_resent_byte_for_byte(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory, webhook_retry_base=5)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        _, (tenant_id,) = subscribed_app(emulator, url)
        emulator.state.webhooks.pump()
        receiver.status = 500
        emit(emulator, tenant_id, "INVOICE")
        emulator.state.webhooks.pump()
        receiver.status = None
        emulator.clock.advance(5)
        emulator.state.webhooks.pump()
    (first_body, first_sig), (second_body, second_sig) = receiver.bodies[-2:]
    assert first_body == second_body
    assert first_sig == second_sig == xero_signature(KEY, first_body)
    assert len(receiver.events) == 1
    outcomes = [(a["status_code"], a["outcome"]) for a in event_attempts(emulator)]
    assert outcomes == [(500, "failed"), (200, "delivered")]


def test_retries_back_off_and_the_subscription_is_disabled_after_long_failure(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory, webhook_retry_base=60, webhook_disable_after=3600)
    dispatcher, clock = emulator.state.webhooks, emulator.clock
    port = free_port()
    receiver = WebhookReceiver(KEY)
    with serve_at(receiver, port) as url:
        client_id, (tenant_id,) = subscribed_app(emulator, url)
        dispatcher.pump()
    first = emit(emulator, tenant_id)
    started = clock.now()
    for _ in range(200):  # keep pumping every 30 s for over an hour: retries only when due
        dispatcher.pump()
        if (dispatcher.subscription(client_id) or {})["status"] != "OK":
            break
        clock.advance(30)
    sub = subscription(emulator, client_id)
    assert sub["status"] == "DISABLED"
    assert "3600" in sub["reason"]
    attempts = event_attempts(emulator)
    gaps = [
        (t2 - t1).total_seconds()
        for t1, t2 in zip(
            [_when(a) for a in attempts], [_when(a) for a in attempts[1:]], strict=False
        )
    ]
    assert gaps == [60, 120, 240, 480, 900, 900]  # doubling from the base, capped at 15 min
    # disabled when the next retry fell due an hour after the first failure, not before
    assert (clock.now() - started).total_seconds() == 3600

    # while disabled no new events are accepted; the queued one is kept
    with emulator.admin() as admin:
        late = admin.post(
            "/webhooks/events", json={"tenant_id": tenant_id, "category": "CONTACT"}
        ).json()
    assert late["queued_for"] == 0
    assert subscription(emulator, client_id)["queued_events"] == 1

    # re-enabling takes a passed handshake; then the kept event goes out
    with serve_at(receiver, port), emulator.admin() as admin:
        result = admin.post(f"/webhooks/subscriptions/{client_id}/intent").json()
    assert result["status"] == "OK"
    assert [e["resourceId"] for e in receiver.events] == [first]


def _when(attempt: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(attempt["sent_at"])


def test_admin_lists_deliveries_queue_and_pumps(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        client_id, (tenant_id,) = subscribed_app(emulator, url)
        with emulator.admin() as admin:
            assert admin.post("/webhooks/pump").json()["handshakes"] == 1
            emit(emulator, tenant_id)
            queued = admin.get("/webhooks/queue", params={"client_id": client_id}).json()
            assert [q["sequence"] for q in queued] == [1]
            assert queued[0]["eventCategory"] == "CONTACT"
            assert admin.post("/webhooks/pump").json()["delivered_batches"] == 1
            delivered = admin.get("/webhooks/deliveries", params={"outcome": "delivered"}).json()
            failed = admin.get("/webhooks/deliveries", params={"outcome": "failed"}).json()
    assert [d["kind"] for d in delivered] == ["intent"] * 4 + ["events"]
    assert {d["signed"] for d in delivered if d["kind"] == "intent"} == {"good", "bad"}
    assert failed == []
    assert len(receiver.events) == 1


def test_the_servers_delivery_loop_sends_without_an_explicit_pump(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory(webhook_pump_interval=0.05)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        client_id, (tenant_id,) = subscribed_app(emulator, url)
        deadline = time.monotonic() + 10
        while subscription(emulator, client_id)["status"] != "OK":  # the loop's handshake
            assert time.monotonic() < deadline, "the delivery loop never ran the handshake"
            time.sleep(0.02)
        resource_id = emit(emulator, tenant_id)
        while not receiver.events:
            assert time.monotonic() < deadline, "the delivery loop never delivered"
            time.sleep(0.02)
    assert receiver.events[0]["resourceId"] == resource_id
    assert httpx.get(f"{emulator.base_url}/_emulator/webhooks/subscriptions").status_code == 200
