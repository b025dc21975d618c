"""What the shop hands to xerosync: customers as contacts, completed orders as invoices, card
payouts as money received in the bank. Ids are the shop's own; xerosync maps them to Xero's."""

from __future__ import annotations

from typing import Any

from shop.api import XerosyncApi
from shop.catalogue import CARD_PROCESSOR
from shop.store import ShopStore

__all__ = ["hand_in"]


def hand_in(store: ShopStore, api: XerosyncApi, connection: str) -> dict[str, int]:
    """Everything the shop has, handed in; what xerosync already has is answered `unchanged`."""
    contacts = [
        {
            "id": c.id,
            "name": c.name,
            **({"email": c.email} if c.email else {}),
            **({"phone": c.phone} if c.phone else {}),
        }
        for c in store.customers()
    ]
    invoices: list[dict[str, Any]] = [
        {
            "id": o.id,
            "contact_id": o.customer_id,
            "number": o.number,
            "date": o.date,
            "line_amount_types": "Exclusive",
            "lines": o.lines,
        }
        for o in store.orders()
    ]
    payouts = [
        {
            "id": p.id,
            "type": "RECEIVE",
            "contact_id": CARD_PROCESSOR.id,
            "date": p.date,
            "reference": f"Card payout {p.date}",
            "line_amount_types": "Inclusive",
            "lines": [
                {
                    "description": "Counter card sales",
                    "unit_amount": p.amount,
                    "tax_class": "standard",
                }
            ],
        }
        for p in store.payouts()
    ]
    handed = {}
    for entity, records in (
        ("contacts", contacts),
        ("invoices", invoices),
        ("bank_transactions", payouts),
    ):
        if records:
            answers = api.submit(connection, entity, records)
            handed[entity] = sum(1 for a in answers if a.get("result") == "queued")
    return handed
