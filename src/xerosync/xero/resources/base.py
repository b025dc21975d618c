"""What every endpoint family shares: one `Requester` to call through, lazy paged lists, batched
writes with per-record outcomes, and the `where` text Xero's filters need.

Resources never talk HTTP themselves: they call `Requester.request` (the `XeroClient`, which owns auth,
rate budgets and retries), so a fake requester over `httpx.MockTransport` is enough to test them.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar

import httpx
from pydantic import ValidationError

from xerosync.errors import BatchMismatch, UnreadableRecord, UnreadableResponse
from xerosync.xero.batching import (
    MAX_BATCH_BYTES,
    MAX_BATCH_RECORDS,
    Outcome,
    RecordOutcome,
    batch_key,
    plan_batches,
    read_outcomes,
)
from xerosync.xero.models.base import XeroModel, XeroRecord
from xerosync.xero.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Page,
    Pagination,
    iter_pages,
)
from xerosync.xero.transport import raw

__all__ = [
    "MAX_IDS",
    "Creatable",
    "Listable",
    "Requester",
    "Resource",
    "Upsertable",
    "csv",
    "where_any",
]

M = TypeVar("M", bound=XeroModel)
MAX_IDS = 50
#: pages fetched while the caller works on one (see `xerosync.xero.paging`)
PAGES_AHEAD = 2
R = TypeVar("R", bound=XeroRecord)
A = TypeVar("A", bound=XeroRecord)
T = TypeVar("T", bound=XeroModel)


class Requester(Protocol):
    """The one call `XeroClient` offers: 2xx responses back, `xerosync.errors` raised otherwise."""

    def request(
        self,
        method: str,
        path: str,
        *,
        tenant: str | None,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        if_modified_since: datetime | None = None,
    ) -> httpx.Response: ...


def csv(values: Iterable[object]) -> str:
    return ",".join(str(v) for v in values)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def where_any(field: str, values: Iterable[str]) -> str:
    """`Name=="A" OR Name=="B"`: a `where` matching any of `values` exactly."""
    return " OR ".join(f"{field}=={_quote(v)}" for v in values)


def chunked(values: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def read_json(response: httpx.Response) -> Any:
    """The body with every JSON number that has a fraction read as Decimal: money never
    passes through float on its way in. A body that is not JSON is `UnreadableResponse`."""
    try:
        return json.loads(response.content, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UnreadableResponse(
            f"Xero answered {response.status_code} with a body that is not JSON ({exc})",
            response=raw(response),
        ) from None


OnUnreadable = Callable[[UnreadableRecord], None]


def _raise(error: UnreadableRecord) -> None:
    raise error


class Resource(Generic[M]):
    """An endpoint family: `path` under the API base, `envelope` the JSON key holding its records."""

    path: ClassVar[str]
    envelope: ClassVar[str]
    model: type[M]

    def __init__(self, requester: Requester, *, max_request_bytes: int = MAX_BATCH_BYTES) -> None:
        self._requester = requester
        self._max_bytes = max_request_bytes

    def _read(self, data: Mapping[str, Any]) -> list[M]:
        return [self.model.model_validate(item) for item in data.get(self.envelope) or []]

    def _read_each(self, data: Mapping[str, Any]) -> tuple[list[M], list[UnreadableRecord]]:
        """Every record that can be read, and each one that cannot, with the reason."""
        return _read_as(self.model, data.get(self.envelope) or [], self._unreadable)

    def _unreadable(self, item: Any, exc: ValidationError) -> UnreadableRecord:
        record_id = item.get(getattr(self, "id_field", "")) if isinstance(item, dict) else None
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)
        )
        return UnreadableRecord(
            f"a {self.envelope} record{f' ({record_id})' if record_id else ''} "
            f"could not be read: {problems}",
            raw=item if isinstance(item, dict) else {"value": item},
            reason=problems,
            record_id=str(record_id) if record_id else None,
        )

    def _get(
        self,
        path: str,
        *,
        tenant: str,
        params: Mapping[str, str] | None = None,
        modified_since: datetime | None = None,
    ) -> dict[str, Any]:
        response = self._requester.request(
            "GET", path, tenant=tenant, params=params, if_modified_since=modified_since
        )
        data: dict[str, Any] = read_json(response)
        return data


class Listable(Resource[M]):
    """`list()` as a lazy iterator; paged with `pageSize` where Xero allows it, `page` where it
    pages without it, and one call where it does not page at all."""

    #: "size" (page + pageSize), "page" (page only, 100 a page), or "none"
    paging: ClassVar[str] = "size"
    id_field: ClassVar[str]

    def list(
        self,
        *,
        tenant: str,
        modified_since: datetime | None = None,
        where: str | None = None,
        order: str | None = None,
        ids: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        page_size: int = MAX_PAGE_SIZE,
        params: Mapping[str, str] | None = None,
        on_unreadable: OnUnreadable | None = None,
    ) -> Iterator[M]:
        """Records changed since `modified_since` (all if None) matching the filters, fetched a page
        at a time as the caller iterates. `params` passes any other query parameter through.

        `ids` go `MAX_IDS` to a call (Xero answers 404 past ~52 GUIDs in a URL); empty `ids` or
        `statuses` match nothing and cost no call (sent empty, Xero would return everything).
        A record that cannot be read goes to `on_unreadable` (the rest of its page is still
        yielded); without one it raises `UnreadableRecord`."""
        report = on_unreadable or _raise
        for page in self.pages(
            tenant=tenant,
            modified_since=modified_since,
            where=where,
            order=order,
            ids=ids,
            statuses=statuses,
            page_size=page_size,
            params=params,
        ):
            for failure in page.unreadable:
                report(failure)
            yield from page.items

    def pages(
        self,
        *,
        tenant: str,
        modified_since: datetime | None = None,
        where: str | None = None,
        order: str | None = None,
        ids: Iterable[str] | None = None,
        statuses: Iterable[str] | None = None,
        page_size: int = MAX_PAGE_SIZE,
        params: Mapping[str, str] | None = None,
        ahead: int = PAGES_AHEAD,
    ) -> Iterator[Page[M]]:
        """As `list`, a page at a time: each `Page` holds the records read and, in
        `unreadable`, an `UnreadableRecord` for each one that could not be (so a caller can
        apply a page, quarantine its bad records and note its progress, then ask for the next).
        `ahead` pages are fetched while the caller works on one (0 for a caller that wants only
        the first page: the others would be calls spent for nothing)."""
        query: dict[str, str] = dict(params or {})
        if where:
            query["where"] = where
        if order:
            query["order"] = order
        if statuses is not None:
            wanted = list(statuses)
            if not wanted:
                return iter(())
            query["Statuses"] = csv(wanted)
        if ids is None:
            return self._iterate(query, tenant, modified_since, page_size, ahead)
        return itertools.chain.from_iterable(
            self._iterate({**query, "IDs": csv(chunk)}, tenant, modified_since, page_size, ahead)
            for chunk in chunked(list(ids), MAX_IDS)
        )

    def _iterate(
        self,
        query: Mapping[str, str],
        tenant: str,
        modified_since: datetime | None,
        page_size: int,
        ahead: int,
    ) -> Iterator[Page[M]]:
        if self.paging == "none":
            data = self._get(self.path, tenant=tenant, params=query, modified_since=modified_since)
            items, failures = self._read_each(data)
            yield Page(1, items, None, tuple(failures))
            return
        size = min(page_size, MAX_PAGE_SIZE) if self.paging == "size" else DEFAULT_PAGE_SIZE

        def fetch(number: int) -> Page[M]:
            page_query = {**query, "page": str(number)}
            if self.paging == "size":
                page_query["pageSize"] = str(size)
            data = self._get(
                self.path, tenant=tenant, params=page_query, modified_since=modified_since
            )
            items, failures = self._read_each(data)
            return Page(
                number, items, Pagination.from_json(data.get("pagination")), tuple(failures)
            )

        yield from iter_pages(fetch, page_size=size, ahead=ahead)

    def get(self, record_id: str, *, tenant: str) -> M:
        """One record by its Xero ID (full detail, line items included); `NotFound` if absent."""
        records = self._read(self._get(f"{self.path}/{record_id}", tenant=tenant))
        if not records:
            raise LookupError(f"Xero returned no {self.envelope} record for {record_id}")
        return records[0]


class _Writable(Resource[R]):
    id_field: ClassVar[str]
    max_records: ClassVar[int] = MAX_BATCH_RECORDS

    def iter_send(
        self,
        method: Literal["PUT", "POST"],
        records: Sequence[R | Mapping[str, Any]],
        *,
        tenant: str,
        answer: type[A],
        idempotency_key: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[list[RecordOutcome[A]]]:
        """As `iter_create` (PUT) or `iter_create_or_update` (POST), with each record of Xero's
        answers read as `answer`: a model of only the fields the caller keeps (its id, number,
        status and money, say) is read in a fraction of the time of the whole record, which a
        write's answer repeats. A record Xero refused is still told apart (`XeroRecord`'s
        status fields and flags are read whatever the model)."""
        payloads = [r.to_payload() if isinstance(r, XeroModel) else dict(r) for r in records]
        plan = plan_batches(
            payloads,
            envelope=self.envelope,
            max_records=self.max_records,
            max_bytes=self._max_bytes,
        )
        if plan.too_large:
            limit = f"{self._max_bytes:,} bytes"
            yield [
                RecordOutcome(
                    i,
                    Outcome.NOT_SENT,
                    None,
                    (f"record is larger than a request may be ({limit})",),
                )
                for i in plan.too_large
            ]
        query = {**(params or {}), "summarizeErrors": "false"}
        for batch in plan.batches:
            response = self._requester.request(
                method,
                self.path,
                tenant=tenant,
                params=query,
                json=batch.body(self.envelope),
                idempotency_key=batch_key(idempotency_key, batch.number),
            )
            items = read_json(response).get(self.envelope) or []
            echoed, unreadable = _read_as(answer, items, self._unreadable)
            if unreadable:  # the write happened; resending under the key replays this answer
                raise UnreadableResponse(
                    f"Xero's answer to a write of {self.envelope} could not be read: "
                    f"{unreadable[0].reason}",
                    response=raw(response),
                    tenant=tenant,
                )
            try:
                outcomes = read_outcomes(
                    batch, echoed, created=method == "PUT", id_field=self.id_field, tenant=tenant
                )
            except BatchMismatch as exc:  # the loggable copy is built only when needed
                exc.response = raw(response)
                raise
            yield outcomes


def _read_as(
    model: type[T], items: Iterable[Any], unreadable: Callable[[Any, ValidationError], Any]
) -> tuple[list[T], list[UnreadableRecord]]:
    records: list[T] = []
    failures: list[UnreadableRecord] = []
    for item in items:
        try:
            records.append(model.model_validate(item))
        except ValidationError as exc:
            failures.append(unreadable(item, exc))
    return records, failures


def _collect(batches: Iterator[list[RecordOutcome[R]]]) -> list[RecordOutcome[R]]:
    return sorted((o for batch in batches for o in batch), key=lambda o: o.index)


class Creatable(_Writable[R]):
    def iter_create(
        self,
        records: Sequence[R | Mapping[str, Any]],
        *,
        tenant: str,
        idempotency_key: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[list[RecordOutcome[R]]]:
        """PUT (create) in batches, yielding each batch's outcomes as soon as Xero answers, so a
        caller can record them before the next call (and keep them if a later call fails).
        Batch n is sent with Idempotency-Key `batch_key(idempotency_key, n)`."""
        return self.iter_send(
            "PUT",
            records,
            tenant=tenant,
            answer=self.model,
            idempotency_key=idempotency_key,
            params=params,
        )

    def create(
        self,
        records: Sequence[R | Mapping[str, Any]],
        *,
        tenant: str,
        idempotency_key: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> list[RecordOutcome[R]]:
        """PUT (create) every record; one outcome per record, in input order."""
        return _collect(
            self.iter_create(records, tenant=tenant, idempotency_key=idempotency_key, params=params)
        )


class Upsertable(_Writable[R]):
    def iter_create_or_update(
        self,
        records: Sequence[R | Mapping[str, Any]],
        *,
        tenant: str,
        idempotency_key: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Iterator[list[RecordOutcome[R]]]:
        """POST (create or update) in batches, yielding each batch's outcomes as Xero answers."""
        return self.iter_send(
            "POST",
            records,
            tenant=tenant,
            answer=self.model,
            idempotency_key=idempotency_key,
            params=params,
        )

    def create_or_update(
        self,
        records: Sequence[R | Mapping[str, Any]],
        *,
        tenant: str,
        idempotency_key: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> list[RecordOutcome[R]]:
        """POST every record; a record carrying its Xero ID is updated, one without is created or
        matched by Xero on its number/name. One outcome per record, in input order."""
        return _collect(
            self.iter_create_or_update(
                records, tenant=tenant, idempotency_key=idempotency_key, params=params
            )
        )
