"""List reads: one pipeline for every entity's GET collection.

    candidates (If-Modified-Since slice of the update-time index, or the ids an index
    gives for IDs / Statuses / ContactIDs / `where` equality) -> predicates (`where`,
    entity filters such as "hide ARCHIVED") -> `order` -> page.

Without filters and in default order a page costs O(page size). With an index
restriction and no predicate left (`Statuses=`, `IDs=`, or a `where` made only of
`Field == literal` on indexed fields, which the index answers so the predicate is
skipped), page N walks the update-time order testing membership and stops after
N * pageSize matches (or sorts the restricted ids when they are few), and the
pagination counts come from the index sizes: no O(all records) step and no sort.
Predicates the indexes cannot answer cost one pass over the candidates; only `order`
sorts (every match).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from xerosync.emulator.books.query import (
    OrderKey,
    QueryError,
    parse_order,
    parse_where,
    sort_key,
    value_sort_key,
)
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
    if query.default_order is None and _is_update_order(query.order):
        order_text = None  # the default order already is update time, ascending
    order = parse_order(order_text, fields, type_name) if order_text else None

    hints = where.equality_hints if where else []
    restrict, served = _restriction(collection, query, hints)
    records = collection.records
    predicates: list[Filter] = list(query.filters)
    if where is not None:
        if not hints or served < len(hints):
            predicates.append(where.predicate)
        elif where.residual is not None:
            predicates.append(where.residual)  # the indexes answered the `==` conditions
        elif not where.exact:
            predicates.append(where.predicate)

    if restrict is None and not (query.exclude or predicates or order) and query.page:
        # Fast path: the page is a slice of the update-time index, O(page size).
        offset = (query.page - 1) * query.page_size
        ids, total = collection.page_ids(query.modified_since, offset, query.page_size)
        return Page([records[i] for i in ids], query.page, query.page_size, total)

    if order is not None:
        return _sorted_page(collection, query, restrict, predicates, order)

    start = collection.since_index(query.modified_since)
    if query.page is None:
        chosen = list(_matches(collection, query, restrict, predicates, start, None))
        return Page(chosen, None, max(len(chosen), 1), len(chosen))
    offset = (query.page - 1) * query.page_size
    wanted = offset + query.page_size
    if predicates:
        # Every candidate must be tested to count the matches, but none is sorted.
        matches = _matches(collection, query, restrict, predicates, start, None)
        chosen, total = [], 0
        for record in matches:
            if offset <= total < wanted:
                chosen.append(record)
            total += 1
        return Page(chosen, query.page, query.page_size, total)
    # No predicate left: the indexes give the count, and the walk stops at the page's end.
    matches = _matches(collection, query, restrict, predicates, start, wanted)
    chosen = list(itertools.islice(matches, offset, wanted))
    total = _count(collection, query, restrict, start)
    return Page(chosen, query.page, query.page_size, total)


def _matches(
    collection: Collection,
    query: ListQuery,
    restrict: set[str] | None,
    predicates: list[Filter],
    start: int,
    wanted: int | None,
) -> Iterator[Record]:
    """Matching records in default order from position `start`, lazily.

    With an index restriction, either walks the update-time order testing membership
    (cheap when the page fills early) or sorts the restricted ids (cheap when few);
    `wanted` (how many matches the caller reads at most, None for all) picks which."""
    records = collection.records
    ids: Iterable[str]
    if restrict is None:
        ids = collection.ids_from(start)
    else:
        span = len(collection) - start
        needed = len(restrict) if wanted is None else min(wanted, len(restrict))
        # A walk visits about needed * span / len(restrict) entries; a sort keys every id.
        walk = span if not restrict else needed * span // len(restrict)
        if walk <= _SORT_COST * len(restrict):
            ids = filter(restrict.__contains__, collection.ids_from(start))
        else:
            keyed = sorted(collection.order_key(i) for i in restrict)
            since = query.modified_since
            ids = [k[2] for k in keyed if since is None or k[0] >= since]
    exclude = query.exclude
    if exclude:
        ids = itertools.filterfalse(exclude.__contains__, ids)
    chosen = map(records.__getitem__, ids)
    if len(predicates) == 1:
        return filter(predicates[0], chosen)
    if predicates:
        return (r for r in chosen if all(p(r) for p in predicates))
    return chosen


# How many walk steps cost as much as keying and sorting one restricted id (measured
# roughly: a sort of 33,000 order keys takes as long as a walk of ~100,000 entries).
_SORT_COST = 3


def _count(collection: Collection, query: ListQuery, restrict: set[str] | None, start: int) -> int:
    """How many records are in the restriction, updated since, and not excluded.

    O(the smaller of the restriction and the If-Modified-Since tail), never a sort."""
    since = query.modified_since
    span = len(collection) - start
    if restrict is None:
        total = span
    elif since is None:
        total = len(restrict)
    elif span <= len(restrict):
        total = sum(1 for i in collection.ids_from(start) if i in restrict)
    else:
        order_key = collection.order_key
        total = sum(1 for i in restrict if order_key(i)[0] >= since)
    exclude = query.exclude
    if exclude:
        records = collection.records
        order_key = collection.order_key
        smaller = exclude if restrict is None or len(exclude) <= len(restrict) else restrict
        other = restrict if smaller is exclude else exclude
        total -= sum(
            1
            for i in smaller
            if i in records
            and (other is None or i in other)
            and (since is None or order_key(i)[0] >= since)
        )
    return total


def _sorted_page(
    collection: Collection,
    query: ListQuery,
    restrict: set[str] | None,
    predicates: list[Filter],
    order: list[OrderKey],
) -> Page:
    """`order=`: every match is sorted (stable: ties keep the update-time order),
    unless one indexed field gives the order (see `_index_ordered_page`)."""
    start = collection.since_index(query.modified_since)
    if not predicates:
        page = _index_ordered_page(collection, query, restrict, order, start)
        if page is not None:
            return page
    result = list(_matches(collection, query, restrict, predicates, start, None))
    for key in reversed(order):
        result.sort(key=sort_key(key.path), reverse=key.descending)
    if query.page is None:
        return Page(result, None, max(len(result), 1), len(result))
    offset = (query.page - 1) * query.page_size
    chosen = result[offset : offset + query.page_size]
    return Page(chosen, query.page, query.page_size, len(result))


def _index_ordered_page(
    collection: Collection,
    query: ListQuery,
    restrict: set[str] | None,
    order: list[OrderKey],
    start: int,
) -> Page | None:
    """A page ordered by one indexed field, from the index's buckets: no record sorted.

    The buckets are taken in key order and each is counted (O(1) to O(bucket)); only
    the buckets the page overlaps are read, each in update-time order as a stable sort
    would leave them. None when this does not apply (no page, several keys, no such
    index, too many distinct keys, records missing from the index, or two keys that
    sort alike)."""
    if len(order) != 1 or query.page is None:
        return None
    names = {name.lower(): name for name in collection.index_names()}
    name = names.get(".".join(order[0].path).lower())
    if name is None:
        return None
    buckets = collection.buckets(name)
    if len(buckets) * _FEW_KEYS > len(collection):
        return None  # a near-unique field (Name): ordering its keys costs a full sort
    if sum(len(ids) for ids in buckets.values()) != len(collection):
        return None  # some records have no key (null, or "" in an `or None` index)
    try:
        groups = sorted(
            ((value_sort_key(key), ids) for key, ids in buckets.items()),
            key=lambda group: group[0],
            reverse=order[0].descending,
        )
    except TypeError:
        return None
    if any(a[0] == b[0] for a, b in itertools.pairwise(groups)):
        return None
    offset = (query.page - 1) * query.page_size
    wanted = offset + query.page_size
    chosen: list[Record] = []
    total = 0
    for _, bucket in groups:
        if restrict is None:
            group = bucket
        else:
            group = bucket & restrict if len(bucket) <= len(restrict) else restrict & bucket
        count = _count(collection, query, group, start)
        if count and total + count > offset and total < wanted:
            skip = max(offset - total, 0)
            take = min(count, wanted - total)
            matches = _matches(collection, query, group, [], start, take)
            chosen += itertools.islice(matches, skip, take)
        total += count
    return Page(chosen, query.page, query.page_size, total)


# The bucket walk pays off while a field has at most one distinct value per this many
# records (Status, Type, a contact's id); past it a plain sort is cheaper.
_FEW_KEYS = 8


def _restriction(
    collection: Collection, query: ListQuery, hints: list[tuple[str, Any]]
) -> tuple[set[str] | None, int]:
    """(the ids an index allows or None when no index narrows the read, how many of the
    `where` equality hints an index answered exactly)."""
    sets: list[set[str]] = []
    if query.ids is not None:
        sets.append({i for i in map(collection.norm, query.ids) if i in collection.records})
    for index, values in query.index_in.items():
        if len(values) == 1:
            sets.append(collection.find(index, values[0]))  # read only: no copy needed
            continue
        union: set[str] = set()
        for value in values:
            union |= collection.find(index, value)
        sets.append(union)
    served = 0
    indexes = {name.lower(): name for name in collection.index_names()}
    for path, value in hints:
        if not _indexable(value):
            continue  # e.g. `IsSupplier == false`: an index keyed `X or None` has no False
        if path == collection.id_field:
            if isinstance(value, str) and value == value.strip():
                sets.append({collection.norm(value)} & collection.records.keys())
                served += 1
        elif path.lower() in indexes:
            sets.append(collection.find(indexes[path.lower()], value))
            served += 1
    if not sets:
        return None, served
    if len(sets) == 1:
        return sets[0], served  # callers only read it, so an index bucket serves as is
    sets.sort(key=len)
    return sets[0].intersection(*sets[1:]), served


def _indexable(value: Any) -> bool:
    """A `where` literal whose index bucket holds exactly the records `==` matches."""
    return value is True or (isinstance(value, str) and value != "")


def csv(value: str | None) -> list[str] | None:
    """`IDs=a,b` -> ["a", "b"]; absent or blank -> None."""
    if value is None:
        return None
    items = [v.strip() for v in value.split(",") if v.strip()]
    return items or None


__all__ = ["ListQuery", "Page", "QueryError", "csv", "run"]


def _is_update_order(text: str | None) -> bool:
    """`order=UpdatedDateUTC [ASC]`: what incremental readers ask for, served without a sort."""
    return text is not None and " ".join(text.split()).lower() in (
        "updateddateutc",
        "updateddateutc asc",
    )
