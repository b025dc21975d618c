"""Paged reads as iterators: the next page is fetched as the caller uses this one.

Nine endpoints take `pageSize` (up to 1000) and answer with a `pagination` object; the rest that page
take `page` alone and return 100 at a time. Either way a page shorter than the page size is the last
one (Xero's own rule: "fetch the next page until no more results are returned"), so a list of N records
costs ceil(N / pageSize) calls, plus one empty call when N is an exact multiple and Xero gives no
`pagination.pageCount` to say so. A page *longer* than asked for means the server ignored paging (a
known Xero bug with ManualJournals + `order`): it is the last page too, never a loop.

When Xero says how many pages there are (`pagination.pageCount`), `ahead` pages are fetched while
the caller works on the current one: a page of 1,000 takes Xero a second or more, so one call at a
time would leave part of the 60 calls a minute unused. Never past the last page, so the calls
stay the minimum; at most `ahead` calls in flight (Xero allows 5 at once per organisation).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "PAGE_SIZE_ENDPOINTS",
    "Page",
    "Pagination",
    "is_last_page",
    "iter_pages",
    "iter_records",
]

T = TypeVar("T")

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
PAGE_SIZE_ENDPOINTS = frozenset(
    {
        "BankTransactions",
        "Contacts",
        "CreditNotes",
        "Invoices",
        "ManualJournals",
        "Overpayments",
        "Payments",
        "Prepayments",
        "PurchaseOrders",
    }
)


@dataclass(frozen=True)
class Pagination:
    page: int | None = None
    page_size: int | None = None
    page_count: int | None = None
    item_count: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Pagination | None:
        if not data:
            return None

        def number(key: str) -> int | None:
            value = data.get(key)
            return int(value) if isinstance(value, int | str) and str(value).isdigit() else None

        return cls(number("page"), number("pageSize"), number("pageCount"), number("itemCount"))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page as read: `items` the records that could be read, `unreadable` the ones that
    could not (`xerosync.errors.UnreadableRecord`), `size` how many Xero sent in all."""

    number: int
    items: list[T]
    pagination: Pagination | None = None
    unreadable: tuple[Any, ...] = ()

    @property
    def size(self) -> int:
        return len(self.items) + len(self.unreadable)


def is_last_page(page: Page[Any], page_size: int) -> bool:
    """Short (or overlong) page, or the last one `pagination` counts. Xero may cap the size asked
    for, so the size it reports in `pagination.pageSize` is the one a full page has."""
    info = page.pagination
    full = info.page_size if info and info.page_size else page_size
    if page.size != full:
        return True
    return bool(info and info.page_count is not None and page.number >= info.page_count)


def iter_pages(
    fetch: Callable[[int], Page[T]], *, page_size: int, first_page: int = 1, ahead: int = 0
) -> Iterator[Page[T]]:
    """Call `fetch(page_number)` for page 1, 2, ... while the previous page was full; up to
    `ahead` of the pages Xero counted are fetched in the background while the caller works."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    number = first_page
    page = fetch(number)
    pending: deque[Future[Page[T]]] = deque()
    pool: ThreadPoolExecutor | None = None
    try:
        while True:
            last = page.pagination.page_count if page.pagination else None
            if ahead and last is not None and not is_last_page(page, page_size):
                pool = pool or ThreadPoolExecutor(ahead, thread_name_prefix="xero-pages")
                asked = number + len(pending)
                while len(pending) < ahead and asked < last:
                    asked += 1
                    pending.append(pool.submit(fetch, asked))
            yield page
            if is_last_page(page, page_size):
                return
            number += 1
            page = pending.popleft().result() if pending else fetch(number)
    finally:
        for waiting in pending:  # the caller stopped early: what is not sent yet is not sent
            waiting.cancel()
        if pool is not None:
            pool.shutdown(wait=True)


def iter_records(fetch: Callable[[int], Page[T]], *, page_size: int) -> Iterator[T]:
    for page in iter_pages(fetch, page_size=page_size):
        yield from page.items
