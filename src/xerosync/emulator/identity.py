"""Xero's identity server: consent page, token endpoint, revocation, connections.

Stub: the OAuth flows replace this.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
