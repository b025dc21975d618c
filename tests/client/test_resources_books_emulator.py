"""Credit notes, bank transactions, manual journals and reports through the client against the
emulator over HTTP: batched writes with per-record outcomes, resume look-ups, typed report rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from tests.client.test_resources_invoices_emulator import Books, _books
from tests.conftest import EmulatorFactory
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.xero.batching import Outcome
from xerosync.xero.models import (
    BankTransaction,
    Contact,
    CreditNote,
    LineItem,
    ManualJournal,
    ManualJournalLine,
)


@pytest.fixture
def books(emulator_factory: EmulatorFactory, clock: FakeClock) -> Iterator[Books]:
    connected = _books(emulator_factory(EmulatorConfig(auto_approve=True)), clock)
    yield connected
    connected.client.close()


def _line(amount: str = "20.00") -> LineItem:
    return LineItem(description="Refund", quantity=1, unit_amount=amount, account_code="200")  # type: ignore[arg-type]


def test_credit_notes_are_pushed_with_outcomes_and_found_by_number(books: Books) -> None:
    notes = [
        CreditNote(
            type="ACCRECCREDIT",
            status="AUTHORISED",
            credit_note_number=f"CN-APP-{i}",
            contact=Contact(name="Customer 1"),
            date=date(2026, 1, 10),
            line_items=[_line()],
        )
        for i in range(4)
    ]
    notes[2].line_items = [
        LineItem(description="x", quantity=1, unit_amount="5", account_code="NOPE")
    ]  # type: ignore[arg-type]
    outcomes = books.client.credit_notes.create(notes, tenant=books.tenant, idempotency_key="cn")
    assert [o.outcome for o in outcomes] == [
        Outcome.CREATED,
        Outcome.CREATED,
        Outcome.REJECTED,
        Outcome.CREATED,
    ]
    assert outcomes[2].messages
    found = books.client.credit_notes.find_by_numbers(
        [f"CN-APP-{i}" for i in range(5)], tenant=books.tenant
    )
    assert sorted(found) == ["CN-APP-0", "CN-APP-1", "CN-APP-3"]
    [note] = found["CN-APP-0"]
    assert note.sub_total == Decimal("20.00")
    assert note.total == note.sub_total + (note.total_tax or 0)


def test_bank_transactions_are_pushed_and_found_by_reference(books: Books) -> None:
    txns = [
        BankTransaction(
            type="RECEIVE",
            contact=Contact(name="Customer 2"),
            bank_account={"Code": "090"},
            date=date(2026, 1, 12),
            reference=f"stripe-ch_{i}",
            line_items=[_line("9.99")],
        )
        for i in range(3)
    ]
    outcomes = books.client.bank_transactions.create(txns, tenant=books.tenant)
    assert all(o.outcome is Outcome.CREATED for o in outcomes)
    found = books.client.bank_transactions.find_by_references(
        ["stripe-ch_1", "stripe-ch_9"], tenant=books.tenant
    )
    assert list(found) == ["stripe-ch_1"]
    [txn] = found["stripe-ch_1"]
    assert txn.bank_transaction_id == (
        outcomes[1].record.bank_transaction_id if outcomes[1].record else None
    )


def test_manual_journals_report_an_unbalanced_journal_alone(books: Books) -> None:
    def journal(narration: str, debit: str, credit: str) -> ManualJournal:
        return ManualJournal(
            narration=narration,
            date=date(2026, 1, 31),
            status="POSTED",
            journal_lines=[
                ManualJournalLine(line_amount=debit, account_code="400"),  # type: ignore[arg-type]
                ManualJournalLine(line_amount=f"-{credit}", account_code="200"),  # type: ignore[arg-type]
            ],
        )

    outcomes = books.client.manual_journals.create(
        [journal("accrual", "100.00", "100.00"), journal("typo", "100.00", "10.00")],
        tenant=books.tenant,
    )
    assert [o.outcome for o in outcomes] == [Outcome.CREATED, Outcome.REJECTED]
    assert any("debits" in m.lower() and "credits" in m.lower() for m in outcomes[1].messages)
    listed = {j.narration for j in books.client.manual_journals.list(tenant=books.tenant)}
    assert "accrual" in listed
    assert "typo" not in listed


def test_reports_come_back_as_typed_rows(books: Books) -> None:
    balance = books.client.reports.balance_sheet(tenant=books.tenant, on=date(2026, 12, 31))
    assert balance.header
    sections = {title for title, _ in balance.walk() if title}
    assert sections
    trial = books.client.reports.trial_balance(tenant=books.tenant, on=date(2026, 12, 31))
    assert trial.header[0] == "Account"
    accounts = [
        row.cells[0].attribute("account")
        for _, row in trial.walk()
        if row.row_type == "Row" and row.cells
    ]
    assert accounts
    assert all(accounts)
    pnl = books.client.reports.profit_and_loss(
        tenant=books.tenant, from_date=date(2026, 1, 1), to_date=date(2026, 12, 31)
    )
    amounts = [c.amount for _, row in pnl.walk() for c in row.cells or [] if c.amount is not None]
    assert amounts
    assert all(isinstance(a, Decimal) for a in amounts)
    [call] = books.log("GET", "Reports/BalanceSheet")
    assert "date=2026-12-31" in call["query"]
