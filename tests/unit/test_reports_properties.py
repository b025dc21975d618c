"""Reports over random valid activity: the identities a real organisation's reports keep.

Each report is also validated against Xero's spec (the ReportWithRows response of its
`/Reports/...` operation), exactly as the emulator's responses are.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings

from tests.support.spec import check
from tests.unit.test_ledger_activity import (
    BANKS,
    CONTACTS,
    ORG,
    REGION,
    REGIONS,
    Doc,
    World,
    build,
    steps,
)
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports import (
    aged_by_contact,
    balance_sheet,
    bank_summary,
    profit_and_loss,
    trial_balance,
)
from xerosync.emulator.reports.figures import year_start
from xerosync.emulator.reports.profit_and_loss import period_columns, tracking_columns

RUN_AT = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
DATES = [
    date(2025, 3, 31),
    date(2025, 6, 30),
    date(2025, 7, 1),
    date(2025, 12, 31),
    date(2026, 6, 30),
]
Actions = list[tuple[str, int, int, int]]


def assert_valid(report: dict[str, Any], name: str, query: str = "") -> None:
    body = {
        "Id": "5a33f9d4-44a6-4467-a812-4f025506ee35",
        "Status": "OK",
        "ProviderName": "xerosync tests",
        "DateTimeUTC": "/Date(1555971088085)/",
        "Reports": [report],
    }
    problem = check(
        "GET",
        f"/api.xro/2.0/Reports/{name}",
        query,
        {"xero-tenant-id": "4a5b6c7d-0000-4000-8000-000000000000"},
        b"",
        200,
        {"content-type": "application/json; charset=utf-8"},
        json.dumps(body).encode(),
    )
    assert problem is None, problem


def rows_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for row in report["Rows"]:
        out.append(row)
        out.extend(row.get("Rows", []))
    return out


def figures(report: dict[str, Any], label: str) -> list[Decimal] | None:
    """The amounts on the row whose first cell is `label` (None when the row is absent)."""
    for row in rows_of(report):
        cells = row.get("Cells") or []
        if cells and cells[0]["Value"] == label:
            return [Decimal(c["Value"]) if c["Value"] else ZERO for c in cells[1:]]
    return None


def figure(report: dict[str, Any], label: str, column: int = 0) -> Decimal:
    found = figures(report, label)
    return found[column] if found else ZERO


def expected_profit(
    world: World, start: date, end: date, code: str | None = None, option: str | None = None
) -> Decimal:
    return sum(
        (
            amount
            for lines in world.pnl.values()
            for account, day, amount, tracked in lines
            if start <= day <= end
            and (code is None or account == code)
            and (option is None or tracked == option)
        ),
        ZERO,
    )


def cash(world: World, bank: str, start: date | None, end: date, sign: int = 0) -> Decimal:
    return sum(
        (
            amount
            for moves in world.cash.values()
            for code, day, amount in moves
            if code == bank
            and (start is None or day >= start)
            and day <= end
            and (sign == 0 or (amount > 0) == (sign > 0))
        ),
        ZERO,
    )


@settings(max_examples=40, deadline=None)
@given(steps)
def test_balance_sheet_balances_and_equity_carries_the_years_profit(actions: Actions) -> None:
    world = build(actions)
    for at in DATES:
        report = balance_sheet(
            world.ledger, world.chart, ORG, at=at, periods=2, timeframe="QUARTER", run_at=RUN_AT
        )
        assert_valid(report, "BalanceSheet", f"date={at}&periods=2&timeframe=QUARTER")
        assets = figures(report, "Total Assets")
        liabilities = figures(report, "Total Liabilities")
        net_assets = figures(report, "Net Assets")
        equity = figures(report, "Total Equity")
        assert assets is not None
        assert liabilities is not None
        assert net_assets is not None
        assert equity is not None
        assert len(equity) == 3
        for a, x, n, e in zip(assets, liabilities, net_assets, equity, strict=True):
            assert a - x == n == e
        earnings = figure(report, "Current Year Earnings")
        assert earnings == expected_profit(world, year_start(ORG, at), at)
    # at the year end the year's profit moves from Current Year Earnings to Retained Earnings
    closing = balance_sheet(world.ledger, world.chart, ORG, at=date(2025, 6, 30), run_at=RUN_AT)
    opening = balance_sheet(world.ledger, world.chart, ORG, at=date(2025, 7, 1), run_at=RUN_AT)
    moved = figure(opening, "Retained Earnings") - figure(closing, "Retained Earnings")
    day_one = expected_profit(world, date(2025, 7, 1), date(2025, 7, 1))
    assert moved == figure(closing, "Current Year Earnings")
    assert figure(opening, "Current Year Earnings") == day_one


@settings(max_examples=40, deadline=None)
@given(steps)
def test_trial_balance_debits_equal_credits(actions: Actions) -> None:
    world = build(actions)
    for at in DATES:
        report = trial_balance(world.ledger, world.chart, ORG, at=at, run_at=RUN_AT)
        assert_valid(report, "TrialBalance", f"date={at}")
        debit, credit, ytd_debit, ytd_credit = figures(report, "Total") or []
        assert debit == credit
        assert ytd_debit == ytd_credit
        for row in rows_of(report):
            if row["RowType"] == "Row":
                texts = [c["Value"] for c in row["Cells"][1:]]
                assert "" in texts[:2], "an account shows on one side only"
                assert "" in texts[2:], "an account shows on one side only"


@settings(max_examples=40, deadline=None)
@given(steps)
def test_profit_and_loss_matches_the_documents_and_the_balance_sheet(actions: Actions) -> None:
    world = build(actions)
    report = profit_and_loss(
        world.ledger,
        world.chart,
        ORG,
        from_date=date(2026, 3, 1),
        to_date=date(2026, 3, 31),
        periods=3,
        timeframe="MONTH",
        run_at=RUN_AT,
    )
    assert_valid(
        report, "ProfitAndLoss", "fromDate=2026-03-01&toDate=2026-03-31&periods=3&timeframe=MONTH"
    )
    months = [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 2, 1), date(2026, 2, 28))]
    months += [(date(2026, 1, 1), date(2026, 1, 31)), (date(2025, 12, 1), date(2025, 12, 31))]
    net = figures(report, "Net Profit")
    assert net == [expected_profit(world, s, e) for s, e in months]
    year = profit_and_loss(
        world.ledger,
        world.chart,
        ORG,
        from_date=date(2024, 7, 1),
        to_date=date(2025, 6, 30),
        run_at=RUN_AT,
    )
    sheet = balance_sheet(world.ledger, world.chart, ORG, at=date(2025, 6, 30), run_at=RUN_AT)
    assert figure(year, "Net Profit") == figure(sheet, "Current Year Earnings")
    everything = profit_and_loss(
        world.ledger,
        world.chart,
        ORG,
        from_date=date(2024, 1, 1),
        to_date=date(2027, 1, 1),
        run_at=RUN_AT,
    )
    for account in world.chart.accounts:
        if account.is_profit_and_loss:
            expected = expected_profit(world, date(2024, 1, 1), date(2027, 1, 1), account.code)
            sign = 1 if account.account_class == "REVENUE" else -1
            assert figure(everything, account.name) == sign * expected, account.name
    gross = figure(everything, "Total Income") - figure(everything, "Total Cost of Sales")
    assert figure(everything, "Gross Profit") == gross


@settings(max_examples=40, deadline=None)
@given(steps)
def test_bank_summary_closing_balances_equal_the_ledger_and_the_cash_book(actions: Actions) -> None:
    world = build(actions)
    for start, end in [
        (date(2025, 1, 1), date(2025, 6, 30)),
        (date(2025, 4, 15), date(2026, 2, 27)),
    ]:
        report = bank_summary(
            world.ledger, world.chart, ORG, from_date=start, to_date=end, run_at=RUN_AT
        )
        assert_valid(report, "BankSummary", f"fromDate={start}&toDate={end}")
        for code in BANKS:
            account = world.chart.resolve(code)
            opening, received, spent, closing = figures(report, account.name) or []
            assert closing == world.ledger.balance(account.account_id, end)
            assert closing == cash(world, code, None, end)
            assert opening == cash(world, code, None, start - timedelta(days=1))
            assert received == cash(world, code, start, end, sign=1)
            assert spent == -cash(world, code, start, end, sign=-1)
        total = figures(report, "Total") or []
        assert total[3] == sum(
            (world.ledger.balance(world.chart.resolve(c).account_id, end) for c in BANKS), ZERO
        )


def open_balance(world: World, contact: str, receivable: bool) -> Decimal:
    """Sum of AmountDue of open invoices less unallocated credit, from the documents."""
    invoice_type = "ACCREC" if receivable else "ACCPAY"
    credit_types = (
        ("ACCRECCREDIT", "RECEIVE-PREPAYMENT", "RECEIVE-OVERPAYMENT")
        if receivable
        else ("ACCPAYCREDIT", "SPEND-PREPAYMENT", "SPEND-OVERPAYMENT")
    )

    def mine(doc: Doc) -> bool:
        return doc["Contact"]["ContactID"] == contact and doc["Status"] in ("AUTHORISED", "PAID")

    due = sum(
        (
            d["AmountDue"]
            for d in world.docs["Invoice"].values()
            if mine(d) and d["Type"] == invoice_type
        ),
        ZERO,
    )
    for kind in ("CreditNote", "Prepayment", "Overpayment"):
        due -= sum(
            (
                d["RemainingCredit"]
                for d in world.docs[kind].values()
                if mine(d) and d["Type"] in credit_types
            ),
            ZERO,
        )
    return due


@settings(max_examples=40, deadline=None)
@given(steps)
def test_aged_reports_total_what_is_due_less_unallocated_credit(actions: Actions) -> None:
    world = build(actions)
    receivable = world.chart.system("DEBTORS").account_id
    payable = world.chart.system("CREDITORS").account_id
    for contact in CONTACTS:
        for side, control, sign in (("receivables", receivable, 1), ("payables", payable, -1)):
            for at in [*DATES, date(2027, 1, 1)]:
                report = aged_by_contact(
                    side,
                    ORG,
                    contact_id=contact,
                    at=at,
                    invoices=world.docs["Invoice"].values(),
                    credit_notes=world.docs["CreditNote"].values(),
                    prepayments=world.docs["Prepayment"].values(),
                    overpayments=world.docs["Overpayment"].values(),
                    run_at=RUN_AT,
                )
                name = (
                    "AgedReceivablesByContact" if side == "receivables" else "AgedPayablesByContact"
                )
                assert_valid(report, name, f"contactId={contact}&date={at}")
                closing = figures(report, "Closing Balance") or []
                assert closing[-1] == sign * world.ledger.contact_balance(control, contact, at)
                for row in rows_of(report):
                    if row["RowType"] == "Row" and row["Cells"][1]["Value"] != "Opening Balance":
                        total, paid, credited, due = (Decimal(c["Value"]) for c in row["Cells"][4:])
                        assert due == total - paid - credited != 0
            assert closing[-1] == open_balance(world, contact, side == "receivables")


def test_the_spec_check_rejects_a_report_with_numbers_for_strings() -> None:
    world = build([("ACCREC", 1, 50_000, 2), ("pay", 1, 10_000, 3)])
    report = trial_balance(world.ledger, world.chart, ORG, at=date(2026, 1, 1), run_at=RUN_AT)
    assert_valid(report, "TrialBalance")
    report["Rows"][-1]["Rows"][0]["Cells"][1]["Value"] = 12.5
    try:
        assert_valid(report, "TrialBalance")
    except AssertionError:
        return
    raise AssertionError("a numeric cell value passed the spec check")


@settings(max_examples=40, deadline=None)
@given(steps)
def test_profit_and_loss_by_tracking_option_adds_up(actions: Actions) -> None:
    world = build(actions)
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    options = [(o["TrackingOptionID"], o["Option"]) for o in REGIONS]
    report = profit_and_loss(
        world.ledger,
        world.chart,
        ORG,
        from_date=start,
        to_date=end,
        columns=tracking_columns(world.ledger, start, end, options),
        run_at=RUN_AT,
    )
    assert_valid(
        report, "ProfitAndLoss", f"fromDate={start}&toDate={end}&trackingCategoryID={REGION}"
    )
    assert [c["Value"] for c in report["Rows"][0]["Cells"]] == [
        "",
        "North",
        "South",
        "East",
        "Unassigned",
        "Total",
    ]
    untracked = profit_and_loss(
        world.ledger, world.chart, ORG, from_date=start, to_date=end, run_at=RUN_AT
    )
    net = figures(report, "Net Profit") or []
    assert net[-1] == figure(untracked, "Net Profit") == expected_profit(world, start, end)
    assert sum(net[:-1], ZERO) == net[-1]
    for (option_id, _), value in zip(options, net, strict=False):
        assert value == expected_profit(world, start, end, option=option_id)
        only = profit_and_loss(
            world.ledger,
            world.chart,
            ORG,
            from_date=start,
            to_date=end,
            columns=period_columns(world.ledger, start, end, 0, "MONTH", option_id),
            run_at=RUN_AT,
        )
        assert figure(only, "Net Profit") == value
