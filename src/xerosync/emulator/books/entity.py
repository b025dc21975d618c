"""What every entity store shares: its collection, id matching, views, text checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xerosync.emulator.books.notes import HISTORY_KINDS
from xerosync.emulator.books.store import Collection, Record, norm_id
from xerosync.emulator.books.writes import Invalid

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

NOT_FOUND = "The document with the supplied id was not found for this endpoint."


class Entity:
    """Base for an entity kind of one organisation (see `WriteEntity` for the contract).

    Subclasses set `plural`, `type_name` (for `where` errors), `id_field`, `error_flag`
    and build `self.collection`."""

    plural = ""
    type_name = ""
    id_field = ""
    error_flag = ""
    collection: Collection

    def __init__(self, books: Books) -> None:
        self.books = books

    def get(self, record_id: object) -> Record | None:
        return self.collection.get(record_id)

    def match(self, data: Record) -> Record | None:
        given = data.get(self.id_field)
        if given:
            found = self.collection.get(given)
            if found is None:
                raise Invalid(NOT_FOUND)
            return found
        return None

    def view(self, record: Record) -> Record:
        return dict(record)

    def store(self, record: Record) -> Record:
        """Insert or replace `record`, stamping UpdatedDateUTC with the books' clock."""
        old = self.collection.get(record[self.id_field])
        created = old is None
        stored = self.collection.put(record, self.books.clock.now())
        self.books.ledger.changed(self.plural, old, stored, self.books.clock.now())
        if self.plural in HISTORY_KINDS:
            self.books.notes.changed(
                self.plural, old, stored, self.id_field, self.books.clock.now()
            )
        if self.books.on_change is not None:  # webhooks (emulator/webhooks/dispatcher.py)
            self.books.on_change(self.plural, stored, created)
        return stored

    def reset(self) -> None:
        """Forget every record (override to clear any state kept beside the collection)."""
        self.collection.clear()


def text(
    data: Record, key: str, *, max_length: int | None = None, label: str | None = None
) -> str | None:
    """A string field from input (None if absent); Invalid if not a string or too long."""
    if key not in data or data[key] is None:
        return None
    value = data[key]
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise Invalid(f"{label or key} must be text.")
    if max_length is not None and len(value) > max_length:
        raise Invalid(f"{label or key} must not be more than {max_length} characters long.")
    return value


def flag(data: Record, key: str) -> bool | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise Invalid(f"{key} must be true or false.")


def choice(data: Record, key: str, allowed: frozenset[str] | set[str]) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value.upper() not in allowed:
        raise Invalid(f"'{value}' is not a valid {key}.")
    return value.upper()


def same_id(a: Any, b: Any) -> bool:
    return norm_id(a) == norm_id(b)
