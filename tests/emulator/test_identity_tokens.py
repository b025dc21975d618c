"""Refresh-token rotation, grace, expiry, client authentication, revocation and token faults."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.support.oauth import (
    HTTP,
    api_get,
    basic,
    demo_app,
    new_tenant,
    refresh,
    sign_in,
    token_request,
)

DAY = 86_400


def _passes_gate(response: httpx.Response) -> bool:
    return response.status_code not in (401, 403)


def test_a_refresh_rotates_the_refresh_token(emulator: RunningEmulator) -> None:
    tenant = new_tenant(emulator, "Acme")
    first = sign_in(emulator, tenants=[tenant])
    emulator.clock.advance(60)
    response = refresh(emulator, first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["expires_in"] == 1800
    assert second["scope"] == first["scope"]
    assert _passes_gate(api_get(emulator, "Organisation", second["access_token"], tenant))
    third = refresh(emulator, second["refresh_token"])
    assert third.status_code == 200


def test_the_previous_refresh_token_is_honoured_during_the_grace_window(
    emulator: RunningEmulator,
) -> None:
    tenant = new_tenant(emulator, "Acme")
    old = sign_in(emulator, tenants=[tenant])["refresh_token"]
    first = refresh(emulator, old).json()
    emulator.clock.advance(29 * 60)
    again = refresh(emulator, old)
    assert again.status_code == 200
    retry = again.json()
    assert retry["refresh_token"] not in (old, first["refresh_token"])
    assert _passes_gate(api_get(emulator, "Organisation", retry["access_token"], tenant))
    assert refresh(emulator, retry["refresh_token"]).status_code == 200
    assert refresh(emulator, first["refresh_token"]).status_code == 200

    emulator.clock.advance(61)  # 30 minutes and a second after its first use
    late = refresh(emulator, old)
    assert late.status_code == 400
    assert late.json()["error"] == "invalid_grant"


def test_an_unused_refresh_token_dies_after_60_days(emulator: RunningEmulator) -> None:
    tokens = sign_in(emulator)
    emulator.clock.advance(60 * DAY - 1)
    still_alive = refresh(emulator, tokens["refresh_token"])
    assert still_alive.status_code == 200
    emulator.clock.advance(60 * DAY)
    dead = refresh(emulator, still_alive.json()["refresh_token"])
    assert dead.status_code == 400
    assert dead.json() == {
        "error": "invalid_grant",
        "error_description": "The refresh token has expired",
    }


def test_the_lifetimes_follow_the_settings(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(access_token_ttl=60, refresh_token_ttl=120, refresh_grace=10)
    tenant = new_tenant(emulator, "Acme")
    tokens = sign_in(emulator, tenants=[tenant])
    assert tokens["expires_in"] == 60
    emulator.clock.advance(61)
    assert api_get(emulator, "Organisation", tokens["access_token"], tenant).status_code == 401
    fresh = refresh(emulator, tokens["refresh_token"]).json()
    emulator.clock.advance(11)
    assert refresh(emulator, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    emulator.clock.advance(110)
    assert refresh(emulator, fresh["refresh_token"]).json()["error"] == "invalid_grant"


def test_an_expired_access_token_gets_401_token_expired(emulator: RunningEmulator) -> None:
    tenant = new_tenant(emulator, "Acme")
    tokens = sign_in(emulator, tenants=[tenant])
    emulator.clock.advance(1799)
    assert _passes_gate(api_get(emulator, "Organisation", tokens["access_token"], tenant))
    emulator.clock.advance(1)
    expired = api_get(emulator, "Organisation", tokens["access_token"], tenant)
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired")
    renewed = refresh(emulator, tokens["refresh_token"]).json()
    assert _passes_gate(api_get(emulator, "Organisation", renewed["access_token"], tenant))


def test_no_refresh_token_without_offline_access(emulator: RunningEmulator) -> None:
    tokens = sign_in(emulator, scope="openid accounting.settings")
    assert "refresh_token" not in tokens
    assert tokens["access_token"]


@pytest.mark.parametrize("how", ["basic", "form"])
def test_the_client_may_authenticate_by_basic_or_by_form(
    emulator: RunningEmulator, how: str
) -> None:
    app = demo_app(emulator)
    form = {"grant_type": "refresh_token", "refresh_token": sign_in(emulator)["refresh_token"]}
    headers = None
    if how == "basic":
        headers = basic(app.client_id, app.secret)
    else:
        form |= {"client_id": app.client_id, "client_secret": app.secret, "scope": "ignored"}
    response = token_request(emulator, form, headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("how", ["basic", "form"])
def test_a_wrong_secret_is_invalid_client(emulator: RunningEmulator, how: str) -> None:
    app = demo_app(emulator)
    refresh_token = sign_in(emulator)["refresh_token"]
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    headers = None
    if how == "basic":
        headers = basic(app.client_id, "not-the-secret")
    else:
        form |= {"client_id": app.client_id, "client_secret": "not-the-secret"}
    response = token_request(emulator, form, headers)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    assert app.secret not in response.text
    assert refresh(emulator, refresh_token).status_code == 200  # the token is untouched


def test_an_unknown_client_is_invalid_client(emulator: RunningEmulator) -> None:
    response = token_request(
        emulator,
        {"grant_type": "refresh_token", "refresh_token": "x"},
        basic("NOBODY", "secret"),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_invalid_client_can_answer_401(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(invalid_client_status=401)
    app = demo_app(emulator)
    response = token_request(
        emulator,
        {"grant_type": "refresh_token", "refresh_token": "x"},
        basic(app.client_id, "wrong"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["www-authenticate"].startswith("Basic")


def test_another_apps_refresh_token_is_invalid_grant(emulator: RunningEmulator) -> None:
    refresh_token = sign_in(emulator)["refresh_token"]
    with emulator.admin() as admin:
        other = admin.post("/apps", json={"name": "other"}).json()
    response = token_request(
        emulator,
        {"grant_type": "refresh_token", "refresh_token": refresh_token},
        basic(other["client_id"], other["client_secret"]),
    )
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({}, "invalid_request"),
        ({"grant_type": "client_credentials"}, "unauthorized_client"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "made-up"}, "invalid_grant"),
    ],
)
def test_token_endpoint_errors(emulator: RunningEmulator, form: dict[str, str], error: str) -> None:
    app = demo_app(emulator)
    response = token_request(emulator, form, basic(app.client_id, app.secret))
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["error_description"]


def test_revocation_ends_the_tokens_and_the_connections(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    tenant = new_tenant(emulator, "Acme")
    tokens = sign_in(emulator, tenants=[tenant])
    rotated = refresh(emulator, tokens["refresh_token"]).json()
    response = HTTP.post(
        f"{emulator.base_url}/connect/revocation",
        data={"token": rotated["refresh_token"]},
        headers=basic(app.client_id, app.secret),
    )
    assert response.status_code == 200
    assert response.content == b""
    assert refresh(emulator, rotated["refresh_token"]).json()["error"] == "invalid_grant"
    assert refresh(emulator, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert api_get(emulator, "Organisation", rotated["access_token"], tenant).status_code == 401
    with emulator.admin() as admin:
        assert admin.get("/connections").json() == []


def test_revocation_by_form_credentials_and_of_an_unknown_token(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    creds = {"client_id": app.client_id, "client_secret": app.secret}
    unknown = HTTP.post(f"{emulator.base_url}/connect/revocation", data={"token": "nope", **creds})
    assert unknown.status_code == 200
    bad = HTTP.post(
        f"{emulator.base_url}/connect/revocation",
        data={"token": "nope", "client_id": app.client_id, "client_secret": "wrong"},
    )
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_client"


def test_admin_can_expire_an_apps_refresh_tokens_now(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    tokens = sign_in(emulator)
    with emulator.admin() as admin:
        answer = admin.post(f"/apps/{app.client_id}/expire-refresh-tokens").json()
    assert answer == {"expired": 1}
    assert refresh(emulator, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_admin_can_expire_an_apps_access_tokens_now(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    tenant = new_tenant(emulator, "Acme")
    tokens = sign_in(emulator, tenants=[tenant])
    with emulator.admin() as admin:
        assert admin.post(f"/apps/{app.client_id}/expire-access-tokens").json() == {"expired": 1}
    response = api_get(emulator, "Organisation", tokens["access_token"], tenant)
    assert response.status_code == 401
    assert "TokenExpired" in response.json()["Detail"]
    renewed = refresh(emulator, tokens["refresh_token"]).json()
    assert _passes_gate(api_get(emulator, "Organisation", renewed["access_token"], tenant))


def test_a_user_disconnecting_in_xero_is_observable(emulator: RunningEmulator) -> None:
    one, two = new_tenant(emulator, "One"), new_tenant(emulator, "Two")
    tokens = sign_in(emulator, tenants=[one, two])
    with emulator.admin() as admin:
        by_tenant = {c["tenant_id"]: c["id"] for c in admin.get("/connections").json()}
        assert admin.post(f"/connections/{by_tenant[one]}/revoke").status_code == 200
        assert api_get(emulator, "Organisation", tokens["access_token"], one).status_code == 403
        assert _passes_gate(api_get(emulator, "Organisation", tokens["access_token"], two))
        assert refresh(emulator, tokens["refresh_token"]).status_code == 200
        # the last connection gone: the refresh token goes with it
        assert admin.post(f"/connections/{by_tenant[two]}/revoke").status_code == 200
        assert admin.post(f"/connections/{by_tenant[two]}/revoke").status_code == 404
    assert refresh(emulator, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_revoking_without_the_secret_needs_a_public_clients_token(
    emulator: RunningEmulator,
) -> None:
    app = demo_app(emulator)
    refresh_token = sign_in(emulator)["refresh_token"]  # got with the client secret
    response = HTTP.post(
        f"{emulator.base_url}/connect/revocation",
        data={"token": refresh_token, "client_id": app.client_id},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"
    assert refresh(emulator, refresh_token).status_code == 200


def test_workers_refreshing_the_same_token_at_once_all_get_valid_pairs(
    emulator: RunningEmulator,
) -> None:
    tenant = new_tenant(emulator, "Acme")
    refresh_token = sign_in(emulator, tenants=[tenant])["refresh_token"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: refresh(emulator, refresh_token), range(8)))
    assert [a.status_code for a in answers] == [200] * 8
    pairs = [a.json() for a in answers]
    assert len({p["refresh_token"] for p in pairs}) == 8
    for pair in pairs:
        assert _passes_gate(api_get(emulator, "Organisation", pair["access_token"], tenant))
        assert refresh(emulator, pair["refresh_token"]).status_code == 200
