"""Xero's webhooks in: intent-to-receive answered right, every signature checked, events kept
once (a replay is harmless) before the 200, the workers woken once per connection with news."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from sqlalchemy import func, select

from tests.service.conftest import WEBHOOK_KEY, running
from tests.sync.conftest import Harness
from xerosync.service import create_app
from xerosync.store.tables import InboxEvent
from xerosync.xero.webhooks import sign

INTENT = b'{"events":[],"firstEventSequence": 0,"lastEventSequence": 0, "entropy": "QWERTYUIOPASDFGHJKLZ"}'


def deliver(client: httpx.Client, body: bytes, signature: str | None = None) -> httpx.Response:
    headers = {"content-type": "application/json; charset=utf-8"}
    headers["x-xero-signature"] = sign(body, WEBHOOK_KEY) if signature is None else signature
    return client.post("/webhooks/xero", content=body, headers=headers)


def events_body(tenant_id: str, *resource_ids: str) -> bytes:
    events: list[dict[str, Any]] = [
        {
            "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{rid}",
            "resourceId": rid,
            "eventDateUtc": "2026-11-30T01:15:39.902",
            "eventType": "UPDATE",
            "eventCategory": "CONTACT",
            "tenantId": tenant_id,
            "tenantType": "ORGANISATION",
        }
        for rid in resource_ids
    ]
    return json.dumps(
        {
            "events": events,
            "firstEventSequence": 1,
            "lastEventSequence": len(events),
            "entropy": "ABCDEFGHIJKLMNOPQRST",
        }
    ).encode()


def inbox_rows(harness: Harness) -> int:
    with harness.sync.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(InboxEvent)) or 0


def test_intent_to_receive_good_signature_200_bad_401(
    client: httpx.Client, wakes: list[tuple[str, str]]
) -> None:
    assert deliver(client, INTENT).status_code == 200
    assert deliver(client, INTENT, sign(INTENT, "not-the-key")).status_code == 401
    assert deliver(client, INTENT, "").status_code == 401
    unsigned = client.post("/webhooks/xero", content=INTENT)
    assert unsigned.status_code == 401
    assert wakes == []


def test_an_event_is_kept_once_and_wakes_once_even_delivered_twice(
    client: httpx.Client, harness: Harness, wakes: list[tuple[str, str]]
) -> None:
    body = events_body(harness.tenant_id, "c-1", "c-2")

    assert deliver(client, body).status_code == 200
    assert deliver(client, body).status_code == 200  # Xero's retry of the same delivery

    assert inbox_rows(harness) == 2
    assert wakes == [("inbox", harness.connection)]


def test_a_bad_signature_stores_nothing(client: httpx.Client, harness: Harness) -> None:
    body = events_body(harness.tenant_id, "c-1")
    tampered = body.replace(b"c-1", b"c-9")
    assert deliver(client, tampered, sign(body, WEBHOOK_KEY)).status_code == 401
    assert inbox_rows(harness) == 0


def test_an_oversized_body_is_refused_unread(client: httpx.Client, harness: Harness) -> None:
    body = events_body(harness.tenant_id, "c-1") + b" " * (1024 * 1024)
    assert deliver(client, body).status_code == 413

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b" " * 65536

    streamed = client.post("/webhooks/xero", content=chunks(), headers={"x-xero-signature": "x"})
    assert streamed.status_code == 413
    assert inbox_rows(harness) == 0


def test_a_signed_body_that_is_not_a_delivery_is_not_acknowledged(client: httpx.Client) -> None:
    assert deliver(client, b'{"hello": "world"}').status_code == 500  # Xero retries it


def test_events_for_an_unknown_tenant_are_kept_without_a_wake(
    client: httpx.Client, harness: Harness, wakes: list[tuple[str, str]]
) -> None:
    assert deliver(client, events_body("not-connected", "c-1")).status_code == 200
    assert inbox_rows(harness) == 1
    assert wakes == []


def test_the_emulator_subscribes_and_delivers_to_the_service(
    client: httpx.Client, harness: Harness, wakes: list[tuple[str, str]]
) -> None:
    """Over real HTTP: the emulator's handshake passes, then a change in Xero arrives."""
    client_id = harness.emulator.state.config.demo_client_id
    with harness.emulator.admin() as admin:
        subscribed = admin.put(
            f"/webhooks/subscriptions/{client_id}",
            json={"url": str(client.base_url.join("/webhooks/xero")), "key": WEBHOOK_KEY},
        )
        assert subscribed.json()["status"] == "OK", subscribed.text
        admin.post(
            "/webhooks/events",
            json={"tenant_id": harness.tenant_id, "category": "CONTACT", "event_type": "CREATE"},
        ).raise_for_status()
        deadline = time.monotonic() + 10
        while not wakes and time.monotonic() < deadline:
            admin.post("/webhooks/pump").raise_for_status()
            time.sleep(0.05)
    assert wakes == [("inbox", harness.connection)]
    assert inbox_rows(harness) == 1


def test_a_failing_wake_up_loses_nothing(harness: Harness, settings: Any) -> None:
    def broken(kind: str, connection_id: str) -> None:
        raise ConnectionError("the queue is down")

    with running(create_app(settings, sync=harness.sync, wake=broken)) as client:
        assert deliver(client, events_body(harness.tenant_id, "c-1")).status_code == 200
    assert inbox_rows(harness) == 1  # the row is the truth; the workers' sweep finds it
