"""The ledger as a tenant's Books keep it: told of every stored record, posts what is financial.

The Books call `keeper.changed(plural, old, new, now)` from the one place records are stored
(`Entity.store`). Account changes refresh the cached chart; the six financial kinds are
posted with `post_document`. A document that cannot be posted (an account missing from the
chart) is logged and kept in `problems` rather than failing a write that is already stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from xerosync.emulator.ledger import prepayments
from xerosync.emulator.ledger.accounts import Chart, PostingError
from xerosync.emulator.ledger.hook import post_document
from xerosync.emulator.ledger.journal import Ledger

log = logging.getLogger("xerosync.emulator.ledger")

POSTED_KINDS = {
    "Invoices": "Invoice",
    "CreditNotes": "CreditNote",
    "Payments": "Payment",
    "BankTransactions": "BankTransaction",
    "BankTransfers": "BankTransfer",
    "ManualJournals": "ManualJournal",
}


class LedgerKeeper:
    def __init__(self, accounts: Callable[[], Iterable[Mapping[str, Any]]]) -> None:
        self._accounts = accounts
        self._chart: Chart | None = None
        self.ledger = Ledger()
        self.problems: list[str] = []

    def chart(self) -> Chart:
        if self._chart is None:
            self._chart = Chart(self._accounts())
        return self._chart

    def changed(
        self,
        plural: str,
        old: Mapping[str, Any] | None,
        new: Mapping[str, Any] | None,
        now: datetime,
    ) -> None:
        if plural == "Accounts":
            self._chart = None
            return
        if plural == "Prepayments":  # each allocation or refund moves its share to AR/AP
            before, after = prepayments.uses(old), prepayments.uses(new)
            for key in sorted(before.keys() | after.keys()):
                self._post("PrepaymentUse", before.get(key), after.get(key), now)
            return
        kind = POSTED_KINDS.get(plural)
        if kind is None:
            return
        self._post(kind, old, new, now)

    def _post(
        self, kind: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, now: datetime
    ) -> None:
        try:
            post_document(self.ledger, kind, old, new, self.chart(), now=now)
        except PostingError as exc:
            self.problems.append(str(exc))
            log.warning("ledger.posting_failed", extra={"kind": kind, "problem": str(exc)})

    def uses(self, account_id: str) -> bool:
        return self.ledger.uses(account_id)

    def reset(self) -> None:
        self.ledger = Ledger()
        self._chart = None
        self.problems.clear()
