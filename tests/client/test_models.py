"""Typed models read Xero's own examples (from the OpenAPI spec), keep what they do not know, and
write back what they read."""

from __future__ import annotations

import functools
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from xerosync.xero.models import (
    Account,
    BankTransaction,
    Contact,
    CreditNote,
    Invoice,
    Item,
    ManualJournal,
    Organisation,
    Payment,
    Report,
    TaxRate,
    XeroModel,
)

SPEC = Path(__file__).resolve().parents[1] / "support" / "xero-openapi" / "xero_accounting.yaml"


class _JsonLikeLoader(yaml.CSafeLoader):
    """YAML without its date guessing: the examples stand for JSON, where dates are strings."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


@functools.cache
def _spec() -> dict[str, Any]:
    with open(SPEC) as fh:
        return yaml.load(fh, Loader=_JsonLikeLoader)  # type: ignore[no-any-return]


def example(path: str, method: str = "get") -> dict[str, Any]:
    op = _spec()["paths"][path][method]
    return op["responses"]["200"]["content"]["application/json"]["example"]  # type: ignore[no-any-return]


CASES = [
    ("/Invoices", "get", "Invoices", Invoice),
    ("/Invoices", "put", "Invoices", Invoice),
    ("/Invoices", "post", "Invoices", Invoice),
    ("/Contacts", "get", "Contacts", Contact),
    ("/Contacts", "put", "Contacts", Contact),
    ("/CreditNotes", "get", "CreditNotes", CreditNote),
    ("/CreditNotes", "put", "CreditNotes", CreditNote),
    ("/Payments", "get", "Payments", Payment),
    ("/Payments", "put", "Payments", Payment),
    ("/BankTransactions", "get", "BankTransactions", BankTransaction),
    ("/BankTransactions", "put", "BankTransactions", BankTransaction),
    ("/ManualJournals", "get", "ManualJournals", ManualJournal),
    ("/ManualJournals", "put", "ManualJournals", ManualJournal),
    ("/Accounts", "get", "Accounts", Account),
    ("/TaxRates", "get", "TaxRates", TaxRate),
    ("/Items", "get", "Items", Item),
    ("/Items", "put", "Items", Item),
    ("/Organisation", "get", "Organisations", Organisation),
    ("/Reports/BalanceSheet", "get", "Reports", Report),
    ("/Reports/TrialBalance", "get", "Reports", Report),
]


def _records(path: str, method: str, envelope: str) -> list[dict[str, Any]]:
    records = example(path, method)[envelope]
    assert records, f"the spec's {method.upper()} {path} example has no {envelope}"
    return records  # type: ignore[no-any-return]


def _same_keys(raw: Any, dumped: Any, where: str) -> None:
    """Every non-null field Xero sent is still there after a round trip, at every depth."""
    if isinstance(raw, dict):
        assert isinstance(dumped, dict), where
        for key, value in raw.items():
            if value is None:
                continue
            assert key in dumped, f"{where}.{key} was dropped"
            _same_keys(value, dumped[key], f"{where}.{key}")
    elif isinstance(raw, list):
        assert isinstance(dumped, list), where
        assert len(dumped) == len(raw), where
        for i, (a, b) in enumerate(zip(raw, dumped, strict=True)):
            _same_keys(a, b, f"{where}[{i}]")


@pytest.mark.parametrize(("path", "method", "envelope", "model"), CASES)
def test_spec_examples_round_trip(
    path: str, method: str, envelope: str, model: type[XeroModel]
) -> None:
    for raw in _records(path, method, envelope):
        parsed = model.model_validate(raw)
        dumped = parsed.to_json_dict()
        _same_keys(raw, dumped, envelope)
        again = model.model_validate(dumped)
        assert again == parsed
        assert again.to_json_dict() == dumped


def test_invoice_example_reads_as_typed_values() -> None:
    raw = _records("/Invoices", "get", "Invoices")[0]
    invoice = Invoice.model_validate(raw)
    assert invoice.invoice_id == raw["InvoiceID"]
    assert invoice.type == "ACCREC"
    assert isinstance(invoice.total, Decimal)
    assert invoice.total == Decimal(str(raw["Total"]))
    assert isinstance(invoice.date, date)
    assert not isinstance(invoice.date, datetime)
    assert invoice.updated_date_utc is not None
    assert invoice.updated_date_utc.tzinfo is not None
    assert invoice.contact is not None
    assert invoice.contact.contact_id == raw["Contact"]["ContactID"]


def test_money_is_decimal_and_exact() -> None:
    line = Invoice.model_validate(
        {"LineItems": [{"Quantity": 3, "UnitAmount": 0.1, "LineAmount": 0.3}], "Total": 1234567.89}
    )
    item = line.line_items[0]  # type: ignore[index]
    assert item.unit_amount == Decimal("0.1")
    assert item.quantity * item.unit_amount == item.line_amount  # type: ignore[operator]
    assert line.total == Decimal("1234567.89")
    body = line.to_json_dict()
    assert body["LineItems"][0]["UnitAmount"] == 0.1
    assert body["Total"] == 1234567.89


def test_unknown_fields_are_kept_and_sent_back() -> None:
    raw = {
        "InvoiceID": "d4956132-ed94-4dd7-9eaa-aa22dfdf06f2",
        "Type": "ACCREC",
        "BrandNewField2027": {"Nested": [1, 2]},
        "LineItems": [{"Description": "x", "LineFeature": "kept"}],
        "Contact": {"Name": "Acme", "ContactFlavour": "sweet"},
    }
    invoice = Invoice.model_validate(raw)
    assert invoice.model_extra == {"BrandNewField2027": {"Nested": [1, 2]}}
    payload = invoice.to_payload()
    assert payload["BrandNewField2027"] == {"Nested": [1, 2]}
    assert payload["LineItems"][0]["LineFeature"] == "kept"
    assert payload["Contact"]["ContactFlavour"] == "sweet"


def test_unknown_enum_values_do_not_break_reading() -> None:
    # Xero-NetStandard#133: SDKs failed on a new TaxType value. Ours keeps whatever Xero sends.
    assert Invoice.model_validate({"Status": "NEWSTATUS2027"}).status == "NEWSTATUS2027"
    assert Account.model_validate({"Type": "CISLABOUR", "Class": "ASSET"}).class_ == "ASSET"


def test_payload_leaves_out_what_xero_computes() -> None:
    raw = _records("/Invoices", "get", "Invoices")[0]
    payload = Invoice.model_validate(raw).to_payload()
    for computed in ("Total", "SubTotal", "TotalTax", "AmountDue", "AmountPaid", "UpdatedDateUTC"):
        assert computed not in payload
    assert payload["InvoiceID"] == raw["InvoiceID"]
    assert payload["Type"] == raw["Type"]
    assert "Balances" not in (payload.get("Contact") or {})


def test_only_json_dumps_leave_out_what_xero_computes_at_every_depth() -> None:
    raw = _records("/Invoices", "get", "Invoices")[0]
    invoice = Invoice.model_validate({**raw, "Contact": {**raw["Contact"], "IsCustomer": True}})
    payload = invoice.to_payload()
    assert "IsCustomer" not in payload["Contact"]  # the nested contact's own read-only field
    as_json = invoice.model_dump_json(by_alias=True, exclude_none=True, context={"payload": True})
    assert json.loads(as_json) == payload
    # A Python-mode dump (what a pull's change digest reads) keeps everything Xero said.
    python = invoice.model_dump(by_alias=True, exclude_none=True, context={"payload": True})
    assert python["Total"] == invoice.total
    assert python["Contact"]["IsCustomer"] is True
    assert python.keys() == invoice.to_json_dict().keys()


def test_models_accept_python_names_and_write_xero_names() -> None:
    invoice = Invoice(
        type="ACCREC",
        contact=Contact(name="Acme Ltd"),
        date=date(2026, 3, 1),
        due_date="/Date(1775001600000+0000)/",  # type: ignore[arg-type]
        line_items=[{"description": "Widget", "quantity": 2, "unit_amount": "9.99"}],  # type: ignore[list-item]
        updated_date_utc=datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert invoice.to_payload() == {
        "Type": "ACCREC",
        "Contact": {"Name": "Acme Ltd"},
        "Date": "2026-03-01",
        "DueDate": "2026-04-01",
        "LineItems": [{"Description": "Widget", "Quantity": 2, "UnitAmount": 9.99}],
    }


def test_per_record_errors_are_read() -> None:
    echoed = Invoice.model_validate(
        {
            "InvoiceID": "00000000-0000-0000-0000-000000000000",
            "HasErrors": True,
            "StatusAttributeString": "ERROR",
            "ValidationErrors": [{"Message": "Invoice # must be unique."}],
        }
    )
    assert echoed.rejected
    assert echoed.error_messages() == ["Invoice # must be unique."]
    ok = Contact.model_validate(
        {"ContactID": "a", "StatusAttributeString": "OK", "HasValidationErrors": False}
    )
    assert not ok.rejected
    warned = Payment.model_validate(
        {"StatusAttributeString": "WARNING", "Warnings": [{"Message": "rate"}]}
    )
    assert not warned.rejected
    assert warned.warning_messages() == ["rate"]


@pytest.mark.parametrize("flag", ["HasErrors", "HasValidationErrors"])
def test_an_error_flag_is_read_declared_or_not(flag: str) -> None:
    """Invoice declares HasErrors, not HasValidationErrors (kept as an extra); either refuses."""
    assert Invoice.model_validate({"StatusAttributeString": "OK", flag: True}).rejected
    assert not Invoice.model_validate({"StatusAttributeString": "OK", flag: False}).rejected
    assert Contact.model_validate({flag: True}).rejected


def test_report_rows_walk_sections() -> None:
    report = Report.model_validate(_records("/Reports/TrialBalance", "get", "Reports")[0])
    assert report.header[0] == "Account"
    rows = list(report.walk())
    assert rows, "the trial balance example has rows"
    titled = [(title, row) for title, row in rows if row.row_type == "Row"]
    assert all(title for title, _ in titled)
    first = titled[0][1]
    assert first.cells
    assert first.cells[0].attribute("account")
    amounts = [c.amount for _, r in rows for c in r.cells or [] if c.amount is not None]
    assert amounts
    assert all(isinstance(a, Decimal) for a in amounts)
