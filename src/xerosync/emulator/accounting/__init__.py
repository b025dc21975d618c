"""The Accounting API routes under /api.xro/2.0, one module per resource family."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api.xro/2.0")
