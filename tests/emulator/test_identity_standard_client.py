"""A stock OAuth 2.0 client (Authlib), pointed at the emulator, connects, refreshes and revokes:
the emulator speaks standard OAuth, not only what our own helpers send."""

from __future__ import annotations

from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client

from tests.conftest import EmulatorFactory
from tests.support.oauth import DEMO_REDIRECT, HTTP, demo_app, new_tenant, redirect_params

SCOPE = "openid profile email offline_access accounting.settings accounting.contacts"


def test_authlib_client_round_trip(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(auto_approve=True)
    tenant = new_tenant(emulator, "Acme")
    app = demo_app(emulator)
    base = emulator.base_url
    with OAuth2Client(
        app.client_id,
        app.secret,
        scope=SCOPE,
        redirect_uri=DEMO_REDIRECT,
        code_challenge_method="S256",
    ) as client:
        verifier = generate_token(48)
        url, state = client.create_authorization_url(
            f"{base}/identity/connect/authorize", code_verifier=verifier
        )
        consent = HTTP.get(url)  # auto-approved: straight back to the redirect URI
        assert redirect_params(consent)[1]["state"] == state
        callback = consent.headers["location"]

        token = client.fetch_token(
            f"{base}/connect/token",
            authorization_response=callback,
            code_verifier=verifier,
        )
        assert token["token_type"] == "Bearer"
        connections = client.get(f"{base}/connections").json()
        assert [c["tenantId"] for c in connections] == [tenant]
        organisation = client.get(
            f"{base}/api.xro/2.0/Organisation", headers={"xero-tenant-id": tenant}
        )
        assert organisation.status_code not in (401, 403)

        refreshed = client.refresh_token(f"{base}/connect/token")
        assert refreshed["refresh_token"] != token["refresh_token"]

        revoked = client.revoke_token(
            f"{base}/connect/revocation",
            token=refreshed["refresh_token"],
            token_type_hint="refresh_token",
        )
        assert revoked.status_code == 200
        assert client.get(f"{base}/connections").status_code == 401
