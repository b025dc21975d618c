"""Idempotency-Key over real HTTP: replay, refusal of a changed request, expiry, size cap."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import ALL_SCOPES, api_client


@pytest.fixture
def running(emulator_factory) -> RunningEmulator:  # type: ignore[no-untyped-def]
    return emulator_factory(idempotency_window=360.0, max_request_bytes=20_000)


@pytest.fixture
def api(running: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(running) as (client, _):
        yield client


def count(api: httpx.Client) -> int:
    return len(api.get("/Contacts").json()["Contacts"])


def test_a_replay_returns_the_first_response_and_creates_nothing(api: httpx.Client) -> None:
    before = count(api)
    body = {"Contacts": [{"Name": "Once Only Ltd"}]}
    first = api.put("/Contacts", json=body, headers={"Idempotency-Key": "key-1"})
    second = api.put("/Contacts", json=body, headers={"Idempotency-Key": "key-1"})
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert count(api) == before + 1


def test_a_replayed_failure_is_the_same_failure(api: httpx.Client) -> None:
    body = {"Contacts": [{"Name": "Ridgeway University"}]}
    first = api.put("/Contacts", json=body, headers={"Idempotency-Key": "bad-1"})
    second = api.put("/Contacts", json=body, headers={"Idempotency-Key": "bad-1"})
    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()


def test_same_key_with_a_different_request_is_refused(api: httpx.Client) -> None:
    api.put("/Contacts", json={"Contacts": [{"Name": "First"}]}, headers={"Idempotency-Key": "k2"})
    before = count(api)
    other_body = api.put(
        "/Contacts", json={"Contacts": [{"Name": "Second"}]}, headers={"Idempotency-Key": "k2"}
    )
    assert other_body.status_code == 400
    assert "already been used with a different request" in other_body.json()["Message"]
    other_method = api.post(
        "/Contacts", json={"Contacts": [{"Name": "First"}]}, headers={"Idempotency-Key": "k2"}
    )
    assert other_method.status_code == 400
    assert count(api) == before


@pytest.mark.parametrize(
    ("path", "good", "unreadable"),
    [
        (
            "/Invoices",
            {"Type": "ACCREC", "Contact": {"Name": "Key First Ltd"}, "Reference": "k-inv"},
            {"Type": "ACCREC", "Contact": {"Name": "Key First Ltd"}, "Status": "APPROVED"},
        ),
        (
            "/Payments",
            {"Invoice": {"InvoiceNumber": "nope"}, "Account": {"Code": "090"}, "Amount": 1},
            {"Invoice": {"InvoiceNumber": "nope"}, "Account": {"Code": "090"}, "Amount": "one"},
        ),
    ],
)
def test_a_reused_key_is_refused_before_the_body_is_read(
    api: httpx.Client, path: str, good: dict[str, object], unreadable: dict[str, object]
) -> None:
    """The key is checked first, for every entity: a different body under a used key is a
    reused key even when Xero could not read that body."""
    plural = path.strip("/")
    headers = {"Idempotency-Key": f"first-{plural}"}
    api.put(path, json={plural: [good]}, headers=headers)
    reused = api.put(path, json={plural: [unreadable]}, headers=headers)
    assert reused.status_code == 400
    assert "already been used with a different request" in reused.json()["Message"]


def test_after_the_window_the_key_is_a_new_request(
    running: RunningEmulator, api: httpx.Client
) -> None:
    body = {"Contacts": [{"Name": "Twice Ltd"}]}
    first = api.post("/Contacts", json=body, headers={"Idempotency-Key": "k3"})
    running.clock.advance(359)
    assert api.post("/Contacts", json=body, headers={"Idempotency-Key": "k3"}).content == (
        first.content
    )
    running.clock.advance(2)
    changed = {"Contacts": [{"Name": "Twice Ltd", "EmailAddress": "new@twice.example"}]}
    later = api.post("/Contacts", json=changed, headers={"Idempotency-Key": "k3"})
    assert later.status_code == 200
    assert later.json()["Contacts"][0]["EmailAddress"] == "new@twice.example"


def test_keys_are_per_app(running: RunningEmulator) -> None:
    # Two apps connected to ONE tenant (the cache is per tenant, so apps on separate tenants
    # could not tell a shared cache apart): the same key with different bodies is each app's own.
    with running.admin() as admin:
        tenant = admin.post("/tenants", json={"name": "Shared Ltd", "seed_demo": False}).json()
        apps = [admin.post("/apps", json={"name": name}).json() for name in ("one", "two")]
        tokens = [
            admin.post(
                "/tokens",
                json={
                    "client_id": app["client_id"],
                    "tenant_ids": [tenant["tenant_id"]],
                    "scopes": ALL_SCOPES,
                },
            ).json()["access_token"]
            for app in apps
        ]
    names = []
    for token, name in zip(tokens, ("App One Contact", "App Two Contact"), strict=True):
        headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": tenant["tenant_id"]}
        with httpx.Client(base_url=running.api_url, headers=headers, timeout=30) as api:
            body = {"Contacts": [{"Name": name}]}
            answer = api.put("/Contacts", json=body, headers={"Idempotency-Key": "same"})
            assert answer.status_code == 200, answer.text
            names.append(answer.json()["Contacts"][0]["Name"])
            listed = api.get("/Contacts").json()["Contacts"]
    assert names == ["App One Contact", "App Two Contact"]  # not app one's replayed answer
    assert sorted(c["Name"] for c in listed) == ["App One Contact", "App Two Contact"]


def test_key_length_and_request_size_limits(api: httpx.Client) -> None:
    too_long = api.put(
        "/Contacts", json={"Contacts": [{"Name": "X"}]}, headers={"Idempotency-Key": "k" * 129}
    )
    assert too_long.status_code == 400
    assert "128" in too_long.json()["Message"]
    ok = api.put(
        "/Contacts", json={"Contacts": [{"Name": "Y"}]}, headers={"Idempotency-Key": "k" * 128}
    )
    assert ok.status_code == 200
    huge = {
        "Contacts": [{"Name": f"Contact {i}", "BankAccountDetails": "x" * 200} for i in range(200)]
    }
    assert api.put("/Contacts", json=huge).status_code == 413


def test_malformed_bodies_are_400(api: httpx.Client) -> None:
    not_json = api.put("/Contacts", content=b"{nope", headers={"content-type": "application/json"})
    assert not_json.status_code == 400
    assert not_json.json()["Type"] == "PostDataInvalidException"
