"""Resources through the real `XeroClient` against the emulator over HTTP: how many calls a push or
a pull costs, incremental lists, per-record outcomes, and the look-ups a resumed write needs."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.client.emulator_oauth import add_tenant, connect
from tests.conftest import EmulatorFactory, RunningEmulator
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.xero import MemoryTokenStore, XeroClient
from xerosync.xero.batching import Outcome
from xerosync.xero.models import Contact


@dataclass
class Connected:
    emulator: RunningEmulator
    client: XeroClient
    tenant: str

    def calls(self, method: str, path: str) -> list[dict[str, Any]]:
        with self.emulator.admin() as admin:
            found = admin.get(
                "/requests",
                params={"method": method, "path": f"/api.xro/2.0/{path}", "tenant_id": self.tenant},
            )
            found.raise_for_status()
            return list(found.json()["requests"])


@pytest.fixture
def connected(emulator_factory: EmulatorFactory, clock: FakeClock) -> Iterator[Connected]:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    add_tenant(emulator, "Resources Ltd")
    client, connections = connect(emulator, MemoryTokenStore(), clock)
    yield Connected(emulator, client, connections[0].tenant_id)
    client.close()


def _contacts(n: int, prefix: str = "Customer") -> list[Contact]:
    return [
        Contact(name=f"{prefix} {i:05d}", contact_number=f"APP-{prefix[:3]}-{i}") for i in range(n)
    ]


def test_pushing_contacts_costs_one_call_per_50_and_reports_each(connected: Connected) -> None:
    records = _contacts(120)
    records[10] = Contact(name="   ")  # Xero: a contact must be identified
    records[75] = Contact(name=records[74].name)  # duplicate of its neighbour, same batch
    outcomes = connected.client.contacts.create(
        records, tenant=connected.tenant, idempotency_key="push-1"
    )
    puts = connected.calls("PUT", "Contacts")
    assert len(puts) == math.ceil(120 / 50)
    assert {p["status"] for p in puts} == {200}
    assert [p["idempotency_key"] for p in puts] == ["push-1.0", "push-1.1", "push-1.2"]
    assert "summarizeErrors=false" in puts[0]["query"]
    assert [o.index for o in outcomes] == list(range(120))
    rejected = [o.index for o in outcomes if o.outcome is Outcome.REJECTED]
    assert rejected == [10, 75]
    assert "identify the contact" in outcomes[10].messages[0]
    assert "already assigned to another contact" in outcomes[75].messages[0]
    created = [o for o in outcomes if o.ok]
    assert len(created) == 118
    assert all(o.outcome is Outcome.CREATED and o.record and o.record.contact_id for o in created)
    listed = {c.name for c in connected.client.contacts.list(tenant=connected.tenant)}
    assert {records[o.index].name for o in created} <= listed


def test_listing_pages_with_page_size_and_an_incremental_list_returns_only_changes(
    connected: Connected, clock: FakeClock
) -> None:
    created = connected.client.contacts.create(_contacts(250), tenant=connected.tenant)
    assert all(o.ok for o in created)
    before = len(connected.calls("GET", "Contacts"))
    everyone = list(connected.client.contacts.list(tenant=connected.tenant, page_size=100))
    assert len([c for c in everyone if (c.name or "").startswith("Customer ")]) == 250
    gets = connected.calls("GET", "Contacts")[before:]
    total = len(everyone)
    assert len(gets) == math.ceil(total / 100)  # `pagination.pageCount` spares an empty last call
    assert all("pageSize=100" in g["query"] for g in gets)

    clock.advance(5)
    mark = clock.now()
    clock.advance(5)
    changed = [o.record for o in created[:3] if o.record]
    edits = [
        Contact(contact_id=c.contact_id, email_address=f"{i}@example.com")
        for i, c in enumerate(changed)
    ]
    updates = connected.client.contacts.create_or_update(edits, tenant=connected.tenant)
    assert [o.outcome for o in updates] == [Outcome.UPDATED] * 3
    since = list(connected.client.contacts.list(tenant=connected.tenant, modified_since=mark))
    assert sorted(c.contact_id for c in since) == sorted(c.contact_id for c in changed)  # type: ignore[type-var]


def test_resumed_write_finds_what_already_exists(connected: Connected) -> None:
    records = _contacts(5, prefix="Resume")
    connected.client.contacts.create(records[:3], tenant=connected.tenant)
    names = [r.name or "" for r in records]
    found = connected.client.contacts.find_by_names(
        [n.upper() for n in names], tenant=connected.tenant
    )
    assert sorted(found) == sorted(n.upper() for n in names[:3])
    numbers = [r.contact_number or "" for r in records]
    by_number = connected.client.contacts.find_by_numbers(numbers, tenant=connected.tenant)
    assert sorted(by_number) == sorted(numbers[:3])
    assert {c.name for c in by_number.values()} == set(names[:3])
