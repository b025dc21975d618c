"""`/BankTransactions`: paged with pageSize, PUT/POST in batches; look-up by Reference."""

from __future__ import annotations

from collections.abc import Iterable

from xerosync.xero.models.banking import BankTransaction
from xerosync.xero.resources.base import Creatable, Listable, Upsertable, chunked, where_any

__all__ = ["BankTransactions"]

LOOKUP_CHUNK = 20


class BankTransactions(
    Listable[BankTransaction], Creatable[BankTransaction], Upsertable[BankTransaction]
):
    path = "BankTransactions"
    envelope = "BankTransactions"
    model = BankTransaction
    id_field = "BankTransactionID"

    def find_by_references(
        self, references: Iterable[str], *, tenant: str
    ) -> dict[str, list[BankTransaction]]:
        """Bank transactions Xero already has with these References, by reference."""
        wanted = list(dict.fromkeys(references))
        found: dict[str, list[BankTransaction]] = {}
        for chunk in chunked(wanted, LOOKUP_CHUNK):
            for txn in self.list(tenant=tenant, where=where_any("Reference", chunk)):
                if txn.reference is not None and txn.reference in chunk:
                    found.setdefault(txn.reference, []).append(txn)
        return found
