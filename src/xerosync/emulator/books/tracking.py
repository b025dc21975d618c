"""Tracking categories and their options, and the check of `Tracking` on document lines.

Xero's rules: at most two ACTIVE categories (four counting archived); names unique
(case-insensitive) among categories, and among the options of one category; names at
most 100 characters. A line item names at most two categories, each by
`TrackingCategoryID`/`TrackingOptionID` or by `Name`/`Option`, and only ACTIVE ones.
Deleting a category or option marks it DELETED (it leaves every list).

`line_tracking(raw)` is the validator documents call; it returns the line's Tracking
in Xero's stored shape `{TrackingCategoryID, TrackingOptionID, Name, Option}`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xerosync.emulator.books.entity import Entity, choice, text
from xerosync.emulator.books.store import Collection, Record, index_key, norm_id
from xerosync.emulator.books.writes import Invalid, WriteContext

if TYPE_CHECKING:
    from xerosync.emulator.books import Books

MAX_ACTIVE = 2
MAX_TOTAL = 4
MAX_PER_LINE = 2
TOO_MANY_ACTIVE = "You can only have 2 active tracking categories."  # emulator's wording
TOO_MANY = "You can only have 4 tracking categories, including archived ones."  # emulator's
TOO_MANY_ON_LINE = "A line item can have a maximum of 2 tracking categories."  # emulator's
_STATUSES = frozenset({"ACTIVE", "ARCHIVED"})
FIELDS = ["TrackingCategoryID", "Name", "Status", "Options", "TrackingOptionID", "Option"]


def no_category(name: str) -> str:
    return f"There is no ACTIVE tracking category with the name '{name}'"


def no_option(option: str, category: str) -> str:
    return f"There is no ACTIVE tracking option '{option}' in tracking category '{category}'"


class TrackingCategories(Entity):
    plural = "TrackingCategories"
    type_name = "TrackingCategory"
    id_field = "TrackingCategoryID"
    error_flag = ""

    def __init__(self, books: Books) -> None:
        super().__init__(books)
        self.collection = Collection(
            "TrackingCategories",
            "TrackingCategoryID",
            indexes={
                "Status": lambda r: index_key(r.get("Status")),
                "Name": lambda r: index_key(r.get("Name")),
            },
            fields=FIELDS,
            show_updated=False,
        )

    # -- lookups -------------------------------------------------------------------

    def live(self) -> list[Record]:
        """Categories not deleted, in creation order."""
        return [r for r in self.collection if r["Status"] != "DELETED"]

    def by_name(self, name: str) -> Record | None:
        for record_id in self.collection.find("Name", name.strip()):
            record = self.collection.records[record_id]
            if record["Status"] != "DELETED":
                return record
        return None

    def line_tracking(self, raw: object) -> list[Record]:
        """A line's `Tracking`, checked and completed; Invalid with Xero's messages."""
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
            raise Invalid("Tracking must be a list of tracking categories.")
        if len(raw) > MAX_PER_LINE:
            raise Invalid(TOO_MANY_ON_LINE)
        result: list[Record] = []
        for given in raw:
            category = self._category_of(given)
            option = self._option_of(category, given)
            result.append(
                {
                    "TrackingCategoryID": category["TrackingCategoryID"],
                    "TrackingOptionID": option["TrackingOptionID"],
                    "Name": category["Name"],
                    "Option": option["Name"],
                }
            )
        if len({t["TrackingCategoryID"] for t in result}) < len(result):
            raise Invalid("A line item can use each tracking category only once.")  # emulator's
        return result

    def _category_of(self, given: Record) -> Record:
        category: Record | None = None
        if given.get("TrackingCategoryID"):
            category = self.get(given["TrackingCategoryID"])
            label = str(given.get("Name") or given["TrackingCategoryID"])
        else:
            label = str(given.get("Name") or "")
            category = self.by_name(label) if label.strip() else None
        if category is None or category["Status"] != "ACTIVE":
            raise Invalid(no_category(label))
        return category

    def _option_of(self, category: Record, given: Record) -> Record:
        wanted_id = norm_id(given["TrackingOptionID"]) if given.get("TrackingOptionID") else None
        wanted_name = str(given.get("Option") or "").strip().lower()
        options: list[Record] = category["Options"]
        for option in options:
            if option["Status"] != "ACTIVE":
                continue
            if wanted_id is not None and option["TrackingOptionID"] == wanted_id:
                return option
            if wanted_id is None and option["Name"].lower() == wanted_name:
                return option
        raise Invalid(no_option(str(given.get("Option") or wanted_id or ""), category["Name"]))

    # -- category writes -------------------------------------------------------------

    def create(self, data: Record, ctx: WriteContext) -> Record:
        name = _name(data, required=True)
        assert name is not None
        self._check_name(name, None)
        live = self.live()
        if sum(1 for r in live if r["Status"] == "ACTIVE") >= MAX_ACTIVE:
            raise Invalid(TOO_MANY_ACTIVE)
        if len(live) >= MAX_TOTAL:
            raise Invalid(TOO_MANY)
        record: Record = {
            "TrackingCategoryID": self.books.new_id(),
            "Name": name,
            "Status": "ACTIVE",
            "Options": [],
        }
        for option in data.get("Options") or []:
            if isinstance(option, dict):
                record["Options"].append(self._new_option(record, option))
        return self.store(record)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        if record["Status"] == "DELETED":
            raise Invalid("This tracking category has been deleted.")  # emulator's wording
        updated = dict(record)
        name = _name(data, required=False)
        if name is not None:
            self._check_name(name, record["TrackingCategoryID"])
            updated["Name"] = name
        status = choice(data, "Status", _STATUSES)
        if status is not None and status != record["Status"]:
            if status == "ACTIVE":
                active = sum(1 for r in self.live() if r["Status"] == "ACTIVE")
                if active >= MAX_ACTIVE:
                    raise Invalid(TOO_MANY_ACTIVE)
            updated["Status"] = status
        return self.store(updated)

    def delete(self, record: Record) -> Record:
        updated = {**record, "Status": "DELETED"}
        return self.store(updated)

    def _check_name(self, name: str, own: str | None) -> None:
        other = self.by_name(name)
        if other is not None and other["TrackingCategoryID"] != own:
            raise Invalid(f"The tracking category name {name} is already in use.")  # emulator's

    # -- options -----------------------------------------------------------------------

    def add_option(self, category: Record, data: Record) -> Record:
        option = self._new_option(category, data)
        self.store({**category, "Options": [*category["Options"], option]})
        return option

    def update_option(self, category: Record, option_id: str, data: Record) -> Record:
        option = _find_option(category, option_id)
        name = _name(data, required=False)
        changed = dict(option)
        if name is not None:
            _check_option_name(category, name, option["TrackingOptionID"])
            changed["Name"] = name
        status = choice(data, "Status", _STATUSES)
        if status is not None:
            changed["Status"] = status
        self._replace_option(category, changed)
        return changed

    def delete_option(self, category: Record, option_id: str) -> Record:
        option = {**_find_option(category, option_id), "Status": "DELETED"}
        self._replace_option(category, option)
        return option

    def _replace_option(self, category: Record, option: Record) -> None:
        options = [
            option if o["TrackingOptionID"] == option["TrackingOptionID"] else o
            for o in category["Options"]
        ]
        self.store({**category, "Options": options})

    def _new_option(self, category: Record, data: Record) -> Record:
        name = _name(data, required=True)
        assert name is not None
        _check_option_name(category, name, None)
        return {
            "TrackingOptionID": self.books.new_id(),
            "Name": name,
            "Status": "ACTIVE",
            "TrackingCategoryID": category["TrackingCategoryID"],
        }

    # -- reads ---------------------------------------------------------------------------

    def view(self, record: Record, *, include_archived: bool = True) -> Record:
        shown = dict(record)
        keep = ("ACTIVE", "ARCHIVED") if include_archived else ("ACTIVE",)
        shown["Options"] = [_option_view(o) for o in record["Options"] if o["Status"] in keep]
        return shown


def _option_view(option: Record) -> Record:
    return {k: v for k, v in option.items() if k != "TrackingCategoryID"}


def _find_option(category: Record, option_id: str) -> Record:
    wanted = norm_id(option_id)
    options: list[Record] = category["Options"]
    for option in options:
        if option["TrackingOptionID"] == wanted and option["Status"] != "DELETED":
            return option
    raise LookupError(option_id)


def _check_option_name(category: Record, name: str, own: str | None) -> None:
    for option in category["Options"]:
        if option["Status"] == "DELETED" or option["TrackingOptionID"] == own:
            continue
        if option["Name"].lower() == name.lower():
            raise Invalid(f"The tracking option name {name} is already in use.")  # emulator's


def _name(data: Record, *, required: bool) -> str | None:
    value: Any = text(data, "Name", max_length=100)
    if value is None or not value.strip():
        if required:
            raise Invalid("Name is a required field.")  # emulator's wording
        return None
    return str(value).strip()


class OptionWriter:
    """The write pipeline's view of one category's options (PUT and POST of options)."""

    plural = "Options"
    id_field = "TrackingOptionID"
    error_flag = ""

    def __init__(self, categories: TrackingCategories, category_id: str) -> None:
        self.categories = categories
        self.category_id = category_id

    def _category(self) -> Record:
        category = self.categories.get(self.category_id)
        if category is None:
            raise Invalid("The tracking category could not be found.")  # emulator's wording
        return category

    def get(self, option_id: str) -> Record | None:
        try:
            return _find_option(self._category(), option_id)
        except (LookupError, Invalid):
            return None

    def match(self, data: Record) -> Record | None:
        return None

    def create(self, data: Record, ctx: WriteContext) -> Record:
        return self.categories.add_option(self._category(), data)

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        category = self._category()
        return self.categories.update_option(category, record["TrackingOptionID"], data)

    def view(self, record: Record) -> Record:
        return dict(record)
