"""The deterministic demo company: a New Zealand GST-registered business.

Same tenant id, same data (ids are uuid5 of the tenant id and a counter), so tests and
demos can rely on it: bank accounts 090/091, a chart of accounts with Xero's system
accounts, 15% GST tax rates, a few items and twenty contacts.
"""

from __future__ import annotations

import itertools
import uuid
from typing import TYPE_CHECKING

from xerosync.emulator.books.extra_seed import seed_more
from xerosync.emulator.books.invoice_seed import seed_invoices
from xerosync.emulator.books.writes import WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

GST_INCOME = "OUTPUT2"
GST_EXPENSES = "INPUT2"
NO_GST = "NONE"

_TAX_RATES = [
    # (TaxType, Name, rate, ReportTaxType, cannot apply to)
    ("INPUT2", "15% GST on Expenses", "15", "INPUT", ("Revenue",)),
    ("OUTPUT2", "15% GST on Income", "15", "OUTPUT", ()),
    ("NONE", "No GST", "0", "NONE", ()),
    ("ZERORATED", "Zero Rated", "0", "ZERORATEDOUTPUT", ()),
    ("GSTONIMPORTS", "GST on Imports", "0", "GSTONIMPORTS", ("Revenue", "Equity")),
]

# (Code, Name, Type, TaxType, SystemAccount, extra)
_ACCOUNTS: list[tuple[str, str, str, str, str]] = [
    ("200", "Sales", "REVENUE", GST_INCOME, ""),
    ("260", "Other Revenue", "REVENUE", GST_INCOME, ""),
    ("270", "Interest Income", "REVENUE", NO_GST, ""),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", GST_EXPENSES, ""),
    ("400", "Advertising", "OVERHEADS", GST_EXPENSES, ""),
    ("404", "Bank Fees", "OVERHEADS", NO_GST, ""),
    ("408", "Cleaning", "OVERHEADS", GST_EXPENSES, ""),
    ("412", "Consulting & Accounting", "OVERHEADS", GST_EXPENSES, ""),
    ("416", "Depreciation", "DEPRECIATN", NO_GST, ""),
    ("420", "Entertainment", "OVERHEADS", NO_GST, ""),
    ("425", "Freight & Courier", "OVERHEADS", GST_EXPENSES, ""),
    ("429", "General Expenses", "OVERHEADS", GST_EXPENSES, ""),
    ("433", "Insurance", "OVERHEADS", GST_EXPENSES, ""),
    ("437", "Interest Expense", "OVERHEADS", NO_GST, ""),
    ("441", "Legal expenses", "OVERHEADS", GST_EXPENSES, ""),
    ("445", "Light, Power, Heating", "OVERHEADS", GST_EXPENSES, ""),
    ("449", "Motor Vehicle Expenses", "OVERHEADS", GST_EXPENSES, ""),
    ("453", "Office Expenses", "OVERHEADS", GST_EXPENSES, ""),
    ("461", "Printing & Stationery", "OVERHEADS", GST_EXPENSES, ""),
    ("469", "Rent", "OVERHEADS", GST_EXPENSES, ""),
    ("473", "Repairs and Maintenance", "OVERHEADS", GST_EXPENSES, ""),
    ("477", "Wages and Salaries", "EXPENSE", NO_GST, ""),
    ("485", "Subscriptions", "OVERHEADS", GST_EXPENSES, ""),
    ("489", "Telephone & Internet", "OVERHEADS", GST_EXPENSES, ""),
    ("493", "Travel - National", "OVERHEADS", GST_EXPENSES, ""),
    ("494", "Travel - International", "OVERHEADS", NO_GST, ""),
    ("497", "Bank Revaluations", "OVERHEADS", NO_GST, "BANKCURRENCYGAIN"),
    ("498", "Unrealised Currency Gains", "OVERHEADS", NO_GST, "UNREALISEDCURRENCYGAIN"),
    ("499", "Realised Currency Gains", "OVERHEADS", NO_GST, "REALISEDCURRENCYGAIN"),
    ("505", "Income Tax Expense", "EXPENSE", NO_GST, ""),
    ("610", "Accounts Receivable", "CURRENT", NO_GST, "DEBTORS"),
    ("620", "Prepayments", "PREPAYMENT", NO_GST, ""),
    ("630", "Inventory", "INVENTORY", NO_GST, ""),
    ("710", "Office Equipment", "FIXED", GST_EXPENSES, ""),
    ("711", "Less Accumulated Depreciation on Office Equipment", "FIXED", NO_GST, ""),
    ("720", "Computer Equipment", "FIXED", GST_EXPENSES, ""),
    ("721", "Less Accumulated Depreciation on Computer Equipment", "FIXED", NO_GST, ""),
    ("800", "Accounts Payable", "CURRLIAB", NO_GST, "CREDITORS"),
    ("801", "Unpaid Expense Claims", "CURRLIAB", NO_GST, "UNPAIDEXPCLM"),
    ("820", "GST", "CURRLIAB", NO_GST, "GST"),
    ("825", "Employee Tax Deductions", "CURRLIAB", NO_GST, ""),
    ("830", "Income Tax", "CURRLIAB", NO_GST, ""),
    ("840", "Historical Adjustment", "CURRLIAB", NO_GST, "HISTORICAL"),
    ("850", "Suspense", "CURRLIAB", NO_GST, ""),
    ("860", "Rounding", "CURRLIAB", NO_GST, "ROUNDING"),
    ("877", "Tracking Transfers", "CURRLIAB", NO_GST, "TRACKINGTRANSFERS"),
    ("900", "Loan", "TERMLIAB", NO_GST, ""),
    ("960", "Retained Earnings", "EQUITY", NO_GST, "RETAINEDEARNINGS"),
    ("970", "Owner A Funds Introduced", "EQUITY", NO_GST, ""),
    ("980", "Owner A Drawings", "EQUITY", NO_GST, ""),
]

_BANKS = [
    ("090", "Business Bank Account", "0200-0100-0123456-00"),
    ("091", "Business Savings Account", "0200-0100-0123456-01"),
]

_CUSTOMERS = [
    "Ridgeway University",
    "City Limousines",
    "Marine Systems",
    "Bayside Club",
    "Boom FM",
    "DIISR - Small Business Services",
    "Hamilton Smith Ltd",
    "Basket Case",
    "Young Bros Transport",
    "Petrie McLoud Watson & Associates",
    "Port & Philip Freight",
    "Rex Media Group",
]
_SUPPLIERS = [
    "ABC Furniture",
    "Capital Cab Co",
    "Central Copiers",
    "Gateway Motors",
    "Hoyt Productions",
    "PowerDirect",
    "SMART Agency",
    "Swanston Security",
]


def seed_demo(books: Books) -> None:
    """Fill empty books with the demo company (validated through the entities)."""
    counter = itertools.count(1)
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"xerosync-demo/{books.tenant_id}")
    original = books.new_id
    books.new_id = lambda: str(uuid.uuid5(namespace, str(next(counter))))
    try:
        _seed(books)
        seed_invoices(books)
        seed_more(books)  # credit notes, bank, journals, tracking... (books.extra_seed)
    finally:
        books.new_id = original


def _seed(books: Books) -> None:
    ctx = WriteContext(now=books.clock.now())
    for tax_type, name, rate, report, cannot in _TAX_RATES:
        record = books.tax_rates.create(
            {
                "Name": name,
                "ReportTaxType": report,
                "TaxComponents": [{"Name": "GST", "Rate": rate}],
            },
            ctx,
        )
        books.tax_rates.collection.remove(record["TaxType"])
        record["TaxType"] = tax_type
        for what in cannot:
            record[f"CanApplyTo{what}"] = False
        books.tax_rates.store(record)
    for code, name, number in _BANKS:
        books.accounts.create(
            {"Code": code, "Name": name, "Type": "BANK", "BankAccountNumber": number}, ctx
        )
    for code, name, kind, tax_type, system in _ACCOUNTS:
        record = books.accounts.create(
            {"Code": code, "Name": name, "Type": kind, "TaxType": tax_type}, ctx
        )
        if system:
            record["SystemAccount"] = system
        if kind in ("REVENUE", "OVERHEADS", "EXPENSE") and not system:
            record["ShowInExpenseClaims"] = kind != "REVENUE"
        if code == "800":
            record["EnablePaymentsToAccount"] = False
        books.accounts.store(record)
    for data in (
        {
            "Code": "DevFee",
            "Name": "Development fee",
            "Description": "Software development per hour",
            "SalesDetails": {"UnitPrice": 150, "AccountCode": "200", "TaxType": GST_INCOME},
            "IsPurchased": False,
        },
        {
            "Code": "BOOK",
            "Name": "Fiction book",
            "Description": "A paperback novel",
            "PurchaseDescription": "A paperback novel (wholesale)",
            "SalesDetails": {"UnitPrice": 19.95, "AccountCode": "200", "TaxType": GST_INCOME},
            "PurchaseDetails": {"UnitPrice": 11.5, "AccountCode": "310", "TaxType": GST_EXPENSES},
        },
        {
            "Code": "GB1-White",
            "Name": "Golf balls - white",
            "Description": "Golf balls, pack of 12",
            "SalesDetails": {"UnitPrice": 24.1234, "AccountCode": "200", "TaxType": GST_INCOME},
            "PurchaseDetails": {"UnitPrice": 12, "AccountCode": "310", "TaxType": GST_EXPENSES},
        },
        {
            "Code": "T-SHIRT",
            "Name": "T-shirt (tracked)",
            "InventoryAssetAccountCode": "630",
            "SalesDetails": {"UnitPrice": 35, "AccountCode": "200", "TaxType": GST_INCOME},
            "PurchaseDetails": {
                "UnitPrice": 12.5,
                "COGSAccountCode": "310",
                "TaxType": GST_EXPENSES,
            },
        },
    ):
        books.items.create(data, ctx)
    customers = books.contact_groups.create({"Name": "Customers"}, ctx)
    suppliers = books.contact_groups.create({"Name": "Suppliers"}, ctx)
    for index, name in enumerate(_CUSTOMERS + _SUPPLIERS):
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:12]
        contact = books.contacts.create(
            {
                "Name": name,
                "ContactNumber": f"C{index + 1:03d}",
                "EmailAddress": f"accounts@{slug}.example.com",
                "FirstName": "Accounts",
                "LastName": name.split()[0],
                "Addresses": [
                    {
                        "AddressType": "POBOX",
                        "AddressLine1": f"PO Box {100 + index}",
                        "City": "Wellington",
                        "PostalCode": "6011",
                        "Country": "New Zealand",
                    }
                ],
                "Phones": [
                    {
                        "PhoneType": "DEFAULT",
                        "PhoneNumber": f"555-{1000 + index}",
                        "PhoneAreaCode": "04",
                        "PhoneCountryCode": "64",
                    }
                ],
            },
            ctx,
        )
        group = customers if name in _CUSTOMERS else suppliers
        books.contact_groups.add_contacts(group, [{"ContactID": contact["ContactID"]}])
