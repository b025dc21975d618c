"""Reports on a small, hand-worked set of books: every row and figure as Xero would show it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.unit.test_ledger_activity import account_dicts
from xerosync.emulator.ledger import Chart, Ledger, post_document
from xerosync.emulator.reports import (
    Organisation,
    aged_by_contact,
    balance_sheet,
    bank_summary,
    budget_summary,
    executive_summary,
    profit_and_loss,
    trial_balance,
)
from xerosync.emulator.reports.periods import add_months, comparison_periods, financial_year_start

RUN_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ORG = Organisation("Hand Worked Ltd", financial_year_end_day=30, financial_year_end_month=6)
CUSTOMER = {"ContactID": "a0000000-0000-4000-8000-000000000001"}
SUPPLIER = {"ContactID": "b0000000-0000-4000-8000-000000000002"}


def cash(tx_id: str, day: str, code: str, amount: str) -> dict[str, Any]:
    return {
        "BankTransactionID": tx_id,
        "Type": "RECEIVE",
        "Status": "AUTHORISED",
        "BankAccount": {"Code": "090"},
        "Date": day,
        "LineItems": [{"AccountCode": code, "LineAmount": amount, "TaxAmount": "0"}],
        "Total": amount,
    }


SALE = {
    "InvoiceID": "c0000000-0000-4000-8000-000000000001",
    "InvoiceNumber": "INV-0001",
    "Type": "ACCREC",
    "Status": "AUTHORISED",
    "Contact": CUSTOMER,
    "Date": "2026-01-05",
    "DueDate": "2026-02-04",
    "LineItems": [{"AccountCode": "200", "LineAmount": "1000.00", "TaxAmount": "150.00"}],
    "Total": "1150.00",
    "AmountPaid": "500.00",
    "AmountDue": "650.00",
    "Payments": [{"PaymentID": "p-1", "Date": "2026-01-20", "Amount": "500.00"}],
}


@pytest.fixture(scope="module")
def books() -> tuple[Ledger, Chart]:
    chart = Chart(account_dicts())
    ledger = Ledger()
    documents = [
        ("BankTransaction", cash("t-1", "2025-05-01", "200", "300.00")),  # last year's sale
        ("BankTransaction", cash("t-2", "2025-06-15", "970", "5000.00")),  # owner's money
        ("Invoice", SALE),
        (
            "Payment",
            {
                "PaymentID": "p-1",
                "Date": "2026-01-20",
                "Amount": "500.00",
                "Account": {"Code": "090"},
                "Invoice": {"Type": "ACCREC", "Contact": CUSTOMER},
            },
        ),
        (
            "Invoice",
            {
                "InvoiceID": "c0000000-0000-4000-8000-000000000002",
                "Type": "ACCPAY",
                "Status": "AUTHORISED",
                "Contact": SUPPLIER,
                "Date": "2026-02-10",
                "LineItems": [{"AccountCode": "469", "LineAmount": "200.00"}],
                "Total": "200.00",
            },
        ),
        (
            "ManualJournal",
            {
                "ManualJournalID": "m-1",
                "Narration": "Depreciation",
                "Status": "POSTED",
                "Date": "2026-02-28",
                "JournalLines": [
                    {"AccountCode": "416", "LineAmount": "80.00"},
                    {"AccountCode": "711", "LineAmount": "-80.00"},
                ],
            },
        ),
    ]
    for kind, doc in documents:
        post_document(ledger, kind, None, doc, chart, now=RUN_AT)
    return ledger, chart


def table(report: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(section title, row type, cell values) for every row, in order."""
    out = []
    for row in report["Rows"]:
        if row["RowType"] == "Header":
            out.append(("", "Header", [c["Value"] for c in row["Cells"]]))
        for inner in row.get("Rows", []):
            out.append((row["Title"], inner["RowType"], [c["Value"] for c in inner["Cells"]]))
    return out


def test_balance_sheet(books: tuple[Ledger, Chart]) -> None:
    ledger, chart = books
    report = balance_sheet(ledger, chart, ORG, at=date(2026, 2, 28), run_at=RUN_AT)
    assert report["ReportTitles"] == ["Balance Sheet", "Hand Worked Ltd", "As at 28 February 2026"]
    assert report["ReportDate"] == "2 March 2026"
    assert report["UpdatedDateUTC"] == "/Date(1772445600000+0000)/"
    assert table(report) == [
        ("", "Header", ["", "28 Feb 2026"]),
        ("Bank", "Row", ["Business Bank Account", "5800.00"]),
        ("Bank", "SummaryRow", ["Total Bank", "5800.00"]),
        ("Current Assets", "Row", ["Accounts Receivable", "650.00"]),
        ("Current Assets", "SummaryRow", ["Total Current Assets", "650.00"]),
        ("Fixed Assets", "Row", ["Less Accumulated Depreciation on Office Equipment", "-80.00"]),
        ("Fixed Assets", "SummaryRow", ["Total Fixed Assets", "-80.00"]),
        ("", "SummaryRow", ["Total Assets", "6370.00"]),
        ("Current Liabilities", "Row", ["Accounts Payable", "200.00"]),
        ("Current Liabilities", "Row", ["Sales Tax", "150.00"]),
        ("Current Liabilities", "SummaryRow", ["Total Current Liabilities", "350.00"]),
        ("", "SummaryRow", ["Total Liabilities", "350.00"]),
        ("", "Row", ["Net Assets", "6020.00"]),
        ("Equity", "Row", ["Current Year Earnings", "720.00"]),
        ("Equity", "Row", ["Owner A Funds Introduced", "5000.00"]),
        ("Equity", "Row", ["Retained Earnings", "300.00"]),
        ("Equity", "SummaryRow", ["Total Equity", "6020.00"]),
    ]
    titles = [row.get("Title") for row in report["Rows"]]
    assert titles[:2] == [None, "Assets"], "an empty Assets heading section, as Xero sends"
    earnings = report["Rows"][-1]["Rows"][0]["Cells"][1]["Attributes"]
    assert {a["Id"]: a["Value"] for a in earnings} == {
        "account": "00000000-0000-0000-0000-000000000000",
        "fromDate": "7/1/2025",
        "toDate": "2/28/2026",
    }
    bank_cell = report["Rows"][2]["Rows"][0]["Cells"][0]
    assert bank_cell["Attributes"] == [{"Value": chart.resolve("090").account_id, "Id": "account"}]


def test_profit_and_loss_with_a_comparison_month(books: tuple[Ledger, Chart]) -> None:
    ledger, chart = books
    report = profit_and_loss(
        ledger,
        chart,
        ORG,
        from_date=date(2026, 2, 1),
        to_date=date(2026, 2, 28),
        periods=1,
        timeframe="MONTH",
        run_at=RUN_AT,
    )
    assert report["ReportTitles"][2] == "1 February 2026 to 28 February 2026"
    assert table(report) == [
        ("", "Header", ["", "28 Feb 2026", "31 Jan 2026"]),
        ("Income", "Row", ["Sales", "0.00", "1000.00"]),
        ("Income", "SummaryRow", ["Total Income", "0.00", "1000.00"]),
        ("", "Row", ["Gross Profit", "0.00", "1000.00"]),
        ("Less Operating Expenses", "Row", ["Depreciation", "80.00", "0.00"]),
        ("Less Operating Expenses", "Row", ["Rent", "200.00", "0.00"]),
        ("Less Operating Expenses", "SummaryRow", ["Total Operating Expenses", "280.00", "0.00"]),
        ("", "Row", ["Net Profit", "-280.00", "1000.00"]),
    ]


def test_trial_balance(books: tuple[Ledger, Chart]) -> None:
    ledger, chart = books
    report = trial_balance(ledger, chart, ORG, at=date(2026, 2, 28), run_at=RUN_AT)
    assert table(report) == [
        ("", "Header", ["Account", "Debit", "Credit", "YTD Debit", "YTD Credit"]),
        ("Revenue", "Row", ["Sales (200)", "", "0.00", "", "1000.00"]),
        ("Expenses", "Row", ["Depreciation (416)", "80.00", "", "80.00", ""]),
        ("Expenses", "Row", ["Rent (469)", "200.00", "", "200.00", ""]),
        ("Assets", "Row", ["Accounts Receivable (610)", "0.00", "", "650.00", ""]),
        ("Assets", "Row", ["Business Bank Account (090)", "0.00", "", "5800.00", ""]),
        (
            "Assets",
            "Row",
            ["Less Accumulated Depreciation on Office Equipment (711)", "", "80.00", "", "80.00"],
        ),
        ("Liabilities", "Row", ["Accounts Payable (800)", "", "200.00", "", "200.00"]),
        ("Liabilities", "Row", ["Sales Tax (820)", "", "0.00", "", "150.00"]),
        ("Equity", "Row", ["Owner A Funds Introduced (970)", "", "0.00", "", "5000.00"]),
        ("Equity", "Row", ["Retained Earnings (960)", "", "0.00", "", "300.00"]),
        ("", "SummaryRow", ["Total", "280.00", "280.00", "6730.00", "6730.00"]),
    ]


def test_bank_summary(books: tuple[Ledger, Chart]) -> None:
    ledger, chart = books
    report = bank_summary(
        ledger, chart, ORG, from_date=date(2026, 1, 1), to_date=date(2026, 2, 28), run_at=RUN_AT
    )
    assert report["ReportTitles"][2] == "From 1 January 2026 to 28 February 2026"
    assert table(report) == [
        (
            "",
            "Header",
            ["Bank Accounts", "Opening Balance", "Cash Received", "Cash Spent", "Closing Balance"],
        ),
        ("", "Row", ["Business Bank Account", "5300.00", "500.00", "0.00", "5800.00"]),
        ("", "Row", ["Business Savings Account", "0.00", "0.00", "0.00", "0.00"]),
        ("", "SummaryRow", ["Total", "5300.00", "500.00", "0.00", "5800.00"]),
    ]


def test_aged_receivables_as_at_two_dates() -> None:
    def aged(at: date) -> list[tuple[str, str, list[str]]]:
        report = aged_by_contact(
            "receivables",
            ORG,
            contact_id=CUSTOMER["ContactID"],
            at=at,
            invoices=[SALE],
            contact_name="Ridgeway University",
            run_at=RUN_AT,
        )
        assert report["ReportTitles"][1:] == [
            "Ridgeway University",
            f"From 5 January 2026 to {at.day} {at:%B %Y}",
            f"Showing payments to {at.day} {at:%B %Y}",
        ]
        return table(report)

    assert aged(date(2026, 2, 28)) == [
        ("", "Header", ["Date", "Number", "Due Date", "", "Total", "Paid", "Credited", "Due"]),
        ("", "Row", ["2026-01-05T00:00:00", "Opening Balance", "", "", "", "", "", "0.00"]),
        (
            "",
            "Row",
            [
                "2026-01-05T00:00:00",
                "INV-0001",
                "2026-02-04T00:00:00",
                "24 days overdue",
                "1150.00",
                "500.00",
                "0.00",
                "650.00",
            ],
        ),
        ("", "SummaryRow", ["Total", "", "", "", "1150.00", "500.00", "0.00", "650.00"]),
        ("", "SummaryRow", ["Closing Balance", "", "", "", "1150.00", "500.00", "0.00", "650.00"]),
    ]
    before_payment = aged(date(2026, 1, 10))
    assert before_payment[2][2][3:] == ["", "1150.00", "0.00", "0.00", "1150.00"]


@pytest.mark.parametrize(
    ("day", "months", "month_end", "expected"),
    [
        (date(2026, 3, 31), -1, True, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, False, date(2026, 2, 28)),
        (date(2026, 2, 28), -1, True, date(2026, 1, 31)),
        (date(2026, 2, 28), -1, False, date(2026, 1, 28)),
        (date(2024, 2, 29), -12, True, date(2023, 2, 28)),
        (date(2026, 1, 15), -3, True, date(2025, 10, 15)),
    ],
)
def test_months_move_and_month_ends_stay_month_ends(
    day: date, months: int, month_end: bool, expected: date
) -> None:
    assert add_months(day, months, keep_month_end=month_end) == expected


@pytest.mark.parametrize(
    ("day", "end_day", "end_month", "expected"),
    [
        (date(2026, 2, 28), 30, 6, date(2025, 7, 1)),
        (date(2025, 6, 30), 30, 6, date(2024, 7, 1)),
        (date(2025, 7, 1), 30, 6, date(2025, 7, 1)),
        (date(2026, 3, 31), 31, 3, date(2025, 4, 1)),
        (date(2026, 4, 1), 31, 3, date(2026, 4, 1)),
        (date(2026, 12, 31), 31, 12, date(2026, 1, 1)),
        (date(2024, 2, 29), 28, 2, date(2023, 3, 1)),  # a February year end is a month end
        (date(2024, 3, 1), 28, 2, date(2024, 3, 1)),
    ],
)
def test_financial_year_start(day: date, end_day: int, end_month: int, expected: date) -> None:
    assert financial_year_start(day, end_day, end_month) == expected


def test_quarters_compare_back_from_the_requested_period() -> None:
    assert comparison_periods(date(2026, 1, 1), date(2026, 3, 31), 2, "QUARTER") == [
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2025, 7, 1), date(2025, 9, 30)),
    ]
    assert comparison_periods(date(2025, 7, 1), date(2026, 6, 30), 1, "YEAR") == [
        (date(2025, 7, 1), date(2026, 6, 30)),
        (date(2024, 7, 1), date(2025, 6, 30)),
    ]


def test_executive_summary(books: tuple[Ledger, Chart]) -> None:
    ledger, chart = books
    report = executive_summary(ledger, chart, ORG, at=date(2026, 2, 10), run_at=RUN_AT)
    assert report["ReportTitles"] == [
        "Executive Summary",
        "Hand Worked Ltd",
        "For the month of February 2026",
    ]
    assert table(report) == [
        ("", "Header", ["", "Feb 2026", "Jan 2026", "Variance"]),
        ("Cash", "Row", ["Cash received", "0.00", "500.00", "-100.0%"]),
        ("Cash", "Row", ["Cash spent", "0.00", "0.00", "0.0%"]),
        ("Cash", "Row", ["Cash surplus (deficit)", "0.00", "500.00", "-100.0%"]),
        ("Cash", "Row", ["Closing bank balance", "5800.00", "5800.00", "0.0%"]),
        ("Profitability", "Row", ["Income", "0.00", "1000.00", "-100.0%"]),
        ("Profitability", "Row", ["Direct costs", "0.00", "0.00", "0.0%"]),
        ("Profitability", "Row", ["Gross profit (loss)", "0.00", "1000.00", "-100.0%"]),
        ("Profitability", "Row", ["Other Income", "0.00", "0.00", "0.0%"]),
        ("Profitability", "Row", ["Expenses", "280.00", "0.00", "0.0%"]),
        ("Profitability", "Row", ["Profit (loss)", "-280.00", "1000.00", "-128.0%"]),
        ("Balance Sheet", "Row", ["Debtors", "650.00", "650.00", "0.0%"]),
        ("Balance Sheet", "Row", ["Creditors", "200.00", "0.00", "0.0%"]),
        ("Balance Sheet", "Row", ["Net assets", "6020.00", "6300.00", "-4.4%"]),
        ("Income", "Row", ["Number of invoices issued", "0", "1", "-100.0%"]),
        ("Income", "Row", ["Average value of invoices", "0.00", "1150.00", "-100.0%"]),
        ("Performance", "Row", ["Gross profit margin", "", "100.0%", "-100.0%"]),
        ("Performance", "Row", ["Net profit margin", "", "100.0%", "-100.0%"]),
        ("Performance", "Row", ["Return on investment (p.a.)", "-55.8%", "190.5%", "-129.3%"]),
        ("Position", "Row", ["Average debtors days", "", "20.15", "-100.0%"]),
        ("Position", "Row", ["Average creditors days", "20.00", "", "0.0%"]),
        ("Position", "Row", ["Short term cash forecast", "450.00", "650.00", "-30.8%"]),
        ("Position", "Row", ["Current assets to liabilities", "18.43", "43.00", "-57.1%"]),
        ("Position", "Row", ["Term assets to liabilities", "", "", "0.0%"]),
    ]


def test_budget_summary_of_an_organisation_without_budgets() -> None:
    report = budget_summary(ORG, at=date(2019, 11, 14), periods=12, timeframe=3, run_at=RUN_AT)
    assert report["ReportTitles"] == [
        "Overall Budget",
        "Budget Summary",
        "Hand Worked Ltd",
        "November 2019 to October 2022",
    ]
    rows = table(report)
    quarters = "Jan-20 Apr-20 Jul-20 Oct-20 Jan-21 Apr-21 Jul-21 Oct-21 Jan-22 Apr-22 Jul-22 Oct-22"
    assert rows[0][2] == ["Account", *quarters.split()]
    assert [r[2][0] for r in rows[1:]] == ["Gross Profit", "Total Expenses", "Net Profit"]
    assert {v for r in rows[1:] for v in r[2][1:]} == {"0.00"}
