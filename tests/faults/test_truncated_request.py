"""A client killed while its request body was on the wire (found by the killed-worker test):
Xero never sees a request that did not arrive whole, so nothing is written and its
Idempotency-Key stays unused. The emulator ran the handler on the half body it had (a 400,
remembered under the key), so the dead worker's successor, resending the batch whole under the
same key, was refused with "already used with a different request" and its 50 invoices were
dead-lettered without ever reaching Xero."""

from __future__ import annotations

import json
import socket
import time

import httpx

from tests.conftest import RunningEmulator
from tests.emulator.test_limits import TENANT_A, connect


def test_a_request_cut_off_mid_body_is_never_run_and_its_key_stays_unused(
    emulator: RunningEmulator,
) -> None:
    api = connect(emulator)
    body = json.dumps({"Contacts": [{"Name": f"Half Sent {n}"} for n in range(20)]}).encode()
    url = httpx.URL(emulator.api_url + "/Contacts")
    head = (
        f"PUT {url.raw_path.decode()} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
        f"Authorization: Bearer {api.token}\r\nxero-tenant-id: {TENANT_A}\r\n"
        "Idempotency-Key: cut-1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.host, url.port), timeout=5) as raw:
        raw.sendall(head + body[: len(body) // 2])
        time.sleep(0.2)  # the server has the headers and half the body; then the client dies
    time.sleep(0.3)

    whole = api.call(
        TENANT_A,
        "/Contacts",
        method="PUT",
        content=body,
        headers={"Idempotency-Key": "cut-1", "Content-Type": "application/json"},
    )

    assert whole.status_code == 200, whole.text
    names = [c["Name"] for c in whole.json()["Contacts"]]
    assert names == [f"Half Sent {n}" for n in range(20)]
