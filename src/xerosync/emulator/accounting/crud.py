"""Standard routes for a document kind: list, get by id, PUT batch, POST batch, POST one.

`add_document_routes(router, "BankTransactions", paged=True)` registers Xero's five
operations for a kind registered in `Books.entities`, through `common`'s list and write
pipelines (paging, If-Modified-Since, where/order, summarizeErrors, Idempotency-Key).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import (
    books_of,
    list_response,
    not_found,
    ok,
    unitdp,
    write,
)
from xerosync.emulator.books import Books
from xerosync.emulator.books.listing import ListQuery, Page
from xerosync.emulator.books.store import Record

Tune = Callable[[Request, ListQuery], None]
ByKey = Callable[[Books, str], Record | None]


def add_document_routes(
    router: APIRouter,
    plural: str,
    *,
    paged: bool,
    writes: bool = True,
    tune: Tune | None = None,
    default_order: str | None = None,
    by_key: ByKey | None = None,
) -> None:
    """`by_key(books, key)` finds a record by a second key in the path (a number) when no
    record has `key` as its id."""

    async def list_all(request: Request) -> Response:
        entity = books_of(request).entities[plural]

        def view(record: Record, page: Page) -> Record:
            return entity.view(record)

        def tuned(query: ListQuery) -> None:
            if tune is not None:
                tune(request, query)

        return list_response(
            request,
            entity,
            paged=paged,
            view=view,
            tune=tuned,
            default_order=default_order,
            unitdp_=unitdp(request),
        )

    async def get_one(record_id: str, request: Request) -> Response:
        books = books_of(request)
        entity = books.entities[plural]
        with books.lock:
            record = entity.get(record_id)
            if record is None and by_key is not None:
                record = by_key(books, record_id)
            if record is None:
                return not_found()
            shown = entity.view(record)
        return ok(request, {plural: [shown]}, unitdp=unitdp(request))

    async def put_many(request: Request) -> Response:
        return await write(request, plural, "create")

    async def post_many(request: Request) -> Response:
        return await write(request, plural, "upsert")

    async def post_one(record_id: str, request: Request) -> Response:
        books = books_of(request)
        with books.lock:
            record = books.entities[plural].get(record_id)
        if record is None:
            return not_found()
        entity = books.entities[plural]
        return await write(request, plural, "update", target_id=record[entity.id_field])

    router.add_api_route(f"/{plural}", list_all, methods=["GET"], name=f"list_{plural}")
    router.add_api_route(f"/{plural}/{{record_id}}", get_one, methods=["GET"], name=f"get_{plural}")
    if writes:
        router.add_api_route(f"/{plural}", put_many, methods=["PUT"], name=f"put_{plural}")
        router.add_api_route(f"/{plural}", post_many, methods=["POST"], name=f"post_{plural}")
        router.add_api_route(
            f"/{plural}/{{record_id}}", post_one, methods=["POST"], name=f"post_one_{plural}"
        )
