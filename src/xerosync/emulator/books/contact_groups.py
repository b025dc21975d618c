"""Contact groups: named sets of contacts, at most 100, only ACTIVE ones listed.

Membership is kept here (group id -> contact ids, in insertion order) and mirrored
onto each contact's `ContactGroups` field, which bumps that contact's UpdatedDateUTC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xerosync.emulator.books.entity import Entity, choice, text
from xerosync.emulator.books.store import Collection, Record, index_key
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

MAX_GROUPS = 100
FIELDS = ("Name", "Status", "ContactGroupID", "Contacts")


def _active_name(record: Record) -> object:
    return index_key(record.get("Name")) if record.get("Status") == "ACTIVE" else None


class ContactGroups(Entity):
    plural = "ContactGroups"
    type_name = "ContactGroup"
    id_field = "ContactGroupID"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "ContactGroups",
            "ContactGroupID",
            indexes={"Status": lambda r: index_key(r.get("Status")), "active_name": _active_name},
            fields=FIELDS,
            show_updated=False,
        )
        self.members: dict[str, dict[str, None]] = {}

    def reset(self) -> None:
        super().reset()
        self.members.clear()

    def create(self, data: Record, ctx: WriteContext) -> Record:
        if len(self.collection.lookup("Status", "active")) >= MAX_GROUPS:
            raise Invalid("You\u2019ve reached the limit of 100 contact groups.")
        record: Record = {"ContactGroupID": self.books.new_id(), "Status": "ACTIVE"}
        self._apply(record, data, existing=None)
        self.members[record["ContactGroupID"]] = {}
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        updated = dict(record)
        self._apply(updated, data, existing=record)
        stored = self.store(updated)
        self._mirror(stored["ContactGroupID"])
        if stored["Status"] == "DELETED":
            self.remove_contacts(stored, None)
        return stored

    def _apply(self, record: Record, data: Record, existing: Record | None) -> None:
        name = text(data, "Name", max_length=50)
        status = choice(data, "Status", frozenset({"ACTIVE", "DELETED"}))
        merged_name = (name.strip() if name is not None else record.get("Name")) or ""
        if not merged_name:
            raise Invalid("Please enter a Name.")
        if (status or record.get("Status")) == "ACTIVE":
            other = self.collection.first("active_name", index_key(merged_name))
            if other is not None and (
                existing is None or other["ContactGroupID"] != existing["ContactGroupID"]
            ):
                raise Invalid("Please enter a unique Name.")
        record["Name"] = merged_name
        if status is not None:
            record["Status"] = status

    def view(self, record: Record) -> Record:
        """By id: with its contacts."""
        shown = dict(record)
        contacts = self.books.contacts
        shown["Contacts"] = [
            {"ContactID": cid, "Name": c["Name"]}
            for cid in self.members.get(record["ContactGroupID"], {})
            if (c := contacts.get(cid)) is not None
        ]
        return shown

    def add_contacts(self, group: Record, refs: list[Record]) -> list[Record]:
        """Add contacts (by ContactID); returns them. Invalid if one is unknown."""
        if group.get("Status") != "ACTIVE":
            raise Invalid("Contacts cannot be added to a deleted contact group.")
        found = []
        for ref in refs:
            contact = self.books.contacts.get(ref.get("ContactID") or "")
            if contact is None:
                raise Invalid(
                    f"The contact with ContactID '{ref.get('ContactID')}' could not be found."
                )
            found.append(contact)
        members = self.members.setdefault(group["ContactGroupID"], {})
        for contact in found:
            if contact["ContactID"] not in members:
                members[contact["ContactID"]] = None
                self._mirror_contact(contact["ContactID"])
        return [self.books.contacts.view(c) for c in found]

    def remove_contacts(self, group: Record, contact_id: str | None) -> bool:
        """Remove one contact (or all when None); False if that contact was not a member."""
        members = self.members.setdefault(group["ContactGroupID"], {})
        targets = list(members) if contact_id is None else [contact_id.lower()]
        if contact_id is not None and targets[0] not in members:
            return False
        for cid in targets:
            members.pop(cid, None)
            self._mirror_contact(cid)
        return True

    def _mirror(self, group_id: str) -> None:
        for cid in list(self.members.get(group_id, {})):
            self._mirror_contact(cid)

    def _mirror_contact(self, contact_id: str) -> None:
        groups = [
            {"ContactGroupID": g["ContactGroupID"], "Name": g["Name"], "Status": g["Status"]}
            for gid, members in self.members.items()
            if contact_id in members
            and (g := self.collection.get(gid)) is not None
            and g["Status"] == "ACTIVE"
        ]
        self.books.contacts.set_groups(contact_id, groups)
