"""The composition root: `Settings` -> a ready `XeroSync` (database, encrypted token store,
Xero client with shared budgets when Redis is set). The CLI, the service and the workers build
theirs here, so all three agree on how xerosync is put together."""

from __future__ import annotations

from xerosync.api import XeroSync
from xerosync.clock import Clock
from xerosync.settings import Settings
from xerosync.xero.config import XeroConfig
from xerosync.xero.limits.stores import BudgetStore

__all__ = ["build_sync", "xero_config"]


def xero_config(settings: Settings) -> XeroConfig:
    values = {
        "client_id": settings.xero_client_id,
        "client_secret": settings.xero_client_secret,
        "redirect_uri": settings.xero_redirect_uri,
        "scopes": tuple(settings.xero_scopes),
        "slot_lease": settings.xero_slot_lease_seconds,
    }
    if settings.xero_base_url:
        return XeroConfig.for_emulator(settings.xero_base_url, **values)
    return XeroConfig.model_validate(values)


def budget_store(settings: Settings) -> BudgetStore | None:
    """Rate budgets shared by every worker on Redis; in-process otherwise."""
    if not settings.redis_url:
        return None
    from xerosync.xero.limits.stores import RedisBudgetStore

    return RedisBudgetStore.from_url(settings.redis_url)


def build_sync(settings: Settings, *, clock: Clock | None = None, migrate: bool = True) -> XeroSync:
    settings.require_xero()
    sync = XeroSync.open(
        settings.database_url,
        xero_config(settings),
        token_keys=settings.keys(),
        mapping=settings.mapping,
        clock=clock,
        budget_store=budget_store(settings),
        migrate=migrate,
    )
    sync.context.lease_ttl = settings.lease_seconds
    sync.context.takeover_wait = settings.takeover_wait_seconds
    return sync
