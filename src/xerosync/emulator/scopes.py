"""Which OAuth scopes let a token call which Accounting API resource.

Both vocabularies are accepted: the broad scopes of the 16.1.0 spec
(`accounting.transactions`, ...) and the granular scopes of 2026 (`accounting.invoices`, ...).
A read is allowed by the scope or its `.read` twin; a write needs the scope itself.
"""

from __future__ import annotations

_BROAD: dict[str, str] = {}
_GRANULAR: dict[str, tuple[str, ...]] = {}


def _family(broad: str, granular: tuple[str, ...], resources: str) -> None:
    for name in resources.split():
        _BROAD[name.lower()] = broad
        _GRANULAR[name.lower()] = granular


_family(
    "accounting.transactions",
    ("accounting.invoices",),
    "Invoices CreditNotes LinkedTransactions PurchaseOrders Quotes RepeatingInvoices",
)
_family(
    "accounting.transactions",
    ("accounting.payments",),
    "Payments BatchPayments Overpayments Prepayments",
)
_family(
    "accounting.transactions", ("accounting.banktransactions",), "BankTransactions BankTransfers"
)
_family("accounting.transactions", ("accounting.manualjournals",), "ManualJournals")
_family("accounting.transactions", ("accounting.classicexpenses",), "ExpenseClaims Receipts")
_family("accounting.settings", ("accounting.invoices",), "Items")
_family(
    "accounting.settings",
    (),
    "Accounts BrandingThemes Currencies InvoiceReminders Organisation Organisations TaxRates "
    "TrackingCategories Users Setup",
)
_family("accounting.contacts", (), "Contacts ContactGroups")
_family("accounting.journals.read", (), "Journals")
_family("accounting.attachments", (), "Attachments")

_REPORT_GRANULAR = {
    "agedreceivablesbycontact": "accounting.reports.aged.read",
    "agedpayablesbycontact": "accounting.reports.aged.read",
    "balancesheet": "accounting.reports.balancesheet.read",
    "banksummary": "accounting.reports.banksummary.read",
    "budgetsummary": "accounting.reports.budgetsummary.read",
    "executivesummary": "accounting.reports.executivesummary.read",
    "profitandloss": "accounting.reports.profitandloss.read",
    "trialbalance": "accounting.reports.trialbalance.read",
    "tenninetynine": "accounting.reports.tenninetynine.read",
}


def accepted_scopes(resource: str, *, write: bool, report: str | None = None) -> frozenset[str]:
    """The scopes any one of which lets a token make this call (empty: no scope needed)."""
    key = resource.lower()
    if key == "reports":
        names = {"accounting.reports.read"}
        if report and report.lower() in _REPORT_GRANULAR:
            names.add(_REPORT_GRANULAR[report.lower()])
        return frozenset(names)
    broad = _BROAD.get(key)
    if broad is None:
        return frozenset()
    bases = [broad, *_GRANULAR.get(key, ())]
    names = set()
    for base in bases:
        if base.endswith(".read"):
            if not write:
                names.add(base)
            continue
        names.add(base)
        if not write:
            names.add(base + ".read")
    return frozenset(names)


def allows(
    granted: frozenset[str], resource: str, *, write: bool, report: str | None = None
) -> bool:
    needed = accepted_scopes(resource, write=write, report=report)
    return not needed or bool(needed & granted)
