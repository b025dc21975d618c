"""Xero's identity server: consent page, token endpoint, revocation, connections.

`router` serves what Xero serves (authorize, token, revocation, OpenID discovery,
`/connections`); `admin_router` adds the identity admin and fault routes under `/_emulator`.
"""

from __future__ import annotations

from fastapi import APIRouter

from xerosync.emulator.identity import admin, connections, consent, oauth

router = APIRouter()
router.include_router(consent.router)
router.include_router(oauth.router)
router.include_router(connections.router)

admin_router = admin.router

__all__ = ["admin_router", "router"]
