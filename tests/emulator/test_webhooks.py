"""The emulator's webhooks, over real HTTP both ways: the intent-to-receive handshake,
signatures, and payloads exactly as xero-webhooks.yaml has them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from starlette.types import ASGIApp

from tests.conftest import EmulatorFactory, RunningEmulator
from tests.support.spec import SPEC_DIR
from xerosync.emulator.webhooks import WebhookReceiver
from xerosync.testing import serve

KEY = "k3y-for-tests-" + "x" * 40
XERO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$")  # 2024-06-21T01:15:39.902


# -- helpers shared with the other webhook test modules ----------------------------------


def start_emulator(factory: EmulatorFactory, **overrides: Any) -> RunningEmulator:
    """An emulator whose background runner is off: tests pump explicitly."""
    overrides.setdefault("webhook_pump_interval", 0)
    return factory(**overrides)


def subscribed_app(
    emulator: RunningEmulator, url: str, *, key: str = KEY, tenants: int = 1
) -> tuple[str, list[str]]:
    """Register an app with a webhook and connect it to new tenants: (client_id, tenant_ids)."""
    with emulator.admin() as admin:
        app = admin.post("/apps", json={"webhook_url": url, "webhook_key": key}).json()
        tenant_ids = [
            admin.post("/tenants", json={"name": f"Org {i}"}).json()["tenant_id"]
            for i in range(tenants)
        ]
        minted = admin.post(
            "/tokens",
            json={
                "client_id": app["client_id"],
                "tenant_ids": tenant_ids,
                "scopes": ["accounting.contacts"],
            },
        )
        assert minted.status_code == 201
    return app["client_id"], tenant_ids


def emit(emulator: RunningEmulator, tenant_id: str, category: str = "CONTACT", **extra: Any) -> str:
    with emulator.admin() as admin:
        response = admin.post(
            "/webhooks/events", json={"tenant_id": tenant_id, "category": category, **extra}
        )
    assert response.status_code == 201, response.text
    return str(response.json()["resource_id"])


def subscription(emulator: RunningEmulator, client_id: str) -> dict[str, Any]:
    with emulator.admin() as admin:
        return dict(admin.get(f"/webhooks/subscriptions/{client_id}").json())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_at(app: ASGIApp, port: int) -> Iterator[str]:
    """Like `xerosync.testing.serve`, on a fixed port, so a receiver can go down and come back."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive(), "receiver did not start"
            threading.Event().wait(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def xero_signature(key: str, body: bytes) -> str:
    """Computed here independently of the emulator's code."""
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


class _JsonLikeLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: the spec's example dates stay strings, as in JSON."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def webhooks_spec() -> dict[str, Any]:
    with open(SPEC_DIR / "xero-webhooks.yaml") as fh:
        spec: dict[str, Any] = yaml.load(fh, Loader=_JsonLikeLoader)
    return spec


def spec_validator(schema_name: str) -> Draft202012Validator:
    """A validator for a schema of xero-webhooks.yaml (OpenAPI 3.1 = JSON Schema 2020-12).

    Formats: uuid is checked; `date-time` is not, since Xero's own `eventDateUtc` (and the
    spec's example) has no zone, which RFC 3339 requires; the tests check it by pattern.
    """
    uri = "urn:xero-webhooks"
    registry = Registry().with_resource(uri, DRAFT202012.create_resource(webhooks_spec()))
    return Draft202012Validator(
        {"$ref": f"{uri}#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=FormatChecker(formats=["uuid"]),
    )


# -- the intent-to-receive handshake ------------------------------------------------------


def test_a_correct_receiver_passes_intent_to_receive(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        client_id, _ = subscribed_app(emulator, url)
        assert subscription(emulator, client_id)["status"] == "INTENT_REQUIRED"
        with emulator.admin() as admin:
            result = admin.post(f"/webhooks/subscriptions/{client_id}/intent").json()
    assert result["status"] == "OK", result
    assert len(receiver.bodies) == 4
    good = [b for b, sig in receiver.bodies if sig == xero_signature(KEY, b)]
    assert len(good) == 2  # and two deliberately mis-signed ones
    for body, _ in receiver.bodies:
        assert body.startswith(b'{"events":[],"firstEventSequence": 0,"lastEventSequence": 0, ')


def test_a_receiver_answering_200_to_everything_fails_the_handshake(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    with serve(WebhookReceiver(KEY, check_signatures=False)) as url:
        client_id, (tenant_id,) = subscribed_app(emulator, url)
        with emulator.admin() as admin:
            result = admin.post(f"/webhooks/subscriptions/{client_id}/intent").json()
            emitted = admin.post(
                "/webhooks/events", json={"tenant_id": tenant_id, "category": "CONTACT"}
            ).json()
    assert result["status"] == "ITR_FAILED"
    assert "Response to incorrectly signed payload not 401" in result["reason"]
    assert emitted["queued_for"] == 0  # no events for a subscription that is not OK


def test_a_receiver_rejecting_good_signatures_fails_the_handshake(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    with serve(WebhookReceiver("some other key")) as url:
        client_id, _ = subscribed_app(emulator, url)
        emulator.state.webhooks.pump()  # a pump runs the handshake a new subscription needs
    sub = subscription(emulator, client_id)
    assert sub["status"] == "ITR_FAILED"
    assert "correctly signed payload not 200" in sub["reason"]


def test_a_receiver_slower_than_the_timeout_fails_the_handshake(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory, webhook_timeout=0.1)
    with serve(WebhookReceiver(KEY, delay=0.4)) as url:
        client_id, _ = subscribed_app(emulator, url)
        with emulator.admin() as admin:
            result = admin.post(f"/webhooks/subscriptions/{client_id}/intent").json()
    assert result["status"] == "ITR_FAILED"
    assert "within 0.1 s" in result["reason"]


def test_changing_the_url_requires_a_new_handshake_and_moves_deliveries(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    old, new = WebhookReceiver(KEY), WebhookReceiver("new-key")
    with serve(old) as old_url, serve(new) as new_url:
        client_id, (tenant_id,) = subscribed_app(emulator, old_url)
        emulator.state.webhooks.pump()
        with emulator.admin() as admin:
            moved = admin.put(
                f"/webhooks/subscriptions/{client_id}", json={"url": new_url, "key": "new-key"}
            ).json()
        assert moved["status"] == "OK"
        emit(emulator, tenant_id)
        emulator.state.webhooks.pump()
    assert old.events == []
    assert len(new.events) == 1


# -- signatures and payloads ---------------------------------------------------------------


def test_a_delivery_verifies_with_the_key_and_not_with_another(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        _, (tenant_id,) = subscribed_app(emulator, url)
        emulator.state.webhooks.pump()
        emit(emulator, tenant_id)
        emulator.state.webhooks.pump()
    body, signature = receiver.bodies[-1]
    assert b'"events":[{' in body
    assert signature == xero_signature(KEY, body)
    assert signature != xero_signature(KEY + "x", body)
    assert signature != xero_signature(KEY, body + b" ")  # re-serialised bytes do not verify


def test_event_payloads_validate_against_the_webhooks_spec(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        client_id, (tenant_id,) = subscribed_app(emulator, url)
        emulator.state.webhooks.pump()
        contact = emit(emulator, tenant_id, "CONTACT", event_type="CREATE")
        invoice = emit(emulator, tenant_id, "INVOICE", event_type="UPDATE")
        emulator.state.webhooks.pump()
        note = emit(
            emulator,
            tenant_id,
            "CREDITNOTE",
            event_type="CREATE",
            data={"Type": "ACCRECCREDIT", "Status": "AUTHORISED"},
        )
        emulator.state.webhooks.pump()
    first, second = receiver.payloads
    assert not list(spec_validator("WebhookEvent").iter_errors(first))
    assert not list(spec_validator("CreditNoteWebhookEvent").iter_errors(second))
    assert (first["firstEventSequence"], first["lastEventSequence"]) == (1, 2)
    assert (second["firstEventSequence"], second["lastEventSequence"]) == (3, 3)
    assert re.fullmatch(r"[A-Z]{20}", first["entropy"])

    items = webhooks_spec()["components"]["schemas"]["WebhookEvent"]["properties"]["events"]
    spec_fields = set(items["items"]["properties"])
    by_id = {e["resourceId"]: e for e in receiver.events}
    assert set(by_id[contact]) == spec_fields  # exactly the spec's names, nothing else
    assert set(by_id[note]) == spec_fields | {"data"}
    assert by_id[contact]["eventType"] == "CREATE"
    assert by_id[contact]["eventCategory"] == "CONTACT"
    assert by_id[contact]["resourceUrl"] == f"https://api.xero.com/api.xro/2.0/Contacts/{contact}"
    assert by_id[invoice]["resourceUrl"].endswith(f"/Invoices/{invoice}")
    assert by_id[note]["resourceUrl"].endswith(f"/CreditNotes/{note}")
    assert by_id[note]["data"] == {"Type": "ACCRECCREDIT", "Status": "AUTHORISED"}
    for event in receiver.events:
        assert event["tenantId"] == tenant_id
        assert event["tenantType"] == "ORGANISATION"
        assert XERO_DATE.match(event["eventDateUtc"]), event["eventDateUtc"]
        assert urlsplit(event["resourceUrl"]).scheme == "https"
    assert client_id


def test_the_spec_validator_rejects_a_wrong_payload() -> None:
    """Guards the test above: the validator really applies the spec's schema."""
    validator = spec_validator("CreditNoteWebhookEvent")
    example = webhooks_spec()["webhooks"]["creditNotes"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]["creditNoteCreate"]["value"]
    assert not list(validator.iter_errors(example))
    broken = {**example, "events": [{**example["events"][0], "eventType": "Update"}]}
    assert list(validator.iter_errors(broken))
    assert list(validator.iter_errors({k: v for k, v in example.items() if k != "entropy"}))
    no_data = {
        **example,
        "events": [{k: v for k, v in example["events"][0].items() if k != "data"}],
    }
    assert list(validator.iter_errors(no_data))


def test_resource_urls_can_point_at_the_emulator(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        _, (tenant_id,) = subscribed_app(emulator, url)
        with emulator.admin() as admin:
            admin.put("/webhooks/settings", json={"resource_base": emulator.api_url + "/"})
        emulator.state.webhooks.pump()
        contact = emit(emulator, tenant_id)
        emulator.state.webhooks.pump()
    assert receiver.events[0]["resourceUrl"] == f"{emulator.api_url}/Contacts/{contact}"


# -- who gets which events -------------------------------------------------------------------


def test_events_go_only_to_subscribed_apps_connected_to_the_tenant(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    mine, theirs, silent = WebhookReceiver(KEY), WebhookReceiver(KEY), WebhookReceiver(KEY)
    with serve(mine) as url_a, serve(theirs) as url_b, serve(silent) as url_c:
        _, (tenant_a,) = subscribed_app(emulator, url_a)
        _, (tenant_b,) = subscribed_app(emulator, url_b)
        subscribed_app(emulator, url_c)  # subscribed, but never passes a handshake below
        emulator.state.webhooks.pump()
        with emulator.admin() as admin:
            for sub in admin.get("/webhooks/subscriptions").json():
                if sub["url"] == url_c:
                    admin.put(
                        f"/webhooks/subscriptions/{sub['client_id']}",
                        json={"url": url_c, "key": "wrong"},
                    )
        in_a = emit(emulator, tenant_a)
        emit(emulator, tenant_b, "INVOICE")
        emulator.state.webhooks.pump()
    assert [e["resourceId"] for e in mine.events] == [in_a]
    assert [e["eventCategory"] for e in theirs.events] == ["INVOICE"]
    assert silent.events == []


def test_categories_xero_does_not_send_are_refused(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory)
    _, (tenant_id,) = subscribed_app(emulator, "http://127.0.0.1:9/")
    for category, data in [("PAYMENT", None), ("BANKTRANSACTION", None), ("CREDITNOTE", None)]:
        with pytest.raises(ValueError, match=r"Xero sends no webhooks|need data"):
            emulator.state.webhooks.record(tenant_id, category, "UPDATE", "x", data=data)
    with emulator.admin() as admin:
        refused = admin.post(
            "/webhooks/events", json={"tenant_id": tenant_id, "category": "PAYMENT"}
        )
    assert refused.status_code == 422


def test_admin_never_shows_the_webhook_key(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory)
    receiver = WebhookReceiver(KEY)
    with serve(receiver) as url:
        client_id, (tenant_id,) = subscribed_app(emulator, url)
        emulator.state.webhooks.pump()
        emit(emulator, tenant_id)
        emulator.state.webhooks.pump()
        with emulator.admin() as admin:
            pages = [
                admin.get("/webhooks/subscriptions").text,
                admin.get(f"/webhooks/subscriptions/{client_id}").text,
                admin.get("/webhooks/deliveries").text,
                admin.get("/webhooks/queue").text,
            ]
    assert all(KEY not in page for page in pages)
    assert all(KEY not in repr(sub) for sub in emulator.state.webhooks._subs.values())


def test_unknown_apps_and_tenants_get_404_and_400(emulator_factory: EmulatorFactory) -> None:
    emulator = start_emulator(emulator_factory)
    with emulator.admin() as admin:
        assert admin.get("/webhooks/subscriptions/nope").status_code == 404
        assert admin.post("/webhooks/subscriptions/nope/intent").status_code == 404
        assert (
            admin.put(
                "/webhooks/subscriptions/nope", json={"url": "http://x", "key": "k"}
            ).status_code
            == 404
        )
    client_id, _ = subscribed_app(emulator, "http://127.0.0.1:9/")
    emulator.state.webhooks.sync()
    with emulator.admin() as admin:
        # a subscription exists now, so events are checked against the tenants
        assert (
            admin.post(
                "/webhooks/events", json={"tenant_id": "no-such-org", "category": "CONTACT"}
            ).status_code
            == 400
        )
        assert admin.delete(f"/webhooks/subscriptions/{client_id}").status_code == 204
        assert admin.get(f"/webhooks/subscriptions/{client_id}").status_code == 404
    assert httpx.get(f"{emulator.base_url}/_emulator/webhooks/queue").json() == []


def test_an_app_update_through_the_admin_reruns_the_handshake(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = start_emulator(emulator_factory)
    old, new = WebhookReceiver(KEY), WebhookReceiver(KEY)
    with serve(old) as old_url, serve(new) as new_url:
        client_id, (tenant_id,) = subscribed_app(emulator, old_url)
        emulator.state.webhooks.pump()
        with emulator.admin() as admin:
            patched = admin.patch(f"/apps/{client_id}", json={"webhook_url": new_url})
            assert patched.status_code == 200
        assert subscription(emulator, client_id)["status"] == "INTENT_REQUIRED"
        emit(emulator, tenant_id)  # not queued: the new URL has not passed a handshake yet
        assert emulator.state.webhooks.pending() == []
        counts = emulator.state.webhooks.pump()  # the handshake with the new URL
        assert counts["handshakes"] == 1
        assert subscription(emulator, client_id)["status"] == "OK"
        emit(emulator, tenant_id)
        emulator.state.webhooks.pump()
    assert len(old.bodies) == 4  # its handshake only
    assert len(new.bodies) == 5  # handshake + one delivery
    assert len(new.events) == 1
