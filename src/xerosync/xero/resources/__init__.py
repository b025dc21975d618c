"""One service per Xero endpoint family, each calling through a `Requester` (the `XeroClient`)."""

from __future__ import annotations

from dataclasses import dataclass

from xerosync.xero.batching import MAX_BATCH_BYTES
from xerosync.xero.resources.accounts import Accounts
from xerosync.xero.resources.bank_transactions import BankTransactions
from xerosync.xero.resources.base import Requester
from xerosync.xero.resources.contacts import Contacts
from xerosync.xero.resources.credit_notes import CreditNotes
from xerosync.xero.resources.invoices import Invoices
from xerosync.xero.resources.items import Items
from xerosync.xero.resources.manual_journals import ManualJournals
from xerosync.xero.resources.organisation import OrganisationResource
from xerosync.xero.resources.payments import Payments
from xerosync.xero.resources.reports import Reports
from xerosync.xero.resources.tax_rates import TaxRates

__all__ = [
    "Accounts",
    "BankTransactions",
    "Contacts",
    "CreditNotes",
    "Invoices",
    "Items",
    "ManualJournals",
    "OrganisationResource",
    "Payments",
    "Reports",
    "Requester",
    "Resources",
    "TaxRates",
]


@dataclass(frozen=True)
class Resources:
    """Every endpoint family over one requester: `Resources.over(client).invoices.list(...)`."""

    accounts: Accounts
    bank_transactions: BankTransactions
    contacts: Contacts
    credit_notes: CreditNotes
    invoices: Invoices
    items: Items
    manual_journals: ManualJournals
    organisation: OrganisationResource
    payments: Payments
    reports: Reports
    tax_rates: TaxRates

    @classmethod
    def over(cls, requester: Requester, *, max_request_bytes: int = MAX_BATCH_BYTES) -> Resources:
        """All resources over `requester`; `max_request_bytes` caps a write's body (Xero: 3.5 MB)."""
        cap = {"max_request_bytes": max_request_bytes}
        return cls(
            accounts=Accounts(requester, **cap),
            bank_transactions=BankTransactions(requester, **cap),
            contacts=Contacts(requester, **cap),
            credit_notes=CreditNotes(requester, **cap),
            invoices=Invoices(requester, **cap),
            items=Items(requester, **cap),
            manual_journals=ManualJournals(requester, **cap),
            organisation=OrganisationResource(requester, **cap),
            payments=Payments(requester, **cap),
            reports=Reports(requester, **cap),
            tax_rates=TaxRates(requester, **cap),
        )
