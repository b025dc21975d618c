"""`/Contacts`: paged with pageSize, PUT/POST in batches; look-ups by Name and ContactNumber."""

from __future__ import annotations

from collections.abc import Iterable

from xerosync.xero.models.contacts import Contact
from xerosync.xero.resources.base import Creatable, Listable, Upsertable, chunked, where_any

__all__ = ["Contacts"]

LOOKUP_CHUNK = 20


class Contacts(Listable[Contact], Creatable[Contact], Upsertable[Contact]):
    path = "Contacts"
    envelope = "Contacts"
    model = Contact
    id_field = "ContactID"

    def find_by_names(self, names: Iterable[str], *, tenant: str) -> dict[str, Contact]:
        """Contacts Xero already has with these Names (Xero keeps names unique among active
        contacts, ignoring case), keyed by the name asked for."""
        return self._find("Name", names, tenant=tenant, fold_case=True)

    def find_by_numbers(self, numbers: Iterable[str], *, tenant: str) -> dict[str, Contact]:
        """Contacts Xero already has with these ContactNumbers, keyed by number."""
        return self._find("ContactNumber", numbers, tenant=tenant, fold_case=False)

    def _find(
        self, field: str, values: Iterable[str], *, tenant: str, fold_case: bool
    ) -> dict[str, Contact]:
        def norm(value: str) -> str:
            return value.casefold() if fold_case else value

        wanted = list(dict.fromkeys(values))
        found: dict[str, Contact] = {}
        for chunk in chunked(wanted, LOOKUP_CHUNK):
            asked = {norm(v): v for v in chunk}
            for contact in self.list(
                tenant=tenant, where=where_any(field, chunk), params={"includeArchived": "true"}
            ):
                value = contact.name if field == "Name" else contact.contact_number
                if value is not None and norm(value) in asked:
                    found[asked[norm(value)]] = contact
        return found
