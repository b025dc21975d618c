"""The Accounting API routes under /api.xro/2.0, one module per resource family.

Each module has its own `router`; add a module with one `include_router` line here.
Shared machinery (envelopes, lists, writes, idempotency) is in `accounting.common`.
"""

from __future__ import annotations

from fastapi import APIRouter

from xerosync.emulator.accounting import (
    bank,
    contacts,
    credit_notes,
    invoices,
    journals,
    manual_journals,
    payments,
    readonly,
    reports,
    settings,
    tracking,
)
from xerosync.emulator.accounting.admin import router as admin_router

router = APIRouter(prefix="/api.xro/2.0")
router.include_router(settings.router)
router.include_router(contacts.router)
router.include_router(invoices.router)
router.include_router(payments.router)
router.include_router(credit_notes.router)
router.include_router(bank.router)
router.include_router(manual_journals.router)
router.include_router(tracking.router)
router.include_router(readonly.router)
router.include_router(journals.router)
router.include_router(reports.router)

__all__ = ["admin_router", "router"]
