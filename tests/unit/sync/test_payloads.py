"""What is sent to Xero for an app record: built straight from the record, it is byte for byte
the body the Xero models would dump (`Model.model_validate(...).to_payload()`, how payloads were
built before), so Xero, stored batch bodies and idempotent resends see no difference."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.sync.payload_cases import CONFIGS, GOLDEN, FakeRefs, cases
from xerosync.sync.mapping import MissingReference, to_payload, xero_model
from xerosync.sync.records import parse_record
from xerosync.xero.models.base import encode

CASES = list(cases())
GOLDEN_BODIES: dict[str, str] = json.loads(GOLDEN.read_text())


def _payload(entity: str, record: dict[str, Any], config: str) -> dict[str, Any]:
    return to_payload(parse_record(entity, record), FakeRefs(), CONFIGS[config])


def _json_native(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_native(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_native(v) for v in value)
    return isinstance(value, str | int | float | bool)


def test_every_case_is_pinned() -> None:
    assert sorted(GOLDEN_BODIES) == sorted(name for name, *_ in CASES)


@pytest.mark.parametrize(("name", "config", "entity", "record"), CASES, ids=[c[0] for c in CASES])
def test_the_body_is_what_the_models_sent(
    name: str, config: str, entity: str, record: dict[str, Any]
) -> None:
    payload = _payload(entity, record, config)
    assert encode(payload).decode() == GOLDEN_BODIES[name]
    # as the model's JSON dump was: money already a JSON number (never a Decimal left for
    # the encoder), no None
    assert _json_native(payload)


@pytest.mark.parametrize(("name", "config", "entity", "record"), CASES, ids=[c[0] for c in CASES])
def test_the_model_dumps_the_body_unchanged(
    name: str, config: str, entity: str, record: dict[str, Any]
) -> None:
    """Keys in the model's order, values in its wire form: a model field added or moved
    shows here first."""
    payload = _payload(entity, record, config)
    dumped = xero_model(entity).model_validate(payload).to_payload()
    assert encode(dumped) == encode(payload)


def test_a_contact_not_in_xero_yet_is_still_a_missing_reference() -> None:
    class Nothing(FakeRefs):
        def xero_id(self, entity: str, app_id: str) -> str | None:
            return None

    invoice = parse_record(
        "invoices",
        {
            "id": "i-1",
            "contact_id": "c-9",
            "date": "2026-01-01",
            "lines": [{"description": "x", "unit_amount": "1"}],
        },
    )
    with pytest.raises(MissingReference) as caught:
        to_payload(invoice, Nothing(), CONFIGS["defaults"])
    assert (caught.value.entity, caught.value.app_id) == ("contacts", "c-9")


amounts = st.decimals(
    min_value=Decimal("-1e16"), max_value=Decimal("1e16"), allow_nan=False, places=None
).filter(lambda d: d.is_finite())
texts = st.text(min_size=0, max_size=20)
lines = st.fixed_dictionaries(
    {"description": texts, "unit_amount": amounts.map(str)},
    optional={
        "quantity": amounts.map(str),
        "account_code": st.sampled_from(["200", "260"]),
        "tax_class": st.sampled_from(["standard", "zero", "other"]),
        "item": st.sampled_from(["sku-1", "sku-9"]),
        "discount_rate": amounts.map(str),
        "tracking": st.dictionaries(st.sampled_from(["region", "team", "x"]), texts, max_size=3),
    },
)
invoices = st.fixed_dictionaries(
    {
        "id": st.text(alphabet="abc123-", min_size=1, max_size=60),
        "contact_id": st.just("c-1"),
        "date": st.dates().map(lambda d: d.isoformat()),
        "lines": st.lists(lines, min_size=1, max_size=4),
    },
    optional={
        "number": texts,
        "reference": texts,
        "currency": st.sampled_from(["NZD", "USD"]),
        "type": st.sampled_from(["ACCREC", "ACCPAY"]),
        "due_date": st.dates().map(lambda d: d.isoformat()),
        "status": st.sampled_from(["DRAFT", "SUBMITTED", "AUTHORISED"]),
        "line_amount_types": st.sampled_from(["Exclusive", "Inclusive", "NoTax"]),
    },
)


@settings(max_examples=200, deadline=None)
@given(record=invoices, config=st.sampled_from(sorted(CONFIGS)))
def test_any_invoice_body_is_what_its_model_dumps(record: dict[str, Any], config: str) -> None:
    payload = _payload("invoices", record, config)
    dumped = xero_model("invoices").model_validate(payload).to_payload()
    assert encode(dumped) == encode(payload)
    assert _json_native(payload)
