"""Xero's edge: a client that speaks Xero correctly, usable alone (no database, no queue)."""

from xerosync.xero.auth.oauth import AuthorizationRequest, XeroOAuth
from xerosync.xero.auth.scopes import scopes_for
from xerosync.xero.auth.tokens import (
    FileTokenStore,
    MemoryTokenStore,
    RedisTokenStore,
    TokenSet,
    TokenStore,
)
from xerosync.xero.client import XeroClient, XeroConnection
from xerosync.xero.config import RateLimits, XeroConfig
from xerosync.xero.limits.stores import BudgetStore, MemoryBudgetStore, RedisBudgetStore
from xerosync.xero.retry import RetryPolicy

__all__ = [
    "AuthorizationRequest",
    "BudgetStore",
    "FileTokenStore",
    "MemoryBudgetStore",
    "MemoryTokenStore",
    "RateLimits",
    "RedisBudgetStore",
    "RedisTokenStore",
    "RetryPolicy",
    "TokenSet",
    "TokenStore",
    "XeroClient",
    "XeroConfig",
    "XeroConnection",
    "XeroOAuth",
    "scopes_for",
]
