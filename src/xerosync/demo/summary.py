"""What the demo shows at the end: numbers a person can check against Xero (the emulator)."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["Calls", "DemoSummary", "Invoices", "RecordCounts"]


class RecordCounts(BaseModel):
    handed_in: int  # the shop's records of this kind, handed to xerosync
    confirmed: int  # the shop was told (outbound webhook) they are in Xero
    in_xero: int  # Xero (the emulator) holds them, each exactly once


class Calls(BaseModel):
    total: int  # every call xerosync made to Xero's API for this organisation
    writes: int
    minimum_writes: int  # ceil(records / 50) per kind: Xero's batch maximum
    reads: int
    rate_limited: int  # 429s Xero answered (each waited out and retried)


class Invoices(BaseModel):
    paid_in_xero: int  # invoices a person marked paid in Xero during the demo
    paid_known_to_shop: int  # ... that the shop learnt were paid
    part_paid_in_xero: int  # a payment that did not settle the invoice


class DemoSummary(BaseModel):
    organisation: str
    records: dict[str, RecordCounts]
    calls: Calls
    invoices: Invoices
    contacts_edited_in_xero: int
    contact_edits_known_to_shop: int
    conflicts: int
    dead_letters: int
    dashboard: str
    seconds: float

    @property
    def ok(self) -> bool:
        """Every record in Xero once, the shop told of each, and of every payment and edit."""
        return (
            all(c.handed_in == c.confirmed == c.in_xero for c in self.records.values())
            and self.invoices.paid_in_xero == self.invoices.paid_known_to_shop
            and self.contacts_edited_in_xero == self.contact_edits_known_to_shop
            and self.dead_letters == 0
        )
