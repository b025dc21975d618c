"""Paging, pageSize and If-Modified-Since over real HTTP; and the read speed at 100,000."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.emulator.books import Books
from xerosync.testing import serve

START = datetime(2026, 1, 1, tzinfo=UTC)


def load_contacts(books: Books, count: int, *, step_ms: int = 250) -> None:
    """`count` contacts, UpdatedDateUTC 250 ms apart (so several share a second)."""

    def records():  # type: ignore[no-untyped-def]
        for i in range(count):
            record = books.contacts.blank(f"Contact {i:06d}")
            record["ContactNumber"] = f"N{i:06d}"
            record["UpdatedDateUTC"] = START + timedelta(milliseconds=i * step_ms)
            yield record

    assert books.load("Contacts", records()) == count


def test_pages_with_if_modified_since_return_each_record_exactly_once(
    emulator: RunningEmulator,
) -> None:
    with api_client(emulator, seed=False) as (api, tenant_id):
        load_contacts(emulator.state.tenants[tenant_id].books, 2_345)
        since = START + timedelta(milliseconds=1_000 * 250)  # record 1000 and on
        header = since.strftime("%Y-%m-%dT%H:%M:%S")
        seen: list[str] = []
        page = 1
        while True:
            response = api.get(
                "/Contacts",
                params={"page": page, "pageSize": 500},
                headers={"If-Modified-Since": header},
            )
            assert response.status_code == 200
            body = response.json()
            assert body["pagination"] == {
                "page": page,
                "pageSize": 500,
                "pageCount": 3,
                "itemCount": 1_345,
            }
            seen += [c["ContactNumber"] for c in body["Contacts"]]
            if len(body["Contacts"]) < 500:
                break
            page += 1
    assert seen == [f"N{i:06d}" for i in range(1_000, 2_345)]


@pytest.mark.parametrize(
    "header",
    [
        "2026-01-01T00:04:10",
        "2026-01-01T00:04:10Z",
        "2026-01-01T00:04:10.000000Z",
        "2026-01-01T13:04:10+13:00",
        "2025-12-31T16:04:10.200-08:00",
        "Thu, 01 Jan 2026 00:04:10 GMT",
    ],
)
def test_if_modified_since_formats_compare_to_the_second(
    emulator: RunningEmulator, header: str
) -> None:
    with api_client(emulator, seed=False) as (api, tenant_id):
        load_contacts(emulator.state.tenants[tenant_id].books, 1_200)
        body = api.get("/Contacts", headers={"If-Modified-Since": header}).json()
    # 00:04:10 is record 1000; records 1000-1003 share that second and all count.
    numbers = [c["ContactNumber"] for c in body["Contacts"]]
    assert numbers[0] == "N001000"
    assert len(numbers) == 200


def test_page_size_is_capped_and_defaults_to_100(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emulator = emulator_factory(max_page_size=250)
    with api_client(emulator, seed=False) as (api, tenant_id):
        load_contacts(emulator.state.tenants[tenant_id].books, 600)
        default = api.get("/Contacts", params={"page": 2}).json()
        assert default["pagination"]["pageSize"] == 100
        assert default["Contacts"][0]["ContactNumber"] == "N000100"
        capped = api.get("/Contacts", params={"page": 1, "pageSize": 5000}).json()
        assert capped["pagination"]["pageSize"] == 250
        assert len(capped["Contacts"]) == 250
        past_end = api.get("/Contacts", params={"page": 9, "pageSize": 100}).json()
        assert past_end["Contacts"] == []
        unpaged = api.get("/Contacts").json()
        assert "pagination" not in unpaged
        assert len(unpaged["Contacts"]) == 600


@pytest.mark.slow
def test_read_latency_over_100000_contacts(
    clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reads stay in milliseconds at 100,000 records (printed for the closing note).

    Served without the spec check, which would dominate the timing."""
    app = create_app(EmulatorConfig(), clock)
    state = app.state.emulator
    tenant = state.create_tenant("Big Co")
    started = time.perf_counter()
    load_contacts(tenant.books, 100_000)
    load_seconds = time.perf_counter() - started
    with serve(app) as base_url:
        tenant_app = state.register_app(name="bench")
        token = state.mint_access_token(tenant_app.client_id, frozenset({"accounting.contacts"}))
        state.connect(tenant_app.client_id, tenant.tenant_id, token.user_id, token.auth_event_id)
        headers = {"Authorization": f"Bearer {token.token}", "xero-tenant-id": tenant.tenant_id}
        with httpx.Client(base_url=f"{base_url}/api.xro/2.0", headers=headers, timeout=60) as api:
            cases = {
                "page 50 of 1000 (default order)": {"page": 50, "pageSize": 1000},
                "page 1 of 1000, If-Modified-Since last 10%": {"page": 1, "pageSize": 1000},
                "where ContactNumber== (indexed)": {"where": 'ContactNumber=="N054321"'},
                "where Name.Contains (full scan)": {
                    "where": 'Name.Contains("4321")',
                    "page": 1,
                    "pageSize": 1000,
                },
                "order Name DESC, page of 1000": {
                    "order": "Name DESC",
                    "page": 3,
                    "pageSize": 1000,
                },
            }
            timings = {}
            for label, params in cases.items():
                extra = {}
                if "If-Modified-Since" in label:
                    extra = {"If-Modified-Since": "2026-01-01T06:15:00Z"}
                api.get("/Contacts", params=params, headers=extra)  # warm
                best = float("inf")
                for _ in range(3):
                    t0 = time.perf_counter()
                    response = api.get("/Contacts", params=params, headers=extra)
                    best = min(best, time.perf_counter() - t0)
                    assert response.status_code == 200
                timings[label] = (best * 1000, len(response.json()["Contacts"]))
    with capsys.disabled():
        print(f"\nload 100,000 contacts: {load_seconds * 1000:.0f} ms")
        for label, (ms, count) in timings.items():
            print(f"GET /Contacts {label}: {ms:.1f} ms ({count} records)")
    assert timings["page 50 of 1000 (default order)"][0] < 500
    assert timings["where ContactNumber== (indexed)"][1] == 1


def test_index_restricted_pages_keep_update_order_and_skip_archived(
    emulator_factory,  # type: ignore[no-untyped-def]
) -> None:
    emulator = emulator_factory(rate_limits_enabled=False)
    with api_client(emulator, seed=False) as (api, tenant_id):
        books = emulator.state.tenants[tenant_id].books
        load_contacts(books, 300)
        emulator.clock.advance(600)  # archive after every load stamp (token lives 30 min)
        archived = [f"N{i:06d}" for i in range(0, 300, 7)]
        for number in archived:
            contact = api.get(f"/Contacts/{number}").json()["Contacts"][0]
            response = api.post(
                f"/Contacts/{contact['ContactID']}",
                json={"Contacts": [{"ContactStatus": "ARCHIVED"}]},
            )
            assert response.status_code == 200
        since = {"If-Modified-Since": "2026-01-01T00:00:25Z"}  # record 100 on

        def pages(**params: str) -> list[str]:
            seen: list[str] = []
            page = 1
            while True:
                body = api.get(
                    "/Contacts", params={"page": page, "pageSize": 40, **params}, headers=since
                ).json()
                seen += [c["ContactNumber"] for c in body["Contacts"]]
                if len(body["Contacts"]) < 40:
                    return seen
                page += 1

        expected_active = [f"N{i:06d}" for i in range(100, 300) if i % 7]
        assert pages(where='ContactStatus=="ACTIVE"') == expected_active
        assert pages() == expected_active
        assert pages(includeArchived="true") == expected_active + archived
