"""The finance summaries, pure: Xero's report bodies and invoices (its JSON) in, figures out."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from xerosync.sync.finance import (
    Aging,
    BankBalance,
    MonthResult,
    bank_balances,
    invoice_payment_split,
    profit_and_loss_by_month,
    receivables_aging,
    summarise,
)

TODAY = date(2026, 1, 15)


def row(*values: str, kind: str = "Row") -> dict[str, Any]:
    return {"RowType": kind, "Cells": [{"Value": v} for v in values]}


def section(title: str, *rows: dict[str, Any]) -> dict[str, Any]:
    return {"RowType": "Section", "Title": title, "Rows": list(rows)}


def pnl(columns: list[str], income: list[Decimal], expenses: list[Decimal]) -> dict[str, Any]:
    """A ProfitAndLoss laid out as Xero lays it out, columns as given (Xero: newest first)."""
    half = [(e / 2).quantize(Decimal("0.01"), rounding=ROUND_DOWN) for e in expenses]
    money = lambda values: [f"{v:.2f}" for v in values]  # noqa: E731
    net = [i - e for i, e in zip(income, expenses, strict=True)]
    return {
        "ReportType": "ProfitAndLoss",
        "Rows": [
            row("", *columns, kind="Header"),
            section(
                "Income",
                row("Sales", *money(income)),
                row("Total Income", *money(income), kind="SummaryRow"),
            ),
            section(
                "Less Cost of Sales",
                row("Purchases", *money(half)),
                row("Total Cost of Sales", *money(half), kind="SummaryRow"),
            ),
            section("", row("Gross Profit", *money([i - h for i, h in zip(income, half)]))),
            section("Plus Other Income"),  # Xero sends empty sections too
            section(
                "Less Operating Expenses",
                row("Rent", *money([e - h for e, h in zip(expenses, half)])),
                row(
                    "Total Operating Expenses",
                    *money([e - h for e, h in zip(expenses, half)]),
                    kind="SummaryRow",
                ),
            ),
            section("", row("Net Profit", *money(net))),
        ],
    }


def invoice(
    kind: str = "ACCREC", status: str = "AUTHORISED", due: str = "100.00", **extra: Any
) -> dict[str, Any]:
    return {"Type": kind, "Status": status, "AmountDue": due, "Total": due, **extra}


def test_bank_balances_are_the_bank_summarys_account_rows() -> None:
    body = {
        "Rows": [
            row(
                "Bank Accounts",
                "Opening Balance",
                "Cash Received",
                "Cash Spent",
                "Closing Balance",
                kind="Header",
            ),
            section(
                "",
                row("Business Bank Account", "12,266.58", "500.00", "120.25", "12,646.33"),
                row("Savings", "2000.00", "0.00", "0.00", "2000.00"),
                row("Total", "14266.58", "500.00", "120.25", "14646.33", kind="SummaryRow"),
            ),
        ]
    }
    assert bank_balances(body) == [
        BankBalance(
            name="Business Bank Account",
            opening=Decimal("12266.58"),
            received=Decimal("500.00"),
            spent=Decimal("120.25"),
            closing=Decimal("12646.33"),
        ),
        BankBalance(
            name="Savings",
            opening=Decimal("2000"),
            received=Decimal("0"),
            spent=Decimal("0"),
            closing=Decimal("2000"),
        ),
    ]


def test_the_profit_and_loss_reads_oldest_month_first() -> None:
    body = pnl(
        ["31 Mar 26", "28 Feb 26", "31 Jan 26"],
        [Decimal("300"), Decimal("200"), Decimal("100")],
        [Decimal("30"), Decimal("250"), Decimal("10")],
    )
    assert profit_and_loss_by_month(body) == [
        MonthResult(
            label="31 Jan 26", income=Decimal("100"), expenses=Decimal("10"), net=Decimal("90")
        ),
        MonthResult(
            label="28 Feb 26", income=Decimal("200"), expenses=Decimal("250"), net=Decimal("-50")
        ),
        MonthResult(
            label="31 Mar 26", income=Decimal("300"), expenses=Decimal("30"), net=Decimal("270")
        ),
    ]


def test_columns_that_are_not_dates_are_taken_as_newest_first() -> None:
    body = pnl(
        ["This month", "Last month"], [Decimal("5"), Decimal("7")], [Decimal("1"), Decimal("2")]
    )
    assert [m.label for m in profit_and_loss_by_month(body)] == ["Last month", "This month"]


def test_other_income_counts_as_income_and_an_empty_report_as_no_months() -> None:
    body = pnl(["31 Jan 26"], [Decimal("100")], [Decimal("40")])
    body["Rows"][4] = section(
        "Plus Other Income",
        row("Interest", "5.00"),
        row("Total Other Income", "5.00", kind="SummaryRow"),
    )
    body["Rows"][-1] = section("", row("Net Profit", "65.00"))
    [month] = profit_and_loss_by_month(body)
    assert (month.income, month.expenses, month.net) == (
        Decimal("105"),
        Decimal("40"),
        Decimal("65"),
    )
    assert profit_and_loss_by_month({"Rows": []}) == []


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=10**6, places=2),
            st.decimals(min_value=0, max_value=10**6, places=2),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_each_months_net_is_its_income_less_its_expenses(
    figures: list[tuple[Decimal, Decimal]],
) -> None:
    newest = date(2026, 12, 31)
    columns = [
        (newest.replace(day=1) - timedelta(days=31 * k)).strftime("%b %Y")
        for k in range(len(figures))
    ]
    months = profit_and_loss_by_month(
        pnl(columns, [i for i, _ in figures], [e for _, e in figures])
    )
    assert [m.label for m in months] == columns[::-1]
    assert [(m.income, m.expenses) for m in months] == figures[::-1]
    assert all(m.net == m.income - m.expenses for m in months)


def test_aging_buckets_by_days_past_the_due_date() -> None:
    def due_in(days: int, amount: str) -> dict[str, Any]:
        return invoice(due=amount, DueDate=(TODAY + timedelta(days=days)).isoformat())

    invoices = [
        due_in(0, "1.00"),  # due today: current
        due_in(5, "2.00"),
        due_in(-1, "4.00"),
        due_in(-30, "8.00"),
        due_in(-31, "16.00"),
        due_in(-60, "32.00"),
        due_in(-61, "64.00"),
        due_in(-90, "128.00"),
        due_in(-91, "256.00"),
        # Xero's own date form, read as the calendar date it names
        invoice(due="512.00", DueDate="/Date(1767225600000+0000)/"),  # 1 Jan 2026: 14 days
        # not counted: bills, drafts, paid, nothing due
        invoice(kind="ACCPAY", due="1000.00", DueDate="2025-01-01"),
        invoice(status="DRAFT", due="1000.00", DueDate="2025-01-01"),
        invoice(status="PAID", due="0.00", DueDate="2025-01-01"),
        invoice(due="0.00", DueDate="2025-01-01"),
    ]
    assert receivables_aging(invoices, TODAY) == Aging(
        current=Decimal("3.00"),
        days_1_30=Decimal("524.00"),
        days_31_60=Decimal("48.00"),
        days_61_90=Decimal("192.00"),
        over_90=Decimal("256.00"),
        total=Decimal("1023.00"),
    )


invoices_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "Type": st.sampled_from(["ACCREC", "ACCPAY"]),
            "Status": st.sampled_from(["AUTHORISED", "PAID", "DRAFT", "VOIDED", "SUBMITTED"]),
            "AmountDue": st.decimals(min_value=-10, max_value=10**5, places=2).map(str),
            "Total": st.decimals(min_value=0, max_value=10**5, places=2).map(str),
            "DueDate": st.dates(date(2024, 1, 1), date(2027, 1, 1)).map(date.isoformat),
        }
    ),
    max_size=40,
)


@given(invoices_strategy, st.dates(date(2025, 1, 1), date(2026, 12, 31)))
def test_the_buckets_sum_to_what_customers_owe_and_overdue_is_all_but_current(
    invoices: list[dict[str, Any]], today: date
) -> None:
    aging = receivables_aging(invoices, today)
    split = invoice_payment_split(invoices, today)
    owed = [
        Decimal(i["AmountDue"])
        for i in invoices
        if i["Type"] == "ACCREC" and i["Status"] == "AUTHORISED" and Decimal(i["AmountDue"]) > 0
    ]
    buckets = [aging.current, aging.days_1_30, aging.days_31_60, aging.days_61_90, aging.over_90]
    assert sum(buckets) == aging.total == sum(owed) == split.outstanding_amount
    assert min(buckets, default=0) >= 0
    assert split.outstanding_count == len(owed)
    assert split.overdue_amount == aging.total - aging.current
    assert split.overdue_count <= split.outstanding_count


def test_the_payment_split_counts_sales_invoices_only() -> None:
    invoices = [
        invoice(status="PAID", due="0.00", Total="250.00"),
        invoice(status="PAID", due="0.00", Total="50.50"),
        invoice(kind="ACCPAY", status="PAID", due="0.00", Total="999.00"),
        invoice(due="40.00", DueDate="2026-01-14"),  # a day late
        invoice(due="60.00", DueDate="2026-01-15"),  # due today: not overdue
    ]
    split = invoice_payment_split(invoices, TODAY)
    assert (split.paid_count, split.paid_amount) == (2, Decimal("300.50"))
    assert (split.outstanding_count, split.outstanding_amount) == (2, Decimal("100.00"))
    assert (split.overdue_count, split.overdue_amount) == (1, Decimal("40.00"))


def test_nothing_fetched_or_pulled_is_an_empty_summary_in_strings_on_the_wire() -> None:
    summary = summarise(today=TODAY, bank_summary=None, profit_and_loss=None, invoices=[])
    assert summary.bank_balances == []
    assert summary.profit_and_loss == []
    assert summary.fetched_at is None
    wire = summary.model_dump(mode="json")
    assert wire["receivables"]["total"] == "0.00"
    assert wire["invoices"] == {
        "paid_count": 0,
        "paid_amount": "0.00",
        "outstanding_count": 0,
        "outstanding_amount": "0.00",
        "overdue_count": 0,
        "overdue_amount": "0.00",
    }
