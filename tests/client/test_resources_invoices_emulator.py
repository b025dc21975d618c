"""Invoices through `client.invoices` against the emulator over HTTP: the issue's acceptance figures
(1,000 pushed in ceil(1000/50) writes with no 429, 10,000 listed in ceil(10000/pageSize) reads, an
incremental list after 3 changes returns those 3), per-record outcomes and resume look-ups."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from tests.client.emulator_oauth import SCOPES
from tests.conftest import EmulatorFactory, RunningEmulator
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.xero import MemoryTokenStore, XeroClient, XeroConfig
from xerosync.xero.batching import Outcome
from xerosync.xero.models import Contact, Invoice, LineItem, Payment


@dataclass
class Books:
    emulator: RunningEmulator
    client: XeroClient
    tenant: str

    def log(self, method: str | None = None, path: str = "Invoices") -> list[dict[str, Any]]:
        params: dict[str, Any] = {"path": f"/api.xro/2.0/{path}", "tenant_id": self.tenant}
        if method:
            params["method"] = method
        with self.emulator.admin() as admin:
            found = admin.get("/requests", params=params)
            found.raise_for_status()
            return list(found.json()["requests"])


def _books(emulator: RunningEmulator, clock: FakeClock, *, seed: bool = True) -> Books:
    """A connected tenant; seeded with the demo chart of accounts (and demo invoices) by default."""
    with emulator.admin() as admin:
        made = admin.post("/tenants", json={"name": "Invoices Ltd", "seed_demo": seed})
        made.raise_for_status()
    demo = EmulatorConfig()
    config = XeroConfig.for_emulator(
        emulator.base_url,
        client_id=demo.demo_client_id,
        client_secret=demo.demo_client_secret,
        redirect_uri=demo.demo_redirect_uris[0],
        scopes=(*SCOPES, "accounting.reports.read"),
    )
    client = XeroClient(config, token_store=MemoryTokenStore(), clock=clock)
    start = client.oauth.authorization_request()
    consent = httpx.get(start.url, follow_redirects=False, timeout=10)
    connections = client.connect(consent.headers["location"], start)
    [tenant] = [c.tenant_id for c in connections if c.tenant_id == made.json()["tenant_id"]]
    return Books(emulator, client, tenant)


@pytest.fixture
def books(emulator_factory: EmulatorFactory, clock: FakeClock) -> Iterator[Books]:
    connected = _books(emulator_factory(EmulatorConfig(auto_approve=True)), clock)
    yield connected
    connected.client.close()


def invoices(n: int, run: str = "APP", *, status: str = "AUTHORISED") -> list[Invoice]:
    return [
        Invoice(
            type="ACCREC",
            status=status,
            invoice_number=f"{run}-{i:05d}",
            reference=f"order {run} {i}",
            contact=Contact(name=f"Customer {i % 7}"),
            date=date(2026, 1, 1),
            due_date=date(2026, 1, 31),
            line_items=[
                LineItem(description="Widget", quantity=1, unit_amount="12.50", account_code="200")  # type: ignore[arg-type]
            ],
        )
        for i in range(n)
    ]


def test_pushing_1000_invoices_takes_20_writes_and_no_429(books: Books) -> None:
    outcomes = books.client.invoices.create(
        invoices(1000), tenant=books.tenant, idempotency_key="o-1"
    )
    puts = books.log("PUT")
    assert len(puts) == math.ceil(1000 / 50)
    assert all(p["status"] == 200 for p in puts)
    assert not [e for e in books.log(path="") if e["status"] == 429]
    assert [o.outcome for o in outcomes] == [Outcome.CREATED] * 1000
    ids = {o.record.invoice_id for o in outcomes if o.record}
    assert len(ids) == 1000
    assert outcomes[0].record is not None
    assert outcomes[0].record.total is not None
    assert str(outcomes[0].record.total) in ("12.50", "14.38")  # no tax or 15% tax on 12.50


def test_a_batch_with_bad_records_reports_each_one(books: Books) -> None:
    batch = invoices(6, run="MIX")
    batch[1].line_items[0].account_code = "NOPE"  # type: ignore[index]
    batch[4].invoice_number = batch[3].invoice_number  # duplicate number within the batch
    outcomes = books.client.invoices.create(batch, tenant=books.tenant)
    assert [o.outcome for o in outcomes] == [
        Outcome.CREATED,
        Outcome.REJECTED,
        Outcome.CREATED,
        Outcome.CREATED,
        Outcome.REJECTED,
        Outcome.CREATED,
    ]
    assert any("NOPE" in m or "account" in m.lower() for m in outcomes[1].messages)
    assert any("unique" in m for m in outcomes[4].messages)
    assert len(books.log("PUT")) == 1
    saved = books.client.invoices.find_by_numbers(
        [b.invoice_number or "" for b in batch], tenant=books.tenant
    )
    assert sorted(saved) == ["MIX-00000", "MIX-00002", "MIX-00003", "MIX-00005"]
    assert all(len(v) == 1 for v in saved.values())


def test_an_incremental_list_after_changing_3_returns_those_3(
    books: Books, clock: FakeClock
) -> None:
    outcomes = books.client.invoices.create(invoices(120), tenant=books.tenant)
    clock.advance(3)
    mark = clock.now()
    clock.advance(3)
    targets = [o.record for o in outcomes[5:8] if o.record]
    edits = [
        Invoice(invoice_id=t.invoice_id, reference=f"changed {i}") for i, t in enumerate(targets)
    ]
    updated = books.client.invoices.create_or_update(
        edits, tenant=books.tenant, idempotency_key="edit-1"
    )
    assert [o.outcome for o in updated] == [Outcome.UPDATED] * 3
    changed = list(books.client.invoices.list(tenant=books.tenant, modified_since=mark))
    assert sorted(c.invoice_id or "" for c in changed) == sorted(
        t.invoice_id or "" for t in targets
    )
    assert {c.reference for c in changed} == {"changed 0", "changed 1", "changed 2"}


def test_resume_look_ups_find_invoices_by_number_and_reference(books: Books) -> None:
    books.client.invoices.create(invoices(3, run="RES"), tenant=books.tenant)
    by_number = books.client.invoices.find_by_numbers(
        ["RES-00000", "RES-00002", "RES-00009"], tenant=books.tenant
    )
    assert sorted(by_number) == ["RES-00000", "RES-00002"]
    by_reference = books.client.invoices.find_by_references(
        ["order RES 1", "order RES 7"], tenant=books.tenant
    )
    assert list(by_reference) == ["order RES 1"]
    [found] = by_reference["order RES 1"]
    assert found.invoice_number == "RES-00001"


def test_pushing_while_another_worker_spends_half_the_budget_loses_and_duplicates_nothing(
    books: Books,
) -> None:
    with books.emulator.admin() as admin:
        admin.post(
            "/limits/spend", json={"tenant_id": books.tenant, "calls": 50}
        ).raise_for_status()
    outcomes = books.client.invoices.create(
        invoices(1000, run="BUSY"), tenant=books.tenant, idempotency_key="o-2"
    )
    assert all(o.outcome is Outcome.CREATED for o in outcomes)
    puts = books.log("PUT")
    assert len([p for p in puts if p["status"] == 200]) == 20
    listed = [
        i.invoice_number
        for i in books.client.invoices.list(tenant=books.tenant, where='Status=="AUTHORISED"')
    ]
    busy = [n for n in listed if n and n.startswith("BUSY-")]
    assert len(busy) == 1000
    assert len(set(busy)) == 1000


@pytest.mark.slow
def test_listing_10000_invoices_takes_ceil_10000_over_page_size_reads(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True, rate_limits_enabled=False))
    books = _books(emulator, clock, seed=False)  # exactly our 10,000 invoices, nothing seeded
    batch = invoices(10_000, run="BIG", status="DRAFT")
    for invoice in batch:
        for line in invoice.line_items or []:
            line.account_code = None  # an empty chart: drafts may leave the account for later
    made = books.client.invoices.create(batch, tenant=books.tenant)
    assert sum(o.ok for o in made) == 10_000
    before = len(books.log("GET"))
    seen = 0
    for invoice in books.client.invoices.list(tenant=books.tenant):
        assert invoice.line_items, "paged lists carry line items"
        seen += 1
    reads = books.log("GET")[before:]
    assert seen == 10_000
    assert len(reads) == math.ceil(10_000 / 1000)
    assert all("pageSize=1000" in r["query"] for r in reads)
    books.client.close()


def test_get_by_id_has_line_items_and_payments_settle_and_unsettle_an_invoice(books: Books) -> None:
    [made] = books.client.invoices.create(invoices(1, run="PAY"), tenant=books.tenant)
    assert made.record is not None
    invoice_id = made.record.invoice_id or ""
    fetched = books.client.invoices.get(invoice_id, tenant=books.tenant)
    assert fetched.line_items
    assert fetched.line_items[0].account_code == "200"
    due = fetched.amount_due
    assert due is not None
    assert due > 0
    payments = books.client.payments.create(
        [
            Payment(
                invoice=Invoice(invoice_id=invoice_id),
                account={"Code": "090"},
                amount=due + 1,
                date=date(2026, 1, 5),
            ),
            Payment(
                invoice=Invoice(invoice_id=invoice_id),
                account={"Code": "090"},
                amount=due,
                date=date(2026, 1, 5),
            ),
        ],
        tenant=books.tenant,
        idempotency_key="pay-1",
    )
    assert [p.outcome for p in payments] == [Outcome.REJECTED, Outcome.CREATED]
    assert "exceeds the amount outstanding" in payments[0].messages[0]
    assert books.client.invoices.get(invoice_id, tenant=books.tenant).status == "PAID"
    payment_id = payments[1].record.payment_id if payments[1].record else None
    assert payment_id
    assert books.client.payments.delete(payment_id, tenant=books.tenant).status == "DELETED"
    reopened = books.client.invoices.get(invoice_id, tenant=books.tenant)
    assert reopened.status == "AUTHORISED"
    assert reopened.amount_due == due


def test_settings_are_read_in_one_call_each(books: Books) -> None:
    accounts = list(books.client.accounts.list(tenant=books.tenant))
    assert "200" in {a.code for a in accounts}
    assert any(a.type == "BANK" for a in accounts)
    rates = list(books.client.tax_rates.list(tenant=books.tenant))
    assert rates
    assert all(r.tax_type for r in rates)
    items = list(books.client.items.list(tenant=books.tenant))
    assert items
    assert all(i.code for i in items)
    organisation = books.client.organisation.get(tenant=books.tenant)
    assert organisation.name == "Invoices Ltd"
    for path in ("Accounts", "TaxRates", "Items", "Organisation"):
        [call] = books.log("GET", path)
        assert "page=" not in call["query"]
