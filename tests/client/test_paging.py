"""Paging, pure part: how many pages are fetched and when, for every way a list can end."""

from __future__ import annotations

import math

import pytest

from xerosync.xero.paging import Page, Pagination, is_last_page, iter_pages, iter_records


def _server(total: int, *, with_count: bool, cap: int | None = None):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def fetch_with(size: int):  # type: ignore[no-untyped-def]
        effective = min(size, cap) if cap else size

        def fetch(number: int) -> Page[int]:
            calls.append(number)
            start = (number - 1) * effective
            items = list(range(start, min(start + effective, total)))
            info = (
                Pagination(number, effective, math.ceil(total / effective), total)
                if with_count
                else None
            )
            return Page(number, items, info)

        return fetch

    return calls, fetch_with


@pytest.mark.parametrize(
    ("total", "size", "with_count", "expected_calls"),
    [
        (0, 1000, True, 1),
        (0, 1000, False, 1),
        (1, 1000, True, 1),
        (999, 1000, False, 1),
        (1000, 1000, True, 1),  # pageCount says page 1 was the last
        (1000, 1000, False, 2),  # without it, one empty page confirms the end
        (10_000, 1000, True, 10),
        (10_001, 1000, True, 11),
        (250, 100, False, 3),
    ],
)
def test_calls_made(total: int, size: int, with_count: bool, expected_calls: int) -> None:
    calls, fetch_with = _server(total, with_count=with_count)
    records = list(iter_records(fetch_with(size), page_size=size))
    assert records == list(range(total))
    assert calls == list(range(1, expected_calls + 1))


def test_pages_are_fetched_only_when_needed() -> None:
    calls, fetch_with = _server(5000, with_count=True)
    records = iter_records(fetch_with(1000), page_size=1000)
    assert calls == []
    first = [next(records) for _ in range(1000)]
    assert calls == [1]
    assert first[-1] == 999
    next(records)
    assert calls == [1, 2]


def test_a_server_that_caps_the_page_size_is_followed_to_the_end() -> None:
    calls, fetch_with = _server(250, with_count=True, cap=100)
    assert list(iter_records(fetch_with(1000), page_size=1000)) == list(range(250))
    assert calls == [1, 2, 3]


def test_a_server_that_ignores_paging_does_not_loop() -> None:
    # ManualJournals + order: Xero returned every record on every page.
    calls: list[int] = []

    def everything(number: int) -> Page[int]:
        calls.append(number)
        if len(calls) > 5:  # a broken last-page check must fail here, not loop for ever
            raise AssertionError(f"the client kept paging: pages {calls}")
        return Page(number, list(range(150)), None)

    assert len(list(iter_records(everything, page_size=100))) == 150
    assert calls == [1]


@pytest.mark.parametrize(
    ("items", "size", "info", "last"),
    [
        (100, 100, None, False),
        (99, 100, None, True),
        (0, 100, None, True),
        (100, 100, Pagination(3, 100, 3, 300), True),
        (100, 100, Pagination(2, 100, 3, 300), False),
        (100, 1000, Pagination(1, 100, 5, 500), False),
    ],
)
def test_is_last_page(items: int, size: int, info: Pagination | None, last: bool) -> None:
    assert is_last_page(Page(info.page if info else 1, list(range(items)), info), size) is last


def test_pagination_reads_xero_json() -> None:
    info = Pagination.from_json({"page": 1, "pageSize": 100, "pageCount": 1, "itemCount": 3})
    assert info == Pagination(1, 100, 1, 3)
    assert Pagination.from_json(None) is None


def test_page_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="page_size"):
        next(iter_pages(lambda n: Page(n, []), page_size=0))
