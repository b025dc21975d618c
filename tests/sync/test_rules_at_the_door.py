"""Bad input is refused with a message naming the record and what to do, before anything is
sent; a record naming another that is not in Xero yet waits for it instead of failing."""

from __future__ import annotations

import pydantic
import pytest

from tests.sync.conftest import Harness, contact, invoice


def puts_sent(harness: Harness, path: str) -> int:
    with harness.emulator.admin() as admin:
        found = admin.get("/requests", params={"method": "PUT"}).json()
    return sum(1 for r in found["requests"] if r["path"].endswith(f"/{path}"))


def test_a_wrong_account_code_is_refused_naming_record_and_code_and_nothing_is_sent(
    harness: Harness,
) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    bad = invoice(1)
    bad["lines"] = [{"description": "Widget", "unit_amount": "10", "account_code": "999"}]
    sync.submit(conn, "invoices", bad)

    report = sync.push(conn)

    assert report.rejected == 1
    assert puts_sent(harness, "Invoices") == 0
    [letter] = sync.dead_letters()
    assert letter.reason == "invalid_code"
    assert letter.messages == [
        "invoice order-1 line 1: account code '999' is not an active account in Xero"
    ]
    status = sync.status(conn, "invoices", "order-1")
    assert status is not None
    assert status.state == "failed"
    assert status.errors == letter.messages


def test_an_unknown_tax_class_names_the_mapping_to_fix(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    sync.submit(
        conn,
        "invoices",
        invoice(1) | {"lines": [{"description": "x", "unit_amount": "1", "tax_class": "standard"}]},
    )
    sync.push(conn)
    [letter] = sync.dead_letters()
    assert "tax class 'standard'" in letter.messages[0]
    assert "tax_types" in letter.messages[0]


def test_a_record_with_a_bad_shape_is_refused_when_handed_in(harness: Harness) -> None:
    with pytest.raises(pydantic.ValidationError, match="unit_amount"):
        harness.sync.submit(
            harness.connection, "invoices", invoice(1) | {"lines": [{"description": "x"}]}
        )


def test_an_invoice_naming_a_contact_never_handed_in_says_so(harness: Harness) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "invoices", invoice(1, customer=99))
    sync.push(conn)
    [letter] = sync.dead_letters()
    assert letter.messages == [
        "invoice order-1 names contact cust-99, which was never handed to xerosync: "
        "submit it, then retry this record"
    ]


def test_an_invoice_waits_for_its_refused_contact_and_goes_once_it_is_fixed(
    harness: Harness,
) -> None:
    sync, conn = harness.sync, harness.connection
    existing = harness.xero("Contacts")[0]["Name"]  # a name Xero already has: refused
    sync.submit(conn, "contacts", contact(1, name=existing))
    sync.submit(conn, "invoices", invoice(1))

    sync.push(conn)

    [letter] = sync.dead_letters()
    assert letter.app_id == "cust-1"
    assert "already assigned to another contact" in letter.messages[0]
    waiting = sync.status(conn, "invoices", "order-1")
    assert waiting is not None
    assert waiting.state == "pending"
    assert waiting.waiting_on == "contacts:cust-1"

    sync.submit(conn, "contacts", contact(1, name="A Name Of Its Own"))
    report = sync.push(conn)

    assert report.ok == 2
    assert sync.dead_letters() == []
    assert sync.status(conn, "invoices", "order-1").state == "synced"  # type: ignore[union-attr]
