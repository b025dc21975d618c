"""The demo company's invoices, bills and payments: a few months of ordinary trading.

Deterministic (fixed dates, amounts and order; ids come from the seed's id source), and
made through the same `create` paths as API writes, so every seeded invoice obeys the
rules the API enforces. Covers each status, partial and full payments, a voided
invoice, discounts, Inclusive and NoTax lines, and bills from suppliers.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from xerosync.emulator.books.writes import WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

START = date(2025, 10, 1)

# (customer, lines [(description, qty, unit, account or item)], status, paid fraction)
_SALES: list[tuple[str, list[tuple[str, float, float, str]], str, float]] = [
    ("Ridgeway University", [("Website redesign", 40, 150, "DevFee")], "PAID", 1.0),
    ("City Limousines", [("Monthly retainer", 1, 1200, "200")], "PAID", 1.0),
    ("Marine Systems", [("Support hours", 12.5, 95, "200")], "AUTHORISED", 0.5),
    ("Bayside Club", [("Fiction books", 24, 19.95, "BOOK")], "AUTHORISED", 0.0),
    ("Boom FM", [("Radio campaign", 1, 4500, "200"), ("Production", 6, 120, "200")], "PAID", 1.0),
    ("DIISR - Small Business Services", [("Workshop", 2, 850, "260")], "SUBMITTED", 0.0),
    ("Hamilton Smith Ltd", [("Golf balls", 10, 24.1234, "GB1-White")], "AUTHORISED", 0.0),
    ("Basket Case", [("Consulting", 3, 150, "DevFee")], "DRAFT", 0.0),
    ("Young Bros Transport", [("Fleet app licence", 1, 2999, "200")], "AUTHORISED", 0.25),
    ("Petrie McLoud Watson & Associates", [("Audit support", 16, 150, "DevFee")], "PAID", 1.0),
    ("Port & Philip Freight", [("T-shirts", 50, 35, "T-SHIRT")], "AUTHORISED", 0.0),
    ("Rex Media Group", [("Copywriting", 8, 110, "200")], "VOIDED", 0.0),
    ("Ridgeway University", [("Hosting", 12, 45, "200")], "AUTHORISED", 0.0),
    ("City Limousines", [("Monthly retainer", 1, 1200, "200")], "AUTHORISED", 0.0),
    ("Marine Systems", [("Support hours", 4, 95, "200")], "DRAFT", 0.0),
    ("Boom FM", [("Jingle", 1, 650, "200")], "PAID", 1.0),
]
# (supplier, description, amount, account, status, paid fraction, number)
_BILLS: list[tuple[str, str, float, str, str, float, str]] = [
    ("ABC Furniture", "Office desks", 2400, "710", "PAID", 1.0, "AF-1021"),
    ("Capital Cab Co", "Taxi fares", 186.4, "493", "PAID", 1.0, "CC-5512"),
    ("Central Copiers", "Copier lease", 320, "453", "AUTHORISED", 0.0, "CCP-88"),
    ("Gateway Motors", "Vehicle service", 540.75, "449", "AUTHORISED", 0.5, "GM-3301"),
    ("Hoyt Productions", "Video shoot", 3800, "400", "SUBMITTED", 0.0, "HP-209"),
    ("PowerDirect", "Electricity", 412.3, "445", "PAID", 1.0, "PD-0192"),
    ("PowerDirect", "Electricity", 398.1, "445", "AUTHORISED", 0.0, "PD-0193"),
    ("SMART Agency", "Recruitment fee", 5200, "429", "DRAFT", 0.0, "SA-77"),
    ("Swanston Security", "Alarm monitoring", 89, "429", "PAID", 1.0, "SS-1402"),
]


def seed_invoices(books: Books) -> None:
    """Add the demo invoices, bills and payments to books that hold the demo company."""
    ctx = WriteContext(now=books.clock.now())
    for index, (customer, lines, status, paid) in enumerate(_SALES):
        issued = START + timedelta(days=6 * index)
        data: dict[str, Any] = {
            "Type": "ACCREC",
            "Contact": {"Name": customer},
            "Date": issued.isoformat(),
            "DueDate": (issued + timedelta(days=20)).isoformat(),
            "Reference": f"PO-{4100 + index}",
            "Status": "AUTHORISED" if status in ("PAID", "VOIDED") else status,
            "LineAmountTypes": "Inclusive" if index % 5 == 4 else "Exclusive",
            "LineItems": [_line(*line) for line in lines],
        }
        if index == 2:
            data["LineItems"][0]["DiscountRate"] = 10
        invoice = books.invoices.create(data, ctx)
        _settle(books, invoice, status, paid, issued + timedelta(days=14), ctx)
    for index, (supplier, text, amount, account, status, paid, number) in enumerate(_BILLS):
        issued = START + timedelta(days=9 * index + 3)
        bill = books.invoices.create(
            {
                "Type": "ACCPAY",
                "Contact": {"Name": supplier},
                "InvoiceNumber": number,
                "Date": issued.isoformat(),
                "DueDate": (issued + timedelta(days=30)).isoformat(),
                "Status": "AUTHORISED" if status == "PAID" else status,
                "LineAmountTypes": "NoTax" if account == "493" else "Exclusive",
                "LineItems": [
                    {
                        "Description": text,
                        "Quantity": 1,
                        "UnitAmount": amount,
                        "AccountCode": account,
                    }
                ],
            },
            ctx,
        )
        _settle(books, bill, status, paid, issued + timedelta(days=21), ctx)


def _line(description: str, qty: float, unit: float, code: str) -> dict[str, Any]:
    line: dict[str, Any] = {"Description": description, "Quantity": qty}
    if code.isdigit():
        line["AccountCode"] = code
        line["UnitAmount"] = unit
    else:
        line["ItemCode"] = code
    return line


def _settle(
    books: Books, invoice: dict[str, Any], status: str, paid: float, on: date, ctx: WriteContext
) -> None:
    if status == "VOIDED":
        books.invoices.update(invoice, {"Status": "VOIDED"}, ctx)
        return
    if paid <= 0:
        return
    amount = invoice["Total"] if paid >= 1 else round(float(invoice["Total"]) * paid, 2)
    books.payments.create(
        {
            "Invoice": {"InvoiceID": invoice["InvoiceID"]},
            "Account": {"Code": "090"},
            "Amount": str(amount),
            "Date": on.isoformat(),
            "Reference": f"Payment {invoice['InvoiceNumber'] or invoice['Reference']}".strip(),
        },
        ctx,
    )
