"""`/identity/connect/authorize`: validate the request, show the consent page, redirect back.

A bad `client_id` or `redirect_uri` cannot be sent back to the client, so it gets an HTML
error page (400), as Xero shows one. Every other problem goes back to the redirect URI as
`?error=...&state=...`. The consent form carries the original request in a hidden field and
the POST validates it again, so an edited form cannot widen what was asked for.
With `config.auto_approve` the GET redirects at once, connecting the organisations an admin
named for the app (`PATCH /_emulator/apps/{id}` `consent_tenant_ids`) or else all of them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xerosync.emulator.admin import emulator_state
from xerosync.emulator.identity import grants
from xerosync.emulator.state import App, EmulatorState, Tenant

router = APIRouter()

AUTHORIZE_PATH = "/identity/connect/authorize"


def _with_read(names: str) -> set[str]:
    return {name + suffix for name in names.split() for suffix in ("", ".read")}


def _reads(names: str) -> set[str]:
    return {name + ".read" for name in names.split()}


# Scopes Xero knows: OpenID, the broad ones of the 16.1.0 spec, the granular ones of 2026
# (docs/xero-behaviour.md section 1), and the read-only report and journal scopes.
KNOWN_SCOPES = frozenset(
    {"openid", "profile", "email", "offline_access", "paymentservices"}
    | _with_read(
        "accounting.transactions accounting.settings accounting.contacts accounting.attachments "
        "accounting.invoices accounting.payments accounting.banktransactions "
        "accounting.manualjournals accounting.classicexpenses files assets projects"
    )
    | _reads(
        "accounting.journals accounting.budgets accounting.reports "
        "accounting.reports.tenninetynine accounting.reports.bankstatement "
        "accounting.reports.aged accounting.reports.balancesheet accounting.reports.banksummary "
        "accounting.reports.budgetsummary accounting.reports.executivesummary "
        "accounting.reports.profitandloss accounting.reports.trialbalance "
        "accounting.reports.taxreports"
    )
)
# Refused to apps created on/after 2 March 2026 (`config.granular_scopes_only`).
RETIRED_BROAD_SCOPES = frozenset(
    {"accounting.transactions", "accounting.transactions.read", "accounting.reports.read"}
)


class PageError(Exception):
    """A request that cannot be redirected back: shown as an HTML error page."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


class RedirectError(Exception):
    """A request error reported to the client on its redirect URI."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class AuthorizeRequest:
    app: App
    redirect_uri: str
    scopes: frozenset[str]
    state: str | None
    code_challenge: str | None
    code_challenge_method: str
    nonce: str | None
    raw: str  # the request as a query string, carried through the consent form


def parse_request(state: EmulatorState, params: Mapping[str, str]) -> AuthorizeRequest:
    client_id = params.get("client_id", "")
    app = state.apps.get(client_id)
    if app is None:
        raise PageError("unauthorized_client", "Unknown client or client not enabled")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in app.redirect_uris:
        raise PageError("invalid_request", "Invalid redirect_uri")
    if params.get("response_type") != "code":
        raise RedirectError("unsupported_response_type", "response_type must be 'code'")
    requested = params.get("scope", "").split()
    if not requested:
        raise RedirectError("invalid_scope", "scope is required")
    unknown = sorted(set(requested) - KNOWN_SCOPES)
    if unknown:
        raise RedirectError("invalid_scope", f"Invalid scope for client: {' '.join(unknown)}")
    retired = sorted(set(requested) & RETIRED_BROAD_SCOPES)
    if retired and state.config.granular_scopes_only:
        # Xero's login page answers this with its unknown-client error (reports of March 2026)
        raise PageError(
            "unauthorized_client",
            "Unknown client or client not enabled "
            f"(scope {' '.join(retired)} is not available to this app: use the granular scopes)",
        )
    challenge = params.get("code_challenge") or None
    method = params.get("code_challenge_method") or ("plain" if challenge else "")
    if challenge is None and method:
        raise RedirectError("invalid_request", "code_challenge_method without code_challenge")
    if challenge is not None:
        if method not in ("S256", "plain") or (
            method == "plain" and not state.config.pkce_plain_allowed
        ):
            raise RedirectError("invalid_request", "code_challenge_method must be S256")
        if not grants.PKCE_VALUE.match(challenge):
            raise RedirectError("invalid_request", "code_challenge is malformed")
    return AuthorizeRequest(
        app=app,
        redirect_uri=redirect_uri,
        scopes=frozenset(requested),
        state=params.get("state"),
        code_challenge=challenge,
        code_challenge_method=method or "S256",
        nonce=params.get("nonce") or None,
        raw=urlencode(list(params.items())),
    )


def redirect(uri: str, params: dict[str, str | None]) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    separator = "&" if "?" in uri else "?"
    return RedirectResponse(f"{uri}{separator}{query}", status_code=302)


def approve(state: EmulatorState, req: AuthorizeRequest, tenant_ids: list[str]) -> Response:
    """The user said yes: connect the chosen organisations and send a code back.

    Scopes are additive (Xero's scopes page): the code carries the scopes asked for now plus
    those the user consented to before, until a revocation clears them.
    """
    auth_event_id = grants.new_auth_event_id()
    user_id = grants.EMULATOR_USER_ID
    for tenant_id in tenant_ids:
        state.connect(req.app.client_id, tenant_id, user_id, auth_event_id)
    with state.lock:
        key = (req.app.client_id, user_id)
        scopes = req.scopes | state.consented_scopes.get(key, frozenset())
        state.consented_scopes[key] = scopes
    code = grants.issue_code(
        state,
        client_id=req.app.client_id,
        redirect_uri=req.redirect_uri,
        scopes=scopes,
        code_challenge=req.code_challenge,
        code_challenge_method=req.code_challenge_method,
        nonce=req.nonce,
        auth_event_id=auth_event_id,
    )
    return redirect(
        req.redirect_uri,
        {"code": code.code, "scope": " ".join(sorted(scopes)), "state": req.state},
    )


def default_tenants(state: EmulatorState, client_id: str) -> list[str]:
    chosen = state.consent_tenants.get(client_id)
    if chosen is not None:
        return [t for t in chosen if t in state.tenants]
    return list(state.tenants)


def _handle(state: EmulatorState, params: Mapping[str, str]) -> AuthorizeRequest | Response:
    try:
        return parse_request(state, params)
    except PageError as exc:
        return error_page(exc)
    except RedirectError as exc:
        uri = params.get("redirect_uri", "")
        return redirect(
            uri,
            {
                "error": exc.error,
                "error_description": exc.description,
                "state": params.get("state"),
            },
        )


@router.get(AUTHORIZE_PATH)
def authorize(request: Request) -> Response:
    state = emulator_state(request)
    req = _handle(state, dict(request.query_params))
    if isinstance(req, Response):
        return req
    if state.config.auto_approve:
        return approve(state, req, default_tenants(state, req.app.client_id))
    return consent_page(state, req)


@router.post(AUTHORIZE_PATH)
async def decide(request: Request) -> Response:
    state = emulator_state(request)
    form = await request.form()
    req = _handle(state, dict(parse_qsl(str(form.get("request") or ""))))
    if isinstance(req, Response):
        return req
    if form.get("decision") != "approve":
        return redirect(
            req.redirect_uri,
            {
                "error": "access_denied",
                "error_description": "The user denied access",
                "state": req.state,
            },
        )
    tenant_ids = [str(t) for t in form.getlist("tenant")]
    unknown = [t for t in tenant_ids if t not in state.tenants]
    if unknown:
        return error_page(PageError("invalid_request", "Unknown organisation chosen"))
    return approve(state, req, tenant_ids)


# -- HTML -------------------------------------------------------------------------------


def error_page(exc: PageError) -> Response:
    body = _PAGE.format(
        title="Error",
        content=f"<h1>Error: {html.escape(exc.error)}</h1><p>{html.escape(exc.description)}</p>",
    )
    return HTMLResponse(body, status_code=400)


def consent_page(state: EmulatorState, req: AuthorizeRequest) -> Response:
    checked = set(default_tenants(state, req.app.client_id))
    tenants = sorted(state.tenants.values(), key=lambda t: t.name.lower())
    rows = "\n".join(_tenant_row(t, t.tenant_id in checked) for t in tenants) or (
        "<p>You have no organisations to connect.</p>"
    )
    scopes = "".join(f"<li><code>{html.escape(s)}</code></li>" for s in sorted(req.scopes))
    content = f"""<h1>{html.escape(req.app.name)} wants access to your Xero data</h1>
<p>It asks for these permissions:</p>
<ul>{scopes}</ul>
<form method="post" action="{AUTHORIZE_PATH}">
  <input type="hidden" name="request" value="{html.escape(req.raw, quote=True)}">
  <fieldset><legend>Organisations to connect</legend>
{rows}
  </fieldset>
  <button type="submit" name="decision" value="approve">Allow access</button>
  <button type="submit" name="decision" value="deny">Cancel</button>
</form>"""
    return HTMLResponse(_PAGE.format(title="Connect to Xero", content=content))


def _tenant_row(tenant: Tenant, checked: bool) -> str:
    tid = html.escape(tenant.tenant_id, quote=True)
    mark = " checked" if checked else ""
    return (
        f'    <label><input type="checkbox" name="tenant" value="{tid}"{mark}> '
        f"{html.escape(tenant.name)}</label><br>"
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Xero emulator</title>
<style>body{{font-family:sans-serif;max-width:40em;margin:3em auto}}</style></head>
<body>
{content}
</body></html>
"""
