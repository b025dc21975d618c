"""One organisation's accounting data, in memory and indexed.

`Books(tenant_id, name, clock)` holds one entity store per kind (`books.accounts`,
`books.tax_rates`, `books.items`, `books.contacts`, `books.contact_groups`, and whatever
later modules `register`), the Organisation record, and the Idempotency-Key memory.
Every write runs under `books.lock`. The framework pieces, for entities added later:

- `store.Collection`     records by id, by update time (bisect) and by declared keys
- `listing.run`          GET lists: If-Modified-Since, IDs, index filters, where, order, paging
- `query`                the `where` / `order` language (QueryError -> QueryParseException)
- `writes`               PUT/POST batches, summarizeErrors both ways, Invalid -> ValidationErrors
- `idempotency`          the Idempotency-Key cache
- `dates`, `money`, `render`   /Date()/ in and out, Decimal rounding, JSON output

Validators documents use raise `writes.Invalid` with Xero's messages:
`books.accounts.require_code(code)`, `books.tax_rates.require_type(tax_type)`,
`books.items.require_code(code)`, `books.contacts.resolve(ref, ctx)`,
`books.require_currency(code)`.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from xerosync.clock import Clock
from xerosync.emulator.books.accounts import Accounts
from xerosync.emulator.books.bank_transactions import BankTransactions
from xerosync.emulator.books.bank_transfers import BankTransfers
from xerosync.emulator.books.contact_groups import ContactGroups
from xerosync.emulator.books.contacts import Contacts
from xerosync.emulator.books.credit_notes import CreditNotes
from xerosync.emulator.books.currencies import Currencies
from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.idempotency import IdempotencyCache
from xerosync.emulator.books.invoices import Invoices
from xerosync.emulator.books.items import Items
from xerosync.emulator.books.manual_journals import ManualJournals
from xerosync.emulator.books.notes import Notes
from xerosync.emulator.books.payments import Payments
from xerosync.emulator.books.prepayments import Credits
from xerosync.emulator.books.readonly import ReadOnly
from xerosync.emulator.books.store import Record, new_id
from xerosync.emulator.books.tax_rates import TaxRates
from xerosync.emulator.books.tracking import TrackingCategories
from xerosync.emulator.books.writes import Invalid
from xerosync.emulator.ledger.keeper import LedgerKeeper

__all__ = ["Books", "Invalid"]

E = TypeVar("E", bound=Entity)


class Books:
    """The books of one organisation (tenant)."""

    base_currency = "NZD"
    country_code = "NZ"

    def __init__(self, tenant_id: str, name: str, clock: Clock) -> None:
        self.tenant_id = tenant_id
        self.name = name
        self.clock = clock
        self.created = clock.now()
        self.lock = threading.RLock()
        self.idempotency = IdempotencyCache(clock)
        self.notes = Notes()  # history and attachments (books.notes)
        self.entities: dict[str, Entity] = {}
        self.currencies: set[str] = {self.base_currency}
        self.new_id: Callable[[], str] = new_id
        # Told of every stored record (kind, record, created); the emulator's webhooks set it.
        self.on_change: Callable[[str, Record, bool], None] | None = None
        # The general ledger: every stored financial document posts to it (emulator.ledger).
        self.ledger = LedgerKeeper(lambda: self.accounts.collection)
        self._build()
        self.accounts.in_use = self.ledger.uses

    def _build(self) -> None:
        self.entities = {}
        self.accounts = self.register(Accounts(self))
        self.tax_rates = self.register(TaxRates(self))
        self.items = self.register(Items(self))
        self.contacts = self.register(Contacts(self))
        self.contact_groups = self.register(ContactGroups(self))
        self.invoices = self.register(Invoices(self))
        self.payments = self.register(Payments(self))
        self.tracking = self.register(TrackingCategories(self))
        self.currency_list = self.register(Currencies(self))
        self.credit_notes = self.register(CreditNotes(self))
        self.prepayments = self.register(Credits(self, "Prepayment"))
        self.overpayments = self.register(Credits(self, "Overpayment"))
        self.bank_transactions = self.register(BankTransactions(self))
        self.bank_transfers = self.register(BankTransfers(self))
        self.manual_journals = self.register(ManualJournals(self))
        self.purchase_orders = self.register(ReadOnly(self, "PurchaseOrders"))
        self.quotes = self.register(ReadOnly(self, "Quotes"))
        for plural in ("RepeatingInvoices", "LinkedTransactions", "Receipts", "ExpenseClaims"):
            self.register(ReadOnly(self, plural))
        self.register(ReadOnly(self, "BrandingThemes"))
        self.register(ReadOnly(self, "Users"))

    def register(self, entity: E) -> E:
        """Add an entity kind (keyed by its plural, e.g. "Invoices"); returns it."""
        self.entities[entity.plural] = entity
        return entity

    # -- organisation -------------------------------------------------------------

    @property
    def short_code(self) -> str:
        return "!" + hashlib.sha256(self.tenant_id.encode()).hexdigest()[:5]

    def organisation(self) -> Record:
        """The Organisation record: a New Zealand GST-registered company."""
        return {
            "OrganisationID": self.tenant_id,
            "APIKey": hashlib.sha256(("api" + self.tenant_id).encode()).hexdigest()[:30].upper(),
            "Name": self.name,
            "LegalName": self.name,
            "PaysTax": True,
            "Version": "NZ",
            "OrganisationType": "COMPANY",
            "OrganisationEntityType": "COMPANY",
            "BaseCurrency": self.base_currency,
            "CountryCode": self.country_code,
            "IsDemoCompany": False,
            "OrganisationStatus": "ACTIVE",
            "TaxNumber": "071-138-054",
            "FinancialYearEndDay": 31,
            "FinancialYearEndMonth": 3,
            "SalesTaxBasis": "PAYMENTS",
            "SalesTaxPeriod": "TWOMONTHS",
            "DefaultSalesTax": "Tax Exclusive",
            "DefaultPurchasesTax": "Tax Exclusive",
            "CreatedDateUTC": self.created,
            "Timezone": "NEWZEALANDSTANDARDTIME",
            "ShortCode": self.short_code,
            "Class": "PREMIUM",
            "Edition": "BUSINESS",
            "Addresses": [],
            "Phones": [],
            "ExternalLinks": [],
            "PaymentTerms": {},
        }

    def require_currency(self, code: str) -> str:
        code = code.strip().upper()
        if code not in self.currencies:
            raise Invalid(f"Organisation is not subscribed to currency {code}")
        return code

    # -- set-up ---------------------------------------------------------------------

    def seed_demo(self) -> None:
        """Fill the books with the deterministic demo company (see `books.seed`)."""
        from xerosync.emulator.books.seed import seed_demo

        with self.lock:
            seed_demo(self)

    def reset(self) -> None:
        """Empty every collection and forget idempotency keys (the tenant stays)."""
        with self.lock:
            for entity in self.entities.values():
                entity.reset()
            self.ledger.reset()
            self.idempotency.clear()
            self.notes.reset()

    def load(self, kind: str, records: Iterable[Record], now: datetime | None = None) -> int:
        """Bulk-insert ready-made Xero-shaped records (tests, benchmarks): no validation.

        `kind` is the plural ("Contacts", "Invoices"...). Records may carry their own
        `UpdatedDateUTC` (datetime); 100,000 records load in well under a second."""
        entity = self.entities[kind]
        with self.lock:
            return entity.collection.load(records, now or self.clock.now())

    def __getitem__(self, kind: str) -> Any:
        return self.entities[kind]
