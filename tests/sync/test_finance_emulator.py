"""Reports fetched and kept, and the finance summary made from them and the pulled invoices,
against the emulator's demo organisation (SQLite and PostgreSQL): every figure is checked
against what Xero itself says, asked separately (its reports for other ranges, its invoices)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.sync.conftest import KEPT, Harness, contact, invoice
from xerosync.engine import reports as engine_reports
from xerosync.errors import InsufficientScope, NeedsReauth
from xerosync.xero.models.dates import parse_date


def xero_report(h: Harness, name: str, **params: Any) -> dict[str, Any]:
    with h.api() as api:
        response = api.get(f"Reports/{name}", params=params)
        response.raise_for_status()
        report: dict[str, Any] = response.json()["Reports"][0]
        return report


def rows(report: dict[str, Any]) -> list[list[str]]:
    out = []
    for top in report["Rows"]:
        for row in top.get("Rows", []) if top["RowType"] == "Section" else [top]:
            out.append([c.get("Value", "") for c in row.get("Cells", [])])
    return out


def figure(report: dict[str, Any], label: str, column: int = 1) -> Decimal:
    [found] = [r for r in rows(report) if r and r[0] == label]
    return Decimal(found[column].replace(",", ""))


def bank_line(h: Harness, kind: str, amount: str, day: date) -> None:
    """Money in or out of the bank account, entered in Xero by someone else."""
    body = {
        "BankTransactions": [
            {
                "Type": kind,
                "Contact": {"Name": "Walk-in customer"},
                "BankAccount": {"Code": "090"},
                "Date": day.isoformat(),
                "LineAmountTypes": "NoTax",
                "LineItems": [
                    {"Description": kind, "Quantity": 1, "UnitAmount": amount, "AccountCode": "200"}
                ],
            }
        ]
    }
    with h.api() as api:
        api.put("BankTransactions", json=body).raise_for_status()


def expected_sales(h: Harness, today: date) -> dict[str, Any]:
    """Xero's own sales invoices, owed and paid, bucketed here by their due dates."""
    buckets = dict.fromkeys(["current", "1-30", "31-60", "61-90", "90+"], Decimal(0))
    paid: list[Decimal] = []
    overdue: list[Decimal] = []
    owed: list[Decimal] = []
    for inv in h.xero("Invoices", page=1):
        if inv["Type"] != "ACCREC":
            continue
        if inv["Status"] == "PAID":
            paid.append(Decimal(str(inv["Total"])))
        due = Decimal(str(inv["AmountDue"]))
        if inv["Status"] != "AUTHORISED" or due <= 0:
            continue
        late = (today - parse_date(inv["DueDate"])).days
        owed.append(due)
        if late > 0:
            overdue.append(due)
        key = (
            "current"
            if late <= 0
            else "1-30"
            if late <= 30
            else "31-60"
            if late <= 60
            else "61-90"
            if late <= 90
            else "90+"
        )
        buckets[key] += due
    return {"buckets": buckets, "paid": paid, "owed": owed, "overdue": overdue}


def test_the_finance_summary_agrees_with_xeros_own_reports_and_invoices(books: Harness) -> None:
    h, sync, conn = books, books.sync, books.connection
    today = h.clock.now().date()
    bank_line(h, "RECEIVE", "500.00", today)
    bank_line(h, "SPEND", "120.25", today)
    sync.submit(conn, "contacts", contact(1))
    sync.submit(conn, "invoices", invoice(1, amount="230.00", date=today.isoformat()))
    assert sync.push(conn).finished
    assert sync.pull(conn).finished

    assert sync.refresh_reports(conn) == KEPT
    summary = sync.finance(conn)

    assert summary.as_of == today
    assert summary.fetched_at == h.clock.now()
    # bank: this month's money in and out, closing on the balance sheet's figure
    balance_sheet = xero_report(h, "BalanceSheet", date=today.isoformat())
    by_name = {b.name: b for b in summary.bank_balances}
    main = by_name["Business Bank Account"]
    assert (main.received, main.spent) == (Decimal("500.00"), Decimal("120.25"))
    for bank in summary.bank_balances:
        assert bank.opening + bank.received - bank.spent == bank.closing
        assert bank.closing == figure(balance_sheet, bank.name)
    # profit and loss: twelve months, oldest first, each as Xero reports that month alone
    months = summary.profit_and_loss
    kept = sync.report(conn, "ProfitAndLoss")
    assert kept is not None
    this_month_end = date.fromisoformat(kept.params["toDate"])
    ends = [datetime.strptime(m.label, "%d %b %Y").date() for m in months]
    assert len(ends) == 12
    assert ends == sorted(ends)
    assert ends[-1] == this_month_end
    whole_year = xero_report(
        h,
        "ProfitAndLoss",
        fromDate=ends[0].replace(day=1).isoformat(),
        toDate=this_month_end.isoformat(),
    )
    assert sum(m.net for m in months) == figure(whole_year, "Net Profit")
    for month, end in list(zip(months, ends, strict=True))[-4:-1]:  # the seeded trading months
        alone = xero_report(
            h, "ProfitAndLoss", fromDate=end.replace(day=1).isoformat(), toDate=end.isoformat()
        )
        assert month.income == figure(alone, "Total Income")
        assert month.net == figure(alone, "Net Profit")
        assert month.net == month.income - month.expenses
    assert any(m.net for m in months)
    # invoices: receivables by age and the paid/outstanding split, from Xero's invoice list
    want = expected_sales(h, today)
    aging = summary.receivables
    assert [
        aging.current,
        aging.days_1_30,
        aging.days_31_60,
        aging.days_61_90,
        aging.over_90,
    ] == list(want["buckets"].values())
    assert aging.current >= Decimal("230.00")  # the app's own invoice, not due yet
    assert sum(1 for v in want["buckets"].values() if v) >= 2  # a spread, not one bucket
    assert aging.total == sum(want["owed"])
    split = summary.invoices
    assert (split.paid_count, split.paid_amount) == (len(want["paid"]), sum(want["paid"]))
    assert (split.outstanding_count, split.outstanding_amount) == (
        len(want["owed"]),
        sum(want["owed"]),
    )
    assert (split.overdue_count, split.overdue_amount) == (
        len(want["overdue"]),
        sum(want["overdue"]),
    )
    assert split.paid_count > 0
    assert split.overdue_count > 0


def test_a_report_xero_refuses_is_skipped_and_its_last_copy_kept(
    books: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync, conn = books.sync, books.connection
    assert sync.refresh_reports(conn) == KEPT
    first = sync.report(conn, "BalanceSheet")
    assert first is not None
    books.clock.advance(3600)
    # Xero down for the balance sheet (past the client's retries), a validation error for
    # the profit and loss, and a report Xero does not have
    with books.emulator.admin() as admin:
        admin.post(
            "/faults/errors",
            json={"status": 503, "count": 50, "path_prefix": "/api.xro/2.0/Reports/BalanceSheet"},
        ).raise_for_status()
    asked = dict(engine_reports.REPORTS)
    asked["ProfitAndLoss"] = lambda today: {"fromDate": today.isoformat(), "periods": 13}
    asked["NoSuchReport"] = lambda today: {}
    monkeypatch.setattr(engine_reports, "REPORTS", asked)

    assert sync.refresh_reports(conn) == ["BankSummary", "TrialBalance"]

    assert sync.report(conn, "BalanceSheet") == first  # the last good copy, as it was
    assert sync.report(conn, "NoSuchReport") is None
    bank = sync.report(conn, "BankSummary")
    assert bank is not None
    assert bank.fetched_at == books.clock.now()


def test_a_dead_grant_stops_the_refresh_and_pauses_the_connection(books: Harness) -> None:
    sync, conn = books.sync, books.connection
    client_id = books.emulator.state.config.demo_client_id
    with books.emulator.admin() as admin:
        admin.post(f"/apps/{client_id}/expire-refresh-tokens").raise_for_status()
        admin.post(f"/apps/{client_id}/expire-access-tokens").raise_for_status()

    with pytest.raises(NeedsReauth):
        sync.refresh_reports(conn)

    assert sync.connections()[0].status == "needs_reauth"
    assert sync.report(conn, "ProfitAndLoss") is None


def test_without_the_reports_scope_the_refresh_says_so(harness: Harness) -> None:
    with pytest.raises(InsufficientScope):
        harness.sync.refresh_reports(harness.connection)
    assert harness.sync.report(harness.connection, "ProfitAndLoss") is None


def test_before_anything_is_fetched_the_summary_is_empty_and_the_accounts_are_kept(
    books: Harness,
) -> None:
    sync = books.sync
    summary = sync.finance(books.tenant_id, today=date(2026, 1, 1))  # by tenant id too
    assert summary.as_of == date(2026, 1, 1)
    assert summary.fetched_at is None
    assert summary.bank_balances == []
    assert summary.profit_and_loss == []
    assert summary.receivables.total == 0
    assert summary.invoices.paid_count == 0
    assert sync.report(books.connection, "BalanceSheet") is None

    accounts = sync.accounts(books.connection)  # kept by refresh_books when connected
    codes = [a["Code"] for a in accounts if a.get("Code")]
    assert codes == sorted(codes)
    assert {a["Code"] for a in books.xero("Accounts") if a.get("Code")} == set(codes)
    assert {"Code", "Name", "Type", "Class", "Status"} <= set(accounts[0])
    with pytest.raises(LookupError):
        sync.accounts("no-such-connection")
