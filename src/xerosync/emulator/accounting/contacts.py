"""Contacts and ContactGroups routes."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.accounting.common import (
    books_of,
    bool_param,
    by_key,
    idempotent,
    invalid,
    list_response,
    not_found,
    ok,
    param,
    write,
)
from xerosync.emulator.books.listing import ListQuery, Page
from xerosync.emulator.books.store import Record
from xerosync.emulator.books.writes import Invalid, elements_of

router = APIRouter()


@router.get("/Contacts")
async def list_contacts(request: Request) -> Response:
    books = books_of(request)
    contacts = books.contacts
    include_archived = bool_param(request, "includeArchived")
    summary = bool_param(request, "summaryOnly")
    term = (param(request, "searchTerm") or "").strip()

    def tune(query: ListQuery) -> None:
        if summary and query.page is None:
            query.page = 1  # summaryOnly forces paging
        if not include_archived and not query.ids:
            query.exclude = contacts.collection.find("ContactStatus", "ARCHIVED")
        if term:
            query.filters.append(contacts.search_filter(term))

    def view(record: Record, page: Page) -> Record:
        return contacts.list_view(record, paged=page.page is not None, summary=summary)

    return list_response(request, contacts, paged=True, tune=tune, view=view)


@router.get("/Contacts/{contact_key}")
async def get_contact(contact_key: str, request: Request) -> Response:
    contacts = books_of(request).contacts
    with books_of(request).lock:
        record = by_key(contacts, contact_key)
        if record is None:
            return not_found()
        shown = contacts.view(record)
    return ok(request, {"Contacts": [shown]})


@router.put("/Contacts")
async def put_contacts(request: Request) -> Response:
    return await write(request, "Contacts", "create")


@router.post("/Contacts")
async def post_contacts(request: Request) -> Response:
    return await write(request, "Contacts", "upsert")


@router.post("/Contacts/{contact_id}")
async def post_contact(contact_id: str, request: Request) -> Response:
    return await write(request, "Contacts", "update", target_id=contact_id)


# -- contact groups ---------------------------------------------------------------------


@router.get("/ContactGroups")
async def list_groups(request: Request) -> Response:
    groups = books_of(request).contact_groups

    def tune(query: ListQuery) -> None:
        query.index_in["Status"] = ["ACTIVE"]

    return list_response(request, groups, paged=False, default_order="Name", tune=tune)


@router.get("/ContactGroups/{group_id}")
async def get_group(group_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        record = books.contact_groups.get(group_id)
        if record is None:
            return not_found()
        shown = books.contact_groups.view(record)
    return ok(request, {"ContactGroups": [shown]})


@router.put("/ContactGroups")
async def put_groups(request: Request) -> Response:
    return await write(request, "ContactGroups", "create")


@router.post("/ContactGroups/{group_id}")
async def post_group(group_id: str, request: Request) -> Response:
    return await write(request, "ContactGroups", "update", target_id=group_id)


@router.put("/ContactGroups/{group_id}/Contacts")
async def add_group_contacts(group_id: str, request: Request) -> Response:
    def handle(body: bytes) -> Response:
        books = books_of(request)
        with books.lock:
            group = books.contact_groups.get(group_id)
            if group is None:
                return not_found()
            try:
                refs = elements_of(json.loads(body or b"null"), "Contacts")
                added = books.contact_groups.add_contacts(group, refs)
            except Invalid as exc:
                return invalid(exc)
            except ValueError as exc:
                return invalid(Invalid(str(exc)))
        return ok(request, {"Contacts": added})

    return await idempotent(request, handle)


@router.delete("/ContactGroups/{group_id}/Contacts")
async def remove_all_group_contacts(group_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        group = books.contact_groups.get(group_id)
        if group is None:
            return not_found()
        books.contact_groups.remove_contacts(group, None)
    return Response(status_code=204)


@router.delete("/ContactGroups/{group_id}/Contacts/{contact_id}")
async def remove_group_contact(group_id: str, contact_id: str, request: Request) -> Response:
    books = books_of(request)
    with books.lock:
        group = books.contact_groups.get(group_id)
        if group is None or not books.contact_groups.remove_contacts(group, contact_id):
            return not_found()
    return Response(status_code=204)
