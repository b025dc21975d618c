"""The emulator's double-entry general ledger: pure, independent of how the store keeps records.

Wired in: each tenant's `Books` owns a `LedgerKeeper` (`books.ledger`), which `Entity.store`
tells of every stored record; it keeps the chart cached and posts the financial kinds.
Records bulk-inserted with `Books.load` bypass `store` and are not posted.

The hook underneath, for any other store:

    from xerosync.emulator.ledger import Chart, Ledger, post_document

    chart = Chart(account_dicts)            # Xero-shaped Accounts (Code, AccountID, Type, ...)
    post_document(ledger, "Invoice", old, new, chart, now=clock.now())

- `kind`: Invoice, CreditNote, Payment, BankTransaction, BankTransfer or ManualJournal.
- `old`/`new`: the Xero-shaped dict before and after the change (None when created/removed).
  Call it after every create, update, status change (authorise, void, delete) and payment
  create/delete, inside the same lock as the write. It is idempotent: a change that does not
  alter the books (payment made, SentToContact...) writes nothing; one that does writes a
  reversal of the old posting plus the new one, numbered JournalNumber 1, 2, 3...
- It raises `PostingError` before writing if a document refers to an account not in the
  chart, or the chart lacks a needed system account (DEBTORS, CREDITORS, GST): validate first.

Reads: `ledger.balance(account_id, at)`, `ledger.movement(account_id, start, end)`,
`ledger.after(offset)` (the Journals endpoint's paging) and `journal_record(entry)` for its
JSON shape. Reports are built from it in `xerosync.emulator.reports`. Accrual basis only:
`paymentsOnly` (cash basis) is not modelled, nor unrealised currency gains.
"""

from __future__ import annotations

from xerosync.emulator.ledger.accounts import Account, Chart, PostingError
from xerosync.emulator.ledger.hook import post_document
from xerosync.emulator.ledger.journal import JournalEntry, JournalLine, Ledger, Posting
from xerosync.emulator.ledger.keeper import LedgerKeeper
from xerosync.emulator.ledger.posting import posting_for
from xerosync.emulator.ledger.records import journal_record
from xerosync.emulator.ledger.values import money, ms_date, ms_datetime, to_date

__all__ = [
    "Account",
    "Chart",
    "JournalEntry",
    "JournalLine",
    "Ledger",
    "LedgerKeeper",
    "Posting",
    "PostingError",
    "journal_record",
    "money",
    "ms_date",
    "ms_datetime",
    "post_document",
    "posting_for",
    "to_date",
]
