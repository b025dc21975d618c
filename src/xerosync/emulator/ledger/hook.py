"""The one call the store makes on every document change: `post_document`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from xerosync.emulator.ledger.accounts import Chart
from xerosync.emulator.ledger.journal import JournalEntry, Ledger
from xerosync.emulator.ledger.posting import Doc, normalise_kind, posting_for, source_id


def post_document(
    ledger: Ledger,
    kind: str,
    old_doc: Doc | None,
    new_doc: Doc | None,
    chart: Chart,
    *,
    now: datetime,
) -> list[JournalEntry]:
    """Bring the ledger in line with a document's new state; return the journals written.

    `kind` is Invoice, CreditNote, Payment, BankTransaction, BankTransfer or ManualJournal
    (plural names work too); Prepayment and Overpayment are accepted and post nothing. `new_doc=None` means the record is gone. The delta is taken
    against what the ledger has in force for the document, not against `old_doc` (which only
    supplies the ID when `new_doc` is None), so calling it twice, or for a change that does
    not touch the books (AmountPaid, SentToContact, status PAID), writes nothing. A change
    that does is written as a reversal of the old posting, dated as the old one, and a new
    posting: a voided or deleted document then has no effect on any date.

    Raises `PostingError` (before writing anything) when the document cannot be posted,
    e.g. a line's AccountCode is not in the chart: validate before calling.
    """
    doc = new_doc if new_doc is not None else old_doc
    if doc is None:
        return []
    kind = normalise_kind(kind)
    key = (
        f"{kind}/{source_id(kind, doc).lower()}"  # a prepayment may share its bank transaction's ID
    )

    def rate_of(key: str) -> Decimal | None:
        posted = ledger.current(key)
        return posted.rate if posted is not None else None

    wanted = posting_for(kind, new_doc, chart, rate_of) if new_doc is not None else None
    current = ledger.current(key)
    if wanted is None and current is None:
        return []
    if wanted is not None and current is not None and wanted.signature() == current.signature():
        return []
    written: list[JournalEntry] = []
    if current is not None:
        written.append(ledger.append(current.reversed(), now))
    if wanted is not None:
        written.append(ledger.append(wanted, now))
    ledger.set_current(key, wanted)
    return written
