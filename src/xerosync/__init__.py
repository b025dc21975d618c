"""xerosync: keep a business application and Xero in step.

The public Python API. The Xero client is usable alone (no database, no queue):

    from xerosync import XeroClient, XeroConfig, MemoryTokenStore
    from xerosync import Invoice, Contact, LineItem      # typed records
    from xerosync import Outcome, RecordOutcome          # per-record results of a batch

Everything else of the client (all models, the resource services, webhooks) is in `xerosync.xero`.

The sync (store + engine) on top of it:

    from xerosync import XeroSync, MappingConfig         # records in with the app's ids, feed out
    from xerosync import AppInvoice, AppContact, ...     # the app's records, in the app's terms
    from xerosync import FinanceSummary, StoredReport    # sync.finance(...), sync.report(...)
"""

from xerosync.api import XeroSync
from xerosync.clock import Clock, FakeClock, SystemClock
from xerosync.errors import (
    AuthError,
    ConfigError,
    NeedsReauth,
    NotFound,
    QueryRejected,
    RateLimited,
    RecordRejected,
    RetryableError,
    XeroConnectionError,
    XeroError,
    XerosyncError,
    XeroUnavailable,
)
from xerosync.host.feed import Change
from xerosync.host.status import RecordStatus
from xerosync.settings import Settings
from xerosync.store.reports import StoredReport
from xerosync.sync.config import MappingConfig
from xerosync.sync.finance import FinanceSummary
from xerosync.sync.records import (
    AppBankTransaction,
    AppContact,
    AppCreditNote,
    AppInvoice,
    AppLine,
    AppManualJournal,
    AppPayment,
)
from xerosync.sync.rules import Rule
from xerosync.version import __version__
from xerosync.xero import (
    Account,
    BankTransaction,
    Contact,
    CreditNote,
    FileTokenStore,
    Invoice,
    Item,
    LineItem,
    ManualJournal,
    MemoryBudgetStore,
    MemoryTokenStore,
    Organisation,
    Outcome,
    Payment,
    RateLimits,
    RecordOutcome,
    RedisBudgetStore,
    RedisTokenStore,
    Report,
    TaxRate,
    TokenSet,
    TokenStore,
    XeroClient,
    XeroConfig,
    XeroConnection,
    XeroOAuth,
)

__all__ = [
    "Account",
    "AppBankTransaction",
    "AppContact",
    "AppCreditNote",
    "AppInvoice",
    "AppLine",
    "AppManualJournal",
    "AppPayment",
    "AuthError",
    "BankTransaction",
    "Change",
    "Clock",
    "ConfigError",
    "Contact",
    "CreditNote",
    "FakeClock",
    "FileTokenStore",
    "FinanceSummary",
    "Invoice",
    "Item",
    "LineItem",
    "ManualJournal",
    "MappingConfig",
    "MemoryBudgetStore",
    "MemoryTokenStore",
    "NeedsReauth",
    "NotFound",
    "Organisation",
    "Outcome",
    "Payment",
    "QueryRejected",
    "RateLimited",
    "RateLimits",
    "RecordOutcome",
    "RecordRejected",
    "RecordStatus",
    "RedisBudgetStore",
    "RedisTokenStore",
    "Report",
    "RetryableError",
    "Rule",
    "Settings",
    "StoredReport",
    "SystemClock",
    "TaxRate",
    "TokenSet",
    "TokenStore",
    "XeroClient",
    "XeroConfig",
    "XeroConnection",
    "XeroConnectionError",
    "XeroError",
    "XeroOAuth",
    "XeroSync",
    "XeroUnavailable",
    "XerosyncError",
    "__version__",
]
