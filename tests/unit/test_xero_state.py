"""What the engine reads of a record Xero answered with (`engine.resources.xero_state`)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from xerosync.engine.resources import XeroState, xero_state
from xerosync.xero.models.contacts import Contact
from xerosync.xero.models.invoices import Invoice, Payment


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
