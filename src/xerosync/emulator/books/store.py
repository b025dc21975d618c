"""An in-memory, indexed collection of one entity type for one organisation.

Records are Xero-shaped dicts holding Python values (datetime, date, Decimal); they are
turned into JSON only at the edge (`books.render`). Each collection keeps:

- `records`: id -> record (ids are lower-case GUID strings);
- an ordered index of `(UpdatedDateUTC, sequence, id)` for If-Modified-Since (bisect) and
  the default order, so a page of an unfiltered list costs O(page), not O(records);
- secondary indexes (`index name -> key -> set of ids`) declared by the entity, e.g.
  `"ContactStatus"`, `"Contact.ContactID"` or a lower-cased unique name. An index whose
  name is a field path serves `where` equality filters and CSV params (`Statuses=`).

Callers hold the owning `Books.lock` around writes.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import random
import uuid
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from xerosync.emulator.books.dates import iso_z

Record = dict[str, Any]
KeyFn = Callable[[Record], Hashable | None]

ZERO_GUID = "00000000-0000-0000-0000-000000000000"


_random = random.Random(uuid.uuid4().int)


def new_id() -> str:
    """A random (version 4) GUID; not for secrets, and far cheaper than uuid4()."""
    return str(uuid.UUID(int=_random.getrandbits(128), version=4))


def norm_id(value: object) -> str:
    """Ids compare case-insensitively; stored lower-case."""
    return str(value).strip().lower()


def index_key(value: Any) -> Hashable | None:
    """How a value is keyed in a field index: strings lower-cased (Xero matches them so)."""
    if isinstance(value, str):
        return value.lower()
    return value if isinstance(value, Hashable) else None


def field_getter(path: str) -> KeyFn:
    """`"Contact.ContactID"` -> a function reading that nested value's index key."""
    parts = path.split(".")

    def get(record: Record) -> Hashable | None:
        value: Any = record
        for part in parts:
            if not isinstance(value, Mapping):
                return None
            value = value.get(part)
        return index_key(value)

    return get


class Collection:
    """One entity type's records: by id, by update time, by declared keys."""

    def __init__(
        self,
        name: str,
        id_field: str,
        *,
        indexes: Mapping[str, KeyFn] | Iterable[str] = (),
        fields: Iterable[str] = (),
        updated_string: bool = False,
        show_updated: bool = True,
        norm: Callable[[object], str] = norm_id,
    ) -> None:
        self.name = name
        self.id_field = id_field
        self.fields = frozenset(fields) | {id_field, "UpdatedDateUTC"}
        self.updated_string = updated_string
        self.show_updated = show_updated
        self.norm = norm
        if isinstance(indexes, Mapping):
            self._key_fns: dict[str, KeyFn] = dict(indexes)
        else:
            self._key_fns = {path: field_getter(path) for path in indexes}
        self.records: dict[str, Record] = {}
        self._order: list[tuple[datetime, int, str]] = []
        self._order_key: dict[str, tuple[datetime, int, str]] = {}
        self._index: dict[str, dict[Hashable, set[str]]] = {name: {} for name in self._key_fns}
        self._keys: dict[str, dict[str, Hashable]] = {name: {} for name in self._key_fns}
        self._seq = 0

    # -- reads ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Record]:
        """Records in default order (UpdatedDateUTC, then creation order)."""
        records = self.records
        return (records[key[2]] for key in self._order)

    def get(self, record_id: object) -> Record | None:
        return self.records.get(self.norm(record_id))

    def has_index(self, name: str) -> bool:
        return name in self._index

    def lookup(self, index: str, key: Hashable) -> set[str]:
        """Ids whose `index` key equals `key` (empty set if none)."""
        return self._index[index].get(key, set())

    def find(self, index: str, value: Any) -> set[str]:
        """Ids whose field-path index matches `value` (strings compared case-insensitively)."""
        key = index_key(value)
        return set() if key is None else self._index[index].get(key, set())

    def first(self, index: str, key: Hashable) -> Record | None:
        ids = self._index[index].get(key)
        if not ids:
            return None
        return self.records[next(iter(ids))]

    def ordered_ids(self, since: datetime | None = None) -> list[str]:
        """Ids in default order, from `since` (inclusive) on if given."""
        order = self._order
        start = 0 if since is None else bisect.bisect_left(order, (since, -1, ""))
        return [key[2] for key in order[start:]]

    def page_ids(self, since: datetime | None, offset: int, limit: int) -> tuple[list[str], int]:
        """(ids of one page in default order, how many from `since` on): O(page)."""
        order = self._order
        start = 0 if since is None else bisect.bisect_left(order, (since, -1, ""))
        chosen = order[start + offset : start + offset + limit]
        return [key[2] for key in chosen], len(order) - start

    def order_key(self, record_id: str) -> tuple[datetime, int, str]:
        return self._order_key[record_id]

    def since_index(self, since: datetime | None) -> int:
        """Position in default order of the first record updated at or after `since`."""
        return 0 if since is None else bisect.bisect_left(self._order, (since, -1, ""))

    def ids_from(self, start: int) -> Iterator[str]:
        """Ids in default order from position `start` on, lazily (stop when you have enough)."""
        return map(_third, itertools.islice(self._order, start, None))

    def index_names(self) -> frozenset[str]:
        return frozenset(self._index)

    def buckets(self, index: str) -> Mapping[Hashable, set[str]]:
        """`index`'s key -> ids; the caller must not change it."""
        return self._index[index]

    # -- writes --------------------------------------------------------------------

    def put(self, record: Record, now: datetime) -> Record:
        """Insert or replace `record` (its id field set), stamping UpdatedDateUTC."""
        record_id = self.norm(record[self.id_field])
        record[self.id_field] = record_id
        self._stamp(record, now)
        old = self._order_key.pop(record_id, None)
        if old is not None:
            del self._order[bisect.bisect_left(self._order, old)]
            seq = old[1]
        else:
            self._seq += 1
            seq = self._seq
        key = (now, seq, record_id)
        bisect.insort(self._order, key)
        self._order_key[record_id] = key
        self.records[record_id] = record
        self._reindex(record_id, record)
        return record

    def remove(self, record_id: str) -> Record | None:
        record_id = self.norm(record_id)
        record = self.records.pop(record_id, None)
        if record is None:
            return None
        old = self._order_key.pop(record_id)
        del self._order[bisect.bisect_left(self._order, old)]
        for name in self._index:
            self._unindex(name, record_id)
        return record

    def load(self, records: Iterable[Record], now: datetime) -> int:
        """Bulk insert new records (ids given or generated); one sort at the end.

        Each record may carry its own `UpdatedDateUTC` (a datetime); otherwise `now`.
        Raises ValueError for an id already present (load only adds).
        """
        added: list[tuple[str, Record]] = []
        order, order_key, stored = self._order, self._order_key, self.records
        for record in records:
            record_id = self.norm(record.get(self.id_field) or new_id())
            if record_id in stored:
                raise ValueError(f"{self.name}: {record_id} already exists; load adds new records")
            record[self.id_field] = record_id
            stamp = record.pop("UpdatedDateUTC", None)
            if not isinstance(stamp, datetime):
                stamp = now
            self._stamp(record, stamp)
            self._seq += 1
            key = (stamp, self._seq, record_id)
            order.append(key)
            order_key[record_id] = key
            stored[record_id] = record
            added.append((record_id, record))
        for name, key_fn in self._key_fns.items():
            index, keys = self._index[name], self._keys[name]
            for record_id, record in added:
                value = key_fn(record)
                if value is None:
                    continue
                bucket = index.get(value)
                if bucket is None:
                    index[value] = {record_id}
                else:
                    bucket.add(record_id)
                keys[record_id] = value
        order.sort()
        return len(added)

    def updated(self, record_id: str) -> datetime:
        return self._order_key[record_id][0]

    def _stamp(self, record: Record, now: datetime) -> None:
        if not self.show_updated:
            return
        record["UpdatedDateUTC"] = now
        if self.updated_string:
            record["UpdatedDateUTCString"] = iso_z(now)

    def clear(self) -> None:
        self.records.clear()
        self._order.clear()
        self._order_key.clear()
        for name in self._index:
            self._index[name].clear()
            self._keys[name].clear()

    def _reindex(self, record_id: str, record: Record) -> None:
        index = self._index
        for name, key_fn in self._key_fns.items():
            key = key_fn(record)
            keys = self._keys[name]
            old = keys.get(record_id, _MISSING)
            if old is not _MISSING:
                if old == key:
                    continue
                self._unindex(name, record_id)
            if key is not None:
                bucket = index[name].get(key)
                if bucket is None:
                    index[name][key] = {record_id}
                else:
                    bucket.add(record_id)
                keys[record_id] = key

    def _unindex(self, name: str, record_id: str) -> None:
        old = self._keys[name].pop(record_id, _MISSING)
        if old is _MISSING:
            return
        bucket = self._index[name].get(old)
        if bucket is not None:
            bucket.discard(record_id)
            if not bucket:
                del self._index[name][old]


_MISSING: Any = object()
_third = operator.itemgetter(2)
