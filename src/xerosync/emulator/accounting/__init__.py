"""The Accounting API routes under /api.xro/2.0, one module per resource family.

Each module has its own `router`; add a module with one `include_router` line here.
Shared machinery (envelopes, lists, writes, idempotency) is in `accounting.common`.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

from xerosync.emulator.accounting import (
    bank,
    contacts,
    credit_notes,
    invoices,
    journals,
    manual_journals,
    notes,
    payments,
    readonly,
    reports,
    settings,
    tracking,
)
from xerosync.emulator.accounting.admin import router as admin_router

_MODULES = (
    settings,
    contacts,
    invoices,
    payments,
    credit_notes,
    bank,
    manual_journals,
    tracking,
    readonly,
    journals,
    reports,
    notes,
)

router = APIRouter(prefix="/api.xro/2.0")
for _module in _MODULES:
    router.include_router(_module.router)


def route_paths() -> list[str]:
    """Every route's path template, prefix included (for matching paths in any case)."""
    return [
        router.prefix + route.path
        for module in _MODULES
        for route in module.router.routes
        if isinstance(route, APIRoute)
    ]


__all__ = ["admin_router", "route_paths", "router"]
