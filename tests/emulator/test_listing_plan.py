"""`listing.run` answers exactly as a naive scan would, whichever plan it picks.

The reference filters every record with the compiled `where` and the entity filters,
sorts by update time (then `order`), and slices the page; `run` instead walks or sorts
index restrictions, skips predicates an index answered, and counts without sorting.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xerosync.emulator.books.listing import ListQuery, Page, run
from xerosync.emulator.books.query import parse_order, parse_where, sort_key
from xerosync.emulator.books.store import Collection, Record, index_key

START = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = ["DRAFT", "AUTHORISED", "PAID", "VOIDED"]
CONTACTS = [f"{n:08d}-0000-4000-8000-000000000000" for n in range(4)]
FIELDS = ["InvoiceID", "Status", "Type", "Contact", "Total", "Reference", "IsDiscounted"]


def build(count: int, seed: int) -> Collection:
    rng = random.Random(seed)
    collection = Collection(
        "Invoices",
        "InvoiceID",
        indexes={
            "Status": lambda r: index_key(r.get("Status")),
            "Type": lambda r: index_key(r.get("Type")),
            "Contact.ContactID": lambda r: index_key(r["Contact"].get("ContactID")),
            "Reference": lambda r: index_key(r.get("Reference") or None),
        },
        fields=FIELDS,
    )
    records = [
        {
            "InvoiceID": f"{n:08d}-1111-4000-8000-000000000000",
            "Status": rng.choice(STATUSES),
            "Type": rng.choice(["ACCREC", "ACCPAY"]),
            "Contact": {"ContactID": rng.choice(CONTACTS)},
            "Total": Decimal(rng.randrange(0, 500)),
            "Reference": rng.choice(["", "a", "B", "c"]),
            "IsDiscounted": rng.choice([True, False]),
            # Several records share a second, as If-Modified-Since must handle.
            "UpdatedDateUTC": START + timedelta(seconds=rng.randrange(0, count // 3 + 1)),
        }
        for n in range(count)
    ]
    collection.load(records, START)
    # Some updates after the load, so insertion order and update order differ.
    for record in rng.sample(list(collection.records.values()), count // 5):
        record["Status"] = rng.choice(STATUSES)
        collection.put(record, START + timedelta(seconds=rng.randrange(0, count // 3 + 1)))
    return collection


def reference(collection: Collection, query: ListQuery) -> Page:
    """The obvious O(all) answer, sorted from scratch."""
    where = parse_where(query.where, collection.fields, "Invoice") if query.where else None
    rows: list[Record] = []
    for record in sorted(
        collection.records.values(), key=lambda r: collection.order_key(r["InvoiceID"])
    ):
        record_id = record["InvoiceID"]
        if query.modified_since and collection.updated(record_id) < query.modified_since:
            continue
        if query.ids is not None and record_id not in {i.lower() for i in query.ids}:
            continue
        if any(
            str(_get(record, path)).lower() not in {str(v).lower() for v in values}
            for path, values in query.index_in.items()
        ):
            continue
        if record_id in query.exclude or not all(f(record) for f in query.filters):
            continue
        if where is not None and not where.predicate(record):
            continue
        rows.append(record)
    order_text = query.order or query.default_order
    if order_text:
        for key in reversed(parse_order(order_text, collection.fields, "Invoice")):
            rows.sort(key=sort_key(key.path), reverse=key.descending)
    if query.page is None:
        return Page(rows, None, max(len(rows), 1), len(rows))
    offset = (query.page - 1) * query.page_size
    return Page(rows[offset : offset + query.page_size], query.page, query.page_size, len(rows))


def _get(record: Record, path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        value = value.get(part)
    return value


WHERES = [
    None,
    'Status=="AUTHORISED"',
    'status == "authorised"',
    'Status=="PAID" AND Type=="ACCREC"',
    'Status=="PAID" && Total > 200',
    f'Contact.ContactID==Guid("{CONTACTS[1]}")',
    f'contact.contactid==GUID("{CONTACTS[2].upper()}") AND Status != "VOIDED"',
    'Status=="DRAFT" OR Status=="PAID"',
    '(Status=="DRAFT") AND Type=="ACCPAY"',
    'NOT Status=="DRAFT"',
    'Reference==""',
    'Reference=="b"',
    "IsDiscounted == false",
    "IsDiscounted == true",
    'InvoiceID==Guid("00000007-1111-4000-8000-000000000000")',
    'Status=="NOPE"',
]

queries = st.builds(
    lambda where, order, since, ids, statuses, contact, exclude, big, page, size: {
        "where": where,
        "order": order,
        "since": since,
        "ids": ids,
        "statuses": statuses,
        "contact": contact,
        "exclude": exclude,
        "big": big,
        "page": page,
        "size": size,
    },
    where=st.sampled_from(WHERES),
    order=st.sampled_from(
        [
            None,
            None,
            "Total DESC",
            "Status, Total",
            "Reference ASC",
            "Status",
            "status DESC",
            "Contact.ContactID DESC",
            "contact.contactid",
            "Type ASC",
        ]
    ),
    since=st.one_of(st.none(), st.integers(0, 120)),
    ids=st.one_of(st.none(), st.lists(st.integers(0, 400), max_size=30)),
    statuses=st.one_of(st.none(), st.lists(st.sampled_from(STATUSES), min_size=1, max_size=2)),
    contact=st.one_of(st.none(), st.sampled_from(CONTACTS)),
    exclude=st.sampled_from(["none", "contact0", "odd"]),
    big=st.booleans(),
    page=st.one_of(st.none(), st.integers(1, 12)),
    size=st.sampled_from([1, 7, 25, 100]),
)

COLLECTION = build(360, seed=7)


@settings(max_examples=600, deadline=None)
@given(queries)
def test_run_matches_a_full_scan(spec: dict[str, Any]) -> None:
    collection = COLLECTION
    query = ListQuery(where=spec["where"], order=spec["order"], page_size=spec["size"])
    if spec["since"] is not None:
        query.modified_since = START + timedelta(seconds=spec["since"])
    if spec["ids"] is not None:
        query.ids = [f"{n:08d}-1111-4000-8000-000000000000".upper() for n in spec["ids"]]
    if spec["statuses"] is not None:
        query.index_in["Status"] = spec["statuses"]
    if spec["contact"] is not None:
        query.index_in["Contact.ContactID"] = [spec["contact"]]
    if spec["exclude"] == "contact0":
        query.exclude = set(collection.find("Contact.ContactID", CONTACTS[0]))
    elif spec["exclude"] == "odd":
        query.exclude = {i for i in collection.records if int(i[:8]) % 2}
    if spec["big"]:
        query.filters.append(lambda r: r["Total"] >= 100)
    query.page = spec["page"]

    got = run(collection, query, "Invoice")
    want = reference(collection, query)

    assert [r["InvoiceID"] for r in got.records] == [r["InvoiceID"] for r in want.records]
    assert (got.item_count, got.page_count, got.page) == (
        want.item_count,
        want.page_count,
        want.page,
    )


def test_exact_where_is_left_to_the_index_and_mixed_where_is_not() -> None:
    fields = ["Status", "Total", "Contact"]
    assert parse_where('Status=="PAID"', fields, "Invoice").exact
    assert parse_where(
        f'Status=="PAID" AND Contact.ContactID==Guid("{CONTACTS[0]}")', fields, "Invoice"
    ).exact
    for text in (
        'Status=="PAID" AND Total > 1',
        'Status=="PAID" OR Status=="DRAFT"',
        '(Status=="PAID")',
        'NOT Status=="PAID"',
        "Total == 5",
    ):
        assert not parse_where(text, fields, "Invoice").exact, text


ORDERS = ["Status", "status DESC", "Contact.ContactID DESC", "Type ASC", "Reference", "Total"]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("since", [None, 40])
def test_every_page_of_an_indexed_order_matches_a_full_sort(order: str, since: int | None) -> None:
    query = ListQuery(order=order, page_size=45)
    if since is not None:
        query.modified_since = START + timedelta(seconds=since)
    seen: list[str] = []
    for page in range(1, 10):
        query.page = page
        got, want = run(COLLECTION, query, "Invoice"), reference(COLLECTION, query)
        assert [r["InvoiceID"] for r in got.records] == [r["InvoiceID"] for r in want.records]
        assert got.item_count == want.item_count
        seen += [r["InvoiceID"] for r in got.records]
    assert len(seen) == len(set(seen)) == want.item_count
