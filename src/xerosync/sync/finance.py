"""What a finance person looks at, from Xero's reports as kept and the invoices as pulled.

Pure: report bodies and invoices come in as Xero's JSON (dicts), figures go out as Decimal.

    bank_balances(bank_summary)        each bank account: opening, received, spent, closing
    profit_and_loss_by_month(pnl)      per month, oldest first: income, expenses, net
    receivables_aging(invoices, today) sales invoices still owed, by days past their due date
    invoice_payment_split(invoices)    sales invoices paid, outstanding and overdue

Only sales invoices (ACCREC) count for the last two; amounts are in each invoice's own currency,
as Xero keeps them. A report's cell that is not a number reads as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from xerosync.xero.models.dates import parse_date
from xerosync.xero.models.reports import Report, ReportRow

__all__ = [
    "Aging",
    "BankBalance",
    "FinanceSummary",
    "MonthResult",
    "PaidSplit",
    "bank_balances",
    "invoice_payment_split",
    "profit_and_loss_by_month",
    "receivables_aging",
    "summarise",
]

ZERO = Decimal("0.00")


class _Figures(BaseModel):
    model_config = ConfigDict(frozen=True)


class BankBalance(_Figures):
    name: str
    opening: Decimal
    received: Decimal
    spent: Decimal
    closing: Decimal


class MonthResult(_Figures):
    #: the column's title as Xero gives it (the month's last day, e.g. "31 Dec 25")
    label: str
    #: income and other income
    income: Decimal
    #: cost of sales and operating expenses
    expenses: Decimal
    #: Xero's net profit (a loss is negative)
    net: Decimal


class Aging(_Figures):
    """What customers owe, by days past the due date (not yet due: `current`)."""

    current: Decimal = ZERO
    days_1_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    over_90: Decimal = ZERO
    total: Decimal = ZERO


class PaidSplit(_Figures):
    """Sales invoices: fully paid (their totals), still owed (amounts due), and of those the
    ones past their due date."""

    paid_count: int = 0
    paid_amount: Decimal = ZERO
    outstanding_count: int = 0
    outstanding_amount: Decimal = ZERO
    overdue_count: int = 0
    overdue_amount: Decimal = ZERO


class FinanceSummary(_Figures):
    as_of: date
    #: when the oldest report used was fetched; None when none has been yet
    fetched_at: datetime | None = None
    bank_balances: list[BankBalance] = Field(default_factory=list)
    profit_and_loss: list[MonthResult] = Field(default_factory=list)
    receivables: Aging = Field(default_factory=Aging)
    invoices: PaidSplit = Field(default_factory=PaidSplit)


def _money(value: Any) -> Decimal:
    if value is None or isinstance(value, bool):
        return ZERO
    try:
        return Decimal(str(value).replace(",", "").strip() or "0")
    except InvalidOperation:
        return ZERO


def _cells(row: ReportRow) -> list[Decimal]:
    """The row's figures (every cell after its label)."""
    return [c.amount if c.amount is not None else ZERO for c in (row.cells or [])[1:]]


def bank_balances(bank_summary_body: Mapping[str, Any]) -> list[BankBalance]:
    """One per bank account row of a BankSummary (its Total row left out)."""
    report = Report.model_validate(bank_summary_body)
    out: list[BankBalance] = []
    for _section, row in report.walk():
        if row.row_type != "Row" or len(row.cells or []) < 5:
            continue
        opening, received, spent, closing = _cells(row)[:4]
        name = (row.cells or [])[0].value or ""
        out.append(
            BankBalance(name=name, opening=opening, received=received, spent=spent, closing=closing)
        )
    return out


def _column_date(label: str) -> date | None:
    for form in ("%d %b %y", "%d %b %Y", "%b %y", "%b %Y"):
        try:
            return datetime.strptime(label.strip(), form).date()
        except ValueError:
            continue
    return None


def _add(into: list[Decimal], values: list[Decimal]) -> None:
    for i, value in enumerate(values[: len(into)]):
        into[i] += value


def profit_and_loss_by_month(pnl_body: Mapping[str, Any]) -> list[MonthResult]:
    """One per column of a ProfitAndLoss, oldest first. Income is every section totalled that
    is not a "Less ..." one (Income, Plus Other Income); expenses are the "Less ..." sections
    (Cost of Sales, Operating Expenses); net is Xero's Net Profit row."""
    report = Report.model_validate(pnl_body)
    labels = report.header[1:]
    if not labels:
        return []
    width = len(labels)
    income, expenses = [ZERO] * width, [ZERO] * width
    net: list[Decimal] | None = None
    for row in report.rows or []:
        if row.row_type != "Section":
            continue
        title = (row.title or "").strip().lower()
        inner = row.rows or []
        totals = [r for r in inner if r.row_type == "SummaryRow"]
        for plain in inner:
            name = (plain.values() or [""])[0].strip().lower()
            if plain.row_type == "Row" and name.startswith(("net profit", "net loss")):
                net = (_cells(plain) + [ZERO] * width)[:width]
        if not title:
            continue
        figures = [ZERO] * width
        for total in totals or [r for r in inner if r.row_type == "Row"]:
            _add(figures, _cells(total))
        _add(expenses if title.startswith("less") else income, figures)
    if net is None:
        net = [i - e for i, e in zip(income, expenses, strict=True)]
    months = [
        MonthResult(label=label, income=i, expenses=e, net=n)
        for label, i, e, n in zip(labels, income, expenses, net, strict=True)
    ]
    dated = [_column_date(m.label) for m in months]
    if all(d is not None for d in dated):
        return [months[k] for k in sorted(range(width), key=lambda k: dated[k] or date.min)]
    return months[::-1]  # Xero lists the period asked for first, then earlier ones


def _due(invoice: Mapping[str, Any]) -> date | None:
    for key in ("DueDate", "Date"):
        value = invoice.get(key)
        if value:
            try:
                return parse_date(value)
            except ValueError:
                continue
    return None


def _owed(invoices: Iterable[Mapping[str, Any]]) -> Iterable[tuple[Mapping[str, Any], Decimal]]:
    """Sales invoices approved and not fully paid, with what is still due on each."""
    for invoice in invoices:
        if invoice.get("Type") != "ACCREC" or invoice.get("Status") != "AUTHORISED":
            continue
        due = _money(invoice.get("AmountDue"))
        if due > 0:
            yield invoice, due


def receivables_aging(invoices: Iterable[Mapping[str, Any]], today: date) -> Aging:
    """Amounts due on approved sales invoices, by days past the due date on `today`
    (an invoice with no due date counts from its date; with neither, as current)."""
    buckets = [ZERO] * 5
    for invoice, due in _owed(invoices):
        when = _due(invoice)
        late = (today - when).days if when else 0
        index = 0 if late <= 0 else 1 if late <= 30 else 2 if late <= 60 else 3 if late <= 90 else 4
        buckets[index] += due
    return Aging(
        current=buckets[0],
        days_1_30=buckets[1],
        days_31_60=buckets[2],
        days_61_90=buckets[3],
        over_90=buckets[4],
        total=sum(buckets, ZERO),
    )


def invoice_payment_split(
    invoices: Iterable[Mapping[str, Any]], today: date | None = None
) -> PaidSplit:
    """Sales invoices paid in full (count, totals) against those still owed (count, amounts
    due); overdue ones are owed and past their due date on `today` (none without a `today`)."""
    kept = list(invoices)
    paid = [i for i in kept if i.get("Type") == "ACCREC" and i.get("Status") == "PAID"]
    owed = list(_owed(kept))
    overdue = [
        amount
        for invoice, amount in owed
        if today is not None and (when := _due(invoice)) is not None and when < today
    ]
    return PaidSplit(
        paid_count=len(paid),
        paid_amount=sum((_money(i.get("Total")) for i in paid), ZERO),
        outstanding_count=len(owed),
        outstanding_amount=sum((amount for _, amount in owed), ZERO),
        overdue_count=len(overdue),
        overdue_amount=sum(overdue, ZERO),
    )


def summarise(
    *,
    today: date,
    bank_summary: Mapping[str, Any] | None,
    profit_and_loss: Mapping[str, Any] | None,
    invoices: Iterable[Mapping[str, Any]],
    fetched_at: datetime | None = None,
) -> FinanceSummary:
    """Everything above at once; a report not fetched yet gives an empty list."""
    kept = list(invoices)
    return FinanceSummary(
        as_of=today,
        fetched_at=fetched_at,
        bank_balances=bank_balances(bank_summary) if bank_summary else [],
        profit_and_loss=profit_and_loss_by_month(profit_and_loss) if profit_and_loss else [],
        receivables=receivables_aging(kept, today),
        invoices=invoice_payment_split(kept, today),
    )
