"""xerosync: keep a business application and Xero in step.

The public Python API. The Xero client is usable alone (no database, no queue):

    from xerosync import XeroClient, XeroConfig, MemoryTokenStore
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
    FileTokenStore,
    MemoryBudgetStore,
    MemoryTokenStore,
    RedisBudgetStore,
    RedisTokenStore,
    TokenSet,
    TokenStore,
    XeroClient,
    XeroConfig,
    XeroOAuth,
)

__all__ = [
    "AuthError",
    "Clock",
    "ConfigError",
    "FakeClock",
    "FileTokenStore",
    "MemoryBudgetStore",
    "MemoryTokenStore",
    "NeedsReauth",
    "NotFound",
    "QueryRejected",
    "RateLimited",
    "RecordRejected",
    "RedisBudgetStore",
    "RedisTokenStore",
    "RetryableError",
    "SystemClock",
    "TokenSet",
    "TokenStore",
    "XeroClient",
    "XeroConfig",
    "XeroConnectionError",
    "XeroError",
    "XeroOAuth",
    "XeroUnavailable",
    "XerosyncError",
    "__version__",
]
