"""Issue 10: "Duplicate, reordered and replayed webhook deliveries: each change applied once;
forged signatures refused with 401." Xero's deliveries reach the service over HTTP and wake the
workers (immediate here: the pull runs inside the wake-up); the application's change feed is
what it would act on, so that is where "once" is counted."""

from __future__ import annotations

import hmac
import json
from typing import Any

import httpx
import pytest
from huey import MemoryHuey
from sqlalchemy import func, select

from tests.service.conftest import WEBHOOK_KEY, running
from tests.sync.conftest import Harness, contact
from xerosync.jobs import Schedule, register_tasks
from xerosync.service import create_app
from xerosync.settings import Settings
from xerosync.store.tables import InboxEvent
from xerosync.xero.webhooks import sign


def delivery(tenant_id: str, changes: list[tuple[str, str]], first: int) -> bytes:
    """One signed-to-be delivery of CONTACT UPDATE events: (xero id, when) each."""
    events: list[dict[str, Any]] = [
        {
            "resourceUrl": f"https://api.xero.com/api.xro/2.0/Contacts/{xero_id}",
            "resourceId": xero_id,
            "eventDateUtc": when,
            "eventType": "UPDATE",
            "eventCategory": "CONTACT",
            "tenantId": tenant_id,
            "tenantType": "ORGANISATION",
        }
        for xero_id, when in changes
    ]
    body = {
        "events": events,
        "firstEventSequence": first,
        "lastEventSequence": first + len(events) - 1,
        "entropy": f"ENTROPY{first:013d}",
    }
    return json.dumps(body).encode()


def post(client: httpx.Client, body: bytes, key: str = WEBHOOK_KEY) -> int:
    return client.post(
        "/webhooks/xero",
        content=body,
        headers={"content-type": "application/json", "x-xero-signature": sign(body, key)},
    ).status_code


def rename(harness: Harness, xero_id: str, name: str) -> None:
    harness.clock.advance(5)
    with harness.api() as api:
        answer = api.post("Contacts", json={"Contacts": [{"ContactID": xero_id, "Name": name}]})
        assert answer.status_code == 200, answer.text


def test_duplicate_reordered_and_replayed_deliveries_apply_each_change_once(
    harness: Harness, settings: Settings
) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit_many(conn, "contacts", [contact(1), contact(2)])
    assert sync.push(conn).finished
    one, two = (sync.status(conn, "contacts", f"cust-{n}").xero_id for n in (1, 2))  # type: ignore[union-attr]
    assert one
    assert two
    tasks = register_tasks(
        MemoryHuey("webhook-faults", immediate=True, results=False), lambda: sync, Schedule()
    )
    tenant = harness.tenant_id

    rename(harness, one, "One v1")
    early = delivery(tenant, [(one, "2026-01-01T00:00:05.000")], first=1)
    rename(harness, one, "One v2")
    rename(harness, two, "Two v1")
    late = delivery(
        tenant, [(one, "2026-01-01T00:00:10.000"), (two, "2026-01-01T00:00:15.000")], first=2
    )
    with running(create_app(settings, sync=sync, wake=tasks.wake)) as client:
        assert post(client, late) == 200  # the later delivery first
        assert post(client, early) == 200  # then the earlier one, out of order
        assert post(client, late) == 200  # Xero's retry of a delivery it thinks failed
        rename(harness, one, "One v3")
        newest = delivery(tenant, [(one, "2026-01-01T00:00:25.000")], first=4)
        assert post(client, newest) == 200
        for old in (early, late, early):  # replays of old deliveries, later still
            assert post(client, old) == 200
        calls_before_forgeries = len(harness.emulator.state.requests.find())
        forged = delivery(tenant, [(two, "2026-01-01T00:00:30.000")], first=5)
        assert post(client, forged, key="not-xeros-key") == 401
        assert post(client, forged.replace(b"ENTROPY", b"ENTROPX")) == 200  # control: signed
        tampered = forged.replace(b"00:00:30", b"00:00:31")
        assert (
            client.post(
                "/webhooks/xero",
                content=tampered,
                headers={"x-xero-signature": sign(forged, WEBHOOK_KEY)},
            ).status_code
            == 401
        )

    learned = [
        (c.app_id, c.data["fields"]["name"])
        for c in sync.changes(limit=1000)
        if c.kind == "changed_in_xero" and "name" in c.data.get("fields", {})
    ]
    assert sorted(learned) == [("cust-1", "One v2"), ("cust-1", "One v3"), ("cust-2", "Two v1")]
    with sync.db.transaction() as session:  # each distinct event kept once, forgeries never
        kept = session.scalar(select(func.count()).select_from(InboxEvent))
    assert kept == 5
    forged_pulls = harness.emulator.state.requests.find()[calls_before_forgeries:]
    assert len([c for c in forged_pulls if c.method == "GET"]) <= 1  # the control, not forgeries


def test_signatures_and_api_keys_are_compared_in_constant_time(
    monkeypatch: pytest.MonkeyPatch, client: httpx.Client
) -> None:
    """Every check of a secret the caller sends goes through `hmac.compare_digest` (an `==`
    would stop at the first differing byte and let the caller time its way to the secret)."""
    compared: list[bytes] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.extend((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = delivery("no-such-tenant", [("c-1", "2026-01-01T00:00:00.000")], first=1)
    assert post(client, body, key="not-xeros-key") == 401
    assert sign(body, "not-xeros-key").encode() in compared
    compared.clear()
    refused = client.get("/v1/connections", headers={"Authorization": "Bearer a-guessed-key"})
    assert refused.status_code == 401
    assert b"a-guessed-key" in compared
