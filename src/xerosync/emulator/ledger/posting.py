"""Posting rules: what a Xero document in a given state puts on the ledger (accrual basis).

`posting_for(kind, doc, chart)` returns the balanced `Posting` a document should have in its
current state, or None when that state has no effect (drafts, voided, deleted). The rules:

- Invoice ACCREC: Dr Accounts Receivable (Total); Cr each line's account (net); Cr GST (tax).
  ACCPAY mirrors it on Accounts Payable. Credit notes (ACCRECCREDIT / ACCPAYCREDIT) reverse the
  sides. Posted while AUTHORISED or PAID. Allocations of credit to invoices move AR to AR and
  write no journal, as in Xero.
- Payment: Dr bank, Cr AR (ACCRECPAYMENT); Cr bank, Dr AP (ACCPAYPAYMENT); refunds of credit
  notes, prepayments and overpayments go the other way. Deleted payments have no effect.
- BankTransaction RECEIVE/SPEND: bank against each line's account and GST (CASHREC/CASHPAID).
  Prepayments (RECEIVE-/SPEND-PREPAYMENT) post the same way, to their lines' accounts and tax
  (ARPREPAYMENT/APPREPAYMENT); each use of one (an allocation, a refund) moves its share of
  those lines to AR/AP (`PrepaymentUse`, see `ledger.prepayments`). Overpayments sit on AR/AP
  for their total until allocated (so the unallocated credit lowers receivables/payables).
  The RECEIVE-/SPEND-TRANSFER halves of a transfer write nothing: the BankTransfer posts both.
- BankTransfer: Dr the receiving bank, Cr the paying bank (TRANSFER).
- ManualJournal (POSTED only): each line's LineAmount (+debit/-credit), tax to GST.

Foreign-currency documents are converted at their CurrencyRate (foreign units per base unit);
conversion rounding and a document `Total` that differs from its lines (RoundingAmount) go to
the ROUNDING system account when the chart has one. A payment clears AR/AP at the rate its
document was posted at and banks at its own rate: the difference is a realised currency gain
(REALISEDCURRENCYGAIN). Unrealised gains (revaluation) are not modelled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from xerosync.emulator.ledger import prepayments
from xerosync.emulator.ledger.accounts import Account, Chart, PostingError
from xerosync.emulator.ledger.journal import JournalLine, Posting
from xerosync.emulator.ledger.values import ZERO, money, to_date

Doc = Mapping[str, Any]

ID_FIELD = {
    "Invoice": "InvoiceID",
    "CreditNote": "CreditNoteID",
    "Payment": "PaymentID",
    "BankTransaction": "BankTransactionID",
    "BankTransfer": "BankTransferID",
    "ManualJournal": "ManualJournalID",
    "Prepayment": "PrepaymentID",
    "Overpayment": "OverpaymentID",
    "PrepaymentUse": "AllocationID",  # an allocation or refund of a prepayment
}
_ALIASES = {f"{kind}s": kind for kind in ID_FIELD}

# PaymentType -> (control system account, +1 when the bank is debited)
_PAYMENT_SIDES = {
    "ACCRECPAYMENT": ("DEBTORS", 1),
    "ACCPAYPAYMENT": ("CREDITORS", -1),
    "ARCREDITPAYMENT": ("DEBTORS", -1),
    "APCREDITPAYMENT": ("CREDITORS", 1),
    "AROVERPAYMENTPAYMENT": ("DEBTORS", -1),
    "ARPREPAYMENTPAYMENT": ("DEBTORS", -1),
    "APOVERPAYMENTPAYMENT": ("CREDITORS", 1),
    "APPREPAYMENTPAYMENT": ("CREDITORS", 1),
}
_PAYMENT_TYPE_OF = {
    "ACCREC": "ACCRECPAYMENT",
    "ACCPAY": "ACCPAYPAYMENT",
    "ACCRECCREDIT": "ARCREDITPAYMENT",
    "ACCPAYCREDIT": "APCREDITPAYMENT",
    "RECEIVE-OVERPAYMENT": "AROVERPAYMENTPAYMENT",
    "RECEIVE-PREPAYMENT": "ARPREPAYMENTPAYMENT",
    "SPEND-OVERPAYMENT": "APOVERPAYMENTPAYMENT",
    "SPEND-PREPAYMENT": "APPREPAYMENTPAYMENT",
    "AROVERPAYMENT": "AROVERPAYMENTPAYMENT",
    "ARPREPAYMENT": "ARPREPAYMENTPAYMENT",
    "APOVERPAYMENT": "APOVERPAYMENTPAYMENT",
    "APPREPAYMENT": "APPREPAYMENTPAYMENT",
}
# BankTransaction Type -> (SourceType, +1 when the bank is debited, control system account)
_BANK_TRANSACTION = {
    "RECEIVE": ("CASHREC", 1, ""),
    "SPEND": ("CASHPAID", -1, ""),
    "RECEIVE-PREPAYMENT": ("ARPREPAYMENT", 1, ""),
    "RECEIVE-OVERPAYMENT": ("AROVERPAYMENT", 1, "DEBTORS"),
    "SPEND-PREPAYMENT": ("APPREPAYMENT", -1, ""),
    "SPEND-OVERPAYMENT": ("APOVERPAYMENT", -1, "CREDITORS"),
}
# document Type -> (control system account, +1 when the control account is debited)
_DOCUMENT_SIDES = {
    "ACCREC": ("DEBTORS", 1),
    "ACCPAY": ("CREDITORS", -1),
    "ACCRECCREDIT": ("DEBTORS", -1),
    "ACCPAYCREDIT": ("CREDITORS", 1),
}


def normalise_kind(kind: str) -> str:
    kind = _ALIASES.get(kind, kind)
    if kind not in ID_FIELD:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {sorted(ID_FIELD)}")
    return kind


def source_id(kind: str, doc: Doc) -> str:
    return str(doc.get(ID_FIELD[normalise_kind(kind)]) or "")


RateOf = Callable[[str], Decimal | None]


def posting_for(kind: str, doc: Doc, chart: Chart, rate_of: RateOf | None = None) -> Posting | None:
    """The posting `doc` should have on the ledger now, or None if it has no effect.

    `rate_of("Invoice/<id>")` gives the CurrencyRate a document was posted at, so a payment
    clears receivables/payables at that rate (the difference is a realised currency gain)."""
    kind = normalise_kind(kind)
    if kind in ("Invoice", "CreditNote"):
        return _document(kind, doc, chart)
    if kind == "Payment":
        return _payment(doc, chart, rate_of or (lambda key: None))
    if kind == "BankTransaction":
        return _bank_transaction(doc, chart)
    if kind == "BankTransfer":
        return _bank_transfer(doc, chart)
    if kind == "ManualJournal":
        return _manual_journal(doc, chart)
    if kind == "PrepaymentUse":
        return prepayments.use_posting(doc, chart, _item_lines, _rate(doc), _contact_id(doc))
    return None  # Prepayment/Overpayment: their BankTransaction posts; allocations move AR to AR


def _document(kind: str, doc: Doc, chart: Chart) -> Posting | None:
    if doc.get("Status") not in ("AUTHORISED", "PAID"):
        return None
    doc_type = str(doc.get("Type") or "")
    if doc_type not in _DOCUMENT_SIDES:
        raise PostingError(f"{kind} has unknown Type {doc_type!r}")
    system, control_sign = _DOCUMENT_SIDES[doc_type]
    rate = _rate(doc)
    lines = _item_lines(doc.get("LineItems") or [], chart, -control_sign, rate, doc)
    total = _converted(money(doc["Total"]), rate) if doc.get("Total") is not None else None
    lines = _close(lines, chart.system(system), control_sign, total, chart)
    number = doc.get("InvoiceNumber") or doc.get("CreditNoteNumber") or ""
    return Posting(
        to_date(doc["Date"]),
        doc_type,
        source_id(kind, doc),
        tuple(lines),
        reference=str(doc.get("Reference") or number),
        contact_id=_contact_id(doc),
        rate=rate,
    )


def _payment(doc: Doc, chart: Chart, rate_of: RateOf) -> Posting | None:
    if doc.get("Status", "AUTHORISED") != "AUTHORISED":
        return None
    payment_type = str(doc.get("PaymentType") or _infer_payment_type(doc))
    if payment_type not in _PAYMENT_SIDES:
        raise PostingError(f"payment {doc.get('PaymentID')} has unknown PaymentType")
    system, bank_sign = _PAYMENT_SIDES[payment_type]
    amount = money(doc.get("Amount"))
    document_rate = _document_rate(doc, rate_of)
    paid_rate = _rate(doc)
    if paid_rate == 1 and document_rate != 1:
        paid_rate = document_rate  # no rate of its own (the store's default 1): the document's
    banked = bank_sign * _converted(amount, paid_rate)
    cleared = -bank_sign * _converted(amount, document_rate)
    bank = chart.resolve(doc.get("Account"), what="payment account")
    lines = [JournalLine(bank, banked), JournalLine(chart.system(system), cleared)]
    if banked + cleared:
        gains = next(
            (s for s in ("REALISEDCURRENCYGAIN", "ROUNDING") if chart.has_system(s)), system
        )
        lines.append(JournalLine(chart.system(gains), -(banked + cleared)))
    contact = ""
    for ref in ("Invoice", "CreditNote", "Prepayment", "Overpayment"):
        if isinstance(doc.get(ref), Mapping):
            contact = contact or _contact_id(doc[ref])
    return Posting(
        to_date(doc["Date"]),
        payment_type,
        source_id("Payment", doc),
        tuple(lines),
        reference=str(doc.get("Reference") or ""),
        contact_id=contact or _contact_id(doc),
    )


def _document_rate(payment: Doc, rate_of: RateOf) -> Decimal:
    """The rate the paid document was posted at (1 when unknown)."""
    for kind in ("Invoice", "CreditNote", "Prepayment", "Overpayment"):
        ref = payment.get(kind)
        if isinstance(ref, Mapping) and ref.get(f"{kind}ID"):
            found = rate_of(f"{kind}/{str(ref[f'{kind}ID']).lower()}")
            if found is not None:
                return found
            if ref.get("CurrencyRate"):
                return _rate(ref)
    return Decimal(1)


def _infer_payment_type(doc: Doc) -> str:
    for ref in ("Invoice", "CreditNote", "Prepayment", "Overpayment"):
        target = doc.get(ref)
        if isinstance(target, Mapping) and target.get("Type") in _PAYMENT_TYPE_OF:
            return _PAYMENT_TYPE_OF[str(target["Type"])]
    raise PostingError(
        f"payment {doc.get('PaymentID')} needs a PaymentType or a typed Invoice/CreditNote"
    )


def _bank_transaction(doc: Doc, chart: Chart) -> Posting | None:
    if doc.get("Status", "AUTHORISED") != "AUTHORISED":
        return None
    tx_type = str(doc.get("Type") or "")
    if tx_type.endswith("-TRANSFER"):
        return None
    if tx_type not in _BANK_TRANSACTION:
        raise PostingError(f"bank transaction has unknown Type {tx_type!r}")
    source_type, bank_sign, control = _BANK_TRANSACTION[tx_type]
    bank = chart.resolve(doc.get("BankAccount"), what="bank account")
    rate = _rate(doc)
    total = _converted(money(doc["Total"]), rate) if doc.get("Total") is not None else None
    if control:  # lines of an overpayment need no account: it all sits on AR/AP
        amount = total if total is not None else _converted(_gross(doc), rate)
        lines = [JournalLine(chart.system(control), -bank_sign * amount)]
        lines = _close(lines, bank, bank_sign, amount, chart)
    else:
        lines = _item_lines(doc.get("LineItems") or [], chart, -bank_sign, rate, doc)
        lines = _close(lines, bank, bank_sign, total, chart)
    return Posting(
        to_date(doc["Date"]),
        source_type,
        source_id("BankTransaction", doc),
        tuple(lines),
        reference=str(doc.get("Reference") or ""),
        contact_id=_contact_id(doc),
    )


def _bank_transfer(doc: Doc, chart: Chart) -> Posting | None:
    if doc.get("Status") in ("DELETED", "VOIDED"):
        return None
    amount = money(doc.get("Amount"))
    source = chart.resolve(doc.get("FromBankAccount"), what="FromBankAccount")
    target = chart.resolve(doc.get("ToBankAccount"), what="ToBankAccount")
    return Posting(
        to_date(doc["Date"]),
        "TRANSFER",
        source_id("BankTransfer", doc),
        (JournalLine(source, -amount), JournalLine(target, amount)),
        reference=str(doc.get("Reference") or ""),
    )


def _manual_journal(doc: Doc, chart: Chart) -> Posting | None:
    if doc.get("Status") != "POSTED":
        return None
    amount_types = doc.get("LineAmountTypes") or "NoTax"
    lines: list[JournalLine] = []
    tax_total = ZERO
    for raw in doc.get("JournalLines") or []:
        amount = money(raw.get("LineAmount"))
        tax = ZERO if amount_types == "NoTax" else money(raw.get("TaxAmount"))
        net = amount - tax if amount_types == "Inclusive" else amount
        account = _line_account(raw, chart)
        lines.append(_line(account, net, tax, raw))
        tax_total += tax
    if tax_total:
        lines.append(JournalLine(chart.system("GST"), tax_total))
    return Posting(
        to_date(doc["Date"]),
        "MANJOURNAL",
        source_id("ManualJournal", doc),
        tuple(lines),
        reference=str(doc.get("Narration") or ""),
    )


# -- shared pieces ------------------------------------------------------------------------


def _item_lines(
    items: list[Mapping[str, Any]], chart: Chart, sign: int, rate: Decimal, doc: Doc
) -> list[JournalLine]:
    """Journal lines for line items (`sign` -1 credits them), plus one GST line for the tax."""
    amount_types = doc.get("LineAmountTypes") or "Exclusive"
    lines: list[JournalLine] = []
    tax_total = ZERO
    for item in items:
        amount = money(item.get("LineAmount"))
        if not amount and not item.get("TaxAmount"):
            continue
        tax = ZERO if amount_types == "NoTax" else money(item.get("TaxAmount"))
        net = amount - tax if amount_types == "Inclusive" else amount
        net, tax = _converted(net, rate), _converted(tax, rate)
        signed_tax = sign * tax if tax else ZERO  # one shared zero: most lines carry no tax
        lines.append(_line(_line_account(item, chart), sign * net, signed_tax, item))
        tax_total += tax
    if tax_total:
        lines.append(JournalLine(chart.system("GST"), sign * tax_total))
    return lines


def _gross(doc: Doc) -> Decimal:
    """A document's total from its lines (when it carries no Total)."""
    exclusive = (doc.get("LineAmountTypes") or "Exclusive") == "Exclusive"
    return sum(
        (
            money(x.get("LineAmount")) + (money(x.get("TaxAmount")) if exclusive else ZERO)
            for x in doc.get("LineItems") or []
        ),
        ZERO,
    )


def _close(
    lines: list[JournalLine],
    control: Account,
    control_sign: int,
    total: Decimal | None,
    chart: Chart,
) -> list[JournalLine]:
    """Balance `lines` on the control account (AR, AP or bank) at `total` when given.

    A difference between `total` and the lines (rounding) goes to ROUNDING if the chart has it.
    """
    computed = -sum((x.net for x in lines), ZERO)
    if total is None or not chart.has_system("ROUNDING"):
        return [JournalLine(control, computed), *lines]
    amount = control_sign * total
    out = [JournalLine(control, amount), *lines]
    if amount != computed:
        out.append(JournalLine(chart.system("ROUNDING"), computed - amount))
    return out


def _line(account: Account, net: Decimal, tax: Decimal, raw: Mapping[str, Any]) -> JournalLine:
    tracking = tuple(
        (
            str(t.get("TrackingCategoryID") or ""),
            str(t.get("TrackingOptionID") or ""),
            str(t.get("Name") or ""),
            str(t.get("Option") or ""),
        )
        for t in raw.get("Tracking") or []
    )
    return JournalLine(
        account,
        net,
        tax,
        str(raw.get("TaxType") or ""),
        str(raw.get("Description") or ""),
        tracking,
    )


def _line_account(raw: Mapping[str, Any], chart: Chart) -> Account:
    if raw.get("AccountID"):
        return chart.resolve({"AccountID": raw["AccountID"], "Code": raw.get("AccountCode")})
    if raw.get("AccountCode"):
        return chart.resolve(str(raw["AccountCode"]))
    raise PostingError(f"line {raw.get('Description')!r} has no AccountCode")


def _rate(doc: Doc) -> Decimal:
    raw = doc.get("CurrencyRate")
    rate = Decimal(str(raw)) if raw not in (None, "", 0) else Decimal(1)
    return rate if rate > 0 else Decimal(1)


def _converted(amount: Decimal, rate: Decimal) -> Decimal:
    return amount if rate == 1 else money(amount / rate)


def _contact_id(doc: Doc) -> str:
    contact = doc.get("Contact")
    return str(contact.get("ContactID") or "") if isinstance(contact, Mapping) else ""
