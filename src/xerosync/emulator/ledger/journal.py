"""Journal entries and the append-only `Ledger` that holds them, indexed for reports.

Amounts are Decimal in the organisation's base currency; `net` is positive for a debit and
negative for a credit, as Xero's Journals endpoint writes NetAmount. Every entry balances
(its lines' `net` sum to zero). Balances come from per-account daily totals, so a balance at
a date costs O(days with activity on that account), not O(all journal lines).
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from xerosync.emulator.ledger.accounts import Account, PostingError
from xerosync.emulator.ledger.values import ZERO

# balances kept per contact as well (receivables and payables by contact)
_CONTACT_ACCOUNTS = frozenset({"DEBTORS", "CREDITORS"})


@dataclass(frozen=True, slots=True)
class JournalLine:
    account: Account
    net: Decimal
    tax: Decimal = ZERO
    tax_type: str = ""
    description: str = ""
    tracking: tuple[tuple[str, str, str, str], ...] = ()  # (categoryID, optionID, Name, Option)

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax

    def negated(self) -> JournalLine:
        return JournalLine(
            self.account,
            -self.net,
            -self.tax if self.tax else ZERO,  # one shared zero: most lines carry no tax
            self.tax_type,
            self.description,
            self.tracking,
        )

    def key(self) -> tuple[str, Decimal, Decimal, str]:
        return (self.account.account_id, self.net, self.tax, self.tax_type)


@dataclass(frozen=True, slots=True)
class Posting:
    """What a document should have on the ledger in its current state (before numbering)."""

    date: date
    source_type: str
    source_id: str
    lines: tuple[JournalLine, ...]
    reference: str = ""
    contact_id: str = ""
    is_reversal: bool = False
    rate: Decimal = Decimal(1)  # the document's CurrencyRate (foreign units per base unit)

    def signature(self) -> tuple[object, ...]:
        """Equal signatures mean equal effect on every balance: nothing to re-post."""
        return (self.date, self.source_type, self.contact_id, sorted(x.key() for x in self.lines))

    def reversed(self) -> Posting:
        return Posting(
            self.date,
            self.source_type,
            self.source_id,
            tuple(x.negated() for x in self.lines),
            self.reference,
            self.contact_id,
            not self.is_reversal,
            self.rate,
        )


@dataclass(frozen=True, slots=True)
class JournalEntry:
    journal_id: str
    number: int
    created: datetime
    posting: Posting

    def line_id(self, index: int) -> str:
        """A stable JournalLineID, derived rather than stored (posting stays cheap)."""
        return str(uuid.uuid5(uuid.UUID(self.journal_id), str(index)))

    @property
    def date(self) -> date:
        return self.posting.date

    @property
    def lines(self) -> tuple[JournalLine, ...]:
        return self.posting.lines


@dataclass
class _Daily:
    """Per-key daily net totals with the days kept sorted, for balance-at-date queries."""

    totals: dict[date, Decimal] = field(default_factory=dict)
    days: list[date] = field(default_factory=list)

    def add(self, day: date, amount: Decimal) -> None:
        if day not in self.totals:
            bisect.insort(self.days, day)
            self.totals[day] = amount
        else:
            self.totals[day] += amount

    def between(self, start: date | None, end: date | None) -> Decimal:
        """Sum over start <= day <= end (either end open when None)."""
        lo = 0 if start is None else bisect.bisect_left(self.days, start)
        hi = len(self.days) if end is None else bisect.bisect_right(self.days, end)
        return sum((self.totals[d] for d in self.days[lo:hi]), ZERO)


class Ledger:
    """An organisation's general ledger: numbered journal entries, never edited, only added to.

    A document change that alters its effect appends a reversal of what was posted and a new
    posting (see `xerosync.emulator.ledger.hook.post_document`).
    """

    def __init__(self) -> None:
        self.entries: list[JournalEntry] = []
        self._accounts: dict[str, Account] = {}
        self._by_account: dict[str, _Daily] = {}
        self._by_account_contact: dict[tuple[str, str], _Daily] = {}
        self._debits: dict[str, _Daily] = {}
        self._by_account_option: dict[tuple[str, str], _Daily] = {}
        self._issued: dict[str, tuple[_Daily, _Daily]] = {}  # source type -> (count, AR/AP total)
        self._current: dict[str, Posting] = {}
        self._by_source: dict[str, list[JournalEntry]] = {}
        self._by_id: dict[str, JournalEntry] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def append(self, posting: Posting, created: datetime) -> JournalEntry:
        total = sum((x.net for x in posting.lines), ZERO)
        if total != ZERO:
            raise PostingError(
                f"journal for {posting.source_type} {posting.source_id} does not balance ({total})"
            )
        entry = JournalEntry(
            journal_id=str(uuid.uuid4()),
            number=len(self.entries) + 1,
            created=created,
            posting=posting,
        )
        self.entries.append(entry)
        self._by_id[entry.journal_id] = entry
        self._by_source.setdefault(posting.source_id, []).append(entry)
        count, amount = self._issued.setdefault(posting.source_type, (_Daily(), _Daily()))
        count.add(posting.date, Decimal(-1 if posting.is_reversal else 1))
        amount.add(
            posting.date,
            sum(
                (x.net for x in posting.lines if x.account.system_account in _CONTACT_ACCOUNTS),
                ZERO,
            ),
        )
        for line in posting.lines:
            account_id = line.account.account_id
            self._accounts[account_id] = line.account
            self._by_account.setdefault(account_id, _Daily()).add(posting.date, line.net)
            # a reversal takes its original's debits back rather than adding credits
            debit = line.net if (line.net < 0) == posting.is_reversal else ZERO
            if debit:
                self._debits.setdefault(account_id, _Daily()).add(posting.date, debit)
            for _category, option_id, _name, _option in line.tracking:
                key = (account_id, option_id)
                self._by_account_option.setdefault(key, _Daily()).add(posting.date, line.net)
            if posting.contact_id and line.account.system_account in _CONTACT_ACCOUNTS:
                key = (account_id, posting.contact_id)
                self._by_account_contact.setdefault(key, _Daily()).add(posting.date, line.net)
        return entry

    # -- what is posted for a source ------------------------------------------------------

    def current(self, key: str) -> Posting | None:
        """The posting now in force for a document (None if it has no effect)."""
        return self._current.get(key)

    def set_current(self, key: str, posting: Posting | None) -> None:
        if posting is None:
            self._current.pop(key, None)
        else:
            self._current[key] = posting

    def for_source(self, source_id: str) -> list[JournalEntry]:
        return list(self._by_source.get(source_id, ()))

    # -- reads ----------------------------------------------------------------------------

    def by_number(self, number: int) -> JournalEntry | None:
        return self.entries[number - 1] if 1 <= number <= len(self.entries) else None

    def by_id(self, journal_id: str) -> JournalEntry | None:
        return self._by_id.get(journal_id)

    def after(self, offset: int, limit: int = 100) -> list[JournalEntry]:
        """Journals with JournalNumber > offset, at most `limit` (the endpoint's paging)."""
        start = max(offset, 0)
        return self.entries[start : start + limit]

    def uses(self, account_id: str) -> bool:
        """Has any journal line ever touched this account (so it cannot be deleted)?"""
        return account_id in self._accounts

    def accounts_used(self) -> Iterator[Account]:
        return iter(self._accounts.values())

    def balance(self, account_id: str, at: date | None = None) -> Decimal:
        """Debit-positive balance of an account at the end of `at` (all time when None)."""
        daily = self._by_account.get(account_id)
        return daily.between(None, at) if daily else ZERO

    def movement(self, account_id: str, start: date | None, end: date | None) -> Decimal:
        """Debit-positive net movement on an account over start..end, both inclusive."""
        daily = self._by_account.get(account_id)
        return daily.between(start, end) if daily else ZERO

    def debits(self, account_id: str, start: date | None, end: date | None) -> Decimal:
        """Total debits to an account over start..end (reversed postings not counted)."""
        daily = self._debits.get(account_id)
        return daily.between(start, end) if daily else ZERO

    def tracked_movement(
        self, account_id: str, option_id: str, start: date | None, end: date | None
    ) -> Decimal:
        """Movement over start..end on lines tagged with a tracking option."""
        daily = self._by_account_option.get((account_id, option_id))
        return daily.between(start, end) if daily else ZERO

    def issued(self, source_type: str, start: date, end: date) -> tuple[int, Decimal]:
        """How many documents of a type are in force dated start..end, and their AR/AP total."""
        count, amount = self._issued.get(source_type, (_Daily(), _Daily()))
        return int(count.between(start, end)), amount.between(start, end)

    def contact_balance(self, account_id: str, contact_id: str, at: date | None = None) -> Decimal:
        daily = self._by_account_contact.get((account_id, contact_id))
        return daily.between(None, at) if daily else ZERO

    def balances(
        self, at: date | None, accounts: Iterable[str] | None = None
    ) -> dict[str, Decimal]:
        ids = self._by_account.keys() if accounts is None else accounts
        return {a: self.balance(a, at) for a in ids}
