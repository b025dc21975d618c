"""The application's records, in the application's terms: its own IDs, its own references.

An invoice names its customer by the app's customer id (`contact_id="cust-7"`), never by a Xero
id; a payment names the app's invoice id. The engine resolves those through the mappings when it
pushes. Each record is validated when it is handed in, so a wrong shape is refused at the door
with a message naming the record, not discovered later in a worker.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

__all__ = [
    "RECORD_TYPES",
    "AppBankTransaction",
    "AppContact",
    "AppCreditAllocation",
    "AppCreditNote",
    "AppInvoice",
    "AppJournalLine",
    "AppLine",
    "AppManualJournal",
    "AppPayment",
    "AppRecord",
    "parse_record",
]

AppId = Annotated[str, StringConstraints(min_length=1, max_length=255, strip_whitespace=True)]
Text = Annotated[str, StringConstraints(max_length=4000)]
LineAmountTypes = Literal["Exclusive", "Inclusive", "NoTax"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AppRecord(_Strict):
    """A record of the application, identified by its own `id`."""

    entity: ClassVar[str]
    #: fields naming other app records: field -> entity
    references: ClassVar[dict[str, str]] = {}

    id: AppId

    def referenced(self) -> list[tuple[str, str]]:
        """(entity, app id) of every record this one names."""
        found = []
        for field, entity in self.references.items():
            value = getattr(self, field)
            if value:
                found.append((entity, value))
        return found


class AppContact(AppRecord):
    entity = "contacts"

    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    contact_number: str | None = None
    phone: str | None = None
    tax_number: str | None = None
    default_currency: str | None = None
    archived: bool = False


class AppLine(_Strict):
    description: Text
    quantity: Decimal = Decimal(1)
    unit_amount: Decimal
    account_code: str | None = None
    tax_class: str | None = None
    item: str | None = None
    discount_rate: Decimal | None = None
    tracking: dict[str, str] = Field(default_factory=dict)


class _Document(AppRecord):
    references: ClassVar[dict[str, str]] = {"contact_id": "contacts"}

    contact_id: AppId
    number: str | None = None
    reference: str | None = None
    date: dt.date
    currency: str | None = None
    line_amount_types: LineAmountTypes = "Exclusive"
    lines: list[AppLine] = Field(min_length=1)


class AppInvoice(_Document):
    entity = "invoices"

    type: Literal["ACCREC", "ACCPAY"] = "ACCREC"
    due_date: dt.date | None = None
    status: Literal["DRAFT", "SUBMITTED", "AUTHORISED"] = "AUTHORISED"


class AppCreditAllocation(_Strict):
    invoice_id: AppId
    amount: Decimal = Field(gt=0)
    date: dt.date | None = None


class AppCreditNote(_Document):
    entity = "credit_notes"

    type: Literal["ACCRECCREDIT", "ACCPAYCREDIT"] = "ACCRECCREDIT"
    status: Literal["DRAFT", "SUBMITTED", "AUTHORISED"] = "AUTHORISED"
    allocations: list[AppCreditAllocation] = Field(default_factory=list)

    def referenced(self) -> list[tuple[str, str]]:
        return [*super().referenced(), *(("invoices", a.invoice_id) for a in self.allocations)]


class AppPayment(AppRecord):
    entity = "payments"
    references: ClassVar[dict[str, str]] = {
        "invoice_id": "invoices",
        "credit_note_id": "credit_notes",
    }

    invoice_id: AppId | None = None
    credit_note_id: AppId | None = None
    account_code: str | None = None
    date: dt.date
    amount: Decimal = Field(gt=0)
    reference: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> AppPayment:
        if (self.invoice_id is None) == (self.credit_note_id is None):
            raise ValueError("a payment pays exactly one of invoice_id or credit_note_id")
        return self


class AppBankTransaction(AppRecord):
    entity = "bank_transactions"
    references: ClassVar[dict[str, str]] = {"contact_id": "contacts"}

    type: Literal["RECEIVE", "SPEND"]
    contact_id: AppId
    bank_account_code: str | None = None
    date: dt.date
    reference: str | None = None
    currency: str | None = None
    line_amount_types: LineAmountTypes = "Exclusive"
    lines: list[AppLine] = Field(min_length=1)


class AppJournalLine(_Strict):
    account_code: str
    amount: Decimal  # debit positive, credit negative
    description: str | None = None
    tax_class: str | None = None


class AppManualJournal(AppRecord):
    entity = "manual_journals"

    narration: Annotated[str, StringConstraints(min_length=1, max_length=4000)]
    date: dt.date
    status: Literal["DRAFT", "POSTED"] = "POSTED"
    line_amount_types: LineAmountTypes = "NoTax"
    lines: list[AppJournalLine] = Field(min_length=2)

    @model_validator(mode="after")
    def _balances(self) -> AppManualJournal:
        total = sum((line.amount for line in self.lines), Decimal(0))
        if total != 0:
            raise ValueError(
                f"journal lines must sum to zero (debits = credits); they sum to {total}"
            )
        return self


RECORD_TYPES: dict[str, type[AppRecord]] = {
    cls.entity: cls
    for cls in (
        AppContact,
        AppInvoice,
        AppCreditNote,
        AppPayment,
        AppBankTransaction,
        AppManualJournal,
    )
}


def parse_record(entity: str, data: AppRecord | dict[str, Any]) -> AppRecord:
    """`data` as the record type of `entity` (pydantic's ValidationError names what is wrong)."""
    try:
        cls = RECORD_TYPES[entity]
    except KeyError:
        raise ValueError(
            f"unknown entity {entity!r}; xerosync syncs {', '.join(sorted(RECORD_TYPES))}"
        ) from None
    if isinstance(data, cls):
        return data
    if isinstance(data, AppRecord):
        raise TypeError(f"a {type(data).__name__} was handed in as {entity}")
    return cls.model_validate(data)
