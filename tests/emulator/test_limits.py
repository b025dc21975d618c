"""Xero's rate limits, over real HTTP: minute, day, concurrent, app-wide minute, and the
budget "another app" spends. Time is the emulator's FakeClock, moved on by the tests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import EmulatorFactory, RunningEmulator

TENANT_A = "a0000000-0000-4000-8000-00000000000a"
TENANT_B = "b0000000-0000-4000-8000-00000000000b"
ORGANISATION = "/Organisation"


@dataclass
class Api:
    """A connected app calling the emulator's Accounting API as the demo app."""

    emulator: RunningEmulator
    token: str
    client_id: str

    def call(
        self, tenant_id: str, path: str = ORGANISATION, method: str = "GET", **kwargs: object
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", "xero-tenant-id": tenant_id}
        headers.update(kwargs.pop("headers", {}))  # type: ignore[arg-type]
        return httpx.request(
            method, f"{self.emulator.api_url}{path}", headers=headers, timeout=10, **kwargs
        )  # type: ignore[arg-type]

    def counters(self, tenant_id: str | None = None) -> dict[str, object]:
        params = {"tenant_id": tenant_id} if tenant_id else {}
        with self.emulator.admin() as admin:
            response = admin.get("/limits", params=params)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]


def connect(emulator: RunningEmulator, *tenant_ids: str) -> Api:
    """Create the tenants (empty books) and connect the demo app to them with a token."""
    client_id = emulator.state.config.demo_client_id
    with emulator.admin() as admin:
        for n, tenant_id in enumerate(tenant_ids or (TENANT_A,)):
            admin.post("/tenants", json={"name": f"Org {n}", "tenant_id": tenant_id})
        token = admin.post(
            "/tokens",
            json={
                "client_id": client_id,
                "tenant_ids": list(tenant_ids or (TENANT_A,)),
                "scopes": ["accounting.settings", "accounting.contacts", "accounting.transactions"],
            },
        ).json()["access_token"]
    return Api(emulator, token, client_id)


def minute_left(response: httpx.Response) -> int:
    return int(response.headers["X-MinLimit-Remaining"])


def test_the_61st_call_in_a_minute_waits_until_the_window_resets(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory(minute_seconds=10.0)
    api = connect(emulator)
    remaining = [minute_left(api.call(TENANT_A)) for _ in range(60)]
    assert remaining == list(range(59, -1, -1))

    refused = api.call(TENANT_A)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 10  # a scaled minute is 10 seconds
    assert refused.headers["X-MinLimit-Remaining"] == "0"

    emulator.clock.advance(retry_after - 1)
    if retry_after > 1:
        assert api.call(TENANT_A).status_code == 429  # not a rolling window, not reset yet
    emulator.clock.advance(1)
    again = api.call(TENANT_A)
    assert again.status_code != 429
    assert minute_left(again) == 59


def test_every_admitted_response_carries_the_three_remaining_headers(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory(day_limit=1000, app_minute_limit=500)
    api = connect(emulator)
    first, second = api.call(TENANT_A), api.call(TENANT_A, "/Contacts/not-a-guid")
    assert (first.headers["X-DayLimit-Remaining"], second.headers["X-DayLimit-Remaining"]) == (
        "999",
        "998",
    )
    assert (minute_left(first), minute_left(second)) == (59, 58)
    assert first.headers["X-AppMinLimit-Remaining"] == "499"
    assert second.headers["X-AppMinLimit-Remaining"] == "498"
    unauthorised = httpx.get(
        f"{emulator.api_url}{ORGANISATION}", headers={"xero-tenant-id": TENANT_A}
    )
    assert unauthorised.status_code == 401
    assert "X-MinLimit-Remaining" not in unauthorised.headers  # refused before counting


def test_two_tenants_windows_reset_at_different_times(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(minute_limit=3)
    api = connect(emulator, TENANT_A, TENANT_B)
    waits = {}
    for tenant in (TENANT_A, TENANT_B):
        for _ in range(3):
            assert api.call(tenant).status_code != 429
        refused = api.call(tenant)
        assert refused.status_code == 429
        waits[tenant] = int(refused.headers["Retry-After"])
    # Both tenants spent their minute at the same instant, yet their windows end apart.
    assert abs(waits[TENANT_A] - waits[TENANT_B]) >= 2, waits
    first, later = sorted(waits, key=waits.__getitem__)
    emulator.clock.advance(waits[first])
    assert api.call(first).status_code != 429
    assert api.call(later).status_code == 429
    emulator.clock.advance(waits[later] - waits[first])
    assert api.call(later).status_code != 429


def test_a_sixth_concurrent_call_is_refused(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory()
    api = connect(emulator)
    with emulator.admin() as admin:
        admin.post("/faults/latency", json={"seconds": 1.0, "count": 5}).raise_for_status()
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(api.call(TENANT_A).status_code))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while api.counters(TENANT_A)["concurrent"]["in_progress"] < 5:  # type: ignore[index]
        assert time.monotonic() < deadline, "the five slow calls never were in progress together"
        time.sleep(0.01)

    sixth = api.call(TENANT_A)
    assert sixth.status_code == 429
    assert sixth.headers["X-Rate-Limit-Problem"] == "concurrent"
    assert "Retry-After" not in sixth.headers

    for thread in threads:
        thread.join()
    assert len(statuses) == 5
    assert 429 not in statuses
    assert api.counters(TENANT_A)["concurrent"]["in_progress"] == 0  # type: ignore[index]
    assert api.call(TENANT_A).status_code != 429


def test_the_day_limit_holds_across_minutes_until_the_day_resets(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory(day_limit=5, minute_seconds=60.0, day_seconds=3600.0)
    api = connect(emulator)
    for left in range(4, -1, -1):
        assert api.call(TENANT_A).headers["X-DayLimit-Remaining"] == str(left)
    refused = api.call(TENANT_A)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "day"
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 3600
    if retry_after > 61:
        emulator.clock.advance(61)  # a new minute does not help
        assert api.call(TENANT_A).headers["X-Rate-Limit-Problem"] == "day"
        retry_after -= 61
    emulator.clock.advance(retry_after)
    passed = api.call(TENANT_A)
    assert passed.status_code != 429
    assert passed.headers["X-DayLimit-Remaining"] == "4"


def test_the_app_wide_minute_is_shared_by_all_tenants(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(app_minute_limit=5)
    api = connect(emulator, TENANT_A, TENANT_B)
    seen = [
        api.call(tenant).headers["X-AppMinLimit-Remaining"]
        for tenant in (TENANT_A, TENANT_B, TENANT_A, TENANT_B, TENANT_A)
    ]
    assert seen == ["4", "3", "2", "1", "0"]
    refused = api.call(TENANT_B)
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "appminute"
    assert "Retry-After" not in refused.headers
    assert refused.headers["X-MinLimit-Remaining"] == "58"  # tenant B's own minute is not spent
    emulator.clock.advance(60)
    assert api.call(TENANT_B).status_code != 429


def test_connections_carry_only_the_app_minute_header(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(app_minute_limit=100)
    api = connect(emulator)
    api.call(TENANT_A)
    response = httpx.get(
        f"{emulator.base_url}/connections", headers={"Authorization": f"Bearer {api.token}"}
    )
    assert response.headers["X-AppMinLimit-Remaining"] == "98"
    assert "X-MinLimit-Remaining" not in response.headers
    assert "X-DayLimit-Remaining" not in response.headers


def test_another_worker_spending_the_budget_shows_in_the_headers(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory()
    api = connect(emulator)
    with emulator.admin() as admin:
        counters = admin.post("/limits/spend", json={"tenant_id": TENANT_A, "calls": 40}).json()
    assert counters["minute"]["remaining"] == 20
    response = api.call(TENANT_A)
    assert minute_left(response) == 19
    assert response.headers["X-DayLimit-Remaining"] == "4959"
    assert response.headers["X-AppMinLimit-Remaining"] == "9959"
    with emulator.admin() as admin:
        admin.post("/limits/spend", json={"tenant_id": TENANT_A, "calls": 19})
    assert minute_left(api.call(TENANT_A)) == 0
    assert api.call(TENANT_A).headers["X-Rate-Limit-Problem"] == "minute"


def test_a_background_spender_consumes_evenly_through_each_minute(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory()
    api = connect(emulator)
    # Start at the beginning of a fresh window so the arithmetic below is exact.
    emulator.clock.advance(api.counters(TENANT_A)["minute"]["resets_in"] + 0.01)  # type: ignore[index]
    with emulator.admin() as admin:
        started = admin.put("/limits/spender", json={"tenant_id": TENANT_A, "per_minute": 30})
    assert started.json()["spender"] == {"per_minute": 30, "burst": False}
    emulator.clock.advance(30)
    assert minute_left(api.call(TENANT_A)) == 60 - 15 - 1
    emulator.clock.advance(20)
    assert minute_left(api.call(TENANT_A)) == 60 - 25 - 2

    emulator.clock.advance(10)  # the next window: the spender starts again from zero
    assert minute_left(api.call(TENANT_A)) == 59
    emulator.clock.advance(40)
    assert minute_left(api.call(TENANT_A)) == 60 - 20 - 2

    with emulator.admin() as admin:
        stopped = admin.delete("/limits/spender", params={"tenant_id": TENANT_A}).json()
    assert stopped["spender"] is None
    assert stopped["minute"]["remaining"] == 38  # what it spent stays spent
    emulator.clock.advance(10)
    assert minute_left(api.call(TENANT_A)) == 37


def test_a_burst_spender_takes_its_share_as_each_minute_begins(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory()
    api = connect(emulator)
    emulator.clock.advance(api.counters(TENANT_A)["minute"]["resets_in"] + 0.01)  # type: ignore[index]
    with emulator.admin() as admin:
        admin.put("/limits/spender", json={"tenant_id": TENANT_A, "per_minute": 30, "burst": True})
    emulator.clock.advance(0.5)  # however early you call, its 30 are already gone
    assert minute_left(api.call(TENANT_A)) == 60 - 30 - 1
    emulator.clock.advance(40)
    assert minute_left(api.call(TENANT_A)) == 60 - 30 - 2
    for _ in range(28):  # the 28 left to us
        assert api.call(TENANT_A).status_code == 200
    refused = api.call(TENANT_A)
    assert refused.status_code == 429
    assert refused.headers["x-rate-limit-problem"] == "minute"
    emulator.clock.advance(20)  # the next window: it takes its 30 again at once
    assert minute_left(api.call(TENANT_A)) == 60 - 30 - 1


def test_rate_limits_can_be_switched_off(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(rate_limits_enabled=False, minute_limit=2)
    api = connect(emulator)
    responses = [api.call(TENANT_A) for _ in range(5)]
    assert 429 not in [r.status_code for r in responses]
    assert "X-MinLimit-Remaining" not in responses[-1].headers


def test_refused_calls_do_not_use_up_the_day(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(minute_limit=2, day_limit=10)
    api = connect(emulator)
    for _ in range(2):
        api.call(TENANT_A)
    for _ in range(3):
        assert api.call(TENANT_A).status_code == 429
    assert api.counters(TENANT_A)["day"]["used"] == 2  # type: ignore[index]


def test_limits_can_be_changed_while_running(emulator: RunningEmulator) -> None:
    api = connect(emulator)
    with emulator.admin() as admin:
        changed = admin.patch("/limits/config", json={"day_limit": 1000, "minute_limit": 2})
        assert changed.json()["day_limit"] == 1000
        assert changed.json()["minute_seconds"] == 60.0  # left as it was
        assert admin.patch("/limits/config", json={"minute_limit": -1}).status_code == 422
    first = api.call(TENANT_A)
    assert first.headers["X-DayLimit-Remaining"] == "999"
    api.call(TENANT_A)
    assert api.call(TENANT_A).headers["X-Rate-Limit-Problem"] == "minute"
    with emulator.admin() as admin:
        admin.patch("/limits/config", json={"minute_seconds": 5.0})
    assert api.call(TENANT_A).status_code != 429  # new window lengths start afresh
    refused = [api.call(TENANT_A) for _ in range(2)][-1]
    assert 1 <= int(refused.headers["Retry-After"]) <= 5


def test_a_client_that_gives_up_does_not_keep_its_concurrent_slot(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory(concurrent_limit=1)
    api = connect(emulator)
    with emulator.admin() as admin:
        admin.post("/faults/latency", json={"seconds": 0.5, "count": 1})
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(
            f"{emulator.api_url}{ORGANISATION}",
            headers={"Authorization": f"Bearer {api.token}", "xero-tenant-id": TENANT_A},
            timeout=0.1,
        )
    assert api.call(TENANT_A).headers["X-Rate-Limit-Problem"] == "concurrent"  # still running
    deadline = time.monotonic() + 5
    while api.counters(TENANT_A)["concurrent"]["in_progress"]:  # type: ignore[index]
        assert time.monotonic() < deadline, "the abandoned call never gave its slot back"
        time.sleep(0.02)
    assert api.call(TENANT_A).status_code == 200
