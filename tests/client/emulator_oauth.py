"""Connect a `XeroClient` to a running emulator through the real authorization-code flow
(auto-approved consent), for the client-core tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from xerosync.clock import Clock
from xerosync.emulator import EmulatorConfig
from xerosync.xero import XeroClient, XeroConfig, XeroConnection
from xerosync.xero.auth.tokens import TokenStore

if TYPE_CHECKING:  # the spec-checking fixtures are heavy to import in worker processes
    from tests.conftest import RunningEmulator

SCOPES = (
    "offline_access",
    "accounting.settings",
    "accounting.contacts",
    "accounting.transactions",
)


def client_config(base_url: str, **settings: object) -> XeroConfig:
    demo = EmulatorConfig()
    defaults: dict[str, object] = {
        "client_id": demo.demo_client_id,
        "client_secret": demo.demo_client_secret,
        "redirect_uri": demo.demo_redirect_uris[0],
        "scopes": SCOPES,
    }
    return XeroConfig.for_emulator(base_url, **{**defaults, **settings})


def add_tenant(emulator: RunningEmulator, name: str = "Acme Ltd") -> str:
    with emulator.admin() as admin:
        created = admin.post("/tenants", json={"name": name})
        created.raise_for_status()
        return str(created.json()["tenant_id"])


def connect(
    emulator: RunningEmulator, store: TokenStore, clock: Clock, **settings: object
) -> tuple[XeroClient, list[XeroConnection]]:
    """authorize URL -> consent (auto-approved) -> redirect with code -> tokens -> connections."""
    client = XeroClient(
        client_config(emulator.base_url, **settings), token_store=store, clock=clock
    )
    start = client.oauth.authorization_request()
    consent = httpx.get(start.url, follow_redirects=False, timeout=10)
    assert consent.status_code in (302, 303, 307), consent.text
    return client, client.connect(consent.headers["location"], start)
