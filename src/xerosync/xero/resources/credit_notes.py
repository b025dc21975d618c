"""`/CreditNotes`: paged with pageSize, PUT/POST in batches."""

from __future__ import annotations

from collections.abc import Iterable

from xerosync.xero.models.invoices import CreditNote
from xerosync.xero.resources.base import Creatable, Listable, Upsertable, chunked, where_any

__all__ = ["CreditNotes"]

LOOKUP_CHUNK = 20  # numbers per `where` (each adds ~40 characters to the URL)


class CreditNotes(Listable[CreditNote], Creatable[CreditNote], Upsertable[CreditNote]):
    path = "CreditNotes"
    envelope = "CreditNotes"
    model = CreditNote
    id_field = "CreditNoteID"

    def find_by_numbers(
        self, numbers: Iterable[str], *, tenant: str
    ) -> dict[str, list[CreditNote]]:
        """The credit notes Xero already has with these CreditNoteNumbers, by number."""
        wanted = list(dict.fromkeys(numbers))
        found: dict[str, list[CreditNote]] = {}
        for chunk in chunked(wanted, LOOKUP_CHUNK):
            for note in self.list(tenant=tenant, where=where_any("CreditNoteNumber", chunk)):
                if note.credit_note_number is not None and note.credit_note_number in chunk:
                    found.setdefault(note.credit_note_number, []).append(note)
        return found
