"""How the application's records become Xero's: declarative, validated, checked against the books.

`MappingConfig` says which account, tax type, item and tracking category each of the app's terms
means in Xero, how contacts are matched and who numbers invoices. `check_codes` holds a record up
against the chart of accounts and tax rates pulled from Xero, so a wrong code is refused before
anything is sent, with a message naming the record and the code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from xerosync.sync.records import (
    AppBankTransaction,
    AppCreditNote,
    AppInvoice,
    AppLine,
    AppManualJournal,
    AppPayment,
    AppRecord,
)

__all__ = ["Books", "MappingConfig", "check_codes"]


class MappingConfig(BaseModel):
    """The app's vocabulary in Xero's terms. Every field has a working default for Xero's demo
    company; real organisations set at least `tax_types` and `bank_account`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sales_account: str = "200"
    purchase_account: str = "429"
    bank_account: str = "090"
    #: the app's tax classes -> Xero TaxType ("standard" -> "OUTPUT2")
    tax_types: dict[str, str] = Field(default_factory=dict)
    #: a line with no tax class: None leaves it to the account's default tax type
    default_tax_class: str | None = None
    #: the app's item codes/SKUs -> Xero item codes (unlisted ones pass through unchanged)
    item_codes: dict[str, str] = Field(default_factory=dict)
    #: the app's dimensions -> Xero tracking category names ("region" -> "Region")
    tracking: dict[str, str] = Field(default_factory=dict)
    currency: str | None = None
    #: how an app contact finds an existing Xero contact before one is created
    contact_match: Literal["contact_number", "email", "name"] = "contact_number"
    #: "app": the app's numbers go to Xero; "xero": Xero numbers invoices (the app learns them)
    invoice_numbering: Literal["app", "xero"] = "app"
    payment_terms_days: int = Field(default=30, ge=0)
    #: conflict rules, as RuleBook.parse reads them
    rules: dict[str, Any] = Field(default_factory=dict)

    def tax_type(self, tax_class: str | None) -> str | None:
        wanted = tax_class or self.default_tax_class
        if wanted is None:
            return None
        return self.tax_types.get(wanted, wanted)

    def tax_class(self, tax_type: str | None) -> str | None:
        """The app's class for a Xero TaxType (the reverse of `tax_types`)."""
        if tax_type is None:
            return None
        for app_class, xero_type in self.tax_types.items():
            if xero_type == tax_type:
                return app_class
        return tax_type


@dataclass(frozen=True)
class Books:
    """What a connection's chart of accounts and tax rates allow, as pulled from Xero."""

    accounts: Mapping[str, str]  # active account code -> type (BANK, REVENUE, ...)
    tax_types: frozenset[str]  # active tax types

    @property
    def known(self) -> bool:
        return bool(self.accounts)


def _line_problems(
    where: str, line: AppLine, default_account: str, config: MappingConfig, books: Books
) -> list[str]:
    problems = []
    code = line.account_code or default_account
    if code not in books.accounts:
        problems.append(f"{where}: account code {code!r} is not an active account in Xero")
    tax = config.tax_type(line.tax_class)
    if tax is not None and tax not in books.tax_types:
        problems.append(
            f"{where}: tax class {line.tax_class or config.default_tax_class!r} means tax type "
            f"{tax!r}, which is not an active tax rate in Xero (map it in tax_types)"
        )
    return problems


def check_codes(record: AppRecord, config: MappingConfig, books: Books) -> list[str]:
    """Every account code and tax type `record` would send that Xero does not have; empty if
    all is well (or if the books were never pulled: then Xero's own validation decides)."""
    if not books.known:
        return []
    problems: list[str] = []
    label = f"{record.entity[:-1].replace('_', ' ')} {record.id}"
    if isinstance(record, AppInvoice | AppCreditNote | AppBankTransaction):
        sales = record.type in ("ACCREC", "ACCRECCREDIT", "RECEIVE")
        default = config.sales_account if sales else config.purchase_account
        for n, line in enumerate(record.lines, 1):
            problems += _line_problems(f"{label} line {n}", line, default, config, books)
    if isinstance(record, AppBankTransaction | AppPayment):
        code = (
            record.bank_account_code
            if isinstance(record, AppBankTransaction)
            else record.account_code
        ) or config.bank_account
        if books.accounts.get(code) != "BANK":
            problems.append(f"{label}: bank account code {code!r} is not a bank account in Xero")
    if isinstance(record, AppManualJournal):
        for n, jline in enumerate(record.lines, 1):
            if jline.account_code not in books.accounts:
                problems.append(
                    f"{label} line {n}: account code {jline.account_code!r} is not an active "
                    "account in Xero"
                )
    return problems
