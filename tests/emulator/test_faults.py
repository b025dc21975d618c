"""Injected faults, each observed over real HTTP: 5xx bursts, latency, a response lost
after the write was committed, an organisation offline, maintenance, and oversized bodies."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.emulator.test_limits import ORGANISATION, TENANT_A, TENANT_B, connect


def add_fault(emulator: RunningEmulator, kind: str, **body: object) -> dict[str, object]:
    with emulator.admin() as admin:
        response = admin.post(f"/faults/{kind}", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def received(emulator: RunningEmulator, **filters: object) -> list[dict[str, object]]:
    with emulator.admin() as admin:
        return admin.get("/requests", params=filters).json()["requests"]  # type: ignore[no-any-return]


def test_a_burst_of_two_503s_then_success(emulator: RunningEmulator) -> None:
    api = connect(emulator)
    add_fault(emulator, "errors", status=503, count=2)
    first, second, third = (api.call(TENANT_A) for _ in range(3))
    for failed in (first, second):
        assert failed.status_code == 503
        assert failed.headers["content-type"].startswith("text/plain")
        assert failed.text == "The Xero API is temporarily unavailable"
        assert "X-MinLimit-Remaining" in failed.headers  # admitted, then failed: it counted
    assert third.status_code != 503
    assert minute_lefts(first, second, third) == [59, 58, 57]
    with emulator.admin() as admin:
        assert admin.get("/faults").json()["scripted"] == []  # the burst is used up


def minute_lefts(*responses: httpx.Response) -> list[int]:
    return [int(r.headers["X-MinLimit-Remaining"]) for r in responses]


def test_a_500_aimed_at_one_method_and_path_spares_other_calls(emulator: RunningEmulator) -> None:
    api = connect(emulator)
    fault = add_fault(
        emulator, "errors", status=500, method="PUT", path_prefix="/api.xro/2.0/contacts"
    )
    assert api.call(TENANT_A).status_code != 500
    assert api.call(TENANT_A, "/Contacts").status_code != 500
    hit = api.call(TENANT_A, "/Contacts", method="PUT", json={"Contacts": []})
    assert hit.status_code == 500
    assert "error occurred" in hit.text
    assert api.call(TENANT_A, "/Contacts", method="PUT", json={"Contacts": []}).status_code != 500
    assert received(emulator, status=500)[0]["fault"] == "error"
    assert fault["remaining"] == 1


def test_a_fault_for_one_tenant_spares_the_other(emulator: RunningEmulator) -> None:
    api = connect(emulator, TENANT_A, TENANT_B)
    add_fault(emulator, "errors", status=503, count=1, tenant_id=TENANT_B)
    assert api.call(TENANT_A).status_code != 503
    assert api.call(TENANT_B).status_code == 503
    assert api.call(TENANT_B).status_code != 503


def test_latency_delays_the_next_calls_then_stops(emulator: RunningEmulator) -> None:
    api = connect(emulator)
    # Wide margins: the latency is real time, and a loaded CI machine slows every call.
    add_fault(emulator, "latency", seconds=1.5, count=1)
    started = time.monotonic()
    api.call(TENANT_A)
    slow = time.monotonic() - started
    started = time.monotonic()
    api.call(TENANT_A)
    fast = time.monotonic() - started
    assert slow >= 1.5
    assert fast < 1.0


def test_latency_until_cleared(emulator: RunningEmulator) -> None:
    api = connect(emulator)
    fault = add_fault(emulator, "latency", seconds=1.0)
    assert fault["remaining"] is None
    for _ in range(2):
        started = time.monotonic()
        api.call(TENANT_A)
        assert time.monotonic() - started >= 1.0
    with emulator.admin() as admin:
        assert admin.delete(f"/faults/{fault['id']}").status_code == 204
        assert admin.delete(f"/faults/{fault['id']}").status_code == 404
    started = time.monotonic()
    api.call(TENANT_A)
    assert time.monotonic() - started < 1.0


def test_a_lost_response_is_a_transport_error_and_the_call_still_ran(
    emulator: RunningEmulator,
) -> None:
    api = connect(emulator)
    add_fault(emulator, "lost-responses", count=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.call(TENANT_A, headers={"Idempotency-Key": "lost-1"})
    [entry] = received(emulator, idempotency_key="lost-1")
    assert entry["lost"] is True
    assert entry["status"] is not None  # the handler did answer; the client never saw it
    assert api.counters(TENANT_A)["concurrent"]["in_progress"] == 0  # type: ignore[index]
    assert api.call(TENANT_A).status_code != 429  # the connection is gone, not the service


def test_an_organisation_offline_affects_only_that_organisation(
    emulator: RunningEmulator,
) -> None:
    api = connect(emulator, TENANT_A, TENANT_B)
    with emulator.admin() as admin:
        assert admin.put(f"/faults/offline/{TENANT_B}").json()["offline_tenants"] == [TENANT_B]
        assert admin.put("/faults/offline/no-such-tenant").status_code == 404
    offline = api.call(TENANT_B)
    assert offline.status_code == 503
    assert offline.text == "The Organisation is offline"
    assert api.call(TENANT_B).status_code == 503  # until cleared, not for N calls
    assert api.call(TENANT_A).status_code != 503
    with emulator.admin() as admin:
        admin.delete(f"/faults/offline/{TENANT_B}")
    assert api.call(TENANT_B).status_code != 503


def test_maintenance_takes_the_whole_api_offline_until_cleared(emulator: RunningEmulator) -> None:
    api = connect(emulator, TENANT_A, TENANT_B)
    with emulator.admin() as admin:
        admin.put("/faults/maintenance")
    for tenant in (TENANT_A, TENANT_B):
        response = api.call(tenant)
        assert response.status_code == 503
        assert response.text == "The Xero API is currently offline for maintenance"
    assert httpx.get(f"{emulator.api_url}{ORGANISATION}").status_code == 503  # before auth
    assert {e["fault"] for e in received(emulator)} == {"maintenance"}
    with emulator.admin() as admin:
        assert admin.get("/tenants").status_code != 503  # the admin API stays up
        admin.delete("/faults/maintenance")
    assert api.call(TENANT_A).status_code != 503


def test_clearing_removes_every_fault(emulator: RunningEmulator) -> None:
    api = connect(emulator, TENANT_A, TENANT_B)
    add_fault(emulator, "errors", status=503, count=5)
    add_fault(emulator, "latency", seconds=5)
    with emulator.admin() as admin:
        admin.put(f"/faults/offline/{TENANT_B}")
        admin.put("/faults/maintenance")
        assert admin.delete("/faults").status_code == 204
        assert admin.get("/faults").json() == {
            "maintenance": False,
            "offline_tenants": [],
            "scripted": [],
        }
    started = time.monotonic()
    assert api.call(TENANT_A).status_code != 503
    assert api.call(TENANT_B).status_code != 503
    assert time.monotonic() - started < 2


def test_a_body_over_the_size_limit_is_refused_with_413(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory(max_request_bytes=1000)
    api = connect(emulator)
    big = {"Contacts": [{"Name": "x" * 2000}]}
    assert api.call(TENANT_A, "/Contacts", method="PUT", json=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
        yield b'{"Contacts": ['
        for _ in range(30):
            yield b'{"Name": "' + b"y" * 60 + b'"},'
        yield b"{}]}"

    streamed = api.call(TENANT_A, "/Contacts", method="PUT", content=chunks())
    assert streamed.status_code == 413
    assert "X-MinLimit-Remaining" in streamed.headers
    assert api.call(TENANT_A, "/Contacts", method="PUT", json={"Contacts": []}).status_code != 413


def test_the_request_log_records_calls_without_secrets(emulator: RunningEmulator) -> None:
    api = connect(emulator, TENANT_A, TENANT_B)
    api.call(TENANT_A, "/Contacts", params={"page": "2", "where": 'Name=="A"'})
    api.call(
        TENANT_B,
        "/Contacts",
        method="POST",
        json={"Contacts": []},
        headers={"Idempotency-Key": "key-42"},
    )
    api.call(TENANT_A)
    with emulator.admin() as admin:
        everything = admin.get("/requests").text
        by_tenant = admin.get("/requests", params={"tenant_id": TENANT_B}).json()["requests"]
        gets = admin.get("/requests", params={"method": "get", "path": "/api.xro/2.0/Contacts"})
        last = admin.get("/requests", params={"limit": 1}).json()["requests"]
    assert api.token not in everything
    assert "Bearer" not in everything
    [post] = by_tenant
    assert post["method"] == "POST"
    assert post["path"] == "/api.xro/2.0/Contacts"
    assert post["idempotency_key"] == "key-42"
    assert post["client_id"] == api.client_id
    assert isinstance(post["status"], int)
    [get] = gets.json()["requests"]
    assert "page=2" in get["query"]
    assert get["tenant_id"] == TENANT_A
    assert last[0]["path"] == "/api.xro/2.0/Organisation"
    since = received(emulator, since=post["seq"])
    assert [e["path"] for e in since] == ["/api.xro/2.0/Organisation"]
    with emulator.admin() as admin:
        admin.delete("/requests")
    assert received(emulator) == []


def test_a_lost_write_is_committed_and_a_retry_with_its_key_creates_nothing_new(
    emulator: RunningEmulator,
) -> None:
    api = connect(emulator)
    add_fault(
        emulator, "lost-responses", count=1, method="PUT", path_prefix="/api.xro/2.0/Contacts"
    )
    write = {
        "json": {"Contacts": [{"Name": "Lost Reply Ltd"}]},
        "headers": {"Idempotency-Key": "k-1"},
    }
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        api.call(TENANT_A, "/Contacts", method="PUT", **write)

    def contacts_named() -> list[dict[str, object]]:
        found = api.call(TENANT_A, "/Contacts", params={"where": 'Name=="Lost Reply Ltd"'})
        assert found.status_code == 200
        return found.json()["Contacts"]  # type: ignore[no-any-return]

    [created] = contacts_named()  # the write was committed although no reply arrived
    [entry] = received(emulator, idempotency_key="k-1")
    assert (entry["status"], entry["lost"]) == (200, True)

    retried = api.call(TENANT_A, "/Contacts", method="PUT", **write)
    assert retried.status_code == 200
    assert retried.json()["Contacts"][0]["ContactID"] == created["ContactID"]
    assert len(contacts_named()) == 1
