"""List reads: one pipeline for every entity's GET collection.

    candidates (If-Modified-Since slice of the update-time index, or the ids an index
    gives for IDs / Statuses / ContactIDs / `where` equality) -> predicates (`where`,
    entity filters such as "hide ARCHIVED") -> `order` -> page.

Without filters and in default order a page costs O(page size); a filtered read over
100,000 records costs one pass of compiled predicates (a few ms), never a sort unless
`order` asks for one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from xerosync.emulator.books.query import QueryError, parse_order, parse_where, sort_key
from xerosync.emulator.books.store import Collection, Record

Filter = Callable[[Record], bool]


@dataclass
class ListQuery:
    """What a GET on a collection asked for, already parsed from the query string.

    `index_in` maps a field-path index name to the values any of which may match (e.g.
    `{"Status": ["AUTHORISED", "PAID"], "Contact.ContactID": [...]}`); the collection must
    declare those indexes. `filters` are extra predicates from the entity (archived,
    searchTerm...); `exclude` is a set of ids to leave out (cheaper than a filter when an
    index gives it, e.g. the archived contacts). `page=None` returns everything (Xero's behaviour without `page`).
    """

    where: str | None = None
    order: str | None = None
    modified_since: datetime | None = None
    ids: list[str] | None = None
    index_in: dict[str, list[Any]] = field(default_factory=dict)
    filters: list[Filter] = field(default_factory=list)
    exclude: set[str] = field(default_factory=set)
    page: int | None = None
    page_size: int = 100
    default_order: str | None = None


@dataclass(frozen=True)
class Page:
    records: list[Record]
    page: int | None
    page_size: int
    item_count: int

    @property
    def page_count(self) -> int:
        if self.item_count == 0:
            return 0
        return -(-self.item_count // self.page_size)

    def pagination(self) -> dict[str, int]:
        return {
            "page": self.page or 1,
            "pageSize": self.page_size,
            "pageCount": self.page_count,
            "itemCount": self.item_count,
        }


def run(collection: Collection, query: ListQuery, type_name: str) -> Page:
    """Answer `query` over `collection`. Raises QueryError for a bad where/order."""
    fields = collection.fields
    where = parse_where(query.where, fields, type_name) if query.where else None
    order_text = query.order or query.default_order
    order = parse_order(order_text, fields, type_name) if order_text else None

    restrict = _restriction(collection, query, where.equality_hints if where else [])
    records = collection.records
    predicates: list[Filter] = list(query.filters)
    if where is not None:
        predicates.append(where.predicate)

    if restrict is None and not (query.exclude or predicates or order) and query.page:
        # Fast path: the page is a slice of the update-time index, O(page size).
        offset = (query.page - 1) * query.page_size
        ids, total = collection.page_ids(query.modified_since, offset, query.page_size)
        return Page([records[i] for i in ids], query.page, query.page_size, total)

    if restrict is None:
        ids = collection.ordered_ids(query.modified_since)
    else:
        since = query.modified_since
        keyed = sorted(collection.order_key(i) for i in restrict)
        ids = [k[2] for k in keyed if since is None or k[0] >= since]
    if query.exclude:
        exclude = query.exclude
        ids = [i for i in ids if i not in exclude]

    if not predicates and order is None and query.page is not None:
        start = (query.page - 1) * query.page_size
        chosen = [records[i] for i in ids[start : start + query.page_size]]
        return Page(chosen, query.page, query.page_size, len(ids))

    items: Iterable[Record] = (records[i] for i in ids)
    if predicates:
        if len(predicates) == 1:
            only = predicates[0]
            items = [r for r in items if only(r)]
        else:
            items = [r for r in items if all(p(r) for p in predicates)]
    result = list(items)
    if order is not None:
        for key in reversed(order):
            result.sort(key=sort_key(key.path), reverse=key.descending)
    if query.page is None:
        return Page(result, None, max(len(result), 1), len(result))
    start = (query.page - 1) * query.page_size
    return Page(result[start : start + query.page_size], query.page, query.page_size, len(result))


def _restriction(
    collection: Collection, query: ListQuery, hints: list[tuple[str, Any]]
) -> set[str] | None:
    """The ids an index allows, or None when no index narrows the read."""
    sets: list[set[str]] = []
    if query.ids is not None:
        sets.append({i for i in map(collection.norm, query.ids) if i in collection.records})
    for index, values in query.index_in.items():
        union: set[str] = set()
        for value in values:
            union |= collection.find(index, value)
        sets.append(union)
    for path, value in hints:
        if path == collection.id_field:
            sets.append({collection.norm(value)} & collection.records.keys())
        elif collection.has_index(path):
            sets.append(collection.find(path, value))
    if not sets:
        return None
    sets.sort(key=len)
    result = set(sets[0])
    for other in sets[1:]:
        result &= other
    return result


def csv(value: str | None) -> list[str] | None:
    """`IDs=a,b` -> ["a", "b"]; absent or blank -> None."""
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    return items or None


__all__ = ["ListQuery", "Page", "QueryError", "csv", "run"]
