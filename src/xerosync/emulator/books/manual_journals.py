"""Manual journals: balanced lines straight onto the chart of accounts.

Xero's rules kept here: a Narration; at least two lines; debits (positive LineAmount)
equal credits (negative) — "The total debits (100.00) must equal total credits
(-10.00)" — counting each line's tax when LineAmountTypes is Exclusive; no lines on bank accounts, system accounts (receivables, payables, GST,
retained earnings...) or inventory accounts. LineAmountTypes defaults to NoTax; with
Exclusive/Inclusive each line's TaxAmount is worked out from its TaxType. Statuses:
DRAFT (default) -> POSTED -> VOIDED, DRAFT -> DELETED; VOIDED and DELETED are final.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from xerosync.emulator.books.documents import BooksCatalogue, amount_types, day, status_of
from xerosync.emulator.books.entity import Entity, flag, text
from xerosync.emulator.books.money import parse_decimal
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.totals import line_tax, money
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

NARRATION_REQUIRED = "Narration is a required field."  # emulator's wording
TWO_LINES = "A manual journal must have at least two journal lines."  # emulator's wording
NOT_VALID_FOR_MODIFICATION = "Manual Journal not of valid status for modification"
STATUSES = ("DRAFT", "POSTED", "VOIDED", "DELETED")
_NEXT = {
    "DRAFT": {"DRAFT", "POSTED", "DELETED"},
    "POSTED": {"POSTED", "VOIDED"},
    "VOIDED": {"VOIDED"},
    "DELETED": {"DELETED"},
}
FIELDS = [
    "Narration",
    "JournalLines",
    "Date",
    "LineAmountTypes",
    "Status",
    "Url",
    "ShowOnCashBasisReports",
    "HasAttachments",
    "UpdatedDateUTC",
    "ManualJournalID",
]


def unbalanced(debits: Decimal, credits: Decimal) -> str:
    return f"The total debits ({debits:.2f}) must equal total credits ({credits:.2f})"


def bank_line(code: str) -> str:
    return f"Account code '{code}' is a bank account and cannot be used in a manual journal."


def system_line(code: str) -> str:
    return f"Account code '{code}' is a system account and cannot be used in a manual journal."


def inventory_line(code: str) -> str:
    return f"Account code '{code}' is an inventory account and cannot be used in a manual journal."


class ManualJournals(Entity):
    plural = "ManualJournals"
    type_name = "ManualJournal"
    id_field = "ManualJournalID"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "ManualJournals",
            "ManualJournalID",
            indexes={"Status": lambda r: index_key(r.get("Status"))},
            fields=FIELDS,
        )

    def create(self, data: Record, ctx: WriteContext) -> Record:
        if data.get("ManualJournalID") and self.get(data["ManualJournalID"]) is not None:
            raise Invalid("A manual journal with this ManualJournalID already exists.")
        status = status_of(data, STATUSES) or "DRAFT"
        if status not in ("DRAFT", "POSTED"):
            raise Invalid("Manual Journal not of valid status for creation")
        record: Record = {
            "ManualJournalID": self.books.new_id(),
            "Narration": "",
            "Date": ctx.now.date(),
            "Status": status,
            "LineAmountTypes": "NoTax",
            "JournalLines": [],
            "ShowOnCashBasisReports": True,
            "HasAttachments": False,
        }
        self._apply(record, data, existing=None)
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        requested = status_of(data, STATUSES)
        current = record["Status"]
        if requested and requested not in _NEXT[current]:
            raise Invalid(NOT_VALID_FOR_MODIFICATION)
        other_fields = set(data) - {"Status", "ManualJournalID"}
        if current in ("VOIDED", "DELETED") and other_fields:
            raise Invalid(NOT_VALID_FOR_MODIFICATION)
        updated = dict(record)
        if requested:
            updated["Status"] = requested
        if requested in ("VOIDED", "DELETED") and not other_fields:
            return self.store(updated)
        self._apply(updated, data, existing=record)
        return self.store(updated)

    def _apply(self, record: Record, data: Record, existing: Record | None) -> None:
        narration = text(data, "Narration", max_length=4000)
        if narration is not None:
            record["Narration"] = narration
        if not str(record["Narration"]).strip():
            raise Invalid(NARRATION_REQUIRED)
        if data.get("Date"):
            record["Date"] = day(data, "Date")
        url = text(data, "Url", max_length=2000)
        if url is not None:
            record["Url"] = url
        cash = flag(data, "ShowOnCashBasisReports")
        if cash is not None:
            record["ShowOnCashBasisReports"] = cash
        record["LineAmountTypes"] = amount_types(data, record["LineAmountTypes"])
        if "JournalLines" in data or existing is None:
            record["JournalLines"] = self._lines(data.get("JournalLines"), record)
        elif record["LineAmountTypes"] != existing["LineAmountTypes"]:
            record["JournalLines"] = self._lines(existing["JournalLines"], record)

    def _lines(self, raw: object, record: Record) -> list[Record]:
        if raw is None:
            raw = []
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            raise Invalid("JournalLines must be a list of journal lines.")
        catalogue = BooksCatalogue(self.books)
        errors: list[str] = []
        lines: list[Record] = []
        for given in raw:
            line = self._line(given, record["LineAmountTypes"], catalogue, errors)
            if line is not None:
                lines.append(line)
        if errors:
            raise Invalid(*errors)
        if len(lines) < 2:
            raise Invalid(TWO_LINES)
        amounts = [_gross(ln, record["LineAmountTypes"]) for ln in lines]
        debits = sum((a for a in amounts if a > 0), Decimal(0))
        credits = sum((a for a in amounts if a < 0), Decimal(0))
        if debits + credits != 0:
            raise Invalid(unbalanced(debits, credits))
        return lines

    def _line(
        self, given: Record, amount_types_: str, catalogue: BooksCatalogue, errors: list[str]
    ) -> Record | None:
        start = len(errors)
        try:
            amount = money(parse_decimal(given.get("LineAmount")))
        except ValueError:
            errors.append(
                f"The value '{given.get('LineAmount')}' supplied for LineAmount is not a valid number."
            )
            amount = Decimal(0)
        account: Record | None = None
        try:
            if given.get("AccountCode"):
                account = self.books.accounts.require_code(str(given["AccountCode"]))
            elif given.get("AccountID"):
                account = self.books.accounts.require_id(str(given["AccountID"]))
            else:
                errors.append("Each journal line needs an AccountCode.")  # emulator's wording
        except Invalid as exc:
            errors.extend(exc.messages)
        if account is not None:
            code = str(account.get("Code") or account.get("Name"))
            if account["Type"] == "BANK":
                errors.append(bank_line(code))
            elif account.get("SystemAccount"):
                errors.append(system_line(code))
            elif account["Type"] == "INVENTORY":
                errors.append(inventory_line(code))
        tax_type = given.get("TaxType") or (account or {}).get("TaxType") or "NONE"
        rate = Decimal(0)
        try:
            rate = catalogue.tax_rate(str(tax_type), account)
        except Invalid as exc:
            errors.extend(exc.messages)
        tracking: list[Record] = []
        try:
            tracking = catalogue.tracking(given.get("Tracking"))
        except Invalid as exc:
            errors.extend(exc.messages)
        if len(errors) > start or account is None:
            return None
        line: Record = {
            "LineAmount": amount,
            "AccountCode": account.get("Code", ""),
            "AccountID": account["AccountID"],
            "Description": str(given.get("Description") or ""),
            "TaxType": str(tax_type).upper(),
            "TaxAmount": line_tax(abs(amount), rate, amount_types_) * (1 if amount >= 0 else -1),
            "Tracking": tracking,
            "IsBlank": False,
        }
        return line


def _gross(line: Record, amount_types_: str) -> Decimal:
    """What a line puts on the books: with Exclusive its tax comes on top of LineAmount
    (Xero totals the journal with tax, and the GST account takes it), otherwise the
    LineAmount already holds it (Inclusive) or there is none (NoTax)."""
    amount: Decimal = line["LineAmount"]
    return amount + line["TaxAmount"] if amount_types_ == "Exclusive" else amount
