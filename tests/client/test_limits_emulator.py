"""Rate limits against the emulator over real HTTP (its clock is the client's clock): a 429
handled, a budget spent by someone else noticed before Xero refuses, the day-limit stop."""

from __future__ import annotations

import pytest

from tests.client.emulator_oauth import add_tenant, connect
from tests.conftest import EmulatorFactory, RunningEmulator
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.errors import RateLimited
from xerosync.xero import MemoryTokenStore, RateLimits, XeroClient


def start(
    emulator_factory: EmulatorFactory, clock: FakeClock, **limits: object
) -> tuple[RunningEmulator, XeroClient, str]:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True, **limits))  # type: ignore[arg-type]
    tenant = add_tenant(emulator)
    client, _ = connect(emulator, MemoryTokenStore(), clock)
    return emulator, client, tenant


def statuses(emulator: RunningEmulator) -> list[int]:
    with emulator.admin() as admin:
        found = admin.get("/requests", params={"path": "/api.xro/2.0/"}).json()["requests"]
    return [entry["status"] for entry in found]


def test_a_minute_429_is_waited_out_and_the_call_succeeds(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    # Xero allows 3 a minute but the client believes 60: only the 429 can stop it
    emulator, client, tenant = start(emulator_factory, clock, minute_limit=3)
    with emulator.admin() as admin:
        admin.post("/limits/spend", json={"tenant_id": tenant, "calls": 3}).raise_for_status()
    before = clock.now()
    response = client.request("GET", "Contacts", tenant=tenant)
    assert response.status_code == 200
    assert statuses(emulator) == [429, 200]
    assert 0 < (clock.now() - before).total_seconds() <= 60


def test_a_budget_spent_by_another_app_is_noticed_and_the_reset_learned_once(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator, client, tenant = start(emulator_factory, clock)

    def spend(calls: int) -> None:  # someone else spends what is left of this minute
        with emulator.admin() as admin:
            admin.post(
                "/limits/spend", json={"tenant_id": tenant, "calls": calls}
            ).raise_for_status()

    def resets_in() -> float:
        with emulator.admin() as admin:
            found = admin.get("/limits", params={"tenant_id": tenant}).json()
        return float(found["minute"]["resets_in"])

    client.request("GET", "Contacts", tenant=tenant)
    spend(58)
    client.request("GET", "Contacts", tenant=tenant)  # the 60th call: headers say 0 left
    moment, reset = clock.now(), resets_in()
    for _ in range(5):
        client.request("GET", "Contacts", tenant=tenant)
    # when the tenant's minute resets is unknown: one call asks, and is refused with the
    # Retry-After that says (not the whole minute counted from our first call)
    assert statuses(emulator) == [200, 200, 429] + [200] * 5
    assert reset <= (clock.now() - moment).total_seconds() <= reset + 1
    # from now on the reset is known: the budget spent again is waited out without a 429,
    # and only until the tenant's window resets
    spend(54)
    client.request("GET", "Contacts", tenant=tenant)  # the 60th call again
    moment, reset = clock.now(), resets_in()
    client.request("GET", "Contacts", tenant=tenant)
    assert statuses(emulator)[8:] == [200, 200]
    assert reset <= (clock.now() - moment).total_seconds() <= reset + 1


def test_pushing_many_calls_under_a_tight_limit_never_spins(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator, client, tenant = start(emulator_factory, clock, minute_limit=10)
    client.config.limits  # the client keeps Xero's default 60: the headers teach it
    for _ in range(35):
        client.request("GET", "Contacts", tenant=tenant)
    seen = statuses(emulator)
    assert seen.count(200) == 35
    assert seen.count(429) <= 1  # at most the first refusal, before the headers correct it


def test_the_day_limit_stops_the_tenant_until_the_reset(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator, client, tenant = start(emulator_factory, clock, day_limit=3)
    for _ in range(3):
        client.request("GET", "Contacts", tenant=tenant)
    with pytest.raises(RateLimited) as caught:
        client.request("GET", "Contacts", tenant=tenant)
    assert caught.value.scope == "day"
    assert caught.value.until is not None
    assert caught.value.until > clock.now()
    with pytest.raises(RateLimited):
        client.request("GET", "Contacts", tenant=tenant)
    assert statuses(emulator).count(200) == 3
    assert len(statuses(emulator)) <= 4  # the stopped tenant is not asked again
    clock.advance((caught.value.until - clock.now()).total_seconds() + 1)
    assert client.request("GET", "Contacts", tenant=tenant).status_code == 200


def test_limits_set_lower_in_the_config_are_kept_before_xero_says_so(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    tenant = add_tenant(emulator)
    client, _ = connect(
        emulator, MemoryTokenStore(), clock, limits=RateLimits(minute=5, minute_seconds=60)
    )
    before = clock.monotonic()
    for _ in range(6):
        client.request("GET", "Contacts", tenant=tenant)
    assert clock.monotonic() - before >= 59
    assert statuses(emulator) == [200] * 6


def test_another_app_spending_half_the_budget_does_not_stop_the_work(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator, client, tenant = start(emulator_factory, clock)
    with emulator.admin() as admin:
        admin.put(
            "/limits/spender", json={"tenant_id": tenant, "per_minute": 30}
        ).raise_for_status()
    began = clock.now()
    for _ in range(120):
        assert client.request("GET", "Contacts", tenant=tenant).status_code == 200
        clock.advance(0.5)  # our own work between calls, while the spender keeps spending
    seen = statuses(emulator)
    assert seen.count(200) == 120
    minutes = (clock.now() - began).total_seconds() / 60
    print(f"120 calls with a 30/min spender: {minutes:.2f} min, {seen.count(429)} x 429")
    # the spender leaves us 30-60 calls a minute (it spends evenly; windows start mid-way)
    assert minutes <= 6.0
    assert seen.count(429) <= 8


def test_the_concurrent_limit_is_kept_by_threads_sharing_a_client(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    import threading

    emulator, client, tenant = start(emulator_factory, clock)
    with emulator.admin() as admin:  # hold every slot for a while
        admin.post("/faults/latency", json={"seconds": 0.2, "count": 12}).raise_for_status()
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.request("GET", "Contacts", tenant=tenant)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert statuses(emulator) == [200] * 12  # no 429 concurrent: the governor queued them
