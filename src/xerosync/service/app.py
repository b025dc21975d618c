"""The composition root of the service: `create_app(settings)` -> a FastAPI app.

    app = create_app(Settings())                     # builds its XeroSync (compose.build_sync)
    app = create_app(settings, sync=sync, wake=wake) # tests and embedders hand in their own

`wake(kind, connection_id)` (kind "push" | "inbox") is called after a commit that left work for
the workers; without one the service only stores (workers find the rows on their sweep).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from xerosync.api import XeroSync
from xerosync.compose import build_sync
from xerosync.service import dashboard
from xerosync.service.deps import Service
from xerosync.service.metrics import registry_for
from xerosync.service.openapi import install as install_openapi
from xerosync.service.routes import connect, finance, ops, v1, webhooks
from xerosync.settings import Settings
from xerosync.store.crypto import TokenCipher
from xerosync.version import __version__

__all__ = ["create_app"]

log = logging.getLogger("xerosync.service")


def _no_wake(kind: str, connection_id: str) -> None:
    """No workers wired in: the rows wait for the workers' sweep."""


def create_app(
    settings: Settings,
    *,
    sync: XeroSync | None = None,
    wake: Callable[[str, str], None] | None = None,
) -> FastAPI:
    owned = sync is None
    built = build_sync(settings) if sync is None else sync
    service = Service(
        settings=settings,
        sync=built,
        wake_workers=wake or _no_wake,
        cipher=TokenCipher(settings.keys()),
    )
    if not settings.webhook_key.get_secret_value():
        log.warning("service.no_webhook_key")  # every webhook delivery will get 401
    if not settings.api_keys and not service.has_stored_keys():
        log.warning("service.no_api_keys")  # the REST API and connection pages answer 503

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            built.close()

    app = FastAPI(
        title="xerosync",
        version=__version__,
        description="Keeps a business application and Xero in step: connect organisations, "
        "receive Xero's webhooks, and hand records in through the REST API (`/v1`).",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.metrics = registry_for(built.db, lambda: built)
    # finance before v1: its /connections/{c}/reports/{name} would else be read as a record's
    # status (/connections/{c}/{entity}/{app_id})
    for module in (connect, webhooks, finance, v1, ops, dashboard):
        app.include_router(module.router)
    install_openapi(app)
    return app
