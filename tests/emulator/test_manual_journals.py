"""Manual journals over real HTTP: balance, forbidden accounts, statuses, paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    """The demo company without its seeded documents of the kinds under test."""
    with api_client(emulator) as (client, tenant_id):
        books = emulator.state.tenants[tenant_id].books
        for kind in ("ManualJournals",):
            books.entities[kind].reset()
        yield client


def journal(*lines: tuple[float, str], **fields: Any) -> dict[str, Any]:
    return {
        "Narration": "Accrual",
        "Date": "2026-01-31",
        "JournalLines": [{"LineAmount": amount, "AccountCode": code} for amount, code in lines],
        **fields,
    }


def errors(response: httpx.Response) -> list[str]:
    assert response.status_code == 400, response.text
    return [m["Message"] for m in response.json()["Elements"][0]["ValidationErrors"]]


def test_a_balanced_journal_is_stored_as_draft_then_posted(api: httpx.Client) -> None:
    response = api.put(
        "/ManualJournals", json={"ManualJournals": [journal((250, "469"), (-250, "850"))]}
    )
    assert response.status_code == 200, response.text
    made = response.json()["ManualJournals"][0]
    assert made["Status"] == "DRAFT"
    assert made["LineAmountTypes"] == "NoTax"
    assert made["ShowOnCashBasisReports"] is True
    assert [line["LineAmount"] for line in made["JournalLines"]] == [250, -250]
    posted = api.post(f"/ManualJournals/{made['ManualJournalID']}", json={"Status": "POSTED"})
    assert posted.status_code == 200, posted.text
    assert posted.json()["ManualJournals"][0]["Status"] == "POSTED"
    again = api.post(f"/ManualJournals/{made['ManualJournalID']}", json={"Status": "DELETED"})
    assert errors(again) == ["Manual Journal not of valid status for modification"]
    voided = api.post(f"/ManualJournals/{made['ManualJournalID']}", json={"Status": "VOIDED"})
    assert voided.json()["ManualJournals"][0]["Status"] == "VOIDED"


def test_an_unbalanced_journal_is_refused_with_xeros_message(api: httpx.Client) -> None:
    response = api.put(
        "/ManualJournals", json={"ManualJournals": [journal((100, "469"), (-10, "850"))]}
    )
    assert errors(response) == ["The total debits (100.00) must equal total credits (-10.00)"]
    assert api.get("/ManualJournals").json()["ManualJournals"] == []


def test_bank_system_and_inventory_accounts_are_refused(api: httpx.Client) -> None:
    for code, word in (("090", "bank"), ("610", "system"), ("960", "system"), ("630", "inventory")):
        response = api.put(
            "/ManualJournals", json={"ManualJournals": [journal((5, code), (-5, "850"))]}
        )
        message = errors(response)[0]
        assert code in message
        assert word in message


def test_narration_and_two_lines_are_required(api: httpx.Client) -> None:
    assert errors(
        api.put(
            "/ManualJournals",
            json={"ManualJournals": [journal((5, "469"), (-5, "850"), Narration="")]},
        )
    ) == ["Narration is a required field."]
    assert errors(api.put("/ManualJournals", json={"ManualJournals": [journal((0, "469"))]})) == [
        "A manual journal must have at least two journal lines."
    ]


def test_tax_exclusive_lines_carry_tax(api: httpx.Client) -> None:
    body = journal((100, "469"), (-115, "850"), LineAmountTypes="Exclusive")
    body["JournalLines"][1]["TaxType"] = "NONE"
    made = api.put("/ManualJournals", json={"ManualJournals": [body]}).json()["ManualJournals"][0]
    assert [line["TaxAmount"] for line in made["JournalLines"]] == [15, 0]


def test_paging_page_size_and_if_modified_since(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    batch = [journal((i + 1, "469"), (-(i + 1), "850")) for i in range(7)]
    assert api.put("/ManualJournals", json={"ManualJournals": batch}).status_code == 200
    emulator.clock.advance(5)
    since = emulator.clock.now().replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")
    late = api.put("/ManualJournals", json={"ManualJournals": [journal((9, "469"), (-9, "850"))]})
    late_id = late.json()["ManualJournals"][0]["ManualJournalID"]
    body = api.get("/ManualJournals", params={"page": 3, "pageSize": 3}).json()
    assert body["pagination"] == {"page": 3, "pageSize": 3, "pageCount": 3, "itemCount": 8}
    assert len(body["ManualJournals"]) == 2
    changed = api.get("/ManualJournals", headers={"If-Modified-Since": since}).json()
    assert [j["ManualJournalID"] for j in changed["ManualJournals"]] == [late_id]


def test_tax_exclusive_lines_balance_with_their_tax(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    """Exclusive: a line's tax is on top of its LineAmount, so the journal must balance gross
    (Xero's manual journal screen totals lines with their tax)."""
    taxed = {"LineAmount": 100, "AccountCode": "469", "TaxType": "INPUT2"}  # 15% GST
    net_only = journal(LineAmountTypes="Exclusive")
    net_only["JournalLines"] = [
        taxed,
        {"LineAmount": -100, "AccountCode": "850", "TaxType": "NONE"},
    ]
    response = api.put("/ManualJournals", json={"ManualJournals": [net_only]})
    assert errors(response) == ["The total debits (115.00) must equal total credits (-100.00)"]
    gross = journal(LineAmountTypes="Exclusive", Status="POSTED")
    gross["JournalLines"] = [taxed, {"LineAmount": -115, "AccountCode": "850", "TaxType": "NONE"}]
    made = api.put("/ManualJournals", json={"ManualJournals": [gross]})
    assert made.status_code == 200, made.text
    lines = made.json()["ManualJournals"][0]["JournalLines"]
    assert [(x["LineAmount"], x["TaxAmount"]) for x in lines] == [(100, 15), (-115, 0)]
    inclusive = journal((115, "469"), (-115, "850"), LineAmountTypes="Inclusive", Status="POSTED")
    inclusive["JournalLines"][0]["TaxType"] = "INPUT2"  # tax inside the amount: balances as is
    assert api.put("/ManualJournals", json={"ManualJournals": [inclusive]}).status_code == 200
    for tenant in emulator.state.tenants.values():
        assert tenant.books.ledger.problems == []
    trial = api.get("/Reports/TrialBalance", params={"date": "2026-01-31"}).json()["Reports"][0]
    total = next(
        r for s in trial["Rows"] for r in s.get("Rows", []) if r["RowType"] == "SummaryRow"
    )
    debit, credit = (total["Cells"][i]["Value"] for i in (1, 2))
    assert debit == credit
