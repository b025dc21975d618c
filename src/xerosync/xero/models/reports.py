"""Reports (`/Reports/BalanceSheet`, `/ProfitAndLoss`, ...): a tree of header, section and summary rows.

Every cell value is text in Xero's reports (`"296.37"`, `""`); `ReportCell.amount` reads it as Decimal
when it is a number.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from pydantic import Field

from xerosync.xero.models.base import XeroDateTime, XeroModel

__all__ = ["Report", "ReportAttribute", "ReportCell", "ReportRow"]


class ReportAttribute(XeroModel):
    id: str | None = Field(default=None, alias="Id")
    value: str | None = None


class ReportCell(XeroModel):
    value: str | None = None
    attributes: list[ReportAttribute] | None = None

    @property
    def amount(self) -> Decimal | None:
        """The cell as money, or None for text cells and blanks."""
        try:
            return Decimal((self.value or "").replace(",", ""))
        except InvalidOperation:
            return None

    def attribute(self, attribute_id: str) -> str | None:
        """E.g. `cell.attribute("account")` is the AccountID a row's cell links to."""
        return next((a.value for a in self.attributes or [] if a.id == attribute_id), None)


class ReportRow(XeroModel):
    row_type: str | None = None
    title: str | None = None
    cells: list[ReportCell] | None = None
    rows: list[ReportRow] | None = None

    def values(self) -> list[str]:
        return [c.value or "" for c in self.cells or []]


class Report(XeroModel):
    report_id: str | None = None
    report_name: str | None = None
    report_title: str | None = None
    report_type: str | None = None
    report_titles: list[str] | None = None
    report_date: str | None = None
    updated_date_utc: XeroDateTime | None = None
    fields: list[dict[str, object]] | None = None
    rows: list[ReportRow] | None = None

    def walk(self) -> Iterator[tuple[str | None, ReportRow]]:
        """Every `Row` and `SummaryRow` with the title of the section it sits in."""
        for row in self.rows or []:
            if row.row_type == "Section":
                for inner in row.rows or []:
                    yield row.title, inner
            elif row.row_type != "Header":
                yield None, row

    @property
    def header(self) -> list[str]:
        first = next((r for r in self.rows or [] if r.row_type == "Header"), None)
        return first.values() if first else []


ReportRow.model_rebuild()
