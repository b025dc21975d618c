"""`/connections`, scopes at the API gate, and the identity admin routes."""

from __future__ import annotations

import re

import pytest

from tests.conftest import RunningEmulator
from tests.support.oauth import (
    DEMO_REDIRECT,
    HTTP,
    api_get,
    authorize_params,
    demo_app,
    new_tenant,
    open_consent,
    redirect_params,
    sign_in,
)
from xerosync.emulator.identity.consent import KNOWN_SCOPES
from xerosync.emulator.scopes import accepted_scopes

XERO_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}$")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/connections", "/Connections"])
def test_connections_lists_the_apps_organisations_in_xeros_shape(
    emulator: RunningEmulator, path: str
) -> None:
    acme, globex = new_tenant(emulator, "Acme"), new_tenant(emulator, "Globex")
    new_tenant(emulator, "Not chosen")
    tokens = sign_in(emulator, tenants=[acme, globex])
    response = HTTP.get(f"{emulator.base_url}{path}", headers=_bearer(tokens["access_token"]))
    assert response.status_code == 200
    connections = response.json()
    assert {c["tenantId"]: c["tenantName"] for c in connections} == {
        acme: "Acme",
        globex: "Globex",
    }
    for c in connections:
        assert set(c) == {
            "id",
            "authEventId",
            "tenantId",
            "tenantType",
            "tenantName",
            "createdDateUtc",
            "updatedDateUtc",
        }
        assert c["tenantType"] == "ORGANISATION"
        assert XERO_TIMESTAMP.match(c["createdDateUtc"]), c["createdDateUtc"]
        assert c["createdDateUtc"].startswith("2026-01-01T00:00:00.")
    assert len({c["authEventId"] for c in connections}) == 1


def test_connections_filter_by_auth_event(emulator: RunningEmulator) -> None:
    acme, globex = new_tenant(emulator, "Acme"), new_tenant(emulator, "Globex")
    sign_in(emulator, tenants=[acme])
    emulator.clock.advance(60)
    tokens = sign_in(emulator, tenants=[globex])
    everything = HTTP.get(
        f"{emulator.base_url}/connections", headers=_bearer(tokens["access_token"])
    ).json()
    assert len(everything) == 2
    latest = next(c for c in everything if c["tenantId"] == globex)["authEventId"]
    filtered = HTTP.get(
        f"{emulator.base_url}/connections",
        params={"authEventId": latest},
        headers=_bearer(tokens["access_token"]),
    ).json()
    assert [c["tenantId"] for c in filtered] == [globex]


def test_reconnecting_moves_updated_date(emulator: RunningEmulator) -> None:
    acme = new_tenant(emulator, "Acme")
    sign_in(emulator, tenants=[acme])
    emulator.clock.advance(3600)
    tokens = sign_in(emulator, tenants=[acme])
    (conn,) = HTTP.get(
        f"{emulator.base_url}/connections", headers=_bearer(tokens["access_token"])
    ).json()
    assert conn["createdDateUtc"] < conn["updatedDateUtc"]


def test_connections_needs_a_valid_token(emulator: RunningEmulator) -> None:
    assert HTTP.get(f"{emulator.base_url}/connections").status_code == 401
    bad = HTTP.get(f"{emulator.base_url}/connections", headers=_bearer("made-up"))
    assert bad.status_code == 401
    tokens = sign_in(emulator)
    emulator.clock.advance(1800)
    expired = HTTP.get(f"{emulator.base_url}/connections", headers=_bearer(tokens["access_token"]))
    assert expired.status_code == 401
    assert "TokenExpired" in expired.json()["Detail"]


def test_deleting_a_connection_disconnects_that_organisation_only(
    emulator: RunningEmulator,
) -> None:
    acme, globex = new_tenant(emulator, "Acme"), new_tenant(emulator, "Globex")
    tokens = sign_in(emulator, tenants=[acme, globex])
    access = tokens["access_token"]
    by_tenant = {
        c["tenantId"]: c["id"]
        for c in HTTP.get(f"{emulator.base_url}/connections", headers=_bearer(access)).json()
    }
    gone = HTTP.delete(
        f"{emulator.base_url}/connections/{by_tenant[acme]}", headers=_bearer(access)
    )
    assert gone.status_code == 204
    assert gone.content == b""
    left = HTTP.get(f"{emulator.base_url}/connections", headers=_bearer(access)).json()
    assert [c["tenantId"] for c in left] == [globex]
    assert api_get(emulator, "Organisation", access, acme).status_code == 403
    assert api_get(emulator, "Organisation", access, globex).status_code not in (401, 403)
    again = HTTP.delete(
        f"{emulator.base_url}/Connections/{by_tenant[acme]}", headers=_bearer(access)
    )
    assert again.status_code == 404


def test_an_app_cannot_delete_another_apps_connection(emulator: RunningEmulator) -> None:
    acme = new_tenant(emulator, "Acme")
    sign_in(emulator, tenants=[acme])
    (conn_id,) = list(emulator.state.connections)
    with emulator.admin() as admin:
        other = admin.post("/apps", json={"name": "other"}).json()
        token = admin.post(
            "/tokens",
            json={"client_id": other["client_id"], "tenant_ids": [], "scopes": []},
        ).json()["access_token"]
    response = HTTP.delete(f"{emulator.base_url}/connections/{conn_id}", headers=_bearer(token))
    assert response.status_code == 404
    assert conn_id in emulator.state.connections


@pytest.mark.parametrize(
    ("scope", "path", "allowed"),
    [
        ("accounting.settings", "Organisation", True),
        ("accounting.settings.read", "Organisation", True),
        ("accounting.contacts", "Organisation", False),
        ("accounting.transactions", "Invoices", True),
        ("accounting.transactions", "Payments", True),
        ("accounting.invoices", "Invoices", True),
        ("accounting.invoices.read", "Invoices", True),
        ("accounting.invoices", "Items", True),
        ("accounting.invoices", "Payments", False),
        ("accounting.payments.read", "Payments", True),
        ("accounting.payments.read", "Invoices", False),
        ("accounting.contacts.read", "Contacts", True),
    ],
)
def test_broad_and_granular_scopes_at_the_api(
    emulator: RunningEmulator, scope: str, path: str, allowed: bool
) -> None:
    tenant = new_tenant(emulator, "Acme")
    tokens = sign_in(emulator, scope=f"offline_access {scope}", tenants=[tenant])
    response = api_get(emulator, path, tokens["access_token"], tenant)
    if allowed:
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 401
        assert "insufficient_scope" in response.headers["www-authenticate"]


def test_a_read_only_granular_scope_cannot_write(emulator: RunningEmulator) -> None:
    tenant = new_tenant(emulator, "Acme")
    tokens = sign_in(emulator, scope="accounting.invoices.read", tenants=[tenant])
    response = HTTP.put(
        f"{emulator.api_url}/Invoices",
        json={"Invoices": []},
        headers={**_bearer(tokens["access_token"]), "xero-tenant-id": tenant},
    )
    assert response.status_code == 401
    assert "insufficient_scope" in response.headers["www-authenticate"]


def test_admin_lists_apps_without_their_secrets(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    with emulator.admin() as admin:
        admin.post("/apps", json={"name": "other", "webhook_key": "hush-key"})
        listed = admin.get("/apps")
    assert listed.status_code == 200
    assert app.client_id in {a["client_id"] for a in listed.json()}
    assert app.secret not in listed.text
    assert "hush-key" not in listed.text
    assert any(a["has_webhook_key"] for a in listed.json())


def test_admin_updates_an_apps_redirect_uris_and_webhook(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    new_uri = "https://app.example/xero/callback"
    with emulator.admin() as admin:
        patched = admin.patch(
            f"/apps/{app.client_id}",
            json={"redirect_uris": [new_uri], "webhook_url": "https://app.example/hooks"},
        )
        assert patched.status_code == 200
        assert patched.json()["redirect_uris"] == [new_uri]
        assert admin.patch("/apps/NOBODY", json={"name": "x"}).status_code == 404
        bad = admin.patch(f"/apps/{app.client_id}", json={"consent_tenant_ids": ["nope"]})
        assert bad.status_code == 422
    assert emulator.state.apps[app.client_id].webhook_url == "https://app.example/hooks"
    old = open_consent(emulator, authorize_params(app.client_id, redirect_uri=DEMO_REDIRECT))
    assert old.status_code == 400
    fresh = open_consent(emulator, authorize_params(app.client_id, redirect_uri=new_uri))
    assert fresh.status_code == 200


def test_admin_lists_tenants_and_connections(emulator: RunningEmulator) -> None:
    acme = new_tenant(emulator, "Acme")
    sign_in(emulator, tenants=[acme])
    with emulator.admin() as admin:
        tenants = admin.get("/tenants").json()
        connections = admin.get("/connections").json()
    assert {"tenant_id": acme, "name": "Acme", "tenant_type": "ORGANISATION"} in tenants
    assert [(c["client_id"], c["tenant_id"]) for c in connections] == [
        (demo_app(emulator).client_id, acme)
    ]


def test_the_openid_discovery_document_points_at_the_emulator(emulator: RunningEmulator) -> None:
    doc = HTTP.get(f"{emulator.base_url}/.well-known/openid-configuration").json()
    assert doc["token_endpoint"] == f"{emulator.base_url}/connect/token"
    assert doc["authorization_endpoint"] == f"{emulator.base_url}/identity/connect/authorize"
    assert HTTP.get(doc["jwks_uri"]).json()["keys"][0]["kty"] == "RSA"
    where, _ = redirect_params(
        HTTP.get(
            doc["authorization_endpoint"],
            params=authorize_params(demo_app(emulator).client_id, response_type="token"),
        )
    )
    assert where == DEMO_REDIRECT


@pytest.mark.parametrize(
    "resource",
    [
        "Invoices",
        "CreditNotes",
        "Payments",
        "BankTransactions",
        "ManualJournals",
        "Receipts",
        "Items",
        "Accounts",
        "TaxRates",
        "Organisation",
        "Contacts",
        "ContactGroups",
        "Journals",
    ],
)
def test_every_scope_the_gate_accepts_can_be_asked_for(resource: str) -> None:
    for write in (False, True):
        assert accepted_scopes(resource, write=write) <= KNOWN_SCOPES
    for report in ("BalanceSheet", "ProfitAndLoss", "AgedReceivablesByContact", "TenNinetyNine"):
        assert accepted_scopes("Reports", write=False, report=report) <= KNOWN_SCOPES
