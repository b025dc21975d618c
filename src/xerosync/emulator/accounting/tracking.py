"""TrackingCategories routes: categories and their options (GET/PUT/POST/DELETE)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import (
    books_of,
    bool_param,
    invalid,
    list_response,
    not_found,
    ok,
    write,
)
from xerosync.emulator.books.listing import ListQuery, Page
from xerosync.emulator.books.store import Record
from xerosync.emulator.books.tracking import OptionWriter
from xerosync.emulator.books.writes import Invalid

router = APIRouter()


@router.get("/TrackingCategories")
async def list_categories(request: Request) -> Response:
    tracking = books_of(request).tracking
    archived = bool_param(request, "includeArchived")
    shown = ("ACTIVE", "ARCHIVED") if archived else ("ACTIVE",)

    def tune(query: ListQuery) -> None:
        query.modified_since = None  # not offered on this endpoint
        query.filters.append(lambda r: r["Status"] in shown)

    def view(record: Record, page: Page) -> Record:
        return tracking.view(record, include_archived=archived)

    return list_response(request, tracking, paged=False, tune=tune, view=view, default_order="Name")


@router.get("/TrackingCategories/{category_id}")
async def get_category(category_id: str, request: Request) -> Response:
    tracking = books_of(request).tracking
    record = tracking.get(category_id)
    if record is None or record["Status"] == "DELETED":
        return not_found()
    return ok(request, {"TrackingCategories": [tracking.view(record)]})


@router.put("/TrackingCategories")
async def put_category(request: Request) -> Response:
    return await write(request, "TrackingCategories", "create", first_only=True)


@router.post("/TrackingCategories/{category_id}")
async def post_category(category_id: str, request: Request) -> Response:
    return await write(request, "TrackingCategories", "update", target_id=category_id)


@router.delete("/TrackingCategories/{category_id}")
async def delete_category(category_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = books.tracking.get(category_id)
        if record is None or record["Status"] == "DELETED":
            return not_found()
        gone = books.tracking.delete(record)
    return ok(request, {"TrackingCategories": [books.tracking.view(gone)]})


@router.put("/TrackingCategories/{category_id}/Options")
async def put_option(category_id: str, request: Request) -> Response:
    books = books_of(request)
    record = books.tracking.get(category_id)
    if record is None or record["Status"] == "DELETED":
        return not_found()
    writer = OptionWriter(books.tracking, record["TrackingCategoryID"])
    return await write(request, "Options", "create", writer=writer)


@router.post("/TrackingCategories/{category_id}/Options/{option_id}")
async def post_option(category_id: str, option_id: str, request: Request) -> Response:
    books = books_of(request)
    record = books.tracking.get(category_id)
    if record is None or record["Status"] == "DELETED":
        return not_found()
    writer = OptionWriter(books.tracking, record["TrackingCategoryID"])
    return await write(request, "Options", "update", target_id=option_id, writer=writer)


@router.delete("/TrackingCategories/{category_id}/Options/{option_id}")
async def delete_option(category_id: str, option_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = books.tracking.get(category_id)
        if record is None or record["Status"] == "DELETED":
            return not_found()
        try:
            gone = books.tracking.delete_option(record, option_id)
        except LookupError:
            return not_found()
        except Invalid as exc:
            return invalid(exc)
    return ok(request, {"Options": [gone]})
