"""Webhook helpers: signatures over raw bytes (right key, wrong key, re-serialised body), payloads,
and the intent-to-receive answers Xero checks for."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from xerosync.xero.webhooks import (
    UNPARSABLE_STATUS,
    parse_payload,
    respond,
    sign,
    verify_signature,
)

KEY = "wh-key-6bYc0mYJx8xV1zD+Q1Y5u0m0x4Pzq0d9y3Jb2Sxk3Rg=="
# Xero's real intent-to-receive bytes carry odd spacing; re-serialising them breaks the HMAC.
ITR = b'{"events":[],"firstEventSequence": 0,"lastEventSequence": 0, "entropy": "LUWDSUDGSWNZVALZXBEV"}'
EVENT = (
    b'{"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777",'
    b'"resourceId":"717f2bfc-c6d4-41fd-b238-3f2f0c0cf777","eventDateUtc":"2024-06-21T01:15:39.902",'
    b'"eventType":"Update","eventCategory":"CONTACT","tenantId":"c2cc9b6e-9458-4c7d-93cc-f02b81b0594f",'
    b'"tenantType":"ORGANISATION"},'
    b'{"resourceUrl":"https://api.xero.com/api.xro/2.0/CreditNotes/55d84274-a3da-4829-a7c0-0cab601b95cc",'
    b'"resourceId":"55d84274-a3da-4829-a7c0-0cab601b95cc","tenantId":"aef86862-2015-4b6b-88bc-d89032cecc50",'
    b'"tenantType":"ORGANISATION","eventCategory":"CREDITNOTE","eventType":"CREATE",'
    b'"eventDateUtc":"2025-12-02T00:44:09.923","data":{"Type":"ACCPAYCREDIT","Status":"DRAFT"}}],'
    b'"firstEventSequence":76,"lastEventSequence":77,"entropy":"FXNGWLCCGVANWHKILRUB"}'
)


def _xero_signature(body: bytes, key: str) -> str:
    """Computed independently of the code under test, as Xero documents it."""
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def _swap_first_letter(signature: str) -> str:
    at = next(i for i, c in enumerate(signature) if c.isalpha())
    return signature[:at] + signature[at].swapcase() + signature[at + 1 :]


def test_sign_matches_xeros_definition() -> None:
    assert sign(ITR, KEY) == _xero_signature(ITR, KEY)


@pytest.mark.parametrize("body", [ITR, EVENT, b""])
def test_right_key_verifies(body: bytes) -> None:
    assert verify_signature(body, _xero_signature(body, KEY), KEY)


@pytest.mark.parametrize(
    ("body", "signature", "key"),
    [
        (ITR, _xero_signature(ITR, "another-apps-key"), KEY),  # wrong key
        (ITR, _xero_signature(ITR, KEY)[:-2] + "A=", KEY),  # one character off
        (ITR, _xero_signature(ITR, KEY).swapcase(), KEY),  # every letter's case changed
        (ITR, _swap_first_letter(_xero_signature(ITR, KEY)), KEY),  # one letter's case changed
        (json.dumps(json.loads(ITR)).encode(), _xero_signature(ITR, KEY), KEY),  # re-serialised
        (ITR + b" ", _xero_signature(ITR, KEY), KEY),  # a byte added
        (ITR, None, KEY),
        (ITR, "", KEY),
        (ITR, "not base64 at all ✓", KEY),
        (ITR, _xero_signature(ITR, ""), ""),  # no key configured never verifies
    ],
)
def test_anything_else_does_not(body: bytes, signature: str | None, key: str) -> None:
    assert not verify_signature(body, signature, key)


def test_intent_to_receive_gets_200_when_signed_and_401_when_not() -> None:
    status, payload = respond(ITR, _xero_signature(ITR, KEY), KEY)
    assert status == 200
    assert payload is not None
    assert payload.is_intent_to_receive
    assert payload.entropy == "LUWDSUDGSWNZVALZXBEV"
    assert respond(ITR, _xero_signature(ITR, "wrong"), KEY) == (401, None)
    assert respond(ITR, None, KEY) == (401, None)


def test_events_are_parsed_into_typed_events() -> None:
    status, payload = respond(EVENT, _xero_signature(EVENT, KEY), KEY)
    assert status == 200
    assert payload is not None
    assert not payload.is_intent_to_receive
    assert (payload.first_event_sequence, payload.last_event_sequence) == (76, 77)
    contact, note = payload.events
    assert contact.event_category == "CONTACT"
    assert contact.event_type == "UPDATE"  # docs' title case read as the spec's upper case
    assert contact.resource_id == "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777"
    assert contact.event_date_utc == datetime(2024, 6, 21, 1, 15, 39, 902000, tzinfo=UTC)
    assert contact.data is None
    assert note.data == {"Type": "ACCPAYCREDIT", "Status": "DRAFT"}
    assert note.tenant_id == "aef86862-2015-4b6b-88bc-d89032cecc50"


def test_dedupe_key_is_stable_across_redeliveries() -> None:
    first = parse_payload(EVENT).events[0]
    again = json.loads(EVENT)
    again["firstEventSequence"], again["lastEventSequence"] = 90, 91
    redelivered = parse_payload(json.dumps(again).encode()).events[0]
    assert redelivered.dedupe_key == first.dedupe_key
    assert parse_payload(EVENT).events[1].dedupe_key != first.dedupe_key


@pytest.mark.parametrize(
    "body",
    [b"not json", b'{"hello": "world"}', EVENT.replace(b'"resourceId"', b'"resourceID"')],
    ids=["not-json", "not-a-payload", "event-missing-a-field"],
)
def test_a_signed_body_that_does_not_parse_is_not_acknowledged(body: bytes) -> None:
    """A genuine delivery we cannot read must not get 200 (Xero would drop it): a 5xx, so it
    is retried; and no payload to act on."""
    with pytest.raises(ValidationError):
        parse_payload(body)
    status, payload = respond(body, _xero_signature(body, KEY), KEY)
    assert status == UNPARSABLE_STATUS
    assert status >= 500
    assert payload is None


def test_an_unparsable_body_with_a_bad_signature_is_still_401() -> None:
    body = b"not json"
    assert respond(body, _xero_signature(body, "wrong"), KEY) == (401, None)
    assert respond(body, None, KEY) == (401, None)
