"""A client for the emulator's Accounting API in tests: a tenant, a token, httpx."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

ALL_SCOPES = [
    "accounting.settings",
    "accounting.contacts",
    "accounting.transactions",
    "accounting.reports.read",
    "accounting.journals.read",
    "accounting.attachments",
]


@contextmanager
def api_client(
    emulator: Any, *, seed: bool = True, name: str = "Demo NZ Ltd", app_name: str = "books tests"
) -> Iterator[tuple[httpx.Client, str]]:
    """(client on /api.xro/2.0 with bearer + tenant headers, tenant id)."""
    with emulator.admin() as admin:
        app = admin.post("/apps", json={"name": app_name}).json()
        tenant = admin.post("/tenants", json={"name": name, "seed_demo": seed}).json()
        token = admin.post(
            "/tokens",
            json={
                "client_id": app["client_id"],
                "tenant_ids": [tenant["tenant_id"]],
                "scopes": ALL_SCOPES,
            },
        ).json()["access_token"]
    headers = {
        "Authorization": f"Bearer {token}",
        "xero-tenant-id": tenant["tenant_id"],
        "Accept": "application/json",
    }
    with httpx.Client(base_url=emulator.api_url, headers=headers, timeout=30) as client:
        yield client, tenant["tenant_id"]
