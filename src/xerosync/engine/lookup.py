"""A create whose outcome was lost, resumed after Xero has forgotten its idempotency key: look
for the record in Xero by what identifies it (number, ContactNumber, name, reference) before
sending it again, and adopt what is found instead of creating it twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xerosync.xero.client import XeroClient
from xerosync.xero.models.base import XeroModel
from xerosync.xero.resources.base import where_any

__all__ = ["find_created"]


def _contact_id(record: Any) -> str | None:
    contact = getattr(record, "contact", None)
    return getattr(contact, "contact_id", None) if contact is not None else None


def _same_document(sent: Mapping[str, Any], found: Any) -> bool:
    sent_contact = (sent.get("Contact") or {}).get("ContactID")
    return (
        sent_contact in (None, _contact_id(found))
        and str(sent.get("Type") or "") in ("", str(getattr(found, "type", "") or ""))
        and getattr(found, "status", None) not in ("DELETED", "VOIDED")
    )


def _documents(
    resource: Any, tenant: str, bodies: Sequence[Mapping[str, Any]], number_field: str
) -> dict[int, XeroModel]:
    found: dict[int, XeroModel] = {}
    numbers = [b[number_field] for b in bodies if b.get(number_field)]
    by_number = resource.find_by_numbers(numbers, tenant=tenant) if numbers else {}
    references = [b["Reference"] for b in bodies if not b.get(number_field) and b.get("Reference")]
    by_reference: dict[str, list[Any]] = {}
    if references:
        for record in resource.list(tenant=tenant, where=where_any("Reference", references)):
            if record.reference:
                by_reference.setdefault(record.reference, []).append(record)
    for index, body in enumerate(bodies):
        if body.get(number_field):
            candidates = by_number.get(body[number_field], [])
        else:
            candidates = by_reference.get(body.get("Reference") or "", [])
        match = next((c for c in candidates if _same_document(body, c)), None)
        if match is not None:
            found[index] = match
    return found


def _contacts(
    client: XeroClient, tenant: str, bodies: Sequence[Mapping[str, Any]]
) -> dict[int, XeroModel]:
    numbers = [b["ContactNumber"] for b in bodies if b.get("ContactNumber")]
    names = [b["Name"] for b in bodies if not b.get("ContactNumber")]
    by_number = client.contacts.find_by_numbers(numbers, tenant=tenant) if numbers else {}
    by_name = client.contacts.find_by_names(names, tenant=tenant) if names else {}
    found: dict[int, XeroModel] = {}
    for index, body in enumerate(bodies):
        match = by_number.get(body.get("ContactNumber") or "") or by_name.get(
            body.get("Name") or ""
        )
        if match is not None:
            found[index] = match
    return found


def _by_field(
    resource: Any, tenant: str, bodies: Sequence[Mapping[str, Any]], field: str, same: Any
) -> dict[int, XeroModel]:
    values = [b[field] for b in bodies if b.get(field)]
    if not values:
        return {}
    candidates = list(resource.list(tenant=tenant, where=where_any(field, values)))
    found: dict[int, XeroModel] = {}
    for index, body in enumerate(bodies):
        match = next((c for c in candidates if same(body, c)), None)
        if match is not None:
            found[index] = match
    return found


def _same_payment(body: Mapping[str, Any], found: Any) -> bool:
    invoice = (body.get("Invoice") or {}).get("InvoiceID")
    note = (body.get("CreditNote") or {}).get("CreditNoteID")
    found_invoice = getattr(getattr(found, "invoice", None), "invoice_id", None)
    found_note = getattr(getattr(found, "credit_note", None), "credit_note_id", None)
    return bool(
        found.reference == body.get("Reference")
        and (invoice is None or invoice == found_invoice)
        and (note is None or note == found_note)
        and found.status != "DELETED"
    )


def _same_journal(body: Mapping[str, Any], found: Any) -> bool:
    date = found.date.isoformat() if found.date else None
    return bool(found.narration == body.get("Narration") and date == body.get("Date"))


def _same_bank(body: Mapping[str, Any], found: Any) -> bool:
    return found.reference == body.get("Reference") and _same_document(body, found)


def find_created(
    client: XeroClient, tenant: str, entity: str, bodies: Sequence[Mapping[str, Any]]
) -> dict[int, XeroModel]:
    """Position in `bodies` -> the record Xero already has for it."""
    if entity == "contacts":
        return _contacts(client, tenant, bodies)
    if entity == "invoices":
        return _documents(client.invoices, tenant, bodies, "InvoiceNumber")
    if entity == "credit_notes":
        return _documents(client.credit_notes, tenant, bodies, "CreditNoteNumber")
    if entity == "bank_transactions":
        return _by_field(client.bank_transactions, tenant, bodies, "Reference", _same_bank)
    if entity == "payments":
        return _by_field(client.payments, tenant, bodies, "Reference", _same_payment)
    if entity == "manual_journals":
        return _by_field(client.manual_journals, tenant, bodies, "Narration", _same_journal)
    raise ValueError(entity)
