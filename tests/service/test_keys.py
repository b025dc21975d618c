"""API keys kept in the store: hashed, shown once, each limited to the connections it names. A
key for one organisation gets 404 for everything of another, exactly as for what does not exist;
a revoked key gets 401; keys never reach the table, a log or a repr. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from tests.service.conftest import AUTH, JSON, running, service_settings
from tests.sync.conftest import Harness, contact
from xerosync.service import create_app
from xerosync.settings import Settings
from xerosync.store import feed
from xerosync.store.tables import ApiKeyRow, ConflictRow, DeadLetter


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def add_problems(harness: Harness, connection_id: str, tag: str) -> tuple[int, int]:
    """An open conflict, an open dead letter and a feed event on `connection_id`."""
    with harness.sync.db.transaction() as session:
        conflict = ConflictRow(
            connection_id=connection_id,
            entity="contacts",
            app_id=f"{tag}-c",
            fields=[{"field": "name", "base": "a", "app": "b", "xero": "c"}],
            rule="manual",
        )
        letter = DeadLetter(
            connection_id=connection_id,
            entity="contacts",
            app_id=f"{tag}-d",
            operation="upsert",
            reason="rejected",
            messages=["no"],
        )
        session.add_all([conflict, letter])
        feed.emit(
            session, connection_id=connection_id, entity="contacts", kind="pushed", app_id=tag
        )
        session.flush()
        return conflict.id, letter.id


@pytest.fixture
def other(harness: Harness) -> str:
    """A second organisation's connection, which the scoped key below may not see."""
    return harness.sync.add_connection("tenant-of-another-org", tenant_name="Other Org")


def test_a_scoped_key_sees_only_its_connection(
    client: httpx.Client, harness: Harness, other: str
) -> None:
    sync, mine = harness.sync, harness.connection
    row, key = sync.create_api_key("shop", [harness.tenant_id])  # a tenant id is taken too
    assert row.connections == [mine]
    scoped = bearer(key)
    client.post(f"/v1/connections/{other}/contacts", json=[contact(9)], headers=AUTH)
    their_conflict, their_letter = add_problems(harness, other, "theirs")
    my_conflict, _ = add_problems(harness, mine, "mine")

    assert [c["id"] for c in client.get("/v1/connections", headers=scoped).json()] == [mine]
    assert len(client.get("/v1/connections", headers=AUTH).json()) == 2
    ok = client.post(f"/v1/connections/{mine}/contacts", json=[contact(1)], headers=scoped)
    assert ok.status_code == 200, ok.text
    assert client.get(f"/v1/connections/{mine}/contacts/cust-1", headers=scoped).status_code == 200

    # another organisation's records are answered as if it did not exist
    for name in (other, "tenant-of-another-org"):
        refused = client.post(f"/v1/connections/{name}/contacts", json=[contact(2)], headers=scoped)
        unknown = client.post("/v1/connections/nope/contacts", json=[contact(2)], headers=scoped)
        assert refused.status_code == unknown.status_code == 404
        assert refused.json()["detail"] == unknown.json()["detail"].replace("nope", name)
        status = client.get(f"/v1/connections/{name}/contacts/cust-9", headers=scoped)
        assert status.status_code == 404
        for path in ("/v1/changes", "/v1/conflicts", "/v1/dead-letters"):
            assert client.get(path, params={"connection": name}, headers=scoped).status_code == 404
        for tail in ("reconciliation", "accounts", "finance", "reports/ProfitAndLoss"):
            assert client.get(f"/v1/connections/{name}/{tail}", headers=scoped).status_code == 404
        for tail in ("reconciliation", "reports/refresh"):
            assert client.post(f"/v1/connections/{name}/{tail}", headers=scoped).status_code == 404
    assert client.get(f"/v1/connections/{other}/contacts/cust-9", headers=AUTH).status_code == 200
    assert client.get(f"/v1/connections/{mine}/contacts/cust-2", headers=AUTH).status_code == 404
    assert client.get(f"/v1/connections/{mine}/accounts", headers=scoped).status_code == 200

    conflicts = client.get("/v1/conflicts", headers=scoped).json()
    assert [c["id"] for c in conflicts] == [my_conflict]
    assert {c["app_id"] for c in client.get("/v1/dead-letters", headers=scoped).json()} == {
        "mine-d"
    }
    changes = client.get("/v1/changes", headers=scoped).json()["changes"]
    assert {c["connection_id"] for c in changes} == {mine}
    assert {
        c["connection_id"] for c in client.get("/v1/changes", headers=AUTH).json()["changes"]
    } == {
        mine,
        other,
    }

    # nor may it settle another organisation's conflicts and dead letters
    resolve = client.post(
        f"/v1/conflicts/{their_conflict}/resolve", json={"choices": {"name": "app"}}, headers=scoped
    )
    assert resolve.status_code == 404
    assert resolve.json()["detail"] == f"no open conflict {their_conflict}"
    for action in ("retry", "discard"):
        done = client.post(f"/v1/dead-letters/{their_letter}/{action}", headers=scoped)
        assert done.status_code == 404
    assert their_conflict in [c["id"] for c in client.get("/v1/conflicts", headers=AUTH).json()]
    letters = client.get("/v1/dead-letters", params={"connection": other}, headers=AUTH).json()
    assert [d["status"] for d in letters] == ["open"]

    # the connection pages: its own organisation only; connecting more is for operators
    pages = client.get("/connections", headers={**scoped, **JSON}).json()
    assert [c["id"] for c in pages] == [mine]
    assert (
        client.post(f"/connections/{other}/disconnect", headers={**scoped, **JSON}).status_code
        == 404
    )
    assert client.get("/connect", headers=scoped, follow_redirects=False).status_code == 403
    assert [c.status for c in sync.connections()] == ["connected", "connected"]


def test_a_key_for_every_connection_and_a_revoked_key(
    client: httpx.Client, harness: Harness, other: str
) -> None:
    sync = harness.sync
    everything, key = sync.create_api_key("reporting")
    assert everything.connections is None
    assert len(client.get("/v1/connections", headers=bearer(key)).json()) == 2

    sync.revoke_api_key(everything.id)

    refused = client.get("/v1/connections", headers=bearer(key))
    assert refused.status_code == 401
    assert key not in refused.text
    assert client.get("/v1/connections", auth=("app", key)).status_code == 401  # Basic too
    [listed] = sync.api_keys()
    assert listed.revoked_at == harness.clock.now()
    with pytest.raises(LookupError, match="nope"):
        sync.revoke_api_key("nope")
    with pytest.raises(LookupError, match="no-such-tenant"):
        sync.create_api_key("x", [harness.connection, "no-such-tenant"])
    assert [k.id for k in sync.api_keys()] == [everything.id]  # nothing made


def test_only_the_hash_is_kept_and_the_key_is_in_no_repr_or_log(
    client: httpx.Client, harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    row, key = harness.sync.create_api_key("shop", [harness.connection])
    client.get("/v1/connections", headers=bearer(key)).raise_for_status()
    client.get("/v1/connections", headers=bearer(key + "x"))
    harness.sync.revoke_api_key(row.id)
    client.get("/v1/connections", headers=bearer(key))

    assert key.startswith("xs_")
    assert len(key) > 40
    with harness.sync.db.engine.connect() as c:
        [stored] = c.execute(text("SELECT * FROM api_keys")).mappings().all()
    assert stored["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert stored["prefix"] == key[:10]
    assert not any(key in str(value) for value in stored.values())
    for shown in (repr(row), repr(harness.sync.api_keys()), str(harness.sync.api_keys()[0])):
        assert key not in shown
        assert stored["key_hash"] not in shown
        assert row.prefix in shown
    assert key not in caplog.text
    assert key[10:] not in caplog.text


def test_last_used_is_written_at_most_once_a_minute(client: httpx.Client, harness: Harness) -> None:
    row, key = harness.sync.create_api_key("shop")
    assert row.last_used_at is None

    def last_used() -> Any:
        with harness.sync.db.transaction() as session:
            return session.scalar(select(ApiKeyRow.last_used_at))

    first = harness.clock.now()
    client.get("/v1/connections", headers=bearer(key)).raise_for_status()
    harness.clock.advance(59)
    client.get("/v1/connections", headers=bearer(key)).raise_for_status()
    assert last_used() == first
    harness.clock.advance(2)
    client.get("/v1/connections", headers=bearer(key)).raise_for_status()
    assert last_used() == first + timedelta(seconds=61)


@pytest.fixture
def keyless(harness: Harness, db_url: str) -> Iterator[httpx.Client]:
    """The service with no XEROSYNC_API_KEYS: only keys from the store open it."""
    settings: Settings = service_settings(db_url, harness.emulator, api_keys=[])
    with running(create_app(settings, sync=harness.sync)) as http:
        yield http


def test_closed_only_when_there_is_no_key_anywhere(keyless: httpx.Client, harness: Harness) -> None:
    closed = keyless.get("/v1/connections", headers=AUTH)
    assert closed.status_code == 503
    assert "xerosync keys create" in closed.json()["detail"]

    row, key = harness.sync.create_api_key("shop")

    assert keyless.get("/v1/connections", headers=bearer(key)).status_code == 200
    assert keyless.get("/v1/connections", headers=AUTH).status_code == 401  # not an operator key
    harness.sync.revoke_api_key(row.id)
    assert keyless.get("/v1/connections", headers=bearer(key)).status_code == 503


def test_reconciliation_over_rest(client: httpx.Client, harness: Harness, other: str) -> None:
    base = f"/v1/connections/{harness.connection}/reconciliation"
    never = client.get(base, headers=AUTH)
    assert never.status_code == 404
    assert "no reconciliation" in never.json()["detail"]
    client.post(base.replace("reconciliation", "contacts"), json=[contact(1)], headers=AUTH)
    harness.sync.push(harness.connection)

    ran = client.post(base, headers=AUTH)

    assert ran.status_code == 200, ran.text
    report = ran.json()
    assert report["connection_id"] == harness.connection
    assert report["checked"]["contacts"] >= 1
    assert report["calls"] >= 4
    assert not [i for i in report["items"] if i["app_id"] == "cust-1"]  # in step
    [xero_id] = [c["ContactID"] for c in harness.xero("Contacts") if c["Name"] == "Customer 1"]
    with harness.api() as api:
        api.post(
            "Contacts", json={"Contacts": [{"ContactID": xero_id, "Name": "Renamed in Xero"}]}
        ).raise_for_status()
    harness.clock.advance(60)

    drifted = client.post(f"/v1/connections/{harness.tenant_id}/reconciliation", headers=AUTH)

    [item] = [i for i in drifted.json()["items"] if i["app_id"] == "cust-1"]
    assert item["kind"] == "fields"
    assert item["app"]["name"] == "Customer 1"
    assert item["xero"]["name"] == "Renamed in Xero"
    assert not drifted.json()["clean"]
    last = client.get(base, headers=AUTH).json()
    assert last == drifted.json()
    ran_at, kept = harness.sync.last_reconciliation(harness.connection) or (None, {})
    assert ran_at == harness.clock.now()
    assert kept["items"] == drifted.json()["items"]
    assert client.get(f"/v1/connections/{other}/reconciliation", headers=AUTH).status_code == 404
    document = client.get("/openapi.json").json()
    assert "post" in document["paths"]["/v1/connections/{connection}/reconciliation"]
    assert "ReconciliationOut" in document["components"]["schemas"]
