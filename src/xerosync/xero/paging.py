"""Paged reads as lazy iterators: the next page is fetched only when the caller has used this one.

Nine endpoints take `pageSize` (up to 1000) and answer with a `pagination` object; the rest that page
take `page` alone and return 100 at a time. Either way a page shorter than the page size is the last
one (Xero's own rule: "fetch the next page until no more results are returned"), so a list of N records
costs ceil(N / pageSize) calls, plus one empty call when N is an exact multiple and Xero gives no
`pagination.pageCount` to say so. A page *longer* than asked for means the server ignored paging (a
known Xero bug with ManualJournals + `order`): it is the last page too, never a loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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
    fetch: Callable[[int], Page[T]], *, page_size: int, first_page: int = 1
) -> Iterator[Page[T]]:
    """Call `fetch(page_number)` for page 1, 2, ... while the previous page was full."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    number = first_page
    while True:
        page = fetch(number)
        yield page
        if is_last_page(page, page_size):
            return
        number += 1


def iter_records(fetch: Callable[[int], Page[T]], *, page_size: int) -> Iterator[T]:
    for page in iter_pages(fetch, page_size=page_size):
        yield from page.items
