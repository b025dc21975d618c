"""`POST /_emulator/tokens` skips the consent page but issues what the flow issues: a JWT
access token, a refresh token with `offline_access`, an id_token with `openid`."""

from __future__ import annotations

from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import RunningEmulator
from tests.support.oauth import HTTP, api_get, demo_app, new_tenant, refresh, sign_in


def _admin_tokens(emulator: RunningEmulator, tenant: str, scopes: list[str]) -> dict[str, Any]:
    response = HTTP.post(
        f"{emulator.base_url}/_emulator/tokens",
        json={"client_id": demo_app(emulator).client_id, "tenant_ids": [tenant], "scopes": scopes},
    )
    assert response.status_code == 201, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def _keys(emulator: RunningEmulator) -> KeySet:
    return KeySet.import_key_set(
        HTTP.get(f"{emulator.base_url}/.well-known/openid-configuration/jwks").json()
    )


def test_admin_tokens_are_the_flows_tokens(emulator: RunningEmulator) -> None:
    tenant = new_tenant(emulator, "Acme")
    scope = "openid profile email offline_access accounting.settings"
    flow = sign_in(emulator, scope=scope, tenants=[tenant])
    admin = _admin_tokens(emulator, tenant, scope.split())
    assert admin.keys() == flow.keys()
    assert admin["scope"] == flow["scope"]
    keys = _keys(emulator)
    admin_claims = jwt.decode(admin["access_token"], keys).claims
    flow_claims = jwt.decode(flow["access_token"], keys).claims
    assert admin_claims.keys() == flow_claims.keys()
    assert admin_claims["client_id"] == flow_claims["client_id"]
    assert jwt.decode(admin["id_token"], keys).claims["aud"] == demo_app(emulator).client_id
    assert api_get(emulator, "Organisation", admin["access_token"], tenant).status_code == 200


def test_an_admin_refresh_token_refreshes(emulator: RunningEmulator) -> None:
    tenant = new_tenant(emulator, "Acme")
    first = _admin_tokens(emulator, tenant, ["offline_access", "accounting.settings"])
    emulator.clock.advance(1801)
    assert api_get(emulator, "Organisation", first["access_token"], tenant).status_code == 401
    renewed = refresh(emulator, first["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    second = renewed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert api_get(emulator, "Organisation", second["access_token"], tenant).status_code == 200


def test_no_refresh_token_without_offline_access(emulator: RunningEmulator) -> None:
    tenant = new_tenant(emulator, "Acme")
    tokens = _admin_tokens(emulator, tenant, ["accounting.settings"])
    assert "refresh_token" not in tokens
    assert "id_token" not in tokens
    assert jwt.decode(tokens["access_token"], _keys(emulator)).claims["scope"] == [
        "accounting.settings"
    ]


def test_unknown_apps_and_tenants_are_refused(emulator: RunningEmulator) -> None:
    tenant = new_tenant(emulator, "Acme")
    url = f"{emulator.base_url}/_emulator/tokens"
    body = {"client_id": "NOPE", "tenant_ids": [tenant], "scopes": ["accounting.settings"]}
    assert HTTP.post(url, json=body).status_code == 404
    body = {"client_id": demo_app(emulator).client_id, "tenant_ids": ["nope"], "scopes": []}
    assert HTTP.post(url, json=body).status_code == 422
