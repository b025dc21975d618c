"""The emulator starts, registers apps and tenants, and guards the API with tokens."""

from __future__ import annotations

import httpx

from tests.conftest import RunningEmulator


def test_api_refuses_a_call_without_a_token(emulator: RunningEmulator) -> None:
    response = httpx.get(f"{emulator.api_url}/Organisation")
    assert response.status_code == 401
    assert response.json()["Title"] == "Unauthorized"


def test_api_refuses_a_tenant_the_app_is_not_connected_to(emulator: RunningEmulator) -> None:
    with emulator.admin() as admin:
        app = admin.post("/apps", json={"name": "outsider"}).json()
        tenant = admin.post("/tenants", json={"name": "Acme"}).json()
        other = admin.post("/tenants", json={"name": "Not yours"}).json()
        token = admin.post(
            "/tokens",
            json={
                "client_id": app["client_id"],
                "tenant_ids": [tenant["tenant_id"]],
                "scopes": ["accounting.settings"],
            },
        ).json()["access_token"]
    response = httpx.get(
        f"{emulator.api_url}/Organisation",
        headers={"Authorization": f"Bearer {token}", "xero-tenant-id": other["tenant_id"]},
    )
    assert response.status_code == 403
    assert response.json()["Detail"] == "AuthenticationUnsuccessful"


def test_a_token_without_the_scope_gets_insufficient_scope(emulator: RunningEmulator) -> None:
    with emulator.admin() as admin:
        app = admin.post("/apps", json={}).json()
        tenant = admin.post("/tenants", json={"name": "Acme"}).json()
        token = admin.post(
            "/tokens",
            json={
                "client_id": app["client_id"],
                "tenant_ids": [tenant["tenant_id"]],
                "scopes": ["accounting.contacts.read"],
            },
        ).json()["access_token"]
    response = httpx.put(
        f"{emulator.api_url}/Invoices",
        headers={"Authorization": f"Bearer {token}", "xero-tenant-id": tenant["tenant_id"]},
        json={"Invoices": []},
    )
    assert response.status_code == 401
    assert "insufficient_scope" in response.headers["www-authenticate"]
