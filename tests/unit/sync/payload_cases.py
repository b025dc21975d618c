"""Varied app records and mapping settings whose Xero payloads are pinned in `payloads.json`.

`payloads.json` holds each case's request body as the client encodes it, written by the code
that built payloads through the Xero models (`Model.model_validate(...).to_payload()`), before
the mapping built them directly. Rewrite it (`python -m tests.unit.sync.payload_cases`) only for
a deliberate change to what is sent to Xero.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xerosync.sync.config import MappingConfig

__all__ = ["CONFIGS", "GOLDEN", "FakeRefs", "cases"]

GOLDEN = Path(__file__).with_name("payloads.json")

CONFIGS = {
    "defaults": MappingConfig(),
    "mapped": MappingConfig(
        sales_account="4000",
        purchase_account="5000",
        bank_account="1010",
        tax_types={"standard": "OUTPUT2", "zero": "ZERORATEDOUTPUT", "in": "INPUT2"},
        default_tax_class="standard",
        item_codes={"sku-1": "WIDGET", "sku-2": "GADGET"},
        tracking={"region": "Region", "team": "Team"},
        currency="NZD",
        contact_match="email",
        invoice_numbering="xero",
        payment_terms_days=14,
    ),
}


class FakeRefs:
    """Every named record is in Xero under an id made from its app id."""

    def xero_id(self, entity: str, app_id: str) -> str | None:
        return f"{entity}-{app_id}-0000-4000-8000-000000000000"

    def app_id(self, entity: str, xero_id: str) -> str | None:
        return None


# amounts that take each path of the wire form: integers, short fractions, a float that
# reads back exactly, digits past a float's, huge, negative, exponents
AMOUNTS = [
    "1",
    "12.5",
    "12.345",
    "0.1",
    "0.30",
    "-5.00",
    "100",
    "1E+2",
    "1.5E-3",
    "0.1234567890123456789",
    "1234567890123456.78",
    "999999999999999",
    "1000000000000000",
]

LINES: list[dict[str, Any]] = [
    {"description": "Widget", "unit_amount": "10"},
    {"description": 'Café ✓ "quoted"\nnew line', "quantity": "2.5", "unit_amount": "12.345"},
    {
        "description": "Tracked",
        "quantity": "3",
        "unit_amount": "0.1",
        "account_code": "260",
        "tax_class": "zero",
        "item": "sku-1",
        "discount_rate": "12.5",
        "tracking": {"team": "North", "region": "Auckland"},
    },
    {
        "description": "Unmapped item",
        "unit_amount": "-5.00",
        "item": "sku-9",
        "tax_class": "custom-tax",
        "tracking": {"project": "P1"},
    },
    {"description": "", "quantity": "0.0001", "unit_amount": "1234567890123456.78"},
]


def _lines(n: int) -> list[dict[str, Any]]:
    picked = [LINES[(n + i) % len(LINES)] for i in range(1 + n % 3)]
    return [
        {**line, "unit_amount": AMOUNTS[(n + i) % len(AMOUNTS)]} if n % 4 == 3 else line
        for i, line in enumerate(picked)
    ]


def _contacts() -> Iterator[dict[str, Any]]:
    yield {"id": "c-1", "name": "Minimal"}
    yield {
        "id": "c-2",
        "name": "Ada Lovelace Ltd",
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "contact_number": "ADA-1",
        "phone": "+64 9 555 0100",
        "tax_number": "12-345-678",
        "default_currency": "GBP",
        "archived": True,
    }
    yield {"id": "c-" + "x" * 60, "name": "Long id", "phone": ""}
    yield {"id": "c-4", "name": "Ünïcødé & Söns", "email": "u@example.com", "archived": False}


def _documents(kind: str) -> Iterator[dict[str, Any]]:
    for n in range(12):
        record: dict[str, Any] = {
            "id": f"{kind}-{n}",
            "contact_id": f"c-{n % 3}",
            "date": f"2026-0{1 + n % 9}-{10 + n}",
            "lines": _lines(n),
        }
        if n % 2 and kind != "bank_transactions":
            record["number"] = f"N-{n:04d}"
        if n % 3 == 1:
            record["reference"] = f"Ref {n}"
        if n % 4 == 2:
            record["currency"] = "AUD"
        if n % 5 == 4:
            record["line_amount_types"] = ("Inclusive", "NoTax")[n % 2]
        if kind == "invoices":
            record["type"] = "ACCPAY" if n % 3 == 2 else "ACCREC"
            if n % 4 == 1:
                record["due_date"] = f"2026-12-{10 + n}"
            if n % 5 == 3:
                record["status"] = ("DRAFT", "SUBMITTED")[n % 2]
        elif kind == "credit_notes":
            record["type"] = "ACCPAYCREDIT" if n % 3 == 2 else "ACCRECCREDIT"
            if n % 2 == 0:
                record["allocations"] = [{"invoice_id": f"invoices-{n}", "amount": "5.50"}]
        else:
            record["type"] = "SPEND" if n % 2 else "RECEIVE"
            if n % 3 == 0:
                record["bank_account_code"] = "091"
        yield record


def _payments() -> Iterator[dict[str, Any]]:
    for n, amount in enumerate(AMOUNTS):
        if amount.startswith("-") or amount in ("0.30",):
            continue
        record: dict[str, Any] = {"id": f"pay-{n}", "date": "2026-03-01", "amount": amount}
        record["invoice_id" if n % 2 else "credit_note_id"] = f"doc-{n}"
        if n % 3 == 0:
            record["account_code"] = "092"
        if n % 4 == 1:
            record["reference"] = f"Paid {n}"
        yield record


def _journals() -> Iterator[dict[str, Any]]:
    yield {
        "id": "mj-1",
        "narration": "Accrual",
        "date": "2026-04-30",
        "lines": [
            {"account_code": "400", "amount": "125.50", "description": "Rent"},
            {"account_code": "800", "amount": "-125.50"},
        ],
    }
    yield {
        "id": "mj-2",
        "narration": "Tax split ✓",
        "date": "2026-05-31",
        "status": "DRAFT",
        "line_amount_types": "Exclusive",
        "lines": [
            {"account_code": "400", "amount": "0.1", "tax_class": "standard"},
            {"account_code": "401", "amount": "1E+2", "tax_class": "custom"},
            {"account_code": "800", "amount": "-100.1", "description": "Credit"},
        ],
    }


def cases() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(case name, config name, entity, app record as handed in)."""
    records = {
        "contacts": list(_contacts()),
        "invoices": list(_documents("invoices")),
        "credit_notes": list(_documents("credit_notes")),
        "bank_transactions": list(_documents("bank_transactions")),
        "payments": list(_payments()),
        "manual_journals": list(_journals()),
    }
    for config in CONFIGS:
        for entity, found in records.items():
            for n, record in enumerate(found):
                yield f"{config}/{entity}/{n}", config, entity, record


def _write() -> None:  # pragma: no cover - run by hand, see the module docstring
    from xerosync.sync.mapping import to_payload
    from xerosync.sync.records import parse_record
    from xerosync.xero.models.base import encode

    golden = {
        name: encode(to_payload(parse_record(entity, record), FakeRefs(), CONFIGS[config])).decode()
        for name, config, entity, record in cases()
    }
    GOLDEN.write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":  # pragma: no cover
    _write()
