"""The emulator as an ASGI app: identity, connections, Accounting API and admin."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.exceptions import HTTPException

from xerosync.clock import Clock, SystemClock
from xerosync.emulator import accounting, admin, identity
from xerosync.emulator.access import AccessMiddleware
from xerosync.emulator.config import EmulatorConfig
from xerosync.emulator.routing import CanonicalPaths, unknown_route
from xerosync.emulator.state import EmulatorState
from xerosync.emulator.traffic_admin import router as traffic_admin_router
from xerosync.emulator.webhooks import admin as webhooks_admin

DEMO_TENANT_NAME = "Demo Company (Global)"


def create_state(config: EmulatorConfig | None = None, clock: Clock | None = None) -> EmulatorState:
    """A fresh emulator with the ready-made demo app registered."""
    config = config or EmulatorConfig()
    state = EmulatorState(config=config, clock=clock or SystemClock())
    state.register_demo_app()
    return state


def create_app(
    config: EmulatorConfig | None = None,
    clock: Clock | None = None,
    *,
    state: EmulatorState | None = None,
) -> FastAPI:
    state = state or create_state(config, clock)
    app = FastAPI(title="xerosync Xero emulator", docs_url="/_emulator/docs", openapi_url=None)
    app.state.emulator = state
    app.include_router(identity.router)
    app.include_router(identity.admin_router)
    app.include_router(admin.router)
    app.include_router(webhooks_admin.router)
    app.include_router(traffic_admin_router)
    app.include_router(accounting.router)
    app.include_router(accounting.admin_router)
    app.add_exception_handler(HTTPException, unknown_route)
    paths = CanonicalPaths(accounting.route_paths())
    app.add_middleware(AccessMiddleware, state=state, paths=paths)
    return app
