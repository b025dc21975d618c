"""A person connects an organisation: /connect -> Xero's consent (the emulator, auto-approved)
-> /callback -> a connection; the sign-in under way lives in the database, sealed, for ten
minutes and one use."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select

from tests.conftest import RunningEmulator
from tests.service.conftest import API_KEY, AUTH, JSON, running, service_settings
from tests.sync.conftest import TOKEN_KEYS
from xerosync.api import XeroSync
from xerosync.clock import FakeClock
from xerosync.compose import xero_config
from xerosync.service import create_app
from xerosync.store.tables import OAuthState


def consent(client: httpx.Client) -> str:
    """/connect, then the browser at Xero's consent page; returns the callback's query."""
    started = client.get("/connect", auth=("finance", API_KEY), follow_redirects=False)
    assert started.status_code == 303, started.text
    page = httpx.get(started.headers["location"], follow_redirects=False, timeout=10)
    assert page.status_code in (302, 303), page.text
    return httpx.URL(page.headers["location"]).query.decode()


def test_a_person_connects_an_organisation_across_two_service_processes(
    emulator_auto: RunningEmulator, tmp_path: Path
) -> None:
    settings = service_settings(f"sqlite:///{tmp_path}/service.db", emulator_auto)
    first, second = create_app(settings), create_app(settings)  # each builds its own XeroSync
    with running(first) as one, running(second) as other:
        query = consent(one)
        with first.state.service.sync.db.transaction() as session:
            [pending] = session.scalars(select(OAuthState)).all()
        assert b"code_verifier" not in pending.sealed  # sealed with the token keys

        done = other.get(f"/callback?{query}", headers=JSON)

        assert done.status_code == 200, done.text
        [connected] = done.json()["connected"]
        assert connected["tenant_name"] == "Acme Ltd"
        assert connected["status"] == "connected"
        listed = one.get("/connections", headers={**AUTH, **JSON}).json()
        assert [c["id"] for c in listed] == [connected["id"]]
        assert "Acme Ltd" in one.get("/connections", auth=("x", API_KEY)).text  # HTML page
        again = other.get(f"/callback?{query}", headers=JSON)  # a state works once
        assert again.status_code == 400
        assert "start again" in again.json()["detail"]
        assert one.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_a_sign_in_expires_after_ten_minutes(
    emulator_auto: RunningEmulator, db_url: str, clock: FakeClock
) -> None:
    settings = service_settings(db_url, emulator_auto)
    sync = XeroSync.open(
        db_url, xero_config(settings), token_keys=TOKEN_KEYS, clock=clock, migrate=False
    )
    with sync, running(create_app(settings, sync=sync)) as client:
        query = consent(client)
        clock.advance(601)
        late = client.get(f"/callback?{query}")
        assert late.status_code == 400
        assert "expired" in late.text
        assert sync.connections() == []


def test_refused_consent_and_unknown_state_connect_nothing(
    emulator_auto: RunningEmulator, db_url: str, clock: FakeClock
) -> None:
    settings = service_settings(db_url, emulator_auto)
    sync = XeroSync.open(
        db_url, xero_config(settings), token_keys=TOKEN_KEYS, clock=clock, migrate=False
    )
    with sync, running(create_app(settings, sync=sync)) as client:
        query = httpx.QueryParams(consent(client))
        denied = client.get(
            "/callback", params={"error": "access_denied", "state": query["state"]}, headers=JSON
        )
        assert denied.status_code == 400
        assert "did not grant" in denied.json()["detail"]
        forged = client.get("/callback", params={"code": query["code"], "state": "forged"})
        assert forged.status_code == 400
        assert sync.connections() == []


def test_connection_pages_need_an_api_key(client: httpx.Client) -> None:
    for response in (
        client.get("/connect", follow_redirects=False),
        client.get("/connections", auth=("finance", "wrong")),
        client.post("/connections/x/disconnect", headers={"Authorization": "Bearer wrong"}),
    ):
        assert response.status_code == 401
        assert "Basic" in response.headers["www-authenticate"]


def test_disconnect_through_the_service(client: httpx.Client, harness: object) -> None:
    [connection] = client.get("/v1/connections", headers=AUTH).json()
    done = client.post(f"/connections/{connection['id']}/disconnect", headers={**AUTH, **JSON})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "disconnected"
    missing = client.post("/connections/nope/disconnect", headers={**AUTH, **JSON})
    assert missing.status_code == 404


def test_a_form_from_another_site_cannot_disconnect(client: httpx.Client) -> None:
    [connection] = client.get("/v1/connections", headers=AUTH).json()
    forged = client.post(
        f"/connections/{connection['id']}/disconnect",
        auth=("finance", API_KEY),  # the browser's cached Basic credentials
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert forged.status_code == 403
    assert client.get("/v1/connections", headers=AUTH).json()[0]["status"] == "connected"
    same_site = client.post(
        f"/connections/{connection['id']}/disconnect",
        auth=("finance", API_KEY),
        headers={"Origin": str(client.base_url).rstrip("/"), "Accept": "text/html"},
    )
    assert same_site.status_code == 303
    assert same_site.headers["location"] == "../../connections"
