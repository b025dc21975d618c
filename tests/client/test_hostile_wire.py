"""The client against hostile servers on real sockets: where the bearer token may go,
redirects, answers too large or too slow, and what goes out on the wire."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from tests.client.hostile_server import Received, Reply, hostile_server
from xerosync.errors import ConfigError, RequestRejected, ResponseTooLarge, XeroTimeout
from xerosync.xero import MemoryTokenStore, TokenSet, XeroClient, XeroConfig
from xerosync.xero.auth.tokens import DEFAULT_KEY

TOKENS = TokenSet(
    "AT-wire-0123456789", "RT-wire-0123456789", datetime.now(UTC) + timedelta(hours=1)
)


def ok(request: Received) -> Reply:
    return Reply(200, b'{"Invoices": []}', {"Content-Type": "application/json"})


def client_for(url: str, http: httpx.Client | None = None, **settings: object) -> XeroClient:
    store = MemoryTokenStore()
    store.save(DEFAULT_KEY, TOKENS)
    config = XeroConfig.for_emulator(
        url, client_id="app", client_secret="wire-secret-value", **settings
    )
    return XeroClient(config, token_store=store, http_client=http)


def test_the_bearer_token_goes_only_to_the_configured_origins() -> None:
    with hostile_server(ok) as xero, hostile_server(ok) as elsewhere:
        client = client_for(xero.url)
        with pytest.raises(ConfigError, match="refusing"):
            client.request("GET", f"{elsewhere.url}/api.xro/2.0/Invoices", tenant="t")
        client.request("GET", f"{xero.url}/api.xro/2.0/Invoices", tenant="t")  # absolute, ours
        client.request("GET", "Invoices?where=http://elsewhere", tenant="t")  # relative
    assert elsewhere.received == []
    assert len(xero.received) == 2


def test_redirects_are_not_followed_even_by_a_callers_client_that_would() -> None:
    with hostile_server(ok) as elsewhere:

        def redirect(request: Received) -> Reply:
            return Reply(307, b"", {"Location": f"{elsewhere.url}/steal"})

        with hostile_server(redirect) as xero:
            http = httpx.Client(follow_redirects=True)
            client = client_for(xero.url, http=http)
            with pytest.raises(RequestRejected):
                client.request("GET", "Invoices", tenant="t")
            with pytest.raises(RequestRejected):
                client.oauth.refresh("RT-wire-0123456789")
    assert elsewhere.received == []


def test_a_decompression_bomb_is_not_read_past_the_cap() -> None:
    bomb = gzip.compress(b"0" * (32 * 1024 * 1024))  # ~32 KB on the wire, 32 MiB decoded

    def script(request: Received) -> Reply:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        return Reply(200, bomb, headers)

    with hostile_server(script) as xero:
        client = client_for(xero.url, max_response_bytes=1024 * 1024)
        with pytest.raises(ResponseTooLarge):
            client.request("GET", "Invoices", tenant="t")


def test_a_gzip_answer_under_the_cap_is_read_decoded() -> None:
    def script(request: Received) -> Reply:
        body = gzip.compress(b'{"Invoices": [{"InvoiceID": "a"}]}')
        return Reply(200, body, {"Content-Type": "application/json", "Content-Encoding": "gzip"})

    with hostile_server(script) as xero:
        response = client_for(xero.url).request("GET", "Invoices", tenant="t")
    assert response.json() == {"Invoices": [{"InvoiceID": "a"}]}


def test_a_trickling_answer_is_cut_at_the_deadline() -> None:
    def script(request: Received) -> Reply:
        return Reply(200, b'{"Invoices": []}' + b" " * 200, {}, trickle=0.05)  # ~10 s

    with hostile_server(script) as xero:
        client = client_for(xero.url, timeout=1.0, deadline=1.0, max_attempts=1)
        start = time.monotonic()
        with pytest.raises(XeroTimeout):
            client.request("GET", "Invoices", tenant="t")
    assert time.monotonic() - start < 3.0


def test_money_in_a_plain_dict_goes_out_as_exact_json_numbers() -> None:
    def echo(request: Received) -> Reply:
        return Reply(200, request.body, {"Content-Type": "application/json"})

    with hostile_server(echo) as xero:
        client = client_for(xero.url)
        payload = {
            "Invoices": [{"Total": Decimal("12.34"), "Qty": Decimal("3"), "Rate": Decimal("0.1")}]
        }
        client.request("POST", "Invoices", tenant="t", json=payload)
        [outcome] = client.invoices.create_or_update(
            [{"Type": "ACCREC", "Total": Decimal("99.99")}], tenant="t"
        )
    assert outcome.ok
    sent = json.loads(xero.received[0].body)
    assert sent == {"Invoices": [{"Total": 12.34, "Qty": 3, "Rate": 0.1}]}
    assert b"12.34" in xero.received[0].body
    assert xero.received[0].headers["content-type"] == "application/json"
    assert b"99.99" in xero.received[1].body


def test_if_modified_since_carries_its_utc_designator() -> None:
    with hostile_server(ok) as xero:
        client = client_for(xero.url)
        client.request("GET", "Invoices", tenant="t", if_modified_since=datetime(2026, 1, 1))
        client.request(
            "GET", "Invoices", tenant="t", if_modified_since=datetime(2026, 1, 1, tzinfo=UTC)
        )
    assert [r.headers["if-modified-since"] for r in xero.received] == [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00Z",
    ]
