"""The whole OAuth life of a connection against the emulator over real HTTP: authorize URL ->
consent -> code -> tokens -> connections -> API call -> expiry -> refresh with a rotated
refresh token; a 401 TokenExpired; invalid_grant; disconnect; revoke."""

from __future__ import annotations

import pytest

from tests.client.emulator_oauth import add_tenant, connect
from tests.conftest import EmulatorFactory, RunningEmulator
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.errors import NeedsReauth, TenantNotConnected
from xerosync.xero import MemoryTokenStore
from xerosync.xero.auth.tokens import DEFAULT_KEY


@pytest.fixture
def emulator(emulator_factory: EmulatorFactory) -> RunningEmulator:
    return emulator_factory(EmulatorConfig(auto_approve=True))


def api_calls(emulator: RunningEmulator, **filters: object) -> list[dict[str, object]]:
    with emulator.admin() as admin:
        found = admin.get("/requests", params={k: str(v) for k, v in filters.items()})
        return list(found.json()["requests"])


def test_full_round_trip_with_refresh_and_rotation(
    emulator: RunningEmulator, clock: FakeClock
) -> None:
    tenant = add_tenant(emulator, "Round Trip Ltd")
    store = MemoryTokenStore()
    client, connections = connect(emulator, store, clock)
    assert [(c.tenant_id, c.tenant_name) for c in connections] == [(tenant, "Round Trip Ltd")]
    first = store.load(DEFAULT_KEY)
    assert first is not None
    assert first.refresh_token
    assert "offline_access" in first.scope

    assert client.request("GET", "Contacts", tenant=tenant).status_code == 200
    clock.advance(1800 + 5)  # the access token has expired
    response = client.request("GET", "Contacts", tenant=tenant)
    assert response.status_code == 200
    second = store.load(DEFAULT_KEY)
    assert second is not None
    assert second.access_token != first.access_token
    assert second.refresh_token != first.refresh_token  # rotated, and saved with the AT
    # the next expiry refreshes with the rotated token, well after the old one's grace window
    clock.advance(3 * 3600)
    assert client.request("GET", "Contacts", tenant=tenant).status_code == 200
    third = store.load(DEFAULT_KEY)
    assert third is not None
    assert third.refresh_token not in (first.refresh_token, second.refresh_token)
    assert [c["status"] for c in api_calls(emulator, path="/api.xro/2.0/Contacts")] == [200] * 3


def test_a_401_token_expired_from_xero_refreshes_and_replays(
    emulator: RunningEmulator, clock: FakeClock
) -> None:
    tenant = add_tenant(emulator)
    store = MemoryTokenStore()
    client, _ = connect(emulator, store, clock)
    before = store.load(DEFAULT_KEY)
    with emulator.admin() as admin:
        admin.post(f"/apps/{client.config.client_id}/expire-access-tokens").raise_for_status()
    assert client.request("GET", "Contacts", tenant=tenant).status_code == 200
    statuses = [c["status"] for c in api_calls(emulator, path="/api.xro/2.0/Contacts")]
    assert statuses == [401, 200]
    after = store.load(DEFAULT_KEY)
    assert after is not None
    assert before is not None
    assert after.refresh_token != before.refresh_token


def test_a_dead_refresh_token_needs_a_person_and_is_not_retried(
    emulator: RunningEmulator, clock: FakeClock
) -> None:
    tenant = add_tenant(emulator)
    client, _ = connect(emulator, MemoryTokenStore(), clock)
    with emulator.admin() as admin:
        admin.post(f"/apps/{client.config.client_id}/expire-refresh-tokens").raise_for_status()
    clock.advance(1900)
    for _ in range(3):
        with pytest.raises(NeedsReauth):
            client.request("GET", "Contacts", tenant=tenant)
    token_calls = api_calls(emulator, path="/connect/token")
    # one exchange for the code, then ONE refresh attempt: later calls fail fast
    assert len(token_calls) == 2
    assert api_calls(emulator, path="/api.xro/2.0/") == []


def test_disconnect_one_tenant_then_revoke_the_grant(
    emulator: RunningEmulator, clock: FakeClock
) -> None:
    first, second = add_tenant(emulator, "One"), add_tenant(emulator, "Two")
    client, connections = connect(emulator, MemoryTokenStore(), clock)
    assert {c.tenant_id for c in connections} == {first, second}
    gone = next(c for c in connections if c.tenant_id == first)
    client.disconnect(gone.id)
    assert [c.tenant_id for c in client.connections()] == [second]
    with pytest.raises(TenantNotConnected):
        client.request("GET", "Contacts", tenant=first)
    assert client.request("GET", "Contacts", tenant=second).status_code == 200
    client.revoke()
    with pytest.raises(NeedsReauth):
        client.connections()


def test_a_public_pkce_client_connects_and_refreshes_without_a_secret(
    emulator: RunningEmulator, clock: FakeClock
) -> None:
    tenant = add_tenant(emulator)
    store = MemoryTokenStore()
    client, connections = connect(emulator, store, clock, client_secret="")
    assert [c.tenant_id for c in connections] == [tenant]
    first = store.load(DEFAULT_KEY)
    clock.advance(1900)
    assert client.request("GET", "Contacts", tenant=tenant).status_code == 200
    second = store.load(DEFAULT_KEY)
    assert first is not None
    assert second is not None
    assert second.refresh_token != first.refresh_token
