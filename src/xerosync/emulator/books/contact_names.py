"""A document's Contact under the contact's current name, without rewriting documents.

Xero shows (and filters and orders) invoices and credit notes by their contact as it is
now: rename a contact and `where=Contact.Name=="New"` finds its old invoices. Copying the
name into every document would make a rename cost O(its documents); instead a stored
document's `Contact` is a `LiveContact`, a read-only mapping that keeps the ContactID and
reads `Name` from the contacts collection when asked (`where`, `order`, views).
`ContactNamedCollection` stores documents that way and answers the `Contact.Name`
equality index from the contacts' own Name index and the documents' ContactID index, so
`where=Contact.Name=="X"` costs O(X's documents).

A `LiveContact` is not JSON: views turn it into a plain dict (`plain`). A document whose
contact is not in the books (bulk-loaded test data) keeps the name it was stored with.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from xerosync.emulator.books.store import Collection, Record, index_key, norm_id

NAME_INDEX = "Contact.Name"
_CONTACT_ID_INDEX = "Contact.ContactID"


class LiveContact(Mapping[str, Any]):
    """A document's `Contact`: its fields as stored, but `Name` as the contact has it now."""

    __slots__ = ("_contacts", "_fields", "_key")

    def __init__(self, fields: Mapping[str, Any], contacts: Collection) -> None:
        self._fields = fields if type(fields) is dict else dict(fields)
        self._contacts = contacts
        self._key = norm_id(fields.get("ContactID"))

    def __getitem__(self, key: str) -> Any:
        if key == "Name":
            contact = self._contacts.records.get(self._key)
            if contact is not None:
                return contact.get("Name", "")
        return self._fields[key]

    def __contains__(self, key: object) -> bool:
        return key == "Name" or key in self._fields

    def __iter__(self) -> Iterator[str]:
        yield from self._fields
        if "Name" not in self._fields:
            yield "Name"

    def __len__(self) -> int:
        return len(self._fields) + ("Name" not in self._fields)

    def __repr__(self) -> str:
        return f"LiveContact({dict(self)!r})"


def plain(contact: Mapping[str, Any]) -> Record:
    """A document's Contact as a JSON-ready dict (current name included)."""
    return dict(contact)


class ContactNamedCollection(Collection):
    """A collection of documents with a `Contact` (which must declare a Contact.ContactID
    index): Contacts are stored live, and `Contact.Name` works as an index."""

    def __init__(self, name: str, id_field: str, *, contacts: Collection, **options: Any) -> None:
        super().__init__(name, id_field, **options)
        self.contacts = contacts

    def put(self, record: Record, now: datetime) -> Record:
        self._live(record)
        return super().put(record, now)

    def load(self, records: Iterable[Record], now: datetime) -> int:
        return super().load(map(self._live, records), now)

    def _live(self, record: Record) -> Record:
        contact = record.get("Contact")
        if isinstance(contact, Mapping) and not isinstance(contact, LiveContact):
            record["Contact"] = LiveContact(contact, self.contacts)
        return record

    # -- the derived Contact.Name index ---------------------------------------------

    def index_names(self) -> frozenset[str]:
        return super().index_names() | {NAME_INDEX}

    def find(self, index: str, value: Any) -> set[str]:
        if index != NAME_INDEX:
            return super().find(index, value)
        found: set[str] = set()
        for contact_id in self.contacts.find("Name", value):
            found |= super().find(_CONTACT_ID_INDEX, contact_id)
        return found

    def buckets(self, index: str) -> Mapping[Hashable, set[str]]:
        if index != NAME_INDEX:
            return super().buckets(index)
        by_name: dict[Hashable, set[str]] = {}
        names = self.contacts.records
        for contact_id, ids in super().buckets(_CONTACT_ID_INDEX).items():
            contact = names.get(str(contact_id))
            key = index_key(contact.get("Name")) if contact is not None else None
            if key is None:
                continue  # the listing then sorts instead (a record without a key)
            by_name.setdefault(key, set()).update(ids)
        return by_name
