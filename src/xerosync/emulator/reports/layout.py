"""Xero's report shape: an envelope, a Header row, Sections of Rows and SummaryRows, string cells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xerosync.emulator.ledger.accounts import Account
from xerosync.emulator.ledger.values import ZERO, money, ms_datetime

Row = dict[str, Any]
NO_ACCOUNT = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True, slots=True)
class Organisation:
    """What a report needs to know about the organisation."""

    name: str
    financial_year_end_day: int = 31
    financial_year_end_month: int = 12


def amount(value: Decimal) -> str:
    """Cell text for money: always 2 dp, `-0.00` never."""
    value = money(value)
    return f"{(value if value != ZERO else ZERO):.2f}"


def long_date(day: date) -> str:
    """`24 April 2019`."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """`30 Apr 2019`, as balance-sheet column titles are written."""
    return f"{day.day} {day:%b %Y}"


def us_date(day: date) -> str:
    """`4/30/2019`, as fromDate/toDate cell attributes are written."""
    return f"{day.month}/{day.day}/{day.year}"


def iso_midnight(day: date) -> str:
    """`2019-04-23T00:00:00`, as aged reports write dates."""
    return f"{day.isoformat()}T00:00:00"


def cell(value: str, attributes: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"Value": value}
    if attributes:
        out["Attributes"] = [{"Value": v, "Id": k} for k, v in attributes.items()]
    return out


def header(*titles: str) -> Row:
    return {"RowType": "Header", "Cells": [cell(t) for t in titles]}


def account_row(account: Account, values: list[Decimal], label: str | None = None) -> Row:
    attrs = {"account": account.account_id}
    return {
        "RowType": "Row",
        "Cells": [cell(label or account.name, attrs)] + [cell(amount(v), attrs) for v in values],
    }


def plain_row(label: str, values: list[str], row_type: str = "Row") -> Row:
    return {"RowType": row_type, "Cells": [cell(label)] + [cell(v) for v in values]}


def summary_row(label: str, values: list[Decimal]) -> Row:
    return plain_row(label, [amount(v) for v in values], "SummaryRow")


def section(title: str, rows: list[Row]) -> Row:
    return {"RowType": "Section", "Title": title, "Rows": rows}


def envelope(
    *,
    name: str,
    report_type: str,
    titles: list[str],
    rows: list[Row],
    run_at: datetime,
    report_id: str | None = None,
) -> dict[str, Any]:
    """One report in its `ReportWithRow` shape (wrap in `{"Reports": [...]}` to serve)."""
    report: dict[str, Any] = {}
    if report_id:
        report["ReportID"] = report_id
    report.update(
        {
            "ReportName": name,
            "ReportType": report_type,
            "ReportTitles": titles,
            "ReportDate": long_date(run_at.date()),
            "UpdatedDateUTC": ms_datetime(run_at),
            "Fields": [],
            "Rows": rows,
        }
    )
    return report
