"""Resources over a fake requester (httpx.MockTransport): what goes out on the wire for lists,
batched writes and look-ups, and what comes back to the caller."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from xerosync.xero.batching import Outcome
from xerosync.xero.models import Contact, Invoice
from xerosync.xero.resources import Resources

TENANT = "c2cc9b6e-9458-4c7d-93cc-f02b81b0594f"
Handler = Callable[[httpx.Request], httpx.Response]


class FakeRequester:
    """The `Requester` contract over a MockTransport: 2xx back, anything else raised."""

    def __init__(self, handler: Handler) -> None:
        self.calls: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.calls.append(request)
            return handler(request)

        self._http = httpx.Client(
            transport=httpx.MockTransport(record), base_url="https://api.xero.com/api.xro/2.0/"
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        tenant: str | None,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        if_modified_since: datetime | None = None,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if tenant:
            sent["xero-tenant-id"] = tenant
        if idempotency_key:
            sent["Idempotency-Key"] = idempotency_key
        if if_modified_since:
            sent["If-Modified-Since"] = if_modified_since.isoformat()
        response = self._http.request(method, path, params=params, json=json, headers=sent)
        response.raise_for_status()
        return response


def _invoice_store(count: int) -> Handler:
    invoices = [
        {"InvoiceID": f"id-{i}", "InvoiceNumber": f"INV-{i:05d}", "Type": "ACCREC", "Total": 10.5}
        for i in range(count)
    ]

    def handle(request: httpx.Request) -> httpx.Response:
        q = request.url.params
        page, size = int(q.get("page", "1")), int(q.get("pageSize", "100"))
        chunk = invoices[(page - 1) * size : page * size]
        count_pages = -(-len(invoices) // size)
        info = {
            "page": page,
            "pageSize": size,
            "pageCount": count_pages,
            "itemCount": len(invoices),
        }
        return httpx.Response(200, json={"pagination": info, "Invoices": chunk})

    return handle


def test_list_pages_as_used_with_the_largest_page_size() -> None:
    fake = FakeRequester(_invoice_store(2500))
    since = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    records = Resources.over(fake).invoices.list(
        tenant=TENANT,
        modified_since=since,
        where='Type=="ACCREC"',
        order="UpdatedDateUTC ASC",
        statuses=["AUTHORISED", "PAID"],
        ids=["a", "b"],
    )
    assert fake.calls == []  # nothing is asked before the caller iterates
    first = next(records)
    assert isinstance(first, Invoice)
    rest = list(records)
    assert len(rest) + 1 == 2500
    assert len(fake.calls) == 3  # ceil(2500 / 1000)
    calls = sorted(fake.calls, key=lambda c: int(c.url.params["page"]))  # 2 and 3 run together
    for number, call in enumerate(calls, start=1):
        assert call.method == "GET"
        assert call.url.path.endswith("/Invoices")
        assert call.url.params["page"] == str(number)
        assert call.url.params["pageSize"] == "1000"
        assert call.url.params["where"] == 'Type=="ACCREC"'
        assert call.url.params["order"] == "UpdatedDateUTC ASC"
        assert call.url.params["Statuses"] == "AUTHORISED,PAID"
        assert call.url.params["IDs"] == "a,b"
        assert call.headers["xero-tenant-id"] == TENANT
        assert call.headers["If-Modified-Since"] == since.isoformat()


def test_unpaged_endpoints_are_read_in_one_call() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        items = [{"ItemID": f"i{n}", "Code": f"C{n}"} for n in range(3)]
        return httpx.Response(200, json={"Items": items})

    fake = FakeRequester(handle)
    items = list(Resources.over(fake).items.list(tenant=TENANT, where='Code=="C1"'))
    assert [i.code for i in items] == ["C0", "C1", "C2"]
    [call] = fake.calls
    assert "page" not in call.url.params
    assert "pageSize" not in call.url.params
    assert call.url.params["where"] == 'Code=="C1"'


def _echo_writes(reject: Callable[[dict[str, Any]], str | None]) -> Handler:
    """Echo each record back as Xero does with summarizeErrors=false, rejecting some."""
    created = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal created
        assert request.url.params["summarizeErrors"] == "false"
        ((envelope, records),) = json.loads(request.content).items()
        out = []
        for record in records:
            message = reject(record)
            if message:
                out.append(
                    record
                    | {
                        "InvoiceID": "00000000-0000-0000-0000-000000000000",
                        "HasErrors": True,
                        "StatusAttributeString": "ERROR",
                        "ValidationErrors": [{"Message": message}],
                    }
                )
            else:
                created += 1
                out.append(
                    record
                    | {
                        "InvoiceID": record.get("InvoiceID") or f"new-{created}",
                        "StatusAttributeString": "OK",
                    }
                )
        return httpx.Response(200, json={envelope: out})

    return handle


def _new_invoices(n: int) -> list[Invoice]:
    return [
        Invoice(
            type="ACCREC",
            invoice_number=f"APP-{i:04d}",
            contact=Contact(name="Acme"),
            date=date(2026, 3, 1),
            line_items=[
                {
                    "Description": "Widget",
                    "Quantity": 1,
                    "UnitAmount": "12.50",
                    "AccountCode": "200",
                }
            ],  # type: ignore[list-item]
        )
        for i in range(n)
    ]


def test_batched_create_returns_each_records_outcome_in_input_order() -> None:
    bad = {"APP-0007", "APP-0060", "APP-0119"}
    fake = FakeRequester(
        _echo_writes(lambda r: "Invoice # must be unique." if r["InvoiceNumber"] in bad else None)
    )
    records = _new_invoices(120)
    outcomes = Resources.over(fake).invoices.create(
        records, tenant=TENANT, idempotency_key="outbox-77"
    )
    assert [c.method for c in fake.calls] == ["PUT"] * 3  # ceil(120 / 50)
    assert [c.headers["Idempotency-Key"] for c in fake.calls] == [
        "outbox-77.0",
        "outbox-77.1",
        "outbox-77.2",
    ]
    assert [len(json.loads(c.content)["Invoices"]) for c in fake.calls] == [50, 50, 20]
    assert [o.index for o in outcomes] == list(range(120))
    rejected = {records[o.index].invoice_number for o in outcomes if o.outcome is Outcome.REJECTED}
    assert rejected == bad
    assert all(
        o.outcome is Outcome.CREATED for o in outcomes if records[o.index].invoice_number not in bad
    )
    assert outcomes[7].messages == ("Invoice # must be unique.",)
    assert outcomes[8].record is not None
    assert outcomes[8].record.invoice_number == "APP-0008"
    assert outcomes[8].record.invoice_id


def test_create_or_update_posts_and_tells_updates_apart() -> None:
    fake = FakeRequester(_echo_writes(lambda r: None))
    existing = Invoice(invoice_id="abc", invoice_number="X-1", status="AUTHORISED")
    fresh = {"InvoiceNumber": "X-2", "Type": "ACCREC"}
    outcomes = Resources.over(fake).invoices.create_or_update([existing, fresh], tenant=TENANT)
    assert [c.method for c in fake.calls] == ["POST"]
    assert "Idempotency-Key" not in fake.calls[0].headers
    assert [o.outcome for o in outcomes] == [Outcome.UPDATED, Outcome.SAVED]


def test_written_records_leave_out_computed_fields() -> None:
    fake = FakeRequester(_echo_writes(lambda r: None))
    fetched = Invoice.model_validate(
        {
            "InvoiceID": "abc",
            "Total": 99.0,
            "AmountDue": 10.0,
            "UpdatedDateUTC": "/Date(1552326816230+0000)/",
            "Status": "AUTHORISED",
        }
    )
    Resources.over(fake).invoices.create_or_update([fetched], tenant=TENANT)
    [sent] = json.loads(fake.calls[0].content)["Invoices"]
    assert sent == {"InvoiceID": "abc", "Status": "AUTHORISED"}


def test_iter_create_hands_back_each_batch_before_the_next_call() -> None:
    calls = 0

    def flaky(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 2:
            return httpx.Response(503, text="The Organisation is offline")
        return _echo_writes(lambda r: None)(request)

    fake = FakeRequester(flaky)
    batches = Resources.over(fake).invoices.iter_create(
        _new_invoices(60), tenant=TENANT, idempotency_key="k"
    )
    first = next(batches)
    assert [o.index for o in first] == list(range(50))
    assert all(o.ok for o in first)
    with pytest.raises(httpx.HTTPStatusError):
        next(batches)
    assert calls == 2


def test_a_record_too_large_to_send_does_not_hold_back_the_others() -> None:
    fake = FakeRequester(_echo_writes(lambda r: None))
    contacts = Resources.over(fake, max_request_bytes=2000).contacts
    records = [Contact(name="A"), Contact(name="B" * 5000), Contact(name="C")]
    outcomes = contacts.create(records, tenant=TENANT)
    assert [o.outcome for o in outcomes] == [Outcome.CREATED, Outcome.NOT_SENT, Outcome.CREATED]
    assert "larger than a request" in outcomes[1].messages[0]
    assert len(fake.calls) == 1


def test_find_invoices_by_number_uses_the_invoice_numbers_filter() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        numbers = request.url.params["InvoiceNumbers"].split(",")
        found = [{"InvoiceID": f"id-{n}", "InvoiceNumber": n} for n in numbers if n.endswith("1")]
        return httpx.Response(
            200,
            json={
                "pagination": {
                    "page": 1,
                    "pageSize": 1000,
                    "pageCount": 1,
                    "itemCount": len(found),
                },
                "Invoices": found,
            },
        )

    fake = FakeRequester(handle)
    wanted = [f"INV-{i}" for i in range(100)]
    found = Resources.over(fake).invoices.find_by_numbers(wanted, tenant=TENANT)
    assert set(found) == {n for n in wanted if n.endswith("1")}
    assert found["INV-21"][0].invoice_id == "id-INV-21"
    assert len(fake.calls) == 3  # 40 numbers a call keeps the URL short
    assert all(len(str(c.url)) < 2000 for c in fake.calls)


def test_find_contacts_by_name_quotes_the_where_and_ignores_case() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.params["includeArchived"] == "true"
        return httpx.Response(
            200, json={"Contacts": [{"ContactID": "c1", "Name": 'ACME "Widgets" Ltd'}]}
        )

    fake = FakeRequester(handle)
    found = Resources.over(fake).contacts.find_by_names(
        ['Acme "Widgets" Ltd', "Nobody"], tenant=TENANT
    )
    assert list(found) == ['Acme "Widgets" Ltd']
    assert found['Acme "Widgets" Ltd'].contact_id == "c1"
    where = fake.calls[0].url.params["where"]
    assert where == 'Name=="Acme \\"Widgets\\" Ltd" OR Name=="Nobody"'


def test_find_bank_transactions_and_credit_notes_by_their_keys() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/BankTransactions"):
            return httpx.Response(
                200,
                json={
                    "BankTransactions": [
                        {"BankTransactionID": "b1", "Reference": "stripe-ch_1"},
                        {"BankTransactionID": "b2", "Reference": "other"},
                    ]
                },
            )
        return httpx.Response(
            200, json={"CreditNotes": [{"CreditNoteID": "n1", "CreditNoteNumber": "CN-1"}]}
        )

    fake = FakeRequester(handle)
    resources = Resources.over(fake)
    txns = resources.bank_transactions.find_by_references(["stripe-ch_1"], tenant=TENANT)
    assert {k: [t.bank_transaction_id for t in v] for k, v in txns.items()} == {
        "stripe-ch_1": ["b1"]
    }
    notes = resources.credit_notes.find_by_numbers(["CN-1", "CN-2"], tenant=TENANT)
    assert list(notes) == ["CN-1"]
    assert (
        fake.calls[1].url.params["where"] == 'CreditNoteNumber=="CN-1" OR CreditNoteNumber=="CN-2"'
    )


def test_payment_delete_posts_the_deleted_status() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"Payments": [{"PaymentID": "p1", "Status": "DELETED"}]})

    fake = FakeRequester(handle)
    payment = Resources.over(fake).payments.delete("p1", tenant=TENANT)
    assert payment.status == "DELETED"
    [call] = fake.calls
    assert (call.method, call.url.path) == ("POST", "/api.xro/2.0/Payments/p1")
    assert json.loads(call.content) == {"Payments": [{"Status": "DELETED"}]}


def test_reports_and_organisation() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/Organisation"):
            return httpx.Response(
                200,
                json={
                    "Organisations": [
                        {"OrganisationID": "o1", "Name": "Demo", "BaseCurrency": "NZD"}
                    ]
                },
            )
        return httpx.Response(
            200,
            json={
                "Reports": [
                    {
                        "ReportName": "Balance Sheet",
                        "Rows": [
                            {
                                "RowType": "Header",
                                "Cells": [{"Value": ""}, {"Value": "1 March 2026"}],
                            }
                        ],
                    }
                ]
            },
        )

    fake = FakeRequester(handle)
    resources = Resources.over(fake)
    assert resources.organisation.get(tenant=TENANT).base_currency == "NZD"
    report = resources.reports.balance_sheet(
        tenant=TENANT, on=date(2026, 3, 1), periods=2, standardLayout=True
    )
    assert report.header == ["", "1 March 2026"]
    call = fake.calls[1]
    assert call.url.path == "/api.xro/2.0/Reports/BalanceSheet"
    assert dict(call.url.params) == {"date": "2026-03-01", "periods": "2", "standardLayout": "true"}


def test_many_ids_are_split_across_calls_and_no_ids_cost_no_call() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["IDs"].split(",")
        return httpx.Response(200, json={"Contacts": [{"ContactID": i} for i in ids]})

    fake = FakeRequester(handle)
    contacts = Resources.over(fake).contacts
    wanted = [f"00000000-0000-0000-0000-{i:012d}" for i in range(120)]
    assert [c.contact_id for c in contacts.list(tenant=TENANT, ids=wanted)] == wanted
    assert [len(c.url.params["IDs"].split(",")) for c in fake.calls] == [50, 50, 20]
    assert list(contacts.list(tenant=TENANT, ids=[])) == []
    assert list(contacts.list(tenant=TENANT, statuses=[])) == []
    assert len(fake.calls) == 3


def test_unpaged_lists_are_lazy_too() -> None:
    fake = FakeRequester(lambda request: httpx.Response(200, json={"Accounts": [{"Code": "200"}]}))
    accounts = Resources.over(fake).accounts.list(tenant=TENANT)
    assert fake.calls == []
    assert [a.code for a in accounts] == ["200"]
    assert len(fake.calls) == 1


def _peak_bytes_listing(total: int) -> int:
    import tracemalloc

    def handle(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), int(request.url.params["pageSize"])
        first = (page - 1) * size
        chunk = [
            {
                "InvoiceID": f"id-{i}",
                "InvoiceNumber": f"INV-{i}",
                "Total": 10.5,
                "LineItems": [{"Description": "x" * 50}],
            }
            for i in range(first, min(first + size, total))
        ]
        info = {"page": page, "pageSize": size, "pageCount": -(-total // size), "itemCount": total}
        return httpx.Response(200, json={"pagination": info, "Invoices": chunk})

    fake = FakeRequester(handle)
    tracemalloc.start()
    try:
        count = sum(1 for _ in Resources.over(fake).invoices.list(tenant=TENANT))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == total
    return peak


@pytest.mark.slow
def test_memory_stays_flat_over_100000_records() -> None:
    small = _peak_bytes_listing(5_000)
    large = _peak_bytes_listing(100_000)
    print(f"peak while listing 5,000: {small:,} B; 100,000: {large:,} B")
    assert large < small * 1.5, (small, large)


def test_money_is_read_exactly_without_passing_through_float() -> None:
    # 1234567890123456.78 has no exact float: read as float it would come back ...56.8
    body = (
        '{"Invoices": [{"InvoiceID": "8a4f5c1e-8d3b-4a6e-9a53-3b9a1c1d0f11", "Type": "ACCREC",'
        ' "Total": 1234567890123456.78, "AmountDue": 0.10}]}'
    )

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    invoices = list(Resources.over(FakeRequester(handle)).invoices.list(tenant=TENANT))
    assert str(invoices[0].total) == "1234567890123456.78"
    assert str(invoices[0].amount_due) == "0.10"


def test_pages_xero_counted_are_fetched_ahead_never_past_the_last() -> None:
    """While the caller works on a page, the next two are on their way (one call at a time would
    leave a minute's budget unused while Xero takes a second a page); never one past the end."""
    fake = FakeRequester(_invoice_store(4500))
    pages = Resources.over(fake).invoices.pages(tenant=TENANT)

    first = next(pages)
    for _ in range(200):  # the two pages ahead are asked for without the caller asking
        if len(fake.calls) == 3:
            break
        threading.Event().wait(0.01)
    assert first.number == 1
    assert len(fake.calls) == 3
    assert [p.number for p in pages] == [2, 3, 4, 5]
    assert len(fake.calls) == 5  # ceil(4500 / 1000): no call past the last page


def test_a_caller_that_stops_early_leaves_the_rest_unasked() -> None:
    fake = FakeRequester(_invoice_store(9500))
    pages = Resources.over(fake).invoices.pages(tenant=TENANT)
    assert next(pages).number == 1
    pages.close()  # e.g. a pull that stopped on an error
    assert len(fake.calls) <= 3  # the first, and at most the two already on their way
