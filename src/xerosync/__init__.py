"""xerosync: keep a business application and Xero in step.

The public Python API. The Xero client is usable alone (no database, no queue):

    from xerosync import XeroClient, XeroConfig, MemoryTokenStore
    from xerosync import Invoice, Contact, LineItem      # typed records
    from xerosync import Outcome, RecordOutcome          # per-record results of a batch

Everything else of the client (all models, the resource services, webhooks) is in `xerosync.xero`.
"""

__version__ = "0.1.0"

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
    "AuthError",
    "BankTransaction",
    "Clock",
    "ConfigError",
    "Contact",
    "CreditNote",
    "FakeClock",
    "FileTokenStore",
    "Invoice",
    "Item",
    "LineItem",
    "ManualJournal",
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
    "RedisBudgetStore",
    "RedisTokenStore",
    "Report",
    "RetryableError",
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
    "XeroUnavailable",
    "XerosyncError",
    "__version__",
]
