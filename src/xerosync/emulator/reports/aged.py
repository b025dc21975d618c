"""AgedReceivablesByContact / AgedPayablesByContact: one contact's open documents at a date.

Built from the documents themselves (not the ledger): invoices with what is still due,
less credit notes, prepayments and overpayments with credit not yet allocated. Amounts paid
and credited are counted up to the report date when the documents carry their Payments /
Allocations (with dates); otherwise their AmountPaid / AmountCredited / RemainingCredit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xerosync.emulator.ledger.values import ZERO, money, to_date
from xerosync.emulator.reports.layout import (
    Organisation,
    Row,
    amount,
    cell,
    envelope,
    header,
    iso_midnight,
    long_date,
    plain_row,
    section,
    summary_row,
)

Doc = Mapping[str, Any]
POSTED = ("AUTHORISED", "PAID")
SIDES = {
    "receivables": ("ACCREC", "ACCRECCREDIT", "RECEIVE", "Aged Receivables By Contact", "Number"),
    "payables": ("ACCPAY", "ACCPAYCREDIT", "SPEND", "Aged Payables By Contact", "Reference"),
}


@dataclass(frozen=True, slots=True)
class _Line:
    day: date
    number: str
    due_date: date | None
    total: Decimal
    paid: Decimal
    credited: Decimal
    id_name: str
    doc_id: str

    @property
    def due(self) -> Decimal:
        return self.total - self.paid - self.credited


def aged_by_contact(
    side: str,
    org: Organisation,
    *,
    contact_id: str,
    at: date,
    from_date: date | None = None,
    invoices: Iterable[Doc] = (),
    credit_notes: Iterable[Doc] = (),
    prepayments: Iterable[Doc] = (),
    overpayments: Iterable[Doc] = (),
    contact_name: str | None = None,
    run_at: datetime,
) -> dict[str, Any]:
    """`side` is "receivables" or "payables"; documents of other contacts/types are ignored."""
    invoice_type, credit_type, cash_prefix, name, number_title = SIDES[side]
    credit_notes, prepayments, overpayments = (
        list(credit_notes),
        list(prepayments),
        list(overpayments),
    )
    applied = _allocations(contact_id, credit_notes, prepayments, overpayments)
    lines: list[_Line] = []
    for doc in _of(invoices, contact_id, at, invoice_type):
        paid = _sum_to(doc, "Payments", "Amount", at, "AmountPaid")
        credited = _credited(doc, at, applied.get(str(doc.get("InvoiceID") or "").lower()))
        lines.append(_line(doc, "InvoiceID", "invoiceID", money(doc.get("Total")), paid, credited))
    for doc in _of(credit_notes, contact_id, at, credit_type):
        refunded = _sum_to(doc, "Payments", "Amount", at, None)
        lines.append(_credit_line(doc, "CreditNoteID", "creditNoteID", at, refunded))
    for docs, id_field in ((prepayments, "PrepaymentID"), (overpayments, "OverpaymentID")):
        for doc in _of(docs, contact_id, at, None):
            if str(doc.get("Type") or "").startswith(cash_prefix):
                refunded = _sum_to(doc, "Payments", "Amount", at, None)
                lines.append(
                    _credit_line(doc, id_field, id_field[0].lower() + id_field[1:], at, refunded)
                )
    start = from_date or min((x.day for x in lines), default=at)
    opening = [x for x in lines if x.day < start and x.due]
    shown = sorted((x for x in lines if x.day >= start and x.due), key=lambda x: (x.day, x.number))
    opening_due = sum((x.due for x in opening), ZERO)
    totals = [sum((getattr(x, f) for x in shown), ZERO) for f in ("total", "paid", "credited")]
    totals.append(totals[0] - totals[1] - totals[2])
    closing = [totals[0], totals[1], totals[2], totals[3] + opening_due]
    rows: list[Row] = [
        header("Date", number_title, "Due Date", "", "Total", "Paid", "Credited", "Due"),
        section(
            "",
            [
                plain_row(
                    iso_midnight(start),
                    ["Opening Balance", "", "", "", "", "", amount(opening_due)],
                )
            ],
        ),
        section("", [*(_row(x, at) for x in shown), _summary("Total", totals)]),
        section("", [_summary("Closing Balance", closing)]),
    ]
    return envelope(
        name=name,
        report_type=name.replace(" ", ""),
        titles=[
            "Invoices",
            contact_name or org.name,
            f"From {long_date(start)} to {long_date(at)}",
            f"Showing payments to {long_date(at)}",
        ],
        rows=rows,
        run_at=run_at,
    )


def _of(docs: Iterable[Doc], contact_id: str, at: date, doc_type: str | None) -> list[Doc]:
    out = []
    for doc in docs:
        contact = doc.get("Contact") or {}
        if str(contact.get("ContactID") or "").lower() != contact_id.lower():
            continue
        if doc.get("Status") not in POSTED:
            continue
        if doc_type is not None and doc.get("Type") != doc_type:
            continue
        if to_date(doc["Date"]) <= at:
            out.append(doc)
    return out


def _dated(entry: Mapping[str, Any], at: date) -> bool:
    when = entry.get("Date")
    return when is None or to_date(when) <= at


def _sum_to(doc: Doc, key: str, field: str, at: date, fallback: str | None) -> Decimal:
    """Sum `field` over doc[key] entries dated on or before `at` (fallback field if absent)."""
    if key not in doc:
        return money(doc.get(fallback)) if fallback else ZERO
    return sum(
        (
            money(e.get(field))
            for e in doc[key] or []
            if not e.get("IsDeleted")
            and e.get("Status", "AUTHORISED") == "AUTHORISED"
            and _dated(e, at)
        ),
        ZERO,
    )


def _allocations(contact_id: str, *groups: list[Doc]) -> dict[str, list[tuple[date, Decimal]]]:
    """Invoice ID -> (date, amount) of each credit allocated to it, from the credits' side
    (their Allocations carry the allocation date; an invoice's CreditNotes list may not)."""
    out: dict[str, list[tuple[date, Decimal]]] = {}
    for docs in groups:
        for doc in docs:
            if str((doc.get("Contact") or {}).get("ContactID") or "").lower() != contact_id.lower():
                continue
            for allocation in doc.get("Allocations") or []:
                invoice = allocation.get("Invoice") or {}
                if (
                    allocation.get("IsDeleted")
                    or not invoice.get("InvoiceID")
                    or not allocation.get("Date")
                ):
                    continue
                out.setdefault(str(invoice["InvoiceID"]).lower(), []).append(
                    (to_date(allocation["Date"]), money(allocation.get("Amount")))
                )
    return out


def _credited(invoice: Doc, at: date, applied: list[tuple[date, Decimal]] | None) -> Decimal:
    if applied and sum((a for _, a in applied), ZERO) == money(invoice.get("AmountCredited")):
        return sum((a for d, a in applied if d <= at), ZERO)
    keys = [k for k in ("CreditNotes", "Prepayments", "Overpayments") if k in invoice]
    if not keys:
        return money(invoice.get("AmountCredited"))
    total = ZERO
    for key in keys:
        for entry in invoice[key] or []:
            if _dated(entry, at):
                total += money(entry.get("AppliedAmount", entry.get("Amount")))
    return total


def _line(
    doc: Doc, id_field: str, id_name: str, total: Decimal, paid: Decimal, credited: Decimal
) -> _Line:
    due_date = doc.get("DueDate")
    return _Line(
        day=to_date(doc["Date"]),
        number=str(
            doc.get("InvoiceNumber") or doc.get("CreditNoteNumber") or doc.get("Reference") or ""
        ),
        due_date=to_date(due_date) if due_date else None,
        total=total,
        paid=paid,
        credited=credited,
        id_name=id_name,
        doc_id=str(doc.get(id_field) or ""),
    )


def _credit_line(doc: Doc, id_field: str, id_name: str, at: date, refunded: Decimal) -> _Line:
    """Credit shows negative: Total, refunds (Paid) and allocations (Credited)."""
    total = money(doc.get("Total"))
    if "Allocations" in doc:
        allocated = _sum_to(doc, "Allocations", "Amount", at, None)
    else:
        allocated = total - refunded - money(doc.get("RemainingCredit"))
    return _line(doc, id_field, id_name, -total, -refunded, -allocated)


def _row(line: _Line, at: date) -> Row:
    attrs = {line.id_name: line.doc_id}
    overdue = ""
    if line.due_date and line.due > 0 and at > line.due_date:
        overdue = f"{(at - line.due_date).days} days overdue"
    texts = [
        iso_midnight(line.day),
        line.number,
        iso_midnight(line.due_date) if line.due_date else "",
        overdue,
        amount(line.total),
        amount(line.paid),
        amount(line.credited),
        amount(line.due),
    ]
    return {"RowType": "Row", "Cells": [cell(t, attrs) for t in texts]}


def _summary(label: str, values: list[Decimal]) -> Row:
    row = summary_row(label, values)
    row["Cells"][1:1] = [cell(""), cell(""), cell("")]
    return row
