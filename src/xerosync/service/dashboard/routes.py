"""The dashboard's routes under `/dashboard`: sign in with an API key, then pages for the
connections, sync health, conflicts, dead letters and finance. Pages are rendered on the server;
every change is an HTML form POST, refused when it comes from another site."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from xerosync.errors import XeroError
from xerosync.service.dashboard import charts
from xerosync.service.dashboard.health import health
from xerosync.service.dashboard.session import (
    COOKIE,
    LIFETIME,
    Person,
    current,
    identify,
    seal,
    unseal,
)
from xerosync.service.dashboard.views import render, svg
from xerosync.service.deps import Service, ServiceDep, _cross_site
from xerosync.service.routes.connect import begin_sign_in
from xerosync.store.tables import ConflictRow, ConnectionRow, DeadLetter
from xerosync.sync.finance import FinanceSummary

__all__ = ["router"]

router = APIRouter(prefix="/dashboard", include_in_schema=False)

#: sent with every dashboard page: not framed elsewhere, not cached, no scripts
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

_CSS = resources.files("xerosync.service.dashboard").joinpath("static/dashboard.css").read_text()


def _root(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}/dashboard"


def _now(service: Service) -> datetime:
    return service.sync.context.clock.now()


def signed_in(request: Request, service: ServiceDep) -> Person:
    """The person the session cookie names; anyone else is sent to the sign-in page."""
    value = request.cookies.get(COOKIE)
    sealed = unseal(service.cipher, value, now=_now(service)) if value else None
    person = current(service, sealed) if sealed is not None else None
    if person is None:
        raise HTTPException(
            303, "sign in first", headers={"Location": f"{_root(request)}/login", **HEADERS}
        )
    return person


def same_site(request: Request) -> None:
    """A form posted from another site is refused (SameSite=Strict already keeps the cookie off
    it in today's browsers; this holds for the others)."""
    if _cross_site(request):
        raise HTTPException(403, "a form from another site may not change xerosync")


PersonDep = Annotated[Person, Depends(signed_in)]
SameSite = Depends(same_site)


def _page(
    request: Request,
    service: Service,
    template: str,
    person: Person | None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    html = render(
        template,
        root=_root(request),
        person=person,
        now=_now(service),
        page=template.removesuffix(".html"),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _back(request: Request, path: str, **query: str) -> RedirectResponse:
    suffix = "&".join(f"{k}={quote(v)}" for k, v in query.items())
    return RedirectResponse(
        f"{_root(request)}{path}{'?' + suffix if suffix else ''}", status_code=303
    )


def _connections(service: Service, person: Person) -> list[ConnectionRow]:
    return [c for c in service.sync.connections() if person.may_see(c.id)]


def _names(rows: list[ConnectionRow]) -> dict[str, str]:
    return {c.id: c.tenant_name or c.tenant_id for c in rows}


# -- signing in and out --------------------------------------------------------------------


@router.get("/static/dashboard.css")
def stylesheet() -> Response:
    return Response(_CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, service: ServiceDep) -> HTMLResponse:
    return _page(request, service, "login.html", None, error=None)


@router.post("/login", response_model=None, dependencies=[SameSite])
def login(
    request: Request, service: ServiceDep, key: Annotated[str, Form()] = ""
) -> HTMLResponse | RedirectResponse:
    """An API key in, a sealed session cookie out (the key itself is not kept)."""
    if not service.settings.api_keys and not service.has_stored_keys():
        return _page(
            request,
            service,
            "login.html",
            None,
            status=503,
            error="No API keys are configured: create one with `xerosync keys create` "
            "or set XEROSYNC_API_KEYS to sign in.",
        )
    person = identify(service, key.strip())
    if person is None:
        return _page(
            request, service, "login.html", None, status=401, error="That key is not recognised."
        )
    response = _back(request, "")
    response.set_cookie(
        COOKIE,
        seal(service.cipher, person, now=_now(service)),
        max_age=int(LIFETIME.total_seconds()),
        path=_root(request),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.post("/logout", dependencies=[SameSite])
def logout(request: Request) -> RedirectResponse:
    response = _back(request, "/login")
    response.delete_cookie(COOKIE, path=_root(request), httponly=True, samesite="strict")
    return response


# -- pages -----------------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def overview(request: Request, service: ServiceDep, person: PersonDep) -> HTMLResponse:
    rows = _connections(service, person)
    return _page(
        request,
        service,
        "overview.html",
        person,
        health={h.connection.id: h for h in health(service.sync, [r.id for r in rows])},
        connections=rows,
    )


@router.get("/health", response_class=HTMLResponse)
def health_page(request: Request, service: ServiceDep, person: PersonDep) -> HTMLResponse:
    rows = _connections(service, person)
    return _page(
        request, service, "health.html", person, health=health(service.sync, [r.id for r in rows])
    )


@router.get("/conflicts", response_class=HTMLResponse)
def conflicts_page(
    request: Request, service: ServiceDep, person: PersonDep, resolved: int | None = None
) -> HTMLResponse:
    return _conflicts(request, service, person, resolved=resolved, error=None)


def _conflicts(
    request: Request,
    service: Service,
    person: Person,
    *,
    resolved: int | None,
    error: str | None,
    status: int = 200,
) -> HTMLResponse:
    names = _names(_connections(service, person))
    return _page(
        request,
        service,
        "conflicts.html",
        person,
        status=status,
        conflicts=[c for c in service.sync.conflicts() if c.connection_id in names],
        names=names,
        resolved=resolved,
        error=error,
    )


def _choices(form: Mapping[str, Any], fields: list[str]) -> dict[str, str]:
    """The form's decision: "all" (app | xero) for every field, else one `choice:<field>` each;
    a field without a choice is left out (and resolve says which)."""
    every = form.get("all")
    picked = {}
    for name in fields:
        choice = every or form.get(f"choice:{name}")
        if choice in ("app", "xero"):
            picked[name] = str(choice)
    return picked


@router.post("/conflicts/{conflict_id}/resolve", response_model=None, dependencies=[SameSite])
async def resolve(
    request: Request, service: ServiceDep, person: PersonDep, conflict_id: int
) -> Response:
    """Keep the app's or Xero's value per field (or for all); what Xero lacks is then pushed."""
    form = await request.form()
    return await run_in_threadpool(_resolve, request, service, person, conflict_id, dict(form))


def _resolve(
    request: Request, service: Service, person: Person, conflict_id: int, form: dict[str, Any]
) -> Response:
    sync = service.sync
    with sync.db.transaction() as session:
        row = session.get(ConflictRow, conflict_id)
    if row is None or row.status != "open" or not person.may_see(row.connection_id):
        return _conflicts(
            request,
            service,
            person,
            resolved=None,
            error=f"Conflict {conflict_id} is not open (someone may have resolved it already).",
            status=404,
        )
    choices = _choices(form, [f["field"] for f in row.fields])
    try:
        sync.resolve(conflict_id, choices, by=person.who)
    except (LookupError, ValueError) as exc:
        return _conflicts(
            request, service, person, resolved=None, error=f"Not resolved: {exc}", status=422
        )
    service.wake("push", row.connection_id)
    return _back(request, "/conflicts", resolved=str(conflict_id))


@router.get("/dead-letters", response_class=HTMLResponse)
def dead_letters_page(
    request: Request, service: ServiceDep, person: PersonDep, done: str | None = None
) -> HTMLResponse:
    names = _names(_connections(service, person))
    return _page(
        request,
        service,
        "dead_letters.html",
        person,
        letters=[d for d in service.sync.dead_letters() if d.connection_id in names],
        names=names,
        done=done,
    )


def _letter(service: Service, person: Person, letter_id: int) -> DeadLetter | None:
    """The open dead letter, or None when it is gone, settled already (a second click) or on a
    connection this person may not see."""
    with service.sync.db.transaction() as session:
        row = session.get(DeadLetter, letter_id)
    if row is None or row.status != "open" or not person.may_see(row.connection_id):
        return None
    return row


def _gone(request: Request, letter_id: int) -> RedirectResponse:
    return _back(request, "/dead-letters", done=f"Dead letter {letter_id} is no longer open.")


@router.post("/dead-letters/{letter_id}/retry", dependencies=[SameSite])
def retry(
    request: Request, service: ServiceDep, person: PersonDep, letter_id: int
) -> RedirectResponse:
    """Queue the record again as the app has it now."""
    row = _letter(service, person, letter_id)
    if row is None:
        return _gone(request, letter_id)
    service.sync.retry(letter_id)
    service.wake("push", row.connection_id)
    return _back(request, "/dead-letters", done=f"Queued {row.entity} {row.app_id} again.")


@router.post("/dead-letters/{letter_id}/discard", dependencies=[SameSite])
def discard(
    request: Request, service: ServiceDep, person: PersonDep, letter_id: int
) -> RedirectResponse:
    row = _letter(service, person, letter_id)
    if row is None:
        return _gone(request, letter_id)
    service.sync.discard(letter_id)
    return _back(request, "/dead-letters", done=f"Discarded {row.entity} {row.app_id}.")


@router.get("/finance", response_class=HTMLResponse)
def finance_page(
    request: Request, service: ServiceDep, person: PersonDep, connection: str | None = None
) -> HTMLResponse:
    """One organisation's figures as charts: bank balances, receivables by age, profit and loss
    by month, invoices paid against outstanding (from the reports and invoices last pulled)."""
    rows = _connections(service, person)
    chosen = next((r for r in rows if connection in (r.id, r.tenant_id)), None)
    if chosen is None and connection is None and rows:
        chosen = rows[0]
    if chosen is None and connection is not None:
        raise HTTPException(404, f"no connection {connection!r}")
    summary = (
        service.sync.finance(chosen.id, today=_now(service).date()) if chosen is not None else None
    )
    return _page(
        request,
        service,
        "finance.html",
        person,
        connections=rows,
        chosen=chosen,
        summary=summary,
        charts=_charts(summary) if summary is not None else None,
    )


def _charts(summary: FinanceSummary) -> dict[str, Markup]:
    return {
        "bank": svg(charts.bank_balances_chart(summary.bank_balances)),
        "aging": svg(charts.aging_chart(summary.receivables)),
        "pnl": svg(charts.profit_and_loss_chart(summary.profit_and_loss)),
        "invoices": svg(charts.paid_split_chart(summary.invoices)),
    }


# -- connections -----------------------------------------------------------------------------


@router.get("/connect")
def reconnect(request: Request, service: ServiceDep, person: PersonDep) -> RedirectResponse:
    """Reconnect (or connect another organisation): off to Xero's consent page. Operators only,
    as for `/connect` (a key limited to some connections would not see a new one)."""
    if not person.operator:
        raise HTTPException(403, "only an operator key (XEROSYNC_API_KEYS) may connect Xero")
    return begin_sign_in(request, service)


@router.post("/connections/{connection_id}/disconnect", dependencies=[SameSite])
def disconnect(
    request: Request, service: ServiceDep, person: PersonDep, connection_id: str
) -> RedirectResponse:
    if not person.may_see(connection_id) or service.connection_id(connection_id) is None:
        raise HTTPException(404, f"no connection {connection_id!r}")
    try:
        service.sync.disconnect(connection_id)
    except XeroError as exc:
        raise HTTPException(502, f"Xero could not disconnect it: {exc}") from exc
    return _back(request, "")
