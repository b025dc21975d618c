"""What every Accounting API route shares: envelopes, params, lists, writes, idempotency.

A resource module needs only these, e.g. for a paged collection:

    @router.get("/Contacts")
    async def list_contacts(request: Request) -> Response:
        books = books_of(request)
        return list_response(request, books.contacts, paged=True, tune=...)

    @router.put("/Contacts")
    async def put_contacts(request: Request) -> Response:
        return await write(request, "Contacts", "create")

`write` handles the body (size cap, JSON, envelope), `Idempotency-Key`, the books lock,
`summarizeErrors` and the response; the entity (see `books.writes.WriteEntity`) only
validates and applies one element at a time.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from fastapi import Request
from fastapi.responses import Response

from xerosync.emulator import responses
from xerosync.emulator.access import ApiCall, api_call
from xerosync.emulator.books import Books, write_shapes
from xerosync.emulator.books.dates import ms_date_bare, parse_if_modified_since
from xerosync.emulator.books.entity import Entity
from xerosync.emulator.books.idempotency import MAX_KEY_LENGTH, KeyReused, fingerprint
from xerosync.emulator.books.listing import ListQuery, Page, csv, run
from xerosync.emulator.books.query import QueryError
from xerosync.emulator.books.render import dumps
from xerosync.emulator.books.store import Record
from xerosync.emulator.books.writes import (
    BadRequest,
    Invalid,
    Mode,
    WriteContext,
    apply_batch,
    batch_response,
    elements_of,
    error_body,
)
from xerosync.emulator.state import EmulatorState

JSON = "application/json; charset=utf-8"


class ParamError(ValueError):
    """A query parameter Xero would refuse (bad page number...)."""


def state_of(request: Request) -> EmulatorState:
    state: EmulatorState = request.app.state.emulator
    return state


def books_of(request: Request) -> Books:
    return api_call(request).tenant.books


# -- responses -------------------------------------------------------------------------


def envelope(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """Xero's response envelope around `body` (`{"Contacts": [...], "pagination": ...}`)."""
    call: ApiCall = api_call(request)
    now = state_of(request).clock.now()
    return {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": call.app.name,
        "DateTimeUTC": ms_date_bare(now),
        **body,
    }


def json_response(body: Any, status: int = 200, *, unitdp: int = 2) -> Response:
    return Response(dumps(body, unitdp=unitdp), status_code=status, media_type=JSON)


def ok(request: Request, body: dict[str, Any], *, unitdp: int = 2) -> Response:
    return json_response(envelope(request, body), unitdp=unitdp)


def not_found() -> Response:
    return responses.not_found()


def query_error(exc: Exception) -> Response:
    return responses.query_parse_exception(str(exc))


def invalid(exc: Invalid, element: Record | None = None) -> Response:
    """A 400 ValidationException for one refused element (DELETE, group membership...)."""
    shown = dict(element or {})
    shown["ValidationErrors"] = [{"Message": m} for m in exc.messages]
    return json_response(
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": [shown],
        },
        400,
    )


# -- query parameters --------------------------------------------------------------------


_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class _Numbered(Protocol):
    def get(self, record_id: object) -> Record | None: ...

    def by_number(self, number: str) -> Record | None: ...


def by_key(entity: _Numbered, key: str) -> Record | None:
    """The record a path names by its ID (a GUID) or, as Xero also accepts, its number."""
    return entity.get(key) if _GUID.match(key) else entity.by_number(key)


def param(request: Request, name: str) -> str | None:
    """A query parameter, its name matched case-insensitively (clients vary)."""
    value = request.query_params.get(name)
    if value is not None:
        return value
    lower = name.lower()
    for key, val in request.query_params.items():
        if key.lower() == lower:
            return val
    return None


def bool_param(request: Request, name: str, default: bool = False) -> bool:
    value = param(request, name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("true", "1", "yes")


def int_param(request: Request, name: str) -> int | None:
    value = param(request, name)
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ParamError(f"The value '{value}' is not valid for {name}.") from exc


def unitdp(request: Request) -> int:
    return 4 if int_param(request, "unitdp") == 4 else 2


def list_query(request: Request, *, paged: bool, default_order: str | None = None) -> ListQuery:
    """The common list parameters: where, order, If-Modified-Since, IDs, page, pageSize.

    `paged` says the endpoint takes `pageSize` (the nine Xero documents). Endpoints that
    take only `page` pass `paged=False` and set `query.page` themselves."""
    config = state_of(request).config
    query = ListQuery(
        where=param(request, "where") or None,
        order=param(request, "order") or None,
        ids=csv(param(request, "IDs")),
        default_order=default_order,
    )
    header = request.headers.get("if-modified-since")
    if header:
        try:
            query.modified_since = parse_if_modified_since(header)
        except ValueError:
            query.modified_since = None  # Xero ignores a header it cannot read
    if paged:
        page = int_param(request, "page")
        size = int_param(request, "pageSize")
        if page is not None or size is not None:
            query.page = max(page or 1, 1)
            query.page_size = min(max(size or config.default_page_size, 1), config.max_page_size)
        else:
            query.page_size = config.default_page_size
    return query


def list_response(
    request: Request,
    entity: Entity,
    *,
    paged: bool,
    default_order: str | None = None,
    tune: Callable[[ListQuery], None] | None = None,
    view: Callable[[Record, Page], Record] | None = None,
    unitdp_: int = 2,
) -> Response:
    """GET a collection: parse, run `listing.run`, shape, envelope. 400 on a bad query.

    `tune` adds entity filters (`query.filters`, `query.index_in`); `view` shapes each
    record (default: the record itself)."""
    try:
        query = list_query(request, paged=paged, default_order=default_order)
        if tune is not None:
            tune(query)
        with books_of(request).lock:
            page = run(entity.collection, query, entity.type_name)
            shown = [view(r, page) for r in page.records] if view else list(page.records)
    except (QueryError, ParamError) as exc:
        return query_error(exc)
    body: dict[str, Any] = {}
    if paged and page.page is not None:
        body["pagination"] = page.pagination()
    body[entity.plural] = shown
    return ok(request, body, unitdp=unitdp_)


# -- writes ------------------------------------------------------------------------------


async def write(
    request: Request,
    kind: str,
    mode: Mode,
    *,
    target_id: str | None = None,
    first_only: bool = False,
    writer: Any = None,
) -> Response:
    """PUT/POST a batch of `kind` ("Contacts", "Invoices"...) through the write pipeline.

    mode "create" (PUT), "upsert" (POST), "update" (POST /X/{id}: 404 if unknown).
    `first_only`: Xero processes only the first element (Accounts, TaxRates).
    `writer`: a WriteEntity to use instead of `books.entities[kind]` (allocations, options)."""

    def handle(body: bytes) -> Response:
        books = books_of(request)
        entity: Any = writer if writer is not None else books.entities[kind]
        try:
            parsed = json.loads(body or b"null")
            # Xero reads the body into typed objects before any rule: a value of the
            # wrong type refuses the whole request and nothing is written.
            unreadable = write_shapes.unreadable(parsed, kind, entity.plural)
            if unreadable is not None:
                raise BadRequest(unreadable)
            elements = elements_of(parsed, entity.plural)
        except (ValueError, BadRequest) as exc:
            return json_response(
                error_body(str(exc), number=14, kind="PostDataInvalidException"), 400
            )
        if first_only:
            elements = elements[:1]
        summarize = bool_param(request, "summarizeErrors", default=True)
        ctx = WriteContext(
            now=state_of(request).clock.now(),
            unitdp=unitdp(request),
            summarize_errors=summarize,
            client_id=api_call(request).app.client_id,
        )
        with books.lock:
            target = None
            if mode == "update":
                target = entity.get(target_id)
                if target is None:
                    return not_found()
                elements = elements[:1]
                if elements:
                    elements[0] = {**elements[0], entity.id_field: target[entity.id_field]}
            outcomes = apply_batch(entity, elements, mode, ctx, target)
            status, result = batch_response(entity, outcomes, summarize_errors=summarize)
        if status != 200:
            return json_response(result, status)
        return json_response(envelope(request, result), unitdp=ctx.unitdp)

    return await idempotent(request, handle)


async def idempotent(request: Request, handle: Callable[[bytes], Response]) -> Response:
    """Run a write once per `Idempotency-Key` (per app, per organisation).

    Also enforces the request size cap (413). A replay inside the window returns the
    first response; the same key with another method/URL/body gets a 400."""
    state = state_of(request)
    body = await request.body()
    if len(body) > state.config.max_request_bytes:
        return Response(
            "The request is too large: the limit is "
            f"{state.config.max_request_bytes} bytes. Send fewer records per request.",
            status_code=413,
            media_type="text/plain",
        )
    key = request.headers.get("idempotency-key")
    if not key:
        return handle(body)
    if len(key) > MAX_KEY_LENGTH:
        message = f"The Idempotency-Key must be at most {MAX_KEY_LENGTH} characters long."
        return json_response(error_body(message), 400)
    books = books_of(request)
    scope = api_call(request).app.client_id
    url = request.url.path + ("?" + request.url.query if request.url.query else "")
    print_ = fingerprint(request.method, url, body)
    try:
        remembered = books.idempotency.recall(scope, key, print_)
    except KeyReused:
        message = f"The Idempotency-Key '{key}' has already been used with a different request."
        return json_response(error_body(message), 400)
    if remembered is not None:
        return Response(
            remembered.body, status_code=remembered.status, media_type=remembered.media_type
        )
    response = handle(body)
    media_type = response.media_type or JSON
    books.idempotency.remember(
        scope,
        key,
        print_,
        (response.status_code, bytes(response.body), media_type),
        state.config.idempotency_window,
    )
    return response
