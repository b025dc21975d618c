"""Reports and Journals over real HTTP: documents written through the API move the numbers.

Every response is checked against Xero's spec by the `emulator` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from tests.conftest import RunningEmulator
from tests.support.books_api import api_client


@pytest.fixture
def api(emulator: RunningEmulator) -> Iterator[httpx.Client]:
    with api_client(emulator) as (client, _):
        yield client
    for tenant in emulator.state.tenants.values():
        assert tenant.books.ledger.problems == [], "every stored document posted"


def report(api: httpx.Client, name: str, **params: Any) -> dict[str, Any]:
    response = api.get(f"/Reports/{name}", params=params)
    assert response.status_code == 200, response.text
    reports = response.json()["Reports"]
    assert len(reports) == 1
    found: dict[str, Any] = reports[0]
    return found


def figures(found: dict[str, Any], label: str) -> list[Decimal]:
    for row in found["Rows"]:
        for inner in [row, *row.get("Rows", [])]:
            cells = inner.get("Cells") or []
            if cells and cells[0]["Value"] == label:
                return [Decimal(c["Value"].rstrip("%") or "0") for c in cells[1:]]
    return []


def figure(found: dict[str, Any], label: str) -> Decimal:
    values = figures(found, label)
    return values[0] if values else Decimal(0)


def put(api: httpx.Client, plural: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.put(f"/{plural}", json={plural: [body]})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()[plural][0]
    return result


def sale(api: httpx.Client, amount: int, contact: str = "Ridgeway University") -> dict[str, Any]:
    return put(
        api,
        "Invoices",
        {
            "Type": "ACCREC",
            "Status": "AUTHORISED",
            "Contact": {"Name": contact},
            "Date": "2026-01-05",
            "DueDate": "2026-02-05",
            "LineItems": [
                {
                    "Description": "Consulting",
                    "Quantity": 1,
                    "UnitAmount": amount,
                    "AccountCode": "200",
                }
            ],
        },
    )


def test_an_approved_paid_and_voided_sale_moves_the_reports(api: httpx.Client) -> None:
    january = {"fromDate": "2026-01-01", "toDate": "2026-01-31"}
    sheet_before = report(api, "BalanceSheet", date="2026-01-31")
    profit_before = report(api, "ProfitAndLoss", **january)
    bank_before = report(api, "BankSummary", **january)

    invoice = sale(api, 1000)
    total, subtotal = Decimal(str(invoice["Total"])), Decimal(str(invoice["SubTotal"]))
    sheet = report(api, "BalanceSheet", date="2026-01-31")
    profit = report(api, "ProfitAndLoss", **january)
    assert (
        figure(sheet, "Accounts Receivable") - figure(sheet_before, "Accounts Receivable") == total
    )
    assert figure(profit, "Sales") - figure(profit_before, "Sales") == subtotal
    assert figure(profit, "Net Profit") - figure(profit_before, "Net Profit") == subtotal

    paid = api.put(
        "/Payments",
        json={
            "Payments": [
                {
                    "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                    "Account": {"Code": "090"},
                    "Amount": float(total),
                    "Date": "2026-01-20",
                }
            ]
        },
    )
    assert paid.status_code == 200, paid.text
    sheet = report(api, "BalanceSheet", date="2026-01-31")
    bank = report(api, "BankSummary", **january)
    assert figure(sheet, "Accounts Receivable") == figure(sheet_before, "Accounts Receivable")
    received = (
        figures(bank, "Business Bank Account")[1] - figures(bank_before, "Business Bank Account")[1]
    )
    assert received == total
    assert figures(bank, "Business Bank Account")[3] == figure(sheet, "Business Bank Account")

    other = sale(api, 250)
    voided = api.post(f"/Invoices/{other['InvoiceID']}", json={"Invoices": [{"Status": "VOIDED"}]})
    assert voided.status_code == 200, voided.text
    profit_after_void = report(api, "ProfitAndLoss", **january)
    assert figure(profit_after_void, "Sales") == figure(profit, "Sales")


def test_the_seeded_books_balance_on_every_report(api: httpx.Client) -> None:
    for day in ("2025-12-31", "2026-01-31", "2026-03-31", "2026-04-01"):
        sheet = report(api, "BalanceSheet", date=day, periods=2, timeframe="MONTH")
        assets, liabilities = figures(sheet, "Total Assets"), figures(sheet, "Total Liabilities")
        equity = figures(sheet, "Total Equity")
        assert len(equity) == 3
        assert [a - x for a, x in zip(assets, liabilities, strict=True)] == equity
        trial = report(api, "TrialBalance", date=day)
        debit, credit, ytd_debit, ytd_credit = figures(trial, "Total")
        assert (debit, ytd_debit) == (credit, ytd_credit)
        assert ytd_debit > 0
        summary = report(api, "ExecutiveSummary", date=day)
        month_end_sheet = report(api, "BalanceSheet", date=day)
        if day.endswith(("-31", "-30")):
            assert figure(summary, "Net assets") == figure(month_end_sheet, "Net Assets")
            assert figure(summary, "Closing bank balance") == figure(month_end_sheet, "Total Bank")
    profit = report(api, "ProfitAndLoss", fromDate="2025-04-01", toDate="2026-03-31")
    year_end = report(api, "BalanceSheet", date="2026-03-31")
    assert figure(profit, "Net Profit") == figure(year_end, "Current Year Earnings")


def test_aged_receivables_total_the_contacts_open_invoices_less_credit(api: httpx.Client) -> None:
    invoice = sale(api, 400, contact="Aged Care Ltd")
    contact_id = invoice["Contact"]["ContactID"]
    sale(api, 100, contact="Aged Care Ltd")
    note = put(
        api,
        "CreditNotes",
        {
            "Type": "ACCRECCREDIT",
            "Status": "AUTHORISED",
            "Contact": {"ContactID": contact_id},
            "Date": "2026-01-10",
            "LineItems": [
                {"Description": "Refund", "Quantity": 1, "UnitAmount": 50, "AccountCode": "200"}
            ],
        },
    )
    found = report(api, "AgedReceivablesByContact", contactId=contact_id, date="2026-02-28")
    invoices = api.get(
        "/Invoices", params={"ContactIDs": contact_id, "Statuses": "AUTHORISED"}
    ).json()
    owed = sum(Decimal(str(i["AmountDue"])) for i in invoices["Invoices"] if i["Type"] == "ACCREC")
    assert owed > 0
    assert figures(found, "Closing Balance")[-1] == owed - Decimal(str(note["RemainingCredit"]))
    assert found["ReportTitles"][1] == "Aged Care Ltd"
    overdue = [
        row["Cells"][3]["Value"]
        for section in found["Rows"]
        for row in section.get("Rows", [])
        if row["RowType"] == "Row"
    ]
    assert "23 days overdue" in overdue  # due 5 Feb, as at 28 Feb

    missing = api.get("/Reports/AgedPayablesByContact")
    assert missing.status_code == 400


def test_journals_page_by_offset_and_read_by_id_or_number(
    api: httpx.Client, emulator: RunningEmulator
) -> None:
    first = api.get("/Journals").json()["Journals"]
    assert [j["JournalNumber"] for j in first] == list(range(1, len(first) + 1))
    for journal in first:
        assert sum(Decimal(str(x["NetAmount"])) for x in journal["JournalLines"]) == 0
    emulator.clock.advance(300)
    since = format_datetime(emulator.clock.now(), usegmt=True)
    emulator.clock.advance(2)
    invoice = sale(api, 75)
    newest = api.get("/Journals", params={"offset": len(first)}).json()["Journals"]
    assert [j["SourceID"] for j in newest] == [invoice["InvoiceID"]]
    assert newest[0]["SourceType"] == "ACCREC"
    assert {x["AccountCode"] for x in newest[0]["JournalLines"]} >= {"200", "610"}
    changed = api.get("/Journals", headers={"If-Modified-Since": since}).json()["Journals"]
    assert [j["JournalID"] for j in changed] == [newest[0]["JournalID"]]
    by_id = api.get(f"/Journals/{newest[0]['JournalID']}").json()["Journals"]
    by_number = api.get(f"/Journals/{newest[0]['JournalNumber']}").json()["Journals"]
    assert by_id == by_number
    assert api.get("/Journals/999999").status_code == 404


def test_profit_and_loss_by_tracking_category_and_option(api: httpx.Client) -> None:
    [region] = api.get("/TrackingCategories").json()["TrackingCategories"]
    option = region["Options"][0]
    window = {"fromDate": "2026-01-01", "toDate": "2026-01-31"}
    before = report(api, "ProfitAndLoss", trackingCategoryID=region["TrackingCategoryID"], **window)
    put(
        api,
        "Invoices",
        {
            "Type": "ACCREC",
            "Status": "AUTHORISED",
            "Contact": {"Name": "Boom FM"},
            "Date": "2026-01-12",
            "DueDate": "2026-02-12",
            "LineItems": [
                {
                    "Description": "Ads",
                    "Quantity": 1,
                    "UnitAmount": 300,
                    "AccountCode": "200",
                    "Tracking": [{"Name": region["Name"], "Option": option["Name"]}],
                },
                {"Description": "Untracked", "Quantity": 1, "UnitAmount": 40, "AccountCode": "200"},
            ],
        },
    )
    after = report(api, "ProfitAndLoss", trackingCategoryID=region["TrackingCategoryID"], **window)
    titles = [c["Value"] for c in after["Rows"][0]["Cells"]]
    assert titles == ["", *(o["Name"] for o in region["Options"]), "Unassigned", "Total"]
    column = titles.index(option["Name"]) - 1
    moved = [
        a - b
        for a, b in zip(
            figures(after, "Sales"),
            figures(before, "Sales") or [Decimal(0)] * len(titles),
            strict=False,
        )
    ]
    assert moved[column] == Decimal("300.00")
    assert moved[-2:] == [Decimal("40.00"), Decimal("340.00")]
    only = report(api, "ProfitAndLoss", trackingOptionID=option["TrackingOptionID"], **window)
    assert figure(only, "Sales") == figures(after, "Sales")[column]
    unknown = api.get(
        "/Reports/ProfitAndLoss",
        params={"trackingCategoryID": "00000000-0000-4000-8000-000000000000"},
    )
    assert unknown.status_code == 400


def journal_of(api: httpx.Client, source_id: str) -> list[dict[str, Any]]:
    """The journal lines now in force for a document (later journals reverse earlier ones)."""
    offset, lines = 0, []
    while True:
        page = api.get("/Journals", params={"offset": offset}).json()["Journals"]
        if not page:
            return lines
        for journal in page:
            if journal["SourceID"] == source_id:
                lines.extend(journal["JournalLines"])
        offset = page[-1]["JournalNumber"]


def net_by_account(lines: list[dict[str, Any]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for line in lines:
        code = line["AccountCode"]
        out[code] = out.get(code, Decimal(0)) + Decimal(str(line["NetAmount"]))
    return {code: value for code, value in out.items() if value}


def test_journals_agree_with_the_stores_own_totals(api: httpx.Client) -> None:
    """Inclusive tax and discounts priced by the invoice store post exactly its totals."""
    invoice = put(
        api,
        "Invoices",
        {
            "Type": "ACCREC",
            "Status": "AUTHORISED",
            "Contact": {"Name": "Inclusive Ltd"},
            "Date": "2026-01-07",
            "DueDate": "2026-02-07",
            "LineAmountTypes": "Inclusive",
            "LineItems": [
                {
                    "Description": "A",
                    "Quantity": 3,
                    "UnitAmount": 33.33,
                    "AccountCode": "200",
                    "DiscountRate": 10,
                },
                {"Description": "B", "Quantity": 1, "UnitAmount": 57.5, "AccountCode": "200"},
            ],
        },
    )
    nets = net_by_account(journal_of(api, invoice["InvoiceID"]))
    assert nets["610"] == Decimal(str(invoice["Total"]))
    assert nets["200"] == -Decimal(str(invoice["SubTotal"]))
    assert sum(nets.values()) == 0
    bill = put(
        api,
        "Invoices",
        {
            "Type": "ACCPAY",
            "Status": "AUTHORISED",
            "Contact": {"Name": "Supplier Ltd"},
            "Date": "2026-01-08",
            "DueDate": "2026-02-08",
            "LineItems": [
                {"Description": "Paper", "Quantity": 7, "UnitAmount": 12.99, "AccountCode": "429"}
            ],
        },
    )
    nets = net_by_account(journal_of(api, bill["InvoiceID"]))
    assert nets["800"] == -Decimal(str(bill["Total"]))
    assert nets["429"] == Decimal(str(bill["SubTotal"]))
    assert sum(nets.values()) == 0


def test_bank_transactions_and_manual_journals_post_through_the_store(api: httpx.Client) -> None:
    spend = put(
        api,
        "BankTransactions",
        {
            "Type": "SPEND",
            "Contact": {"Name": "Stationery World"},
            "BankAccount": {"Code": "090"},
            "Date": "2026-01-09",
            "LineAmountTypes": "Exclusive",
            "LineItems": [
                {"Description": "Pens", "Quantity": 2, "UnitAmount": 10.55, "AccountCode": "429"}
            ],
        },
    )
    nets = net_by_account(journal_of(api, spend["BankTransactionID"]))
    assert nets["090"] == -Decimal(str(spend["Total"]))
    assert nets["429"] == Decimal(str(spend["SubTotal"]))
    journal = put(
        api,
        "ManualJournals",
        {
            "Narration": "Accrued wages",
            "Date": "2026-01-31",
            "Status": "POSTED",
            "JournalLines": [
                {"LineAmount": 500, "AccountCode": "477"},
                {"LineAmount": -500, "AccountCode": "825"},
            ],
        },
    )
    assert net_by_account(journal_of(api, journal["ManualJournalID"])) == {
        "477": Decimal("500.00"),
        "825": Decimal("-500.00"),
    }
    voided = api.post(
        f"/ManualJournals/{journal['ManualJournalID']}",
        json={"ManualJournals": [{"Status": "VOIDED"}]},
    )
    assert voided.status_code == 200, voided.text
    assert net_by_account(journal_of(api, journal["ManualJournalID"])) == {}


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("ProfitAndLoss", {"periods": "13"}),
        ("ProfitAndLoss", {"timeframe": "WEEK"}),
        ("ProfitAndLoss", {"fromDate": "2026-02-01", "toDate": "2026-01-01"}),
        ("BalanceSheet", {"date": "31/01/2026"}),
        ("BankSummary", {"fromDate": "not a date"}),
        ("AgedReceivablesByContact", {}),
    ],
)
def test_report_parameters_xero_would_refuse(
    api: httpx.Client, name: str, params: dict[str, str]
) -> None:
    response = api.get(f"/Reports/{name}", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["Type"] == "ValidationException"


def test_reports_default_to_the_current_month(api: httpx.Client, emulator: RunningEmulator) -> None:
    today = emulator.clock.now().date()
    sheet = report(api, "BalanceSheet")
    assert sheet["ReportTitles"][2].endswith(f"{today:%B %Y}")
    profit = report(api, "ProfitAndLoss")
    assert profit["ReportTitles"][2].startswith(f"1 {today:%B %Y} to ")
    assert report(api, "TrialBalance")["ReportTitles"][2] == f"As at {today.day} {today:%B %Y}"
    assert api.get("/Reports").json()["Reports"] == []
    budget = report(api, "BudgetSummary", periods=3, timeframe=3)
    assert len(budget["Rows"][0]["Cells"]) == 4


def test_a_foreign_currency_sale_paid_at_a_better_rate_books_a_realised_gain(
    api: httpx.Client,
) -> None:
    assert api.put("/Currencies", json={"Code": "USD"}).status_code == 200
    before = report(api, "BalanceSheet", date="2026-01-31")
    invoice = put(
        api,
        "Invoices",
        {
            "Type": "ACCREC",
            "Status": "AUTHORISED",
            "Contact": {"Name": "Yankee Imports"},
            "Date": "2026-01-06",
            "DueDate": "2026-02-06",
            "CurrencyCode": "USD",
            "CurrencyRate": 0.5,
            "LineAmountTypes": "NoTax",
            "LineItems": [
                {"Description": "Export", "Quantity": 1, "UnitAmount": 100, "AccountCode": "200"}
            ],
        },
    )
    sheet = report(api, "BalanceSheet", date="2026-01-31")
    receivable = figure(sheet, "Accounts Receivable") - figure(before, "Accounts Receivable")
    assert receivable == Decimal("200.00")  # 100 USD at 0.5 USD per NZD
    paid = api.put(
        "/Payments",
        json={
            "Payments": [
                {
                    "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                    "Account": {"Code": "090"},
                    "Amount": 100,
                    "CurrencyRate": 0.4,
                    "Date": "2026-01-25",
                }
            ]
        },
    )
    assert paid.status_code == 200, paid.text
    sheet = report(api, "BalanceSheet", date="2026-01-31")
    assert figure(sheet, "Accounts Receivable") == figure(before, "Accounts Receivable")
    banked = figure(sheet, "Business Bank Account") - figure(before, "Business Bank Account")
    assert banked == Decimal("250.00")
    profit = report(api, "ProfitAndLoss", fromDate="2026-01-01", toDate="2026-01-31")
    assert figure(profit, "Realised Currency Gains") == Decimal(
        "-50.00"
    )  # an expense account, credited
