"""Documents read their contact's current name; the Contact.Name index agrees with a scan."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from xerosync.emulator.books.contact_names import NAME_INDEX, ContactNamedCollection, plain
from xerosync.emulator.books.store import Collection, index_key

NOW = datetime(2026, 1, 1, tzinfo=UTC)
NAMES = ["Acme", "acme", "Boom FM", "Ridgeway", "Zed"]


def books(contact_count: int) -> tuple[Collection, ContactNamedCollection]:
    contacts = Collection("Contacts", "ContactID", indexes={"Name": lambda r: index_key(r["Name"])})
    documents = ContactNamedCollection(
        "Invoices",
        "InvoiceID",
        contacts=contacts,
        indexes={"Contact.ContactID": lambda r: index_key(r["Contact"]["ContactID"])},
    )
    for n in range(contact_count):
        contacts.put({"ContactID": f"c{n}", "Name": NAMES[n % len(NAMES)]}, NOW)
    return contacts, documents


def test_a_rename_shows_in_documents_stored_before_it() -> None:
    contacts, documents = books(1)
    documents.put({"InvoiceID": "i1", "Contact": {"ContactID": "C0", "Name": "Acme"}}, NOW)
    contacts.put({"ContactID": "c0", "Name": "Acme Renamed"}, NOW)
    stored = documents.records["i1"]["Contact"]
    assert stored["Name"] == "Acme Renamed"
    assert plain(stored) == {"ContactID": "C0", "Name": "Acme Renamed"}
    assert json.dumps(plain(stored))  # what views hand to the encoder is plain data
    assert documents.find(NAME_INDEX, "acme renamed") == {"i1"}
    assert documents.find(NAME_INDEX, "Acme") == set()


def test_a_document_whose_contact_is_unknown_keeps_its_stored_name() -> None:
    _, documents = books(0)
    documents.load([{"InvoiceID": "i1", "Contact": {"ContactID": "gone", "Name": "Old"}}], NOW)
    assert documents.records["i1"]["Contact"]["Name"] == "Old"


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=6))
def test_the_name_index_and_its_buckets_agree_with_a_scan(seed: int, contact_count: int) -> None:
    rng = random.Random(seed)
    contacts, documents = books(contact_count)
    for n in range(rng.randint(0, 25)):
        contact_id = f"c{rng.randrange(contact_count)}"
        documents.put({"InvoiceID": f"i{n}", "Contact": {"ContactID": contact_id}}, NOW)
        if rng.random() < 0.3:  # renames between writes
            renamed = f"c{rng.randrange(contact_count)}"
            contacts.put({"ContactID": renamed, "Name": rng.choice(NAMES)}, NOW)
    for name in {*NAMES, "nobody"}:
        scanned = {
            i for i, r in documents.records.items() if r["Contact"]["Name"].lower() == name.lower()
        }
        assert documents.find(NAME_INDEX, name) == scanned
    buckets = documents.buckets(NAME_INDEX)
    assert sum(map(len, buckets.values())) == len(documents)
    for key, ids in buckets.items():
        assert all(documents.records[i]["Contact"]["Name"].lower() == key for i in ids)
