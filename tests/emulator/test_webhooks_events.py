"""The pure parts of the emulator's webhooks, as tables: retry delays, which events may be
recorded, Xero's date format, payload bytes and signatures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from xerosync.emulator.webhooks import events as ev
from xerosync.emulator.webhooks.receiver import verify


@pytest.mark.parametrize(
    ("failures", "expected"),
    [(1, 5), (2, 10), (3, 20), (4, 40), (8, 640), (9, 900), (30, 900)],
)
def test_retry_delay_doubles_from_the_base_up_to_the_cap(failures: int, expected: float) -> None:
    assert ev.retry_delay(failures, base=5, cap=900) == expected


@pytest.mark.parametrize(
    ("category", "event_type", "data", "problem"),
    [
        ("CONTACT", "CREATE", None, None),
        ("INVOICE", "UPDATE", None, None),
        ("CREDITNOTE", "UPDATE", {"Type": "ACCPAYCREDIT", "Status": "VOIDED"}, None),
        ("PAYMENT", "UPDATE", None, "Xero sends no webhooks"),
        ("BANKTRANSACTION", "CREATE", None, "Xero sends no webhooks"),
        ("SUBSCRIPTION", "CREATE", None, "Xero sends no webhooks"),
        ("CONTACT", "Update", None, "CREATE or UPDATE"),
        ("CONTACT", "DELETE", None, "CREATE or UPDATE"),
        ("CREDITNOTE", "CREATE", None, "need data"),
        ("CREDITNOTE", "CREATE", {"Type": "ACCREC", "Status": "DRAFT"}, "Type must be"),
        ("CREDITNOTE", "CREATE", {"Type": "ACCRECCREDIT", "Status": "OPEN"}, "Status must be"),
        ("INVOICE", "CREATE", {"Type": "ACCREC"}, "carry no data"),
    ],
)
def test_which_events_may_be_recorded(
    category: str, event_type: str, data: dict[str, str] | None, problem: str | None
) -> None:
    found = ev.check_event(category, event_type, data)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 6, 21, 1, 15, 39, 902_345, tzinfo=UTC), "2024-06-21T01:15:39.902"),
        (datetime(2026, 1, 1, tzinfo=UTC), "2026-01-01T00:00:00.000"),
        # another zone is turned to UTC, not written with its local time
        (
            datetime(2026, 1, 1, 12, 0, 0, 5_000, tzinfo=timezone(timedelta(hours=13))),
            "2025-12-31T23:00:00.005",
        ),
    ],
)
def test_event_dates_are_utc_milliseconds_without_a_zone(moment: datetime, expected: str) -> None:
    assert ev.event_date(moment) == expected


def test_a_batch_is_compact_json_in_the_specs_field_order() -> None:
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    events = [
        ev.Event(7, "t-1", "ORGANISATION", "CONTACT", "CREATE", "c-1", when),
        ev.Event(
            8,
            "t-1",
            "ORGANISATION",
            "CREDITNOTE",
            "UPDATE",
            "n-1",
            when,
            {"Type": "ACCRECCREDIT", "Status": "PAID"},
        ),
    ]
    batch = ev.batch(events, "https://api.xero.com/api.xro/2.0/")
    payload = json.loads(batch.body)
    assert list(payload) == ["events", "firstEventSequence", "lastEventSequence", "entropy"]
    assert (batch.first_sequence, batch.last_sequence) == (7, 8)
    assert (payload["firstEventSequence"], payload["lastEventSequence"]) == (7, 8)
    assert payload["events"][0] == {
        "resourceUrl": "https://api.xero.com/api.xro/2.0/Contacts/c-1",
        "resourceId": "c-1",
        "eventDateUtc": "2026-03-04T05:06:07.000",
        "eventType": "CREATE",
        "eventCategory": "CONTACT",
        "tenantId": "t-1",
        "tenantType": "ORGANISATION",
    }
    assert payload["events"][1]["resourceUrl"].endswith("/CreditNotes/n-1")
    assert payload["events"][1]["data"] == {"Type": "ACCRECCREDIT", "Status": "PAID"}
    assert b": " not in batch.body  # compact: the bytes are what is signed


def test_signatures_verify_only_with_their_key_and_bytes() -> None:
    body = ev.intent_body()
    good = ev.sign("key-1", body)
    assert verify("key-1", body, good)
    assert not verify("key-2", body, good)
    assert not verify("key-1", body.replace(b": ", b":"), good)
    forged = ev.forged_signature("key-1", body)
    assert forged != good
    assert not verify("key-1", body, forged)
    assert len(forged) == len(good) == 44  # well-formed base64 of 32 bytes either way
    assert json.loads(body)["events"] == []
    assert ev.intent_body() != body  # fresh entropy each time
