"""`/Invoices`: sales invoices and bills; paged with pageSize, PUT/POST in batches."""

from __future__ import annotations

from collections.abc import Iterable

from xerosync.xero.models.invoices import Invoice
from xerosync.xero.resources.base import Creatable, Listable, Upsertable, chunked, csv, where_any

__all__ = ["Invoices"]

#: Numbers per look-up call: Xero answers 404 once a URL grows past ~52 GUIDs' worth.
LOOKUP_CHUNK = 40


class Invoices(Listable[Invoice], Creatable[Invoice], Upsertable[Invoice]):
    path = "Invoices"
    envelope = "Invoices"
    model = Invoice
    id_field = "InvoiceID"

    def find_by_numbers(self, numbers: Iterable[str], *, tenant: str) -> dict[str, list[Invoice]]:
        """The invoices Xero already has with these InvoiceNumbers, by number (a resumed write checks
        here once Xero's ~6-minute idempotency memory has passed). Bills may share a number, hence lists."""
        wanted = list(dict.fromkeys(numbers))
        found: dict[str, list[Invoice]] = {}
        for chunk in chunked(wanted, LOOKUP_CHUNK):
            for invoice in self.list(tenant=tenant, params={"InvoiceNumbers": csv(chunk)}):
                if invoice.invoice_number is not None:
                    found.setdefault(invoice.invoice_number, []).append(invoice)
        return found

    def find_by_references(
        self, references: Iterable[str], *, tenant: str
    ) -> dict[str, list[Invoice]]:
        """The invoices whose Reference is exactly one of `references`, by reference."""
        wanted = list(dict.fromkeys(references))
        found: dict[str, list[Invoice]] = {}
        for chunk in chunked(wanted, LOOKUP_CHUNK):
            for invoice in self.list(tenant=tenant, where=where_any("Reference", chunk)):
                if invoice.reference is not None and invoice.reference in chunk:
                    found.setdefault(invoice.reference, []).append(invoice)
        return found
