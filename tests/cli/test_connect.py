"""`xerosync connect`: the consent page, Xero's redirect caught on a local port, the
organisations connected; a wrong or missing answer is said plainly."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest

from tests.cli.conftest import Invoke, set_env
from tests.conftest import EmulatorFactory, RunningEmulator
from tests.sync.conftest import TOKEN_KEYS
from xerosync.cli.connect import local_redirect
from xerosync.emulator import EmulatorConfig
from xerosync.store.db import Database
from xerosync.store.tables import ConnectionRow
from xerosync.testing import free_port


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def emulator(
    emulator_factory: EmulatorFactory,
    port: int,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    no_settings: None,
) -> RunningEmulator:
    """An emulator that approves at once, whose demo app lists the local redirect URI, with
    one organisation not yet connected."""
    running = emulator_factory(
        EmulatorConfig(
            auto_approve=True,
            webhook_pump_interval=0,
            demo_redirect_uris=[f"http://localhost:{port}/callback"],
        )
    )
    with running.admin() as admin:
        admin.post("/tenants", json={"name": "Acme Ltd", "seed_demo": True}).raise_for_status()
    set_env(monkeypatch, db_url, running)
    return running


@pytest.fixture
def browser() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(1) as pool:
        yield pool


def visit(url: str) -> httpx.Response:
    """A browser opening `url` once the command's local server is up."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return httpx.get(url, follow_redirects=True, timeout=10)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def rows(db_url: str) -> list[ConnectionRow]:
    database = Database(db_url)
    try:
        with database.transaction() as session:
            return list(session.query(ConnectionRow))
    finally:
        database.dispose()


def test_connect_catches_the_consent_and_connects_the_organisation(
    emulator: RunningEmulator,
    port: int,
    db_url: str,
    invoke: Invoke,
    browser: ThreadPoolExecutor,
) -> None:
    page: Future[httpx.Response] = browser.submit(visit, f"http://localhost:{port}/")

    result = invoke("connect", "--no-browser", "--port", str(port), "--by", "ops@example.com")

    assert result.exit_code == 0, result.output
    assert f"http://localhost:{port}/callback" in result.output
    assert "Acme Ltd" in result.output
    answer = page.result()
    assert answer.status_code == 200
    assert "Connected Acme Ltd" in answer.text
    [row] = rows(db_url)
    assert (row.tenant_name, row.status, row.connected_by) == (
        "Acme Ltd",
        "connected",
        "ops@example.com",
    )
    assert "code=" not in result.output  # the callback's code is never printed
    secrets = [emulator.state.config.demo_client_secret, *TOKEN_KEYS]
    assert not [s for s in secrets if s in result.output]


def test_a_callback_of_another_sign_in_is_refused_and_the_real_one_still_lands(
    emulator: RunningEmulator,
    port: int,
    db_url: str,
    invoke: Invoke,
    browser: ThreadPoolExecutor,
) -> None:
    def stray_then_real() -> tuple[httpx.Response, httpx.Response]:
        stray = visit(f"http://localhost:{port}/callback?code=stolen&state=not-this-one")
        return stray, visit(f"http://localhost:{port}/")

    pages = browser.submit(stray_then_real)

    result = invoke("connect", "--no-browser", "--port", str(port))

    assert result.exit_code == 0, result.output
    stray, real = pages.result()
    assert stray.status_code == 400
    assert "not the sign-in" in stray.text
    assert real.status_code == 200
    assert [r.tenant_name for r in rows(db_url)] == ["Acme Ltd"]


def test_no_answer_in_time_is_exit_code_1_naming_the_redirect_uri(
    emulator: RunningEmulator, port: int, db_url: str, invoke: Invoke
) -> None:
    result = invoke("connect", "--no-browser", "--port", str(port), "--timeout", "0.2")

    assert result.exit_code == 1
    assert "no answer from Xero's consent page within 0.2 s" in result.output
    assert f"http://localhost:{port}/callback" in result.output
    assert rows(db_url) == []


def test_a_port_in_use_is_exit_code_2(emulator: RunningEmulator, port: int, invoke: Invoke) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        result = invoke("connect", "--no-browser", "--port", str(port), "--timeout", "0")
    assert result.exit_code == 2
    assert f"cannot listen on port {port}" in result.output
    assert "--port" in result.output


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        (None, "http://localhost:8766/callback"),
        ("http://localhost:9000/xero/callback", "http://localhost:9000/xero/callback"),
        ("http://127.0.0.1:9001/callback", "http://127.0.0.1:9001/callback"),
        # a deployed service's address cannot be caught here: ask Xero for the local one
        ("https://sync.example.com/callback", "http://localhost:8766/callback"),
        ("http://localhost/callback", "http://localhost:8766/callback"),
    ],
)
def test_the_redirect_uri_is_the_configured_local_one_or_the_port(
    configured: str | None, expected: str
) -> None:
    assert local_redirect(configured, 8766) == expected
