"""`xerosync reports`: the organisation's figures as tables, from the reports kept and the
invoices pulled; a report never fetched says how to fetch it (exit code 1)."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Connect, Invoke
from tests.client.emulator_oauth import SCOPES
from tests.sync.conftest import Harness
from xerosync.xero.models.reports import Report


@pytest.fixture
def harness(connect: Connect) -> Harness:
    return connect(scopes=(*SCOPES, "accounting.reports.read"))


def test_a_report_never_fetched_says_to_refresh(harness: Harness, invoke: Invoke) -> None:
    result = invoke("reports", harness.connection, "pnl")

    assert result.exit_code == 1
    assert "no ProfitAndLoss kept" in result.output
    assert "--refresh" in result.output


def test_refresh_fetches_and_every_view_is_drawn(harness: Harness, invoke: Invoke) -> None:
    sync, conn = harness.sync, harness.connection
    assert invoke("sync", "--no-push").exit_code == 0  # the organisation's invoices

    result = invoke("reports", conn, "--refresh")

    assert result.exit_code == 0, result.output
    assert "refreshed: " in result.output
    assert "ProfitAndLoss" in result.output
    finance = sync.finance(conn)
    assert finance.profit_and_loss
    assert finance.bank_balances
    for title in ("Profit and loss by month", "Aged receivables", "Bank accounts"):
        assert title in result.output
    # figures as the library computes them from Xero's reports and invoices
    assert f"{finance.receivables.total:,.2f}" in result.output
    assert f"{finance.bank_balances[0].closing:,.2f}" in result.output
    assert finance.profit_and_loss[-1].label in result.output
    # the balance sheet as Xero lays it out: its sections' titles and rows
    stored = sync.report(conn, "BalanceSheet")
    assert stored is not None
    sections = [r.title for r in Report.model_validate(stored.body).rows or [] if r.title]
    assert sections
    for title in sections:
        assert title in result.output


def test_one_view_at_a_time(harness: Harness, invoke: Invoke) -> None:
    assert invoke("reports", harness.connection, "bank", "--refresh").exit_code == 0

    result = invoke("reports", harness.tenant_id, "balance-sheet")

    assert result.exit_code == 0, result.output
    assert "Balance Sheet" in result.output
    assert "Bank accounts" not in result.output


def test_unknown_connection_or_report_is_exit_code_2(harness: Harness, invoke: Invoke) -> None:
    assert invoke("reports", "nobody", "pnl").exit_code == 2
    unknown = invoke("reports", harness.connection, "cash-flow")
    assert unknown.exit_code == 2
    assert "cash-flow" in unknown.output


def test_refresh_without_the_reports_scope_says_so(connect: Connect, invoke: Invoke) -> None:
    harness = connect()  # connected without accounting.reports.read

    result = invoke("reports", harness.connection, "--refresh")

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "scope" in result.output.lower()
