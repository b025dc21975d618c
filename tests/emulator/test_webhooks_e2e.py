"""End to end: contacts changed through the Accounting API reach a receiver as webhook events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from starlette.types import Receive, Scope, Send

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.emulator.test_webhooks import KEY, start_emulator
from xerosync.emulator.webhooks import WebhookReceiver
from xerosync.testing import serve
from xerosync.xero.webhooks import SIGNATURE_HEADER, WebhookPayload, respond

SCOPES = ["accounting.contacts", "accounting.transactions", "accounting.settings"]


@contextmanager
def subscribed_api(emulator: RunningEmulator, url: str) -> Iterator[httpx.Client]:
    """A seeded organisation, an app subscribed (handshake passed) and its API client."""
    with emulator.admin() as admin:
        app = admin.post("/apps", json={"webhook_url": url, "webhook_key": KEY}).json()
        tenant = admin.post("/tenants", json={"name": "Hooks Ltd", "seed_demo": True}).json()
        token = admin.post(
            "/tokens",
            json={
                "client_id": app["client_id"],
                "tenant_ids": [tenant["tenant_id"]],
                "scopes": SCOPES,
            },
        ).json()["access_token"]
        admin.put("/webhooks/settings", json={"resource_base": emulator.api_url})
        intent = admin.post(f"/webhooks/subscriptions/{app['client_id']}/intent").json()
        assert intent["status"] == "OK"
    headers = {"Authorization": f"Bearer {token}", "xero-tenant-id": tenant["tenant_id"]}
    with httpx.Client(base_url=emulator.api_url, headers=headers, timeout=30) as client:
        yield client


def kinds(receiver: WebhookReceiver) -> list[tuple[str, str, str]]:
    return [(e["eventCategory"], e["eventType"], e["resourceId"]) for e in receiver.events]


def test_a_contact_put_over_the_api_reaches_the_receiver(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url, subscribed_api(emulator, url) as api:
        made = api.put("/Contacts", json={"Contacts": [{"Name": "Webhook Widgets"}]})
        assert made.status_code == 200, made.text
        contact_id = made.json()["Contacts"][0]["ContactID"]
        emulator.state.webhooks.pump()
        (event,) = receiver.events  # the seeded demo data made no events
        assert (event["eventCategory"], event["eventType"]) == ("CONTACT", "CREATE")
        assert event["resourceId"] == contact_id
        assert event["resourceUrl"] == f"{emulator.api_url}/Contacts/{contact_id}"
        fetched = api.get(event["resourceUrl"])  # a receiver can follow the URL
        assert fetched.json()["Contacts"][0]["Name"] == "Webhook Widgets"

        renamed = api.post(f"/Contacts/{contact_id}", json={"Name": "Webhook Widgets Ltd"})
        assert renamed.status_code == 200, renamed.text
        refused = api.put("/Contacts", json={"Contacts": [{"Name": ""}]})
        assert refused.status_code == 400  # a refused record changes nothing: no event
        emulator.state.webhooks.pump()
    assert kinds(receiver) == [("CONTACT", "CREATE", contact_id), ("CONTACT", "UPDATE", contact_id)]


class ClientSideReceiver:
    """A receiver built on xerosync's own client helper (`xerosync.xero.webhooks.respond`),
    so the emulator and the client are checked against each other over HTTP."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.payloads: list[WebhookPayload] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        status, payload = respond(body, headers.get(SIGNATURE_HEADER), self.key)
        if payload is not None and not payload.is_intent_to_receive:
            self.payloads.append(payload)
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_xerosyncs_own_webhook_helper_passes_the_handshake_and_parses_the_events(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = ClientSideReceiver(KEY)
    with serve(receiver) as url, subscribed_api(emulator, url) as api:
        made = api.put("/Contacts", json={"Contacts": [{"Name": "Interop Ltd"}]})
        contact_id = made.json()["Contacts"][0]["ContactID"]
        emulator.state.webhooks.pump()
    (payload,) = receiver.payloads
    (event,) = payload.events
    assert (event.event_category, event.event_type, event.resource_id) == (
        "CONTACT",
        "CREATE",
        contact_id,
    )
    assert event.event_date_utc == emulator.clock.now().replace(microsecond=0)
    assert event.resource_url == f"{emulator.api_url}/Contacts/{contact_id}"
