"""The host application's REST API: records in (idempotent, validated, named when wrong),
status and the change feed out, conflicts and dead letters settled; API keys required."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate
from prometheus_client import generate_latest

from tests.conftest import EmulatorFactory
from tests.service.conftest import API_KEY, AUTH, running, service_settings
from tests.sync.conftest import Harness, connect_harness, contact, invoice
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.service import create_app
from xerosync.service.metrics import worker_registry


def test_records_in_status_and_feed_out(
    client: httpx.Client, harness: Harness, wakes: list[tuple[str, str]]
) -> None:
    conn = harness.connection
    url = f"/v1/connections/{conn}/contacts"

    first = client.post(url, json=[contact(1), contact(2)], headers=AUTH)
    again = client.post(url, json=[contact(1)], headers=AUTH)  # the same record again: a no-op

    assert first.status_code == 200, first.text
    assert [r["result"] for r in first.json()] == ["queued", "queued"]
    assert [r["result"] for r in again.json()] == ["unchanged"]
    assert wakes == [("push", conn)]
    pending = client.get(f"{url}/cust-1", headers=AUTH).json()
    assert pending["state"] == "pending"
    assert pending["xero_id"] is None

    assert harness.sync.push(conn).ok == 2  # what a worker does when woken

    synced = client.get(f"/v1/connections/{harness.tenant_id}/contacts/cust-1", headers=AUTH)
    assert synced.json()["state"] == "synced"
    assert synced.json()["xero_id"]
    feed = client.get("/v1/changes", params={"after": 0, "limit": 1}, headers=AUTH).json()
    [change] = feed["changes"]
    assert change["app_id"] == "cust-1"
    assert feed["next_after"] == change["seq"]
    rest = client.get("/v1/changes", params={"after": feed["next_after"]}, headers=AUTH).json()
    assert [c["app_id"] for c in rest["changes"]] == ["cust-2"]
    assert client.get(f"{url}/cust-404", headers=AUTH).status_code == 404
    assert client.get("/v1/dead-letters", headers=AUTH).json() == []
    assert client.post("/v1/dead-letters/999/retry", headers=AUTH).status_code == 404


def test_a_bad_record_is_named_and_nothing_is_taken(
    client: httpx.Client, harness: Harness, wakes: list[tuple[str, str]]
) -> None:
    url = f"/v1/connections/{harness.connection}/contacts"
    refused = client.post(url, json=[contact(1), {"id": "cust-x"}], headers=AUTH)

    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["index"] == 1
    assert problem["id"] == "cust-x"
    assert problem["errors"][0]["loc"] == ["name"]
    assert problem["errors"][0]["msg"] == "Field required"
    assert client.get(f"{url}/cust-1", headers=AUTH).status_code == 404  # all or nothing
    assert wakes == []
    assert client.post(url, json={"id": "x"}, headers=AUTH).status_code == 422  # not a list
    assert client.post(f"{url[:-8]}widgets", json=[], headers=AUTH).status_code == 404
    assert client.post("/v1/connections/nope/contacts", json=[], headers=AUTH).status_code == 404


def test_the_api_needs_a_key_and_never_shows_one(client: httpx.Client) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {API_KEY}"}):
        refused = client.get("/v1/connections", headers=headers)
        assert refused.status_code == 401
        assert API_KEY not in refused.text
    listed = client.get("/v1/connections", headers=AUTH)
    assert listed.status_code == 200
    assert API_KEY not in listed.text


def test_no_keys_configured_means_closed(harness: Harness, db_url: str) -> None:
    settings = service_settings(db_url, harness.emulator, api_keys=[])
    with running(create_app(settings, sync=harness.sync)) as client:
        closed = client.get("/v1/connections", headers=AUTH)
        assert closed.status_code == 503
        assert "XEROSYNC_API_KEYS" in closed.json()["detail"]
        assert client.get("/v1/connections").status_code == 503


def test_metrics_show_the_outbox_and_connections(client: httpx.Client, harness: Harness) -> None:
    url = f"/v1/connections/{harness.connection}/contacts"
    client.post(url, json=[contact(1), contact(2), contact(3)], headers=AUTH).raise_for_status()

    text = client.get("/metrics").text

    assert 'xerosync_outbox_depth{state="pending"} 3.0' in text
    assert 'xerosync_outbox_depth{state="failed"} 0.0' in text
    assert 'xerosync_connections{status="connected"} 1.0' in text
    assert "xerosync_open_conflicts 0.0" in text
    assert "xerosync_open_dead_letters 0.0" in text
    assert "xerosync_quarantined_records 0.0" in text
    assert "python_gc" not in text  # the app's own registry, not the process-global one
    assert client.get("/healthz").json()["status"] == "ok"
    assert f'xerosync_lag_seconds{{connection="{harness.connection}"}}' in text


def test_metrics_count_the_calls_to_xero_and_the_budgets_left(
    client: httpx.Client, harness: Harness
) -> None:
    url = f"/v1/connections/{harness.connection}/contacts"
    client.post(url, json=[contact(1), contact(2)], headers=AUTH).raise_for_status()
    harness.sync.push(harness.connection)  # the service's own XeroSync, as embedded workers use
    with harness.emulator.admin() as admin:  # the next call is refused by the minute limit
        admin.post(
            "/limits/spend", json={"tenant_id": harness.tenant_id, "calls": 60}
        ).raise_for_status()
    harness.sync.pull(harness.connection, entities=["contacts"])

    text = client.get("/metrics").text

    tenant = harness.tenant_id
    assert f'xerosync_xero_calls_total{{status="200",tenant="{tenant}"}}' in text
    assert f'xerosync_xero_rate_limited_total{{limit="minute",tenant="{tenant}"}} 1.0' in text
    day_left = [
        line
        for line in text.splitlines()
        if line.startswith(f'xerosync_budget_left{{tenant="{tenant}",window="day"}}')
    ]
    assert day_left
    assert float(day_left[0].split()[-1]) < 5000
    worker = generate_latest(worker_registry(lambda: harness.sync)).decode()  # a worker's port
    assert f'xerosync_xero_calls_total{{status="429",tenant="{tenant}"}} 1.0' in worker
    assert "xerosync_outbox_depth" not in worker  # the store's numbers come from the service
    assert generate_latest(worker_registry(lambda: None)) == b""  # nothing before its first task


def test_the_openapi_document_describes_the_api(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    assert "/v1/conflicts/{conflict_id}/resolve" in paths
    assert "/v1/connections/{connection}/{entity}/{app_id}" in paths
    assert "HTTPBearer" in document["components"]["securitySchemes"]
    assert "ResolveIn" in document["components"]["schemas"]
    assert "AppInvoice" in document["components"]["schemas"]
    body = paths["/v1/connections/{connection}/{entity}"]["post"]["requestBody"]
    items = body["content"]["application/json"]["schema"]["items"]["oneOf"]
    assert {"$ref": "#/components/schemas/AppContact"} in items
    validate(document)  # a valid OpenAPI document, every $ref resolving


@pytest.fixture
def manual(emulator_factory: EmulatorFactory, db_url: str, clock: FakeClock) -> Iterator[Harness]:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    h = connect_harness(
        emulator, db_url, clock, mapping={"rules": {"entities": {"contacts": "manual"}}}
    )
    yield h
    h.sync.close()


def edit_in_xero(harness: Harness, xero_id: str, **fields: Any) -> None:
    with harness.api() as api:
        response = api.post("Contacts", json={"Contacts": [{"ContactID": xero_id, **fields}]})
        assert response.status_code == 200, response.text


def test_a_conflict_is_resolved_through_the_api(manual: Harness, db_url: str) -> None:
    harness, sync, conn = manual, manual.sync, manual.connection
    woken: list[tuple[str, str]] = []
    app = create_app(
        service_settings(db_url, harness.emulator),
        sync=sync,
        wake=lambda kind, c: woken.append((kind, c)),
    )
    with running(app) as client:
        url = f"/v1/connections/{conn}/contacts"
        client.post(url, json=[contact(1, name="Hillcrest")], headers=AUTH).raise_for_status()
        sync.push(conn)
        xero_id = client.get(f"{url}/cust-1", headers=AUTH).json()["xero_id"]
        edit_in_xero(harness, xero_id, Name="Hillcrest Coll")
        client.post(url, json=[contact(1, name="Hillcrest College")], headers=AUTH)
        harness.clock.advance(2)
        assert sync.pull(conn, entities=["contacts"]).conflicts == 1

        [conflict] = client.get("/v1/conflicts", headers=AUTH).json()
        assert conflict["fields"] == [
            {
                "field": "name",
                "base": "Hillcrest",
                "app": "Hillcrest College",
                "xero": "Hillcrest Coll",
            }
        ]
        wrong = client.post(
            f"/v1/conflicts/{conflict['id']}/resolve",
            json={"choices": {"email": "app"}},
            headers=AUTH,
        )
        assert wrong.status_code == 422
        assert "missing ['name']" in wrong.json()["detail"]
        woken.clear()
        done = client.post(
            f"/v1/conflicts/{conflict['id']}/resolve",
            json={
                "choices": {"name": ["edit", "Hillcrest College Ltd"]},
                "by": "finance@example.com",
            },
            headers=AUTH,
        )
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "resolved"
        assert woken == [("push", conn)]
        assert client.get("/v1/conflicts", headers=AUTH).json() == []
        again = client.post(
            f"/v1/conflicts/{conflict['id']}/resolve",
            json={"choices": {"name": "app"}},
            headers=AUTH,
        )
        assert again.status_code == 404

    assert sync.push(conn).ok == 1
    with harness.api() as api:
        [found] = api.get(f"Contacts/{xero_id}").json()["Contacts"]
    assert found["Name"] == "Hillcrest College Ltd"


def test_a_dead_letter_is_listed_retried_and_discarded(
    client: httpx.Client, harness: Harness, wakes: list[tuple[str, str]]
) -> None:
    conn = harness.connection
    base = f"/v1/connections/{conn}"
    client.post(f"{base}/contacts", json=[contact(1)], headers=AUTH).raise_for_status()
    bad = [
        {**invoice(n), "lines": [{"description": "x", "unit_amount": "10", "account_code": "9999"}]}
        for n in (1, 2)
    ]
    client.post(f"{base}/invoices", json=bad, headers=AUTH).raise_for_status()
    harness.sync.push(conn)

    letters = client.get("/v1/dead-letters", headers=AUTH).json()
    assert sorted(d["app_id"] for d in letters) == ["order-1", "order-2"]
    status = client.get(f"{base}/invoices/order-1", headers=AUTH).json()
    assert status["state"] == "failed"
    assert status["errors"]
    wakes.clear()
    retried = client.post(f"/v1/dead-letters/{letters[0]['id']}/retry", headers=AUTH)
    discarded = client.post(f"/v1/dead-letters/{letters[1]['id']}/discard", headers=AUTH)
    assert (retried.json()["status"], discarded.json()["status"]) == ("retried", "discarded")
    assert wakes == [("push", conn)]
    assert client.get("/v1/dead-letters", headers=AUTH).json() == []
    again = client.post(f"/v1/dead-letters/{letters[0]['id']}/retry", headers=AUTH)
    assert again.status_code == 404
