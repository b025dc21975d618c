"""Contacts the organisation already has. Xero keeps contact names unique, so creating a contact
the books already hold is refused; when the mapping says how contacts are matched
(`contact_match`: ContactNumber, email or name), the existing contact is found and adopted
instead, and the app's version is sent to it as an update. Nothing is created twice, and a
contact that only shares a name with another is not merged into it unless the mapping says so."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xerosync.sync.config import MappingConfig
from xerosync.xero.batching import Outcome, RecordOutcome
from xerosync.xero.client import XeroClient
from xerosync.xero.models.contacts import Contact

__all__ = ["DUPLICATE_NAME", "find_matches"]

DUPLICATE_NAME = "already assigned to another contact"


def _same(config: MappingConfig, sent: Mapping[str, Any], found: Contact) -> bool:
    if config.contact_match == "name":
        return True  # found by its name, which is what the mapping matches on
    if config.contact_match == "email":
        ours, theirs = sent.get("EmailAddress"), found.email_address
        return bool(ours and theirs and ours.casefold() == theirs.casefold())
    return bool(sent.get("ContactNumber") and sent.get("ContactNumber") == found.contact_number)


def find_matches(
    client: XeroClient,
    tenant: str,
    config: MappingConfig,
    bodies: Sequence[Mapping[str, Any]],
    outcomes: Sequence[RecordOutcome[Any]],
) -> dict[int, Contact]:
    """Position -> the existing contact to adopt, for creates refused only for a taken name."""
    refused = [
        o.index
        for o in outcomes
        if o.outcome == Outcome.REJECTED
        and o.messages
        and all(DUPLICATE_NAME in message for message in o.messages)
    ]
    if not refused:
        return {}
    names = [str(bodies[i].get("Name") or "") for i in refused]
    found = client.contacts.find_by_names(names, tenant=tenant)
    matches: dict[int, Contact] = {}
    for index, name in zip(refused, names, strict=True):
        contact = found.get(name)
        if contact is not None and _same(config, bodies[index], contact):
            matches[index] = contact
    return matches
