"""What the engine reads of a record Xero answered with (`engine.resources.xero_state`)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from xerosync.engine.resources import XeroState, answer_model, xero_state
from xerosync.xero.models.banking import BankTransaction, ManualJournal
from xerosync.xero.models.base import XeroRecord
from xerosync.xero.models.contacts import Contact
from xerosync.xero.models.invoices import CreditNote, Invoice, Payment


def test_an_invoice_gives_its_id_number_status_and_money() -> None:
    invoice = Invoice.model_validate(
        {
            "InvoiceID": "i-1",
            "InvoiceNumber": "INV-1",
            "Status": "AUTHORISED",
            "Type": "ACCREC",
            "Total": Decimal("11.50"),
            "AmountDue": Decimal("11.50"),
            "AmountPaid": 0,
            "UpdatedDateUTC": "/Date(1772323200000+0000)/",
        }
    )
    assert xero_state("invoices", invoice) == XeroState(
        xero_id="i-1",
        number="INV-1",
        status="AUTHORISED",
        total=Decimal("11.50"),
        amount_due=Decimal("11.50"),
        amount_paid=Decimal(0),
        updated_at=datetime(2026, 3, 1, tzinfo=UTC),
        type="ACCREC",
    )


def test_a_contact_has_no_money_nor_type_even_if_xero_sends_fields_so_named() -> None:
    """Fields a kind does not declare are kept as extras under Xero's names; they are not
    what the state reads (a contact's Balances are not its total)."""
    contact = Contact.model_validate(
        {"ContactID": "c-1", "ContactNumber": "C1", "ContactStatus": "ACTIVE", "Total": 5}
    )
    assert xero_state("contacts", contact) == XeroState(
        xero_id="c-1",
        number="C1",
        status="ACTIVE",
        total=None,
        amount_due=None,
        amount_paid=None,
        updated_at=None,
    )


def test_a_payments_total_is_its_amount() -> None:
    payment = Payment.model_validate({"PaymentID": "p-1", "Amount": Decimal("3.25")})
    state = xero_state("payments", payment)
    assert (state.xero_id, state.number, state.total) == ("p-1", None, Decimal("3.25"))


_LINE = {"Description": "Widget", "Quantity": 2.0, "UnitAmount": 5.75, "AccountCode": "200"}
_UPDATED = "/Date(1772323200000+0000)/"
#: one answer per kind to a write, as Xero echoes it: the record whole, lines and contact too
ECHOES: dict[str, tuple[type[XeroRecord], dict[str, Any]]] = {
    "contacts": (
        Contact,
        {
            **{"ContactID": "c-1", "ContactNumber": "C1", "ContactStatus": "ACTIVE"},
            **{"Name": "Ridgeway", "EmailAddress": "a@example.com", "UpdatedDateUTC": _UPDATED},
            "Addresses": [{"AddressType": "POBOX", "City": "Wellington"}],
        },
    ),
    "invoices": (
        Invoice,
        {
            **{"InvoiceID": "i-1", "InvoiceNumber": "INV-1", "Status": "AUTHORISED"},
            **{"Type": "ACCREC", "Date": "2026-03-01", "DueDate": "2026-03-31"},
            **{"Total": 13.23, "SubTotal": 11.5, "TotalTax": 1.73, "AmountDue": 13.23},
            **{"AmountPaid": 0.0, "UpdatedDateUTC": _UPDATED, "LineItems": [_LINE]},
            "Contact": {"ContactID": "c-1", "Name": "Ridgeway"},
        },
    ),
    "credit_notes": (
        CreditNote,
        {
            **{"CreditNoteID": "n-1", "CreditNoteNumber": "CN-1", "Status": "AUTHORISED"},
            **{"Type": "ACCRECCREDIT", "Total": 5.75, "AmountDue": 5.75, "AmountPaid": 0},
            **{"UpdatedDateUTC": _UPDATED, "LineItems": [_LINE]},
            "Contact": {"ContactID": "c-1"},
        },
    ),
    "payments": (
        Payment,
        {
            **{"PaymentID": "p-1", "Status": "AUTHORISED", "Amount": 3.25, "Date": "2026-03-02"},
            **{"Invoice": {"InvoiceID": "i-1"}, "Account": {"Code": "090"}},
            "UpdatedDateUTC": _UPDATED,
        },
    ),
    "bank_transactions": (
        BankTransaction,
        {
            **{"BankTransactionID": "b-1", "Status": "AUTHORISED", "Type": "RECEIVE"},
            **{"Total": 11.5, "UpdatedDateUTC": _UPDATED, "LineItems": [_LINE]},
            **{"Contact": {"ContactID": "c-1"}, "BankAccount": {"AccountID": "a-1"}},
        },
    ),
    "manual_journals": (
        ManualJournal,
        {
            **{"ManualJournalID": "j-1", "Status": "POSTED", "Narration": "Accrual"},
            "JournalLines": [{"LineAmount": 5, "AccountCode": "200"}],
            "UpdatedDateUTC": _UPDATED,
        },
    ),
}


@pytest.mark.parametrize("entity", sorted(ECHOES))
def test_an_answer_read_for_what_a_push_keeps_gives_the_same_state(entity: str) -> None:
    """A push reads Xero's answers with `answer_model` (the whole record costs more to read
    than anything else it does for it): what it keeps is what the whole model gives."""
    model, echo = ECHOES[entity]
    whole, kept = model.model_validate(echo), answer_model(entity, model).model_validate(echo)
    assert xero_state(entity, kept) == xero_state(entity, whole)
    assert xero_state(entity, kept).xero_id is not None
    assert not kept.rejected


@pytest.mark.parametrize(
    "refusal",
    [
        {"HasErrors": True, "ValidationErrors": [{"Message": "Contact is archived"}]},
        {"StatusAttributeString": "ERROR", "ValidationErrors": [{"Message": "Date is locked"}]},
        {"HasValidationErrors": True},
    ],
)
def test_an_answer_read_for_what_a_push_keeps_still_tells_a_refusal(
    refusal: dict[str, Any],
) -> None:
    model, echo = ECHOES["invoices"]
    whole = model.model_validate({**echo, **refusal})
    kept = answer_model("invoices", model).model_validate({**echo, **refusal})
    assert kept.rejected
    assert (kept.error_messages(), kept.warning_messages()) == (
        whole.error_messages(),
        whole.warning_messages(),
    )


def test_an_answer_whose_kept_fields_cannot_be_read_is_refused_as_the_whole_one_is() -> None:
    model, echo = ECHOES["invoices"]
    broken = {**echo, "Total": "a lot"}
    for reader in (model, answer_model("invoices", model)):
        with pytest.raises(ValidationError):
            reader.model_validate(broken)
