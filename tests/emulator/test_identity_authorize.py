"""The consent page and the authorization-code exchange, driven like a browser and a client."""

from __future__ import annotations

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.support.oauth import (
    DEMO_REDIRECT,
    HTTP,
    api_get,
    authorize_params,
    basic,
    demo_app,
    new_tenant,
    open_consent,
    parse_consent,
    pkce_pair,
    redirect_params,
    sign_in,
    submit_consent,
    token_request,
)


def _exchange(
    emulator: RunningEmulator, code: str, verifier: str | None, **overrides: str
) -> httpx.Response:
    app = demo_app(emulator)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": DEMO_REDIRECT}
    if verifier is not None:
        form["code_verifier"] = verifier
    form.update(overrides)
    return token_request(emulator, form, basic(app.client_id, app.secret))


def _code(emulator: RunningEmulator, challenge: str | None, **params: str) -> str:
    app = demo_app(emulator)
    page = open_consent(emulator, authorize_params(app.client_id, challenge=challenge, **params))
    _, query = redirect_params(submit_consent(emulator, page))
    return query["code"]


def test_round_trip_with_pkce_through_the_consent_form(emulator: RunningEmulator) -> None:
    acme = new_tenant(emulator, "Acme Ltd")
    globex = new_tenant(emulator, "Globex")
    app = demo_app(emulator)
    verifier, challenge = pkce_pair()

    page = open_consent(emulator, authorize_params(app.client_id, challenge=challenge))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    form = parse_consent(page.text)
    assert form.action == "/identity/connect/authorize"
    assert set(form.tenants) == {acme, globex}
    assert [name for name, _ in form.hidden] == ["request"]

    where, query = redirect_params(submit_consent(emulator, page, tenants=[globex]))
    assert where == DEMO_REDIRECT
    assert query["state"] == "s-123"

    response = _exchange(emulator, query["code"], verifier)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 1800
    assert tokens["refresh_token"]
    assert set(tokens["scope"].split()) == {
        "openid",
        "profile",
        "email",
        "offline_access",
        "accounting.settings",
    }

    keys = KeySet.import_key_set(
        HTTP.get(f"{emulator.base_url}/.well-known/openid-configuration/jwks").json()
    )
    id_token = jwt.decode(tokens["id_token"], keys)
    assert id_token.claims["aud"] == app.client_id
    assert id_token.claims["email"]
    access = jwt.decode(tokens["access_token"], keys)
    assert "accounting.settings" in access.claims["scope"]

    connections = HTTP.get(
        f"{emulator.base_url}/connections",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    ).json()
    assert [c["tenantId"] for c in connections] == [globex]
    assert connections[0]["authEventId"] == access.claims["authentication_event_id"]
    assert api_get(emulator, "Organisation", tokens["access_token"], globex).status_code not in (
        401,
        403,
    )
    assert api_get(emulator, "Organisation", tokens["access_token"], acme).status_code == 403


def test_denying_consent_sends_access_denied_with_the_state(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    page = open_consent(emulator, authorize_params(app.client_id, state="keep-me"))
    where, query = redirect_params(submit_consent(emulator, page, decision="deny"))
    assert where == DEMO_REDIRECT
    assert query["error"] == "access_denied"
    assert query["state"] == "keep-me"
    assert "code" not in query
    assert emulator.state.connections == {}


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"client_id": "NOT-A-CLIENT"}, "unauthorized_client"),
        ({"redirect_uri": "https://evil.example/callback"}, "invalid_request"),
        ({"redirect_uri": DEMO_REDIRECT + "/"}, "invalid_request"),
    ],
)
def test_a_request_that_cannot_go_back_gets_an_error_page(
    emulator: RunningEmulator, change: dict[str, str], error: str
) -> None:
    params = authorize_params(demo_app(emulator).client_id) | change
    response = open_consent(emulator, params)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert f"Error: {error}" in response.text


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"scope": "accounting.everything"}, "invalid_scope"),
        ({"scope": ""}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
    ],
)
def test_a_bad_request_goes_back_to_the_client_with_an_error(
    emulator: RunningEmulator, change: dict[str, str], error: str
) -> None:
    params = authorize_params(demo_app(emulator).client_id) | change
    where, query = redirect_params(open_consent(emulator, params))
    assert where == DEMO_REDIRECT
    assert query["error"] == error
    assert query["state"] == "s-123"


def test_an_edited_consent_form_is_validated_again(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    page = open_consent(emulator, authorize_params(app.client_id))
    form = parse_consent(page.text)
    forged = form.hidden[0][1].replace("localhost%3A8000", "evil.example")
    response = HTTP.post(
        f"{emulator.base_url}{form.action}",
        data={"request": forged, "decision": "approve"},
    )
    assert response.status_code == 400
    assert "Invalid redirect_uri" in response.text


def test_granular_scopes_are_accepted_and_recorded(emulator: RunningEmulator) -> None:
    verifier, challenge = pkce_pair()
    scope = "offline_access accounting.invoices accounting.payments.read accounting.contacts"
    code = _code(emulator, challenge, scope=scope)
    tokens = _exchange(emulator, code, verifier).json()
    assert tokens["scope"].split() == sorted(scope.split())
    assert "id_token" not in tokens  # no openid scope asked for


def test_a_code_works_once(emulator: RunningEmulator) -> None:
    verifier, challenge = pkce_pair()
    code = _code(emulator, challenge)
    assert _exchange(emulator, code, verifier).status_code == 200
    replay = _exchange(emulator, code, verifier)
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


def test_a_wrong_verifier_is_refused_and_burns_the_code(emulator: RunningEmulator) -> None:
    verifier, challenge = pkce_pair()
    code = _code(emulator, challenge)
    wrong = _exchange(emulator, code, pkce_pair()[0])
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert "code_verifier" in wrong.json()["error_description"]
    assert _exchange(emulator, code, verifier).json()["error"] == "invalid_grant"


@pytest.mark.parametrize("verifier", [None, "too-short", "é" * 50])
def test_a_missing_or_malformed_verifier_is_refused(
    emulator: RunningEmulator, verifier: str | None
) -> None:
    _, challenge = pkce_pair()
    response = _exchange(emulator, _code(emulator, challenge), verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_the_redirect_uri_must_match_the_authorize_request(emulator: RunningEmulator) -> None:
    verifier, challenge = pkce_pair()
    code = _code(emulator, challenge)
    response = _exchange(emulator, code, verifier, redirect_uri="http://127.0.0.1:8000/callback")
    assert response.json()["error"] == "invalid_grant"


def test_a_code_expires_after_five_minutes(emulator: RunningEmulator) -> None:
    verifier, challenge = pkce_pair()
    code = _code(emulator, challenge)
    emulator.clock.advance(301)
    response = _exchange(emulator, code, verifier)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The authorization code has expired",
    }


def test_a_code_without_pkce_works_with_the_client_secret(emulator: RunningEmulator) -> None:
    code = _code(emulator, None)
    assert _exchange(emulator, code, None).status_code == 200


def test_a_public_client_uses_pkce_without_a_secret(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    verifier, challenge = pkce_pair()
    code = _code(emulator, challenge)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": DEMO_REDIRECT,
        "code_verifier": verifier,
        "client_id": app.client_id,
    }
    tokens = token_request(emulator, form).json()
    refreshed = token_request(
        emulator,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": app.client_id,
        },
    )
    assert refreshed.status_code == 200, refreshed.text
    revoked = HTTP.post(
        f"{emulator.base_url}/connect/revocation",
        data={"token": refreshed.json()["refresh_token"], "client_id": app.client_id},
    )
    assert revoked.status_code == 200
    assert emulator.state.connections == {}


def test_without_pkce_a_client_must_send_its_secret(emulator: RunningEmulator) -> None:
    app = demo_app(emulator)
    code = _code(emulator, None)
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": DEMO_REDIRECT,
        "client_id": app.client_id,
    }
    response = token_request(emulator, form)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_plain_pkce_can_be_allowed_by_a_setting(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(pkce_plain_allowed=True)
    verifier = "v" * 50
    app = demo_app(emulator)
    params = authorize_params(app.client_id, code_challenge=verifier, code_challenge_method="plain")
    _, query = redirect_params(submit_consent(emulator, open_consent(emulator, params)))
    assert _exchange(emulator, query["code"], verifier).status_code == 200


def test_auto_approve_redirects_at_once_and_connects_every_organisation(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory(auto_approve=True)
    tenants = {new_tenant(emulator, "One"), new_tenant(emulator, "Two")}
    verifier, challenge = pkce_pair()
    params = authorize_params(demo_app(emulator).client_id, challenge=challenge)
    _, query = redirect_params(open_consent(emulator, params))
    assert query["state"] == "s-123"
    assert _exchange(emulator, query["code"], verifier).status_code == 200
    assert {c.tenant_id for c in emulator.state.connections.values()} == tenants


def test_auto_approve_connects_the_organisations_an_admin_chose(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory(auto_approve=True)
    app = demo_app(emulator)
    one, _two = new_tenant(emulator, "One"), new_tenant(emulator, "Two")
    with emulator.admin() as admin:
        patched = admin.patch(f"/apps/{app.client_id}", json={"consent_tenant_ids": [one]})
    assert patched.status_code == 200
    _, query = redirect_params(open_consent(emulator, authorize_params(app.client_id)))
    assert "code" in query
    assert [c.tenant_id for c in emulator.state.connections.values()] == [one]


def test_a_new_app_may_only_ask_for_granular_scopes(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(granular_scopes_only=True)
    client_id = demo_app(emulator).client_id
    broad = authorize_params(client_id, scope="offline_access accounting.transactions")
    refused = open_consent(emulator, broad)
    assert refused.status_code == 400
    assert "Error: unauthorized_client" in refused.text
    assert "accounting.transactions" in refused.text
    granular = authorize_params(client_id, scope="offline_access accounting.invoices")
    assert open_consent(emulator, granular).status_code == 200


def test_scopes_add_up_across_consents_until_revoked(emulator: RunningEmulator) -> None:
    first = sign_in(emulator, scope="offline_access accounting.settings")
    second = sign_in(emulator, scope="offline_access accounting.contacts")
    assert second["scope"].split() == [
        "accounting.contacts",
        "accounting.settings",
        "offline_access",
    ]
    app = demo_app(emulator)
    HTTP.post(
        f"{emulator.base_url}/connect/revocation",
        data={"token": first["refresh_token"]},
        headers=basic(app.client_id, app.secret),
    )
    third = sign_in(emulator, scope="offline_access accounting.contacts")
    assert third["scope"].split() == ["accounting.contacts", "offline_access"]
