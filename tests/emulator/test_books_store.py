"""The books' building blocks: dates, money, the indexed collection, seed, reset, load."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client
from xerosync.clock import FakeClock
from xerosync.emulator.books import Books
from xerosync.emulator.books.dates import (
    date_string,
    iso_z,
    ms_date,
    parse_date,
    parse_datetime,
    parse_if_modified_since,
)
from xerosync.emulator.books.money import money, round_to
from xerosync.emulator.books.render import UnitPrice, dumps
from xerosync.emulator.books.store import Collection
from xerosync.emulator.books.writes import (
    BadRequest,
    Invalid,
    WriteContext,
    apply_batch,
    batch_response,
    elements_of,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-03-31T00:00:00", date(2026, 3, 31)),
        ("2026-03-31T00:00:00+13:00", date(2026, 3, 31)),  # no shift across time zones
        ("/Date(1774915200000)/", date(2026, 3, 31)),
        ("/Date(1774915200000+0000)/", date(2026, 3, 31)),
    ],
)
def test_date_inputs(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_date_outputs() -> None:
    assert ms_date(date(2026, 3, 31)) == "/Date(1774915200000+0000)/"
    moment = datetime(2026, 3, 31, 10, 5, 7, 250_000, tzinfo=UTC)
    assert ms_date(moment) == "/Date(1774951507250+0000)/"
    assert date_string(date(2026, 3, 31)) == "2026-03-31T00:00:00"
    assert iso_z(moment) == "2026-03-31T10:05:07Z"
    assert parse_datetime("/Date(1774951507250+0000)/") == moment


def test_if_modified_since_is_truncated_to_the_second() -> None:
    assert parse_if_modified_since("2026-03-31T10:05:07.900Z") == datetime(
        2026, 3, 31, 10, 5, 7, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="unreadable"):
        parse_if_modified_since("yesterday")


def test_money_rounds_half_up_and_renders_as_numbers() -> None:
    assert round_to(Decimal("2.165")) == Decimal("2.17")
    assert money("10.005") == Decimal("10.01")
    body = {
        "Total": Decimal("115.50"),
        "UnitAmount": UnitPrice("24.1234"),
        "Date": date(2026, 1, 2),
    }
    assert dumps(body) == b'{"Total":115.5,"UnitAmount":24.12,"Date":"/Date(1767312000000+0000)/"}'
    assert b'"UnitAmount":24.1234' in dumps(body, unitdp=4)


def test_collection_indexes_follow_updates_and_removals() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    things = Collection("Things", "ThingID", indexes=["Status", "Contact.ContactID"])
    things.put({"ThingID": "A", "Status": "DRAFT", "Contact": {"ContactID": "C1"}}, now)
    things.put({"ThingID": "b", "Status": "DRAFT", "Contact": {"ContactID": "c2"}}, now)
    assert things.find("Status", "draft") == {"a", "b"}
    assert things.find("Contact.ContactID", "C2") == {"b"}
    later = now + timedelta(seconds=5)
    things.put({"ThingID": "a", "Status": "PAID", "Contact": {"ContactID": "C1"}}, later)
    assert things.find("Status", "DRAFT") == {"b"}
    assert things.ordered_ids() == ["b", "a"]
    assert things.ordered_ids(since=later) == ["a"]
    things.remove("A")
    assert things.find("Status", "PAID") == set()
    assert things.get("a") is None
    assert len(things) == 1


def test_seed_is_deterministic_per_tenant() -> None:
    one, two = Books("t-1", "One", FakeClock()), Books("t-1", "One", FakeClock())
    one.seed_demo()
    two.seed_demo()
    assert [c["ContactID"] for c in one.contacts.collection] == [
        c["ContactID"] for c in two.contacts.collection
    ]
    assert len(one.contacts.collection) == 20
    assert one.accounts.require_code("090")["Type"] == "BANK"


def test_bulk_load_takes_records_as_given(clock: FakeClock) -> None:
    books = Books("t", "Big", clock)
    stamp = datetime(2025, 6, 1, tzinfo=UTC)
    records = [books.contacts.blank(f"C{i}") | {"UpdatedDateUTC": stamp} for i in range(1000)]
    assert books.load("Contacts", records) == 1000
    assert books.contacts.by_active_name("c999") is not None
    assert books.contacts.collection.updated(records[0]["ContactID"]) == stamp


def test_reset_route_empties_and_reseeds(emulator: RunningEmulator) -> None:
    with api_client(emulator) as (api, tenant_id):
        api.put("/Contacts", json={"Contacts": [{"Name": "Temporary"}]})
        assert len(api.get("/Contacts").json()["Contacts"]) == 21
        with emulator.admin() as admin:
            reset = admin.post(f"/tenants/{tenant_id}/reset")
            assert reset.status_code == 200
            assert reset.json()["records"]["Contacts"] == 20
            empty = admin.post(f"/tenants/{tenant_id}/reset", json={"seed_demo": False})
            assert empty.json()["records"]["Contacts"] == 0
            assert admin.post("/tenants/nope/reset").status_code == 404
        assert api.get("/Contacts").json()["Contacts"] == []


class _Notes:
    """A minimal WriteEntity: notes need text; long text is accepted with a warning."""

    plural = "Notes"
    id_field = "NoteID"
    error_flag = "HasErrors"

    def __init__(self) -> None:
        self.collection = Collection("Notes", "NoteID", fields=["Text"])
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def match(self, data: dict[str, object]) -> dict[str, object] | None:
        return self.collection.get(data["NoteID"]) if data.get("NoteID") else None

    def create(self, data: dict[str, object], ctx: WriteContext) -> dict[str, object]:
        if not data.get("Text"):
            raise Invalid("A note needs text.", "Really.")
        if len(str(data["Text"])) > 5:
            ctx.warnings.append("That is a long note.")
        return self.collection.put(
            {"NoteID": f"n{len(self.collection)}", "Text": data["Text"]}, self.now
        )

    def update(
        self, record: dict[str, object], data: dict[str, object], ctx: WriteContext
    ) -> dict[str, object]:
        return self.collection.put({**record, **data}, self.now)

    def view(self, record: dict[str, object]) -> dict[str, object]:
        return dict(record)


def test_write_pipeline_reports_ok_warning_and_error_per_element() -> None:
    notes = _Notes()
    ctx = WriteContext(now=notes.now, summarize_errors=False)
    elements = elements_of({"Notes": [{"Text": "hi"}, {"Text": "a long one"}, {}]}, "Notes")
    outcomes = apply_batch(notes, elements, "create", ctx)
    status, body = batch_response(notes, outcomes, summarize_errors=False)
    assert status == 200
    shown = body["Notes"]
    assert [n["StatusAttributeString"] for n in shown] == ["OK", "WARNING", "ERROR"]
    assert shown[1]["Warnings"] == [{"Message": "That is a long note."}]
    assert shown[2]["HasErrors"] is True
    assert shown[2]["NoteID"] == "00000000-0000-0000-0000-000000000000"
    assert [e["Message"] for e in shown[2]["ValidationErrors"]] == ["A note needs text.", "Really."]
    status, error = batch_response(notes, outcomes, summarize_errors=True)
    assert status == 400
    assert len(error["Elements"]) == 1
    assert len(notes.collection) == 2  # the valid ones were stored in both modes


def test_envelopes_single_objects_and_bad_bodies() -> None:
    assert elements_of({"notes": [{"Text": "a"}]}, "Notes") == [{"Text": "a"}]
    assert elements_of({"Text": "a"}, "Notes") == [{"Text": "a"}]
    with pytest.raises(BadRequest):
        elements_of({"Notes": "nope"}, "Notes")
    with pytest.raises(BadRequest):
        elements_of(None, "Notes")
