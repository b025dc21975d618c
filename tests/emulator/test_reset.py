"""`POST /_emulator/reset`: the whole emulator back to its fresh state, over real HTTP."""

from __future__ import annotations

import dataclasses

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.support import oauth

UNREACHABLE = "http://127.0.0.1:9/webhooks"  # the discard port: the handshake fails


def _set_everything_up(emulator: RunningEmulator) -> str:
    """A tenant, a signed-in demo app, a minted token, a fault, a spender and a webhook app."""
    tenant_id = oauth.new_tenant(emulator, "Before the reset")
    tokens = oauth.sign_in(emulator, tenants=[tenant_id])
    assert oauth.api_get(emulator, "Organisation", tokens["access_token"], tenant_id).is_success
    with emulator.admin() as admin:
        admin.post(
            "/tokens",
            json={
                "client_id": oauth.demo_app(emulator).client_id,
                "tenant_ids": [tenant_id],
                "scopes": ["accounting.settings"],
            },
        ).raise_for_status()
        demo = oauth.demo_app(emulator).client_id
        admin.patch(f"/apps/{demo}", json={"consent_tenant_ids": [tenant_id]}).raise_for_status()
        admin.post("/faults/errors", json={"status": 503, "count": 5}).raise_for_status()
        admin.put("/faults/maintenance").raise_for_status()
        admin.put(
            "/limits/spender", json={"tenant_id": tenant_id, "per_minute": 30}
        ).raise_for_status()
        admin.post("/limits/spend", json={"tenant_id": tenant_id, "calls": 7}).raise_for_status()
        hooked = admin.post("/apps", json={"webhook_url": UNREACHABLE, "webhook_key": "k" * 40})
        hooked.raise_for_status()
        admin.post("/webhooks/pump").raise_for_status()
        assert admin.get("/webhooks/deliveries").json()  # the failed handshake is logged
    return tenant_id


def test_reset_forgets_everything_but_the_demo_app(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(webhook_pump_interval=0)
    tenant_id = _set_everything_up(emulator)
    old_refresh = set(emulator.state.refresh_tokens)

    with emulator.admin() as admin:
        assert admin.post("/reset").status_code == 204

        assert admin.get("/tenants").json() == []
        assert admin.get("/connections").json() == []
        apps = admin.get("/apps").json()
        assert [a["client_id"] for a in apps] == [oauth.demo_app(emulator).client_id]
        assert apps[0]["consent_tenant_ids"] is None
        assert admin.get("/faults").json() == {
            "maintenance": False,
            "offline_tenants": [],
            "scripted": [],
        }
        counters = admin.get("/limits", params={"tenant_id": tenant_id}).json()
        assert counters["minute"]["used"] == 0
        assert counters["day"]["used"] == 0
        assert counters["spender"] is None
        assert admin.get("/webhooks/subscriptions").json() == []
        assert admin.get("/webhooks/deliveries").json() == []
        assert admin.get("/webhooks/queue").json() == []
        assert admin.get("/requests").json() == {"requests": []}
        # Ids start again as in a fresh emulator.
        fault = admin.post("/faults/errors", json={"status": 500, "count": 1}).json()
        assert fault["id"] == 1
        admin.delete("/faults").raise_for_status()

    # Every collection on the state is empty but the demo app: a collection added later
    # and not reset fails here.
    state = emulator.state
    for field in dataclasses.fields(state):
        value = getattr(state, field.name)
        if isinstance(value, dict) and field.name != "apps":
            assert value == {}, f"EmulatorState.{field.name} survived the reset"
    assert old_refresh  # there were refresh tokens, and none is left
    assert not old_refresh & state.refresh_tokens.keys()


def test_old_tokens_are_dead_and_the_demo_app_signs_in_again(emulator: RunningEmulator) -> None:
    tenant_id = oauth.new_tenant(emulator, "Before")
    tokens = oauth.sign_in(emulator, tenants=[tenant_id])
    with emulator.admin() as admin:
        admin.post("/reset").raise_for_status()

    stale = oauth.api_get(emulator, "Organisation", tokens["access_token"], tenant_id)
    assert stale.status_code == 401
    assert oauth.refresh(emulator, tokens["refresh_token"]).json()["error"] == "invalid_grant"

    fresh_tenant = oauth.new_tenant(emulator, "After")
    fresh = oauth.sign_in(emulator, tenants=[fresh_tenant])
    answer = oauth.api_get(emulator, "Organisation", fresh["access_token"], fresh_tenant)
    assert answer.status_code == 200
    assert answer.json()["Organisations"][0]["Name"] == "After"
    with emulator.admin() as admin:
        assert [c["tenant_id"] for c in admin.get("/connections").json()] == [fresh_tenant]
