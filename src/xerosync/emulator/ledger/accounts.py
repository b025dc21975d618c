"""The organisation's chart of accounts as the ledger sees it: types, classes, system accounts.

Built from Xero-shaped account dicts (`Code`, `AccountID`, `Name`, `Type`, `Class`,
`SystemAccount`, `BankAccountType`, ...), so it does not depend on how the store keeps them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

ASSET_TYPES = frozenset({"BANK", "CURRENT", "FIXED", "INVENTORY", "NONCURRENT", "PREPAYMENT"})
LIABILITY_TYPES = frozenset(
    {
        "CURRLIAB",
        "LIABILITY",
        "TERMLIAB",
        "PAYG",
        "PAYGLIABILITY",
        "SUPERANNUATIONLIABILITY",
        "WAGESPAYABLELIABILITY",
    }
)
EQUITY_TYPES = frozenset({"EQUITY"})
REVENUE_TYPES = frozenset({"REVENUE", "SALES", "OTHERINCOME"})
EXPENSE_TYPES = frozenset(
    {"DIRECTCOSTS", "EXPENSE", "OVERHEADS", "DEPRECIATN", "WAGESEXPENSE", "SUPERANNUATIONEXPENSE"}
)

_CLASS_OF_TYPE = {
    **dict.fromkeys(ASSET_TYPES, "ASSET"),
    **dict.fromkeys(LIABILITY_TYPES, "LIABILITY"),
    **dict.fromkeys(EQUITY_TYPES, "EQUITY"),
    **dict.fromkeys(REVENUE_TYPES, "REVENUE"),
    **dict.fromkeys(EXPENSE_TYPES, "EXPENSE"),
}


class PostingError(ValueError):
    """A document cannot be posted as it stands (unknown account, missing system account...)."""


@dataclass(frozen=True, slots=True)
class Account:
    account_id: str
    code: str
    name: str
    type: str
    account_class: str
    system_account: str = ""
    bank_account_type: str = ""
    status: str = "ACTIVE"

    @property
    def is_bank(self) -> bool:
        return self.type == "BANK"

    @property
    def is_profit_and_loss(self) -> bool:
        return self.account_class in ("REVENUE", "EXPENSE")

    @property
    def label(self) -> str:
        """`Sales (400)`, as the trial balance writes it."""
        return f"{self.name} ({self.code})" if self.code else self.name

    @classmethod
    def from_xero(cls, data: Mapping[str, Any]) -> Account:
        account_type = str(data.get("Type") or "")
        return cls(
            account_id=str(data.get("AccountID") or ""),
            code=str(data.get("Code") or ""),
            name=str(data.get("Name") or ""),
            type=account_type,
            account_class=str(data.get("Class") or _CLASS_OF_TYPE.get(account_type, "")),
            system_account=str(data.get("SystemAccount") or ""),
            bank_account_type=str(data.get("BankAccountType") or ""),
            status=str(data.get("Status") or "ACTIVE"),
        )


class Chart:
    """Accounts indexed by AccountID, Code and SystemAccount."""

    def __init__(self, accounts: Iterable[Account | Mapping[str, Any]]) -> None:
        self.accounts: list[Account] = [
            a if isinstance(a, Account) else Account.from_xero(a) for a in accounts
        ]
        self._by_id = {a.account_id: a for a in self.accounts if a.account_id}
        self._by_code = {a.code: a for a in self.accounts if a.code}
        self._by_system = {a.system_account: a for a in self.accounts if a.system_account}

    def get(self, account_id: str) -> Account | None:
        return self._by_id.get(account_id)

    def by_code(self, code: str) -> Account | None:
        return self._by_code.get(code)

    def resolve(self, ref: Mapping[str, Any] | str | None, *, what: str = "account") -> Account:
        """The account a document refers to: `{"AccountID": ...}`, `{"Code": ...}` or a code."""
        found: Account | None = None
        if isinstance(ref, str):
            found = self._by_code.get(ref)
        elif ref:
            if ref.get("AccountID"):
                found = self._by_id.get(str(ref["AccountID"]))
            if found is None and ref.get("Code"):
                found = self._by_code.get(str(ref["Code"]))
        if found is None:
            raise PostingError(f"{what} {ref!r} is not in the chart of accounts")
        return found

    def system(self, system_account: str) -> Account:
        """A system account (DEBTORS, CREDITORS, GST, RETAINEDEARNINGS, ROUNDING...)."""
        found = self._by_system.get(system_account)
        if found is None:
            raise PostingError(f"the chart has no {system_account} system account")
        return found

    def has_system(self, system_account: str) -> bool:
        return system_account in self._by_system
