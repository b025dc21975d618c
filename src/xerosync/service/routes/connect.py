"""[auth 0] A person connects Xero organisations: `/connect` -> Xero's consent (state + PKCE)
-> `/callback` -> tokens (encrypted) -> one connection per organisation.

The sign-in under way is kept in the database (`store.oauth_states`: sealed verifier, 10
minutes, single-use), so the callback may land on any service process."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from xerosync.errors import AuthError, XeroError
from xerosync.service.deps import ApiKey, CallerDep, Service, ServiceDep, Storable, answers
from xerosync.service.models import REFUSALS, ConnectionOut, Problem
from xerosync.service.openapi import PROBLEM, html_or_json
from xerosync.service.pages import connections_page, message_page, wants_html
from xerosync.store import oauth_states

__all__ = ["begin_sign_in", "router"]

log = logging.getLogger("xerosync.service")

router = APIRouter(tags=["connections"])

_CONNECTION = {"$ref": "#/components/schemas/ConnectionOut"}


@router.get(
    "/connect",
    dependencies=[ApiKey, Storable],
    response_class=RedirectResponse,
    status_code=303,
    responses={**REFUSALS, 403: {**REFUSALS[403], "description": "not an operator key"}},
)
def connect(request: Request, service: ServiceDep, caller: CallerDep) -> RedirectResponse:
    """Start a sign-in: the browser goes to Xero's consent page and comes back to `/callback`.
    Only an operator key may (a key limited to some connections would not see the new one)."""
    if not caller.operator:
        raise HTTPException(403, "only an operator key (XEROSYNC_API_KEYS) may connect Xero")
    return begin_sign_in(request, service)


def begin_sign_in(request: Request, service: Service) -> RedirectResponse:
    """Keep a new sign-in (state + PKCE) and send the browser to Xero's consent page (also the
    dashboard's Reconnect button, for operators)."""
    sync = service.sync
    redirect = sync.client.config.redirect_uri or str(request.url_for("callback"))
    started = sync.client.oauth.authorization_request(redirect_uri=redirect)
    with sync.db.transaction() as session:
        oauth_states.keep(session, service.cipher, started, now=sync.context.clock.now())
    log.info("connect.started")
    return RedirectResponse(started.url, status_code=303)


def _refused(request: Request, status: int, title: str, message: str) -> Response:
    if wants_html(request):
        return HTMLResponse(message_page(title, message), status_code=status)
    return JSONResponse({"detail": message}, status_code=status)


@router.get(
    "/callback",
    name="callback",
    dependencies=[Storable],
    response_model=None,
    responses={
        200: html_or_json(
            "the organisations connected",
            {
                "type": "object",
                "properties": {"connected": {"type": "array", "items": _CONNECTION}},
                "required": ["connected"],
            },
        ),
        400: html_or_json("the sign-in is unknown, used, expired or was refused", PROBLEM),
        422: {"model": Problem, "description": "text that cannot be kept (a NUL character)"},
        502: html_or_json("Xero could not be reached", PROBLEM),
    },
)
def callback(request: Request, service: ServiceDep) -> Any:
    """Xero sends the browser back here with `code` and `state` (or `error`)."""
    sync = service.sync
    state = request.query_params.get("state", "")
    with sync.db.transaction() as session:
        started = (
            oauth_states.take(session, service.cipher, state, now=sync.context.clock.now())
            if state
            else None
        )
    if started is None:
        log.warning("connect.unknown_state")
        return _refused(
            request,
            400,
            "Sign-in not recognised",
            "This sign-in has expired, was already used or was not started here; start again.",
        )
    try:
        ids = sync.connect(str(request.url), started)
    except AuthError as exc:
        log.warning("connect.refused", extra={"error": type(exc).__name__})
        return _refused(request, 400, "Xero did not connect", str(exc))
    except XeroError as exc:
        log.error("connect.failed", extra={"error": type(exc).__name__})
        return _refused(request, 502, "Xero could not be reached", str(exc))
    for connection_id in ids:
        service.wake("push", connection_id)  # a reconnected organisation's paused work resumes
    log.info("connect.finished", extra={"connections": len(ids)})
    rows = [r for r in sync.connections() if r.id in ids]
    if wants_html(request):
        return HTMLResponse(connections_page(rows, "Connected to Xero"))
    return {"connected": [ConnectionOut.of(r).model_dump(mode="json") for r in rows]}


@router.get(
    "/connections",
    dependencies=[ApiKey, Storable],
    response_model=None,
    responses={
        **REFUSALS,
        200: html_or_json("the connections", {"type": "array", "items": _CONNECTION}),
    },
)
def connections(request: Request, service: ServiceDep, caller: CallerDep) -> Any:
    """The connected organisations (HTML for a browser, JSON otherwise)."""
    rows = caller.visible(service.sync.connections(), lambda r: r.id)
    if wants_html(request):
        return HTMLResponse(connections_page(rows))
    return [ConnectionOut.of(r).model_dump(mode="json") for r in rows]


@router.post(
    "/connections/{connection}/disconnect",
    dependencies=[ApiKey, Storable],
    response_model=None,
    responses={
        **REFUSALS,
        502: {"model": Problem, "description": "Xero could not be reached"},
        200: {
            "description": "the connection, now disconnected",
            "content": {"application/json": {"schema": _CONNECTION}},
        },
        303: {"description": "a browser goes back to the connections page"},
    },
)
def disconnect(request: Request, service: ServiceDep, caller: CallerDep, connection: str) -> Any:
    """Disconnect the organisation in Xero; its work is kept and resumes on reconnect."""
    service.visible_connection(caller, connection)
    with answers():
        try:
            service.sync.disconnect(connection)
        except XeroError as exc:
            raise HTTPException(502, f"Xero could not disconnect it: {exc}") from exc
    if wants_html(request):
        return RedirectResponse("../../connections", status_code=303)
    [row] = [r for r in service.sync.connections() if connection in (r.id, r.tenant_id)]
    return ConnectionOut.of(row).model_dump(mode="json")
