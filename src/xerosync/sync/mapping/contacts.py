"""Contacts: two-way. ContactNumber carries the app's id when the app has no number of its own,
so a contact can be found in Xero again by the id the app knows it by."""

from __future__ import annotations

from typing import Any

from xerosync.sync.config import MappingConfig
from xerosync.sync.mapping.refs import Refs
from xerosync.sync.records import AppContact
from xerosync.xero.models.contacts import Contact as XeroContact

__all__ = ["XeroContact", "canonical", "contact_number", "from_xero", "to_payload"]

MAX_CONTACT_NUMBER = 50


def contact_number(record: AppContact, config: MappingConfig) -> str | None:
    if record.contact_number:
        return record.contact_number
    if config.contact_match == "contact_number" and len(record.id) <= MAX_CONTACT_NUMBER:
        return record.id
    return None


def canonical(record: AppContact, config: MappingConfig) -> dict[str, Any]:
    return {
        "name": record.name,
        "email": record.email,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "contact_number": contact_number(record, config),
        "phone": record.phone,
        "tax_number": record.tax_number,
        "archived": record.archived,
    }


def to_payload(record: AppContact, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    """The body Xero is sent, in `XeroContact`'s field order (see `mapping.to_payload`)."""
    data: dict[str, Any] = {
        "ContactNumber": contact_number(record, config),
        "ContactStatus": "ARCHIVED" if record.archived else "ACTIVE",
        "Name": record.name,
        "FirstName": record.first_name,
        "LastName": record.last_name,
        "EmailAddress": record.email,
        "TaxNumber": record.tax_number,
        "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": record.phone}] if record.phone else None,
        "DefaultCurrency": record.default_currency,
    }
    return {k: v for k, v in data.items() if v is not None}


def from_xero(xero: XeroContact, refs: Refs, config: MappingConfig) -> dict[str, Any]:
    data = xero.to_json_dict()
    phone = next(
        (
            p.get("PhoneNumber")
            for p in data.get("Phones") or []
            if p.get("PhoneType") == "DEFAULT" and p.get("PhoneNumber")
        ),
        None,
    )
    return {
        "name": data.get("Name"),
        "email": data.get("EmailAddress") or None,
        "first_name": data.get("FirstName") or None,
        "last_name": data.get("LastName") or None,
        "contact_number": data.get("ContactNumber") or None,
        "phone": phone,
        "tax_number": data.get("TaxNumber") or None,
        "archived": data.get("ContactStatus") == "ARCHIVED",
    }
