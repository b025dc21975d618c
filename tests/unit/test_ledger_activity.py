"""A simulated organisation doing random but valid Xero activity, posting every change to a
`Ledger`, plus the ledger-level properties it must keep. The reports tests reuse `World`.

The world also keeps its own books, independently of the ledger: a cash book per bank
account and the income/expense amounts each live document carries, so reports can be
checked against something other than the code that produced them.
"""

from __future__ import annotations

import copy
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from xerosync.emulator.ledger import Chart, Ledger, journal_record, money, post_document
from xerosync.emulator.ledger.values import ZERO
from xerosync.emulator.reports import Organisation

Doc = dict[str, Any]

# A realistic chart, as Xero's demo company (Global) lays it out.
ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("090", "Business Bank Account", "BANK", ""),
    ("091", "Business Savings Account", "BANK", ""),
    ("200", "Sales", "REVENUE", ""),
    ("260", "Other Revenue", "REVENUE", ""),
    ("270", "Interest Income", "OTHERINCOME", ""),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", ""),
    ("400", "Advertising", "OVERHEADS", ""),
    ("404", "Bank Fees", "OVERHEADS", ""),
    ("416", "Depreciation", "DEPRECIATN", ""),
    ("429", "General Expenses", "OVERHEADS", ""),
    ("469", "Rent", "OVERHEADS", ""),
    ("477", "Wages and Salaries", "EXPENSE", ""),
    ("610", "Accounts Receivable", "CURRENT", "DEBTORS"),
    ("620", "Prepayments", "PREPAYMENT", ""),
    ("630", "Inventory", "INVENTORY", ""),
    ("710", "Office Equipment", "FIXED", ""),
    ("711", "Less Accumulated Depreciation on Office Equipment", "FIXED", ""),
    ("800", "Accounts Payable", "CURRLIAB", "CREDITORS"),
    ("820", "Sales Tax", "CURRLIAB", "GST"),
    ("825", "Employee Tax Payable", "CURRLIAB", ""),
    ("860", "Rounding", "CURRLIAB", "ROUNDING"),
    ("900", "Loan", "TERMLIAB", ""),
    ("960", "Retained Earnings", "EQUITY", "RETAINEDEARNINGS"),
    ("970", "Owner A Funds Introduced", "EQUITY", ""),
    ("980", "Owner A Drawings", "EQUITY", ""),
]
BANKS = ["090", "091"]
SALES = ["200", "260", "270"]
PURCHASES = ["310", "400", "404", "429", "469", "477", "630", "710"]
CASH_IN = ["200", "270", "970", "900"]
CASH_OUT = ["404", "429", "469", "980", "710", "900"]
JOURNAL = ["416", "711", "477", "825", "620", "429"]
PNL_TYPES = {"REVENUE", "OTHERINCOME", "DIRECTCOSTS", "OVERHEADS", "EXPENSE", "DEPRECIATN"}
CONTACTS = [f"c0ffee00-0000-4000-8000-00000000000{i}" for i in range(4)]
START = date(2025, 1, 1)
DAYS = 540
REGION = "7e6a0000-0000-4000-8000-00000000aaaa"
REGIONS = [
    {
        "TrackingCategoryID": REGION,
        "TrackingOptionID": f"7e6a0000-0000-4000-8000-00000000000{i}",
        "Name": "Region",
        "Option": name,
    }
    for i, name in enumerate(["North", "South", "East"])
]
EDGES = [
    date(2025, 3, 31),
    date(2025, 4, 1),
    date(2025, 6, 30),
    date(2025, 7, 1),
    date(2026, 6, 30),
]
ORG = Organisation("Activity Test Ltd", financial_year_end_day=30, financial_year_end_month=6)


def account_dicts() -> list[Doc]:
    return [
        {
            "AccountID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"acct/{code}")),
            "Code": code,
            "Name": name,
            "Type": kind,
            "SystemAccount": system,
            "BankAccountType": "BANK" if kind == "BANK" else "",
            "Status": "ACTIVE",
        }
        for code, name, kind, system in ACCOUNTS
    ]


def new_id() -> str:
    return str(uuid.uuid4())


class World:
    """Random valid activity, applied the way the emulator's store would apply it."""

    def __init__(self) -> None:
        self.chart = Chart(account_dicts())
        self.ledger = Ledger()
        self.docs: dict[str, dict[str, Doc]] = defaultdict(dict)
        self.cash: dict[str, list[tuple[str, date, Decimal]]] = {}  # source -> bank moves
        # source -> (account code, date, credit-positive amount, tracking option or "")
        self.pnl: dict[str, list[tuple[str, date, Decimal, str]]] = {}
        self.clock = datetime(2026, 7, 1, tzinfo=UTC)

    # -- plumbing -------------------------------------------------------------------------

    def save(self, kind: str, old: Doc | None, new: Doc) -> None:
        self.clock += timedelta(seconds=1)
        post_document(self.ledger, kind, old, new, self.chart, now=self.clock)
        self.docs[kind][new[f"{kind}ID"]] = new

    def day(self, offset: int, after: date | None = None) -> date:
        """A document's date anywhere in the period, or a follow-up's within 90 days; one in
        five lands on a period boundary, where off-by-one-day mistakes show."""
        if offset % 5 == 0:
            edges = [d for d in EDGES if after is None or d >= after]
            if edges:
                return edges[offset // 5 % len(edges)]
        if after is None:
            return START + timedelta(days=offset % DAYS)
        return min(after + timedelta(days=offset % 90), START + timedelta(days=DAYS))

    def pick(self, kind: str, n: int, **where: Any) -> Doc | None:
        found = [
            d
            for d in self.docs[kind].values()
            if all(
                (d.get(k) in v if isinstance(v, tuple) else d.get(k) == v) for k, v in where.items()
            )
        ]
        return found[n % len(found)] if found else None

    @staticmethod
    def lines(codes: list[str], n: int, cents: int, taxed: bool) -> list[Doc]:
        out = []
        for i in range(1 + n % 3):
            amount = money(Decimal(cents * (i + 1) % 500_000 + 100) / 100)
            tax = money(amount * Decimal("0.15")) if taxed and i % 2 == 0 else ZERO
            out.append(
                {
                    "Description": f"line {i}",
                    "AccountCode": codes[(n + i) % len(codes)],
                    "LineAmount": amount,
                    "TaxAmount": tax,
                    "TaxType": "OUTPUT" if tax else "NONE",
                    "Tracking": [REGIONS[(n + i) % len(REGIONS)]] if (n + i) % 4 else [],
                }
            )
        return out

    def record_pnl(self, source: str, day: date, lines: list[Doc], sign: int) -> None:
        self.pnl[source] = [
            (
                x["AccountCode"],
                day,
                sign * money(x["LineAmount"]),
                x["Tracking"][0]["TrackingOptionID"] if x.get("Tracking") else "",
            )
            for x in lines
            if self.chart.resolve(x["AccountCode"]).type in PNL_TYPES
        ]

    # -- documents ------------------------------------------------------------------------

    def document(
        self, kind: str, doc_type: str, n: int, cents: int, offset: int, status: str
    ) -> None:
        sale = doc_type in ("ACCREC", "ACCRECCREDIT")
        lines = self.lines(SALES if sale else PURCHASES, n, cents, taxed=n % 2 == 0)
        day = self.day(offset + n)
        total = sum((x["LineAmount"] + x["TaxAmount"] for x in lines), ZERO)
        doc: Doc = {
            f"{kind}ID": new_id(),
            "Type": doc_type,
            "Contact": {"ContactID": CONTACTS[n % len(CONTACTS)]},
            "Date": day,
            "DueDate": day + timedelta(days=30),
            "Status": status,
            "LineAmountTypes": "Exclusive",
            "LineItems": lines,
            "Total": total,
        }
        if kind == "Invoice":
            doc.update(
                AmountDue=total, AmountPaid=ZERO, AmountCredited=ZERO, Payments=[], CreditNotes=[]
            )
            doc["InvoiceNumber"] = f"INV-{len(self.docs['Invoice']) + 1:04d}"
        else:
            doc.update(RemainingCredit=total, Allocations=[], Payments=[])
            doc["CreditNoteNumber"] = f"CN-{len(self.docs['CreditNote']) + 1:04d}"
        self.save(kind, None, doc)
        if status == "AUTHORISED":
            self.record_pnl(doc[f"{kind}ID"], day, lines, self.pnl_sign(doc_type))

    @staticmethod
    def pnl_sign(doc_type: str) -> int:
        return {"ACCREC": 1, "ACCPAY": -1, "ACCRECCREDIT": -1, "ACCPAYCREDIT": 1}[doc_type]

    def approve(self, n: int) -> None:
        doc = self.pick("Invoice", n, Status="DRAFT")
        if doc:
            new = {**doc, "Status": "AUTHORISED"}
            self.save("Invoice", doc, new)
            self.record_pnl(
                doc["InvoiceID"], doc["Date"], doc["LineItems"], self.pnl_sign(doc["Type"])
            )

    def void(self, n: int) -> None:
        doc = self.pick("Invoice", n, Status="AUTHORISED", AmountPaid=ZERO, AmountCredited=ZERO)
        if doc:
            self.save("Invoice", doc, {**doc, "Status": "VOIDED"})
            self.pnl.pop(doc["InvoiceID"], None)

    def edit(self, n: int, cents: int) -> None:
        """Change an authorised invoice with nothing applied to it (Xero re-posts it)."""
        doc = self.pick("Invoice", n, Status="AUTHORISED", AmountPaid=ZERO, AmountCredited=ZERO)
        if doc:
            sale = doc["Type"] == "ACCREC"
            lines = self.lines(SALES if sale else PURCHASES, n + 1, cents, taxed=True)
            total = sum((x["LineAmount"] + x["TaxAmount"] for x in lines), ZERO)
            new = {**doc, "LineItems": lines, "Total": total, "AmountDue": total}
            self.save("Invoice", doc, new)
            self.record_pnl(doc["InvoiceID"], doc["Date"], lines, self.pnl_sign(doc["Type"]))

    def pay(self, n: int, cents: int, offset: int) -> None:
        doc = self.pick("Invoice", n, Status="AUTHORISED")
        if not doc:
            return
        amount = min(doc["AmountDue"], money(Decimal(cents) / 100)) if n % 3 else doc["AmountDue"]
        day = self.day(offset, after=doc["Date"])
        bank = BANKS[n % 2]
        payment = {
            "PaymentID": new_id(),
            "Date": day,
            "Amount": amount,
            "Account": {"Code": bank},
            "Invoice": {
                "InvoiceID": doc["InvoiceID"],
                "Type": doc["Type"],
                "Contact": doc["Contact"],
            },
            "Status": "AUTHORISED",
        }
        self.save("Payment", None, payment)
        due = doc["AmountDue"] - amount
        new = {
            **doc,
            "AmountPaid": doc["AmountPaid"] + amount,
            "AmountDue": due,
            "Status": "PAID" if due == 0 else "AUTHORISED",
            "Payments": [
                *doc["Payments"],
                {"PaymentID": payment["PaymentID"], "Date": day, "Amount": amount},
            ],
        }
        self.save("Invoice", doc, new)
        self.cash[payment["PaymentID"]] = [
            (bank, day, amount if doc["Type"] == "ACCREC" else -amount)
        ]

    def unpay(self, n: int) -> None:
        payment = self.pick("Payment", n, Status="AUTHORISED")
        if not payment or "Invoice" not in payment:
            return
        self.save("Payment", payment, {**payment, "Status": "DELETED"})
        self.cash.pop(payment["PaymentID"])
        doc = self.docs["Invoice"][payment["Invoice"]["InvoiceID"]]
        amount = payment["Amount"]
        new = {
            **doc,
            "AmountPaid": doc["AmountPaid"] - amount,
            "AmountDue": doc["AmountDue"] + amount,
            "Status": "AUTHORISED",
            "Payments": [p for p in doc["Payments"] if p["PaymentID"] != payment["PaymentID"]],
        }
        self.save("Invoice", doc, new)

    def allocate(self, kind: str, n: int, offset: int) -> None:
        """Apply a credit note's / prepayment's / overpayment's credit to an open invoice."""
        credit = self.pick(kind, n, Status="AUTHORISED")
        if not credit:
            return
        receivable = credit["Type"] in ("ACCRECCREDIT", "RECEIVE-PREPAYMENT", "RECEIVE-OVERPAYMENT")
        invoice = self.pick(
            "Invoice",
            n,
            Status="AUTHORISED",
            Type="ACCREC" if receivable else "ACCPAY",
            Contact=credit["Contact"],
        )
        if not invoice:
            return
        amount = min(invoice["AmountDue"], credit["RemainingCredit"])
        day = self.day(offset, after=max(invoice["Date"], credit["Date"]))
        remaining = credit["RemainingCredit"] - amount
        allocation = {"Amount": amount, "Date": day, "Invoice": {"InvoiceID": invoice["InvoiceID"]}}
        self.save(
            kind,
            credit,
            {
                **credit,
                "RemainingCredit": remaining,
                "Status": "PAID" if remaining == 0 else "AUTHORISED",
                "Allocations": [*credit["Allocations"], allocation],
            },
        )
        due = invoice["AmountDue"] - amount
        # the invoice lists the credit with the credit's own date, as the emulator's store does
        applied = {
            f"{kind}ID": credit[f"{kind}ID"],
            "AppliedAmount": amount,
            "Date": credit["Date"],
        }
        key = {
            "CreditNote": "CreditNotes",
            "Prepayment": "Prepayments",
            "Overpayment": "Overpayments",
        }[kind]
        self.save(
            "Invoice",
            invoice,
            {
                **invoice,
                "AmountCredited": invoice["AmountCredited"] + amount,
                "AmountDue": due,
                "Status": "PAID" if due == 0 else "AUTHORISED",
                key: [*invoice.get(key, []), applied],
            },
        )

    def refund(self, n: int, offset: int) -> None:
        """Pay out a credit note's remaining credit."""
        credit = self.pick("CreditNote", n, Status="AUTHORISED")
        if not credit:
            return
        amount = credit["RemainingCredit"]
        day = self.day(offset, after=credit["Date"])
        bank = BANKS[n % 2]
        payment = {
            "PaymentID": new_id(),
            "Date": day,
            "Amount": amount,
            "Account": {"Code": bank},
            "CreditNote": {
                "CreditNoteID": credit["CreditNoteID"],
                "Type": credit["Type"],
                "Contact": credit["Contact"],
            },
            "Status": "AUTHORISED",
        }
        self.save("Payment", None, payment)
        self.save(
            "CreditNote",
            credit,
            {
                **credit,
                "RemainingCredit": ZERO,
                "Status": "PAID",
                "Payments": [{"PaymentID": payment["PaymentID"], "Date": day, "Amount": amount}],
            },
        )
        self.cash[payment["PaymentID"]] = [
            (bank, day, -amount if credit["Type"] == "ACCRECCREDIT" else amount)
        ]

    # -- cash -----------------------------------------------------------------------------

    def bank_transaction(self, tx_type: str, n: int, cents: int, offset: int) -> None:
        receive = tx_type.startswith("RECEIVE")
        credit_kind = (
            "Prepayment" if "PREPAYMENT" in tx_type else "Overpayment" if "OVER" in tx_type else ""
        )
        codes = CASH_IN if receive else CASH_OUT
        lines = self.lines(codes, n, cents, taxed=not credit_kind and n % 2 == 1)
        if credit_kind:
            lines = [
                {**x, "AccountCode": "610" if receive else "800", "TaxAmount": ZERO} for x in lines
            ]
        day = self.day(offset + n)
        bank = BANKS[n % 2]
        total = sum((x["LineAmount"] + x["TaxAmount"] for x in lines), ZERO)
        doc = {
            "BankTransactionID": new_id(),
            "Type": tx_type,
            "Contact": {"ContactID": CONTACTS[n % len(CONTACTS)]},
            "BankAccount": {"Code": bank},
            "Date": day,
            "Status": "AUTHORISED",
            "LineAmountTypes": "Exclusive",
            "LineItems": lines,
            "Total": total,
        }
        self.save("BankTransaction", None, doc)
        self.cash[doc["BankTransactionID"]] = [(bank, day, total if receive else -total)]
        if credit_kind:
            credit = {
                f"{credit_kind}ID": doc["BankTransactionID"],
                "Type": tx_type,
                "Contact": doc["Contact"],
                "Date": day,
                "Status": "AUTHORISED",
                "Total": total,
                "RemainingCredit": total,
                "Allocations": [],
            }
            self.docs[credit_kind][credit[f"{credit_kind}ID"]] = credit
        else:
            self.record_pnl(doc["BankTransactionID"], day, lines, 1 if receive else -1)

    def delete_cash(self, n: int) -> None:
        doc = self.pick("BankTransaction", n, Status="AUTHORISED", Type=("RECEIVE", "SPEND"))
        if doc:
            self.save("BankTransaction", doc, {**doc, "Status": "DELETED"})
            self.cash.pop(doc["BankTransactionID"])
            self.pnl.pop(doc["BankTransactionID"], None)

    def transfer(self, n: int, cents: int, offset: int) -> None:
        source, target = (BANKS[0], BANKS[1]) if n % 2 else (BANKS[1], BANKS[0])
        amount = money(Decimal(cents) / 100)
        day = self.day(offset)
        doc = {
            "BankTransferID": new_id(),
            "FromBankAccount": {"Code": source},
            "ToBankAccount": {"Code": target},
            "Amount": amount,
            "Date": day,
        }
        self.save("BankTransfer", None, doc)
        self.cash[doc["BankTransferID"]] = [(source, day, -amount), (target, day, amount)]

    def journal(self, n: int, cents: int, offset: int) -> None:
        amount = money(Decimal(cents) / 100)
        debit, credit = JOURNAL[n % len(JOURNAL)], JOURNAL[(n + 1 + n // 7 % 5) % len(JOURNAL)]
        lines = [
            {"AccountCode": debit, "LineAmount": amount, "Description": "debit"},
            {"AccountCode": credit, "LineAmount": -amount, "Description": "credit"},
        ]
        day = self.day(offset)
        doc = {
            "ManualJournalID": new_id(),
            "Narration": "adjustment",
            "Date": day,
            "Status": "POSTED",
            "JournalLines": lines,
        }
        self.save("ManualJournal", None, doc)
        self.record_pnl(
            doc["ManualJournalID"], day, [{**x, "LineAmount": -x["LineAmount"]} for x in lines], 1
        )

    def void_journal(self, n: int) -> None:
        doc = self.pick("ManualJournal", n, Status="POSTED")
        if doc:
            self.save("ManualJournal", doc, {**doc, "Status": "VOIDED"})
            self.pnl.pop(doc["ManualJournalID"], None)

    # -- driving it -----------------------------------------------------------------------

    def apply(self, action: str, n: int, cents: int, offset: int) -> None:
        if action in ("ACCREC", "ACCPAY", "DRAFT"):
            status = "DRAFT" if action == "DRAFT" else "AUTHORISED"
            self.document(
                "Invoice", "ACCREC" if action == "DRAFT" else action, n, cents, offset, status
            )
        elif action in ("ACCRECCREDIT", "ACCPAYCREDIT"):
            self.document("CreditNote", action, n, cents, offset, "AUTHORISED")
        elif action in (
            "RECEIVE",
            "SPEND",
            "RECEIVE-PREPAYMENT",
            "RECEIVE-OVERPAYMENT",
            "SPEND-PREPAYMENT",
        ):
            self.bank_transaction(action, n, cents, offset)
        elif action.startswith("allocate-"):
            self.allocate(action.removeprefix("allocate-"), n, offset)
        elif action in ("pay", "transfer", "journal"):
            getattr(self, action)(n, cents, offset)
        elif action == "edit":
            self.edit(n, cents)
        elif action == "refund":
            self.refund(n, offset)
        else:
            getattr(self, action)(n)


ACTIONS = [
    "ACCREC",
    "ACCREC",
    "ACCPAY",
    "ACCPAY",
    "DRAFT",
    "approve",
    "pay",
    "pay",
    "pay",
    "unpay",
    "void",
    "edit",
    "ACCRECCREDIT",
    "ACCPAYCREDIT",
    "allocate-CreditNote",
    "refund",
    "RECEIVE",
    "SPEND",
    "RECEIVE-PREPAYMENT",
    "RECEIVE-OVERPAYMENT",
    "SPEND-PREPAYMENT",
    "allocate-Prepayment",
    "allocate-Overpayment",
    "delete_cash",
    "transfer",
    "journal",
    "void_journal",
]
steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.integers(0, 10_000),
        st.integers(1, 2_000_000),
        st.integers(0, 10_000),
    ),
    min_size=5,
    max_size=80,
)


def build(actions: list[tuple[str, int, int, int]]) -> World:
    world = World()
    for step in actions:
        world.apply(*step)
    return world


# -- ledger properties ----------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(steps)
def test_every_journal_balances_and_is_numbered_in_order(
    actions: list[tuple[str, int, int, int]],
) -> None:
    world = build(actions)
    records = [journal_record(e) for e in world.ledger.entries]
    assert [r["JournalNumber"] for r in records] == list(range(1, len(records) + 1))
    for record in records:
        assert sum(Decimal(str(x["NetAmount"])) for x in record["JournalLines"]) == 0
        assert record["JournalLines"], "no empty journals"
    total = sum((world.ledger.balance(a.account_id) for a in world.chart.accounts), ZERO)
    assert total == 0


@settings(max_examples=150, deadline=None)
@given(steps)
def test_voided_and_deleted_documents_leave_nothing_on_any_account(
    actions: list[tuple[str, int, int, int]],
) -> None:
    world = build(actions)
    for kind, docs in world.docs.items():
        for doc_id, doc in docs.items():
            if doc.get("Status") not in ("VOIDED", "DELETED", "DRAFT"):
                continue
            per_account: dict[str, Decimal] = defaultdict(Decimal)
            for entry in world.ledger.for_source(doc_id):
                for line in entry.lines:
                    per_account[line.account.code] += line.net
            assert all(v == 0 for v in per_account.values()), (kind, doc_id, dict(per_account))


@settings(max_examples=150, deadline=None)
@given(steps)
def test_bank_balances_match_the_cash_book(actions: list[tuple[str, int, int, int]]) -> None:
    world = build(actions)
    for code in BANKS:
        account = world.chart.resolve(code)
        for day in (date(2025, 3, 31), date(2025, 6, 30), date(2026, 1, 15), date(2026, 12, 31)):
            expected = sum(
                (
                    amount
                    for moves in world.cash.values()
                    for bank, d, amount in moves
                    if bank == code and d <= day
                ),
                ZERO,
            )
            assert world.ledger.balance(account.account_id, day) == expected


@settings(max_examples=100, deadline=None)
@given(steps)
def test_receivables_per_contact_equal_what_is_due_less_unallocated_credit(
    actions: list[tuple[str, int, int, int]],
) -> None:
    world = build(actions)
    receivable = world.chart.system("DEBTORS").account_id
    payable = world.chart.system("CREDITORS").account_id
    for contact in CONTACTS:
        owed_to_us = owed_by_us = ZERO
        for doc in world.docs["Invoice"].values():
            if doc["Contact"]["ContactID"] == contact and doc["Status"] in ("AUTHORISED", "PAID"):
                if doc["Type"] == "ACCREC":
                    owed_to_us += doc["AmountDue"]
                else:
                    owed_by_us += doc["AmountDue"]
        for kind in ("CreditNote", "Prepayment", "Overpayment"):
            for doc in world.docs[kind].values():
                if doc["Contact"]["ContactID"] == contact and doc["Status"] in (
                    "AUTHORISED",
                    "PAID",
                ):
                    if doc["Type"] in ("ACCRECCREDIT", "RECEIVE-PREPAYMENT", "RECEIVE-OVERPAYMENT"):
                        owed_to_us -= doc["RemainingCredit"]
                    else:
                        owed_by_us -= doc["RemainingCredit"]
        assert world.ledger.contact_balance(receivable, contact) == owed_to_us
        assert world.ledger.contact_balance(payable, contact) == -owed_by_us


def test_reposting_an_unchanged_document_writes_nothing() -> None:
    world = build([("ACCREC", 1, 12345, 3), ("pay", 0, 100, 1)])
    before = len(world.ledger)
    invoice = next(iter(world.docs["Invoice"].values()))
    post_document(world.ledger, "Invoice", invoice, dict(invoice), world.chart, now=world.clock)
    post_document(
        world.ledger, "Invoices", invoice, copy.deepcopy(invoice), world.chart, now=world.clock
    )
    assert len(world.ledger) == before == 2  # the invoice and its payment; PAID wrote nothing
