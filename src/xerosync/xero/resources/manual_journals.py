"""`/ManualJournals`: paged with pageSize, PUT/POST in batches."""

from __future__ import annotations

from xerosync.xero.models.banking import ManualJournal
from xerosync.xero.resources.base import Creatable, Listable, Upsertable

__all__ = ["ManualJournals"]


class ManualJournals(Listable[ManualJournal], Creatable[ManualJournal], Upsertable[ManualJournal]):
    path = "ManualJournals"
    envelope = "ManualJournals"
    model = ManualJournal
    id_field = "ManualJournalID"
