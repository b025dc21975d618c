"""`xerosync emulator` as a person runs it: a process serving the consent page, tokens,
connections and the seeded demo organisation, with the ready-made app it prints."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from xerosync.emulator import EmulatorConfig
from xerosync.testing import free_port
from xerosync.xero import MemoryTokenStore, XeroClient, XeroConfig


@pytest.fixture
def running() -> Iterator[tuple[str, str]]:
    """The command in its own process; its address and what it printed."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from xerosync.cli.main import app; app()",
            "emulator",
            "--port",
            str(port),
            "--auto-approve",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    printed: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:  # the banner comes before the server starts
            printed.append(line)
            if "tenant" in line:
                break
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/identity/connect/authorize", timeout=5)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "".join(printed)
                time.sleep(0.05)
        yield base, "".join(printed)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def test_the_emulator_command_serves_a_connectable_demo_organisation(
    running: tuple[str, str],
) -> None:
    base, printed = running
    demo = EmulatorConfig()
    assert demo.demo_client_id in printed
    assert f"api           {base}/api.xro/2.0" in printed
    config = XeroConfig.for_emulator(
        base,
        client_id=demo.demo_client_id,
        client_secret=demo.demo_client_secret,
        redirect_uri=demo.demo_redirect_uris[0],
        scopes=("offline_access", "accounting.contacts"),
    )
    with XeroClient(config, token_store=MemoryTokenStore()) as client:
        start = client.oauth.authorization_request()
        consent = httpx.get(start.url, follow_redirects=False, timeout=10)
        assert consent.status_code in (302, 303), consent.text
        [connection] = client.connect(consent.headers["location"], start)
        assert connection.tenant_name in printed
        contacts = client.contacts.list(tenant=connection.tenant_id)
        assert next(iter(contacts)).name
