"""Property: any run of allocations, deletions, payments and refunds (credit notes and
prepayments, refused or not) keeps the books consistent.

After every step: an invoice's AmountCredited is the sum of the allocations made to it,
AmountDue = Total - AmountPaid - AmountCredited and never negative, PAID exactly when
nothing is due; a credit's RemainingCredit = Total - allocations - refunds, never negative, PAID
exactly when nothing remains. Exercised on the books directly (the HTTP layer adds nothing
to these rules and the tests of `test_credit_notes.py` cover it).
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xerosync.clock import FakeClock
from xerosync.emulator.books import Books, Invalid, allocations
from xerosync.emulator.books.writes import WriteContext

CUSTOMERS = ("Marine Systems", "Boom FM")

step = st.one_of(
    st.tuples(
        st.just("allocate"),
        st.integers(0, 3),  # which credit
        st.integers(0, 3),  # which invoice
        st.integers(1, 200),  # amount in dollars
    ),
    st.tuples(st.just("delete"), st.integers(0, 3), st.integers(0, 10), st.just(0)),
    st.tuples(st.just("pay"), st.just(0), st.integers(0, 3), st.integers(1, 200)),
    st.tuples(st.just("refund"), st.integers(0, 3), st.just(0), st.integers(1, 150)),
)


def _books() -> tuple[Books, WriteContext, list[Any], list[Any]]:
    books = Books("prop-tenant", "Prop Ltd", FakeClock())
    books.seed_demo()
    ctx = WriteContext(now=books.clock.now())
    invoices = []
    credits = []
    for index, amount in enumerate((100, 250, 80, 40)):
        customer = CUSTOMERS[index % 2]
        line = {"Description": "x", "Quantity": 1, "UnitAmount": amount, "AccountCode": "200"}
        invoice = books.invoices.create(
            {
                "Type": "ACCREC",
                "Status": "AUTHORISED",
                "Contact": {"Name": customer},
                "DueDate": "2026-03-01",
                "LineItems": [line],
            },
            ctx,
        )
        invoices.append(invoice["InvoiceID"])
        if index < 2:
            note = books.credit_notes.create(
                {
                    "Type": "ACCRECCREDIT",
                    "Status": "AUTHORISED",
                    "Contact": {"Name": customer},
                    "LineItems": [{**line, "UnitAmount": amount + 30}],
                },
                ctx,
            )
            credits.append((books.credit_notes, note["CreditNoteID"]))
        else:
            made = books.bank_transactions.create(
                {
                    "Type": "RECEIVE-PREPAYMENT",
                    "Contact": {"Name": customer},
                    "BankAccount": {"Code": "090"},
                    "LineItems": [line],
                },
                ctx,
            )
            credits.append((books.prepayments, made["PrepaymentID"]))
    return books, ctx, invoices, credits


def _check(books: Books, invoice_ids: list[str], credits: list[Any]) -> None:
    credited: dict[str, Decimal] = dict.fromkeys(invoice_ids, Decimal(0))
    for entity, credit_id in credits:
        credit = entity.get(credit_id)
        allocated = sum((a["Amount"] for a in credit["Allocations"]), Decimal(0))
        refunded = sum((p["Amount"] for p in credit["Payments"]), Decimal(0))
        assert credit["RemainingCredit"] == credit["Total"] - allocated - refunded >= 0
        assert (credit["Status"] == "PAID") == (credit["RemainingCredit"] == 0)
        for allocation in credit["Allocations"]:
            credited[allocation["Invoice"]["InvoiceID"]] += allocation["Amount"]
    for invoice_id in invoice_ids:
        invoice = books.invoices.get(invoice_id)
        assert invoice is not None
        assert invoice["AmountCredited"] == credited[invoice_id]
        due = invoice["Total"] - invoice["AmountPaid"] - invoice["AmountCredited"]
        assert invoice["AmountDue"] == due >= 0
        assert (invoice["Status"] == "PAID") == (due == 0)


@settings(max_examples=40, deadline=None)
@given(st.lists(step, min_size=1, max_size=25))
def test_allocations_keep_invoices_and_credits_consistent(steps: list[Any]) -> None:
    books, ctx, invoice_ids, credits = _books()
    for action, which, target, amount in steps:
        entity, credit_id = credits[which]
        credit = entity.get(credit_id)
        if action == "pay":
            payment = {
                "Invoice": {"InvoiceID": invoice_ids[target]},
                "Account": {"Code": "090"},
                "Amount": amount,
            }
            with contextlib.suppress(Invalid):  # more than is due, or already PAID
                books.payments.create(payment, ctx)
        elif action == "refund":
            refund = {"PaymentID": books.new_id(), "Amount": Decimal(amount), "Date": None}
            with contextlib.suppress(Invalid):  # more than remains, or not AUTHORISED
                allocations.apply_refund(entity, credit, refund)
        elif action == "allocate":
            data = {"Invoice": {"InvoiceID": invoice_ids[target]}, "Amount": amount}
            with contextlib.suppress(Invalid):  # refused (other contact, too much...)
                allocations.allocate(entity, credit, data, ctx)
        elif credit["Allocations"]:
            allocation = credit["Allocations"][target % len(credit["Allocations"])]
            allocations.remove(entity, credit, allocation["AllocationID"])
        _check(books, invoice_ids, credits)


def test_refund_uses_up_credit_and_can_be_undone() -> None:
    books, ctx, invoice_ids, credits = _books()
    entity, note_id = credits[0]  # 130.00 + GST = 149.50 for Marine Systems
    note = entity.get(note_id)
    refund = {"PaymentID": books.new_id(), "Amount": Decimal("100"), "Date": None}
    after = allocations.apply_refund(entity, note, refund)
    assert after["RemainingCredit"] == Decimal("49.50")
    with pytest.raises(Invalid) as refused:
        allocations.apply_refund(entity, after, {**refund, "PaymentID": books.new_id()})
    assert refused.value.messages == [
        "Payment amount exceeds the amount outstanding on this document"
    ]
    data = {"Invoice": {"InvoiceID": invoice_ids[0]}, "Amount": 60}
    with pytest.raises(Invalid) as over:
        allocations.allocate(entity, entity.get(note_id), data, ctx)
    assert "greater than amount outstanding" in over.value.messages[0]
    restored = allocations.remove_refund(entity, entity.get(note_id), refund["PaymentID"])
    assert restored["RemainingCredit"] == Decimal("149.50")
