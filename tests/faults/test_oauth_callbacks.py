"""Issue 10: "OAuth: state and PKCE checked; a replayed or foreign callback refused", at the
service. tests/service/test_connect.py covers a forged or unknown state, an expired sign-in and a
state used twice; here a code obtained in one person's sign-in is brought back with another
sign-in's state (a login-CSRF or code-injection attempt): the state is genuine, so only PKCE can
stop it, and it does: nothing is connected, and the state is spent."""

from __future__ import annotations

import httpx

from tests.conftest import RunningEmulator
from tests.service.conftest import API_KEY, JSON, running, service_settings
from tests.sync.conftest import TOKEN_KEYS
from xerosync.api import XeroSync
from xerosync.clock import FakeClock
from xerosync.compose import xero_config
from xerosync.service import create_app


def sign_in(client: httpx.Client) -> httpx.QueryParams:
    """/connect, then the consent page (approved at once); the callback's query."""
    started = client.get("/connect", auth=("finance", API_KEY), follow_redirects=False)
    assert started.status_code == 303, started.text
    page = httpx.get(started.headers["location"], follow_redirects=False, timeout=10)
    assert page.status_code in (302, 303), page.text
    return httpx.URL(page.headers["location"]).params


def test_a_code_from_another_sign_in_is_refused_by_pkce(
    emulator_auto: RunningEmulator, db_url: str, clock: FakeClock
) -> None:
    settings = service_settings(db_url, emulator_auto)
    sync = XeroSync.open(
        db_url, xero_config(settings), token_keys=TOKEN_KEYS, clock=clock, migrate=False
    )
    with sync, running(create_app(settings, sync=sync)) as client:
        mine, theirs = sign_in(client), sign_in(client)

        swapped = client.get(
            "/callback", params={"code": theirs["code"], "state": mine["state"]}, headers=JSON
        )
        assert swapped.status_code == 400, swapped.text
        assert sync.connections() == []
        tokens = [
            c for c in emulator_auto.state.requests.find() if c.path.endswith("/connect/token")
        ]
        assert [c.status for c in tokens] == [400]  # Xero was asked, and refused the verifier
        again = client.get(
            "/callback", params={"code": mine["code"], "state": mine["state"]}, headers=JSON
        )
        assert again.status_code == 400  # the state was spent by the refused attempt
        assert "start again" in again.json()["detail"]
        assert sync.connections() == []
