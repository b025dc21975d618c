"""`/{Kind}/{id}/History` (read; add a note) and `/{Kind}/{id}/Attachments` (list, upload by
file name, download by file name or AttachmentID) for every kind Xero has them for.

The rules and limits live in `books.notes`; the limits are settings
(`attachment_max_count`, `attachment_max_bytes`). A file larger than the limit is refused at
the door (413), as any over-large request is.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from xerosync.emulator.access import api_call
from xerosync.emulator.accounting.common import (
    books_of,
    invalid,
    not_found,
    ok,
    state_of,
)
from xerosync.emulator.books import Books
from xerosync.emulator.books.notes import ATTACHMENT_KINDS, HISTORY_KINDS, NOTE_REQUIRED
from xerosync.emulator.books.store import Record
from xerosync.emulator.books.writes import Invalid

router = APIRouter()
Handler = Callable[..., Awaitable[Response]]


def _found(books: Books, plural: str, record_id: str) -> str | None:
    """The record's own id, or None when the organisation has no such record."""
    entity = books.entities.get(plural)
    record = entity.get(record_id) if entity is not None else None
    if record is None or entity is None:
        return None
    found: str = record[entity.id_field]
    return found


def _history_routes(plural: str) -> tuple[Handler, Handler]:
    async def read(record_id: str, request: Request) -> Response:
        books = books_of(request)
        with books.lock:
            found = _found(books, plural, record_id)
            if found is None:
                return not_found()
            records = books.notes.history(plural, found)
        return ok(request, {"HistoryRecords": records})

    async def add(record_id: str, request: Request) -> Response:
        books = books_of(request)
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return invalid(Invalid(NOTE_REQUIRED))
        notes = body.get("HistoryRecords") if isinstance(body, dict) else None
        if not isinstance(notes, list) or not notes:
            return invalid(Invalid(NOTE_REQUIRED))
        now = state_of(request).clock.now()
        with books.lock:
            found = _found(books, plural, record_id)
            if found is None:
                return not_found()
            shown: list[Record] = []
            for note in notes:
                try:
                    shown.append(books.notes.add_note(plural, found, note, now))
                except Invalid as exc:
                    return invalid(exc, note if isinstance(note, dict) else None)
        return ok(request, {"HistoryRecords": shown})

    return read, add


def _url(request: Request, plural: str, record_id: str, file_name: str) -> str:
    base = str(request.base_url).rstrip("/")
    return f"{base}/api.xro/2.0/{plural}/{record_id}/Attachments/{quote(file_name)}"


def _attachment_routes(plural: str) -> tuple[Handler, Handler, Handler]:
    async def listed(record_id: str, request: Request) -> Response:
        books = books_of(request)
        with books.lock:
            found = _found(books, plural, record_id)
            if found is None:
                return not_found()
            files = books.notes.attachments(plural, found)
        shown = [a.shown(_url(request, plural, found, a.file_name)) for a in files]
        return ok(request, {"Attachments": shown})

    async def download(record_id: str, file_name: str, request: Request) -> Response:
        books = books_of(request)
        with books.lock:
            found = _found(books, plural, record_id)
            attachment = books.notes.find(plural, found, file_name) if found else None
        if attachment is None:
            return not_found()
        return Response(attachment.content, media_type=attachment.mime_type)

    async def upload(record_id: str, file_name: str, request: Request) -> Response:
        books = books_of(request)
        state = state_of(request)
        content = await request.body()
        if len(content) > state.config.attachment_max_bytes:
            return Response("The request is larger than the API accepts", status_code=413)
        online = request.query_params.get("IncludeOnline")
        with books.lock:
            found = _found(books, plural, record_id)
            if found is None:
                return not_found()
            try:
                attachment = books.notes.attach(
                    plural,
                    found,
                    file_name,
                    content,
                    content_type=request.headers.get("content-type"),
                    include_online=None if online is None else online.lower() == "true",
                    app_name=api_call(request).app.name,
                    now=state.clock.now(),
                    max_count=state.config.attachment_max_count,
                )
            except Invalid as exc:
                return invalid(exc)
            record = books.entities[plural].get(found)
            if record is not None:
                record["HasAttachments"] = True
        shown = attachment.shown(_url(request, plural, found, attachment.file_name))
        return ok(request, {"Attachments": [shown]})

    return listed, download, upload


for _plural in sorted(HISTORY_KINDS):
    _read, _add = _history_routes(_plural)
    _path = f"/{_plural}/{{record_id}}/History"
    router.add_api_route(_path, _read, methods=["GET"], name=f"history_{_plural}")
    router.add_api_route(_path, _add, methods=["PUT"], name=f"add_note_{_plural}")

for _plural in ATTACHMENT_KINDS:
    _listed, _download, _upload = _attachment_routes(_plural)
    _path = f"/{_plural}/{{record_id}}/Attachments"
    router.add_api_route(_path, _listed, methods=["GET"], name=f"attachments_{_plural}")
    _one = _path + "/{file_name}"
    router.add_api_route(_one, _download, methods=["GET"], name=f"attachment_{_plural}")
    router.add_api_route(_one, _upload, methods=["PUT", "POST"], name=f"attach_{_plural}")
