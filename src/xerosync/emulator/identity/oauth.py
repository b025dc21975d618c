"""The token and revocation endpoints, plus OpenID discovery.

`POST /connect/token` takes `authorization_code` and `refresh_token` grants. The client
authenticates with HTTP Basic or with `client_id`/`client_secret` form fields (Xero's SDKs
use both); a client that sends no secret is a public (PKCE) client. Errors are OAuth JSON:
`{"error": ..., "error_description": ...}`, HTTP 400 (`invalid_client`: 400 by default, like
Xero, or `config.invalid_client_status`).
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData

from xerosync.emulator.admin import emulator_state
from xerosync.emulator.identity import grants, jwt
from xerosync.emulator.identity.grants import OAuthError
from xerosync.emulator.state import App, EmulatorState

router = APIRouter()

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(frozen=True)
class Client:
    app: App
    public: bool  # authenticated by client_id alone (PKCE apps have no secret)


def issuer_of(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def oauth_error(state: EmulatorState, exc: OAuthError) -> Response:
    body = {"error": exc.error, "error_description": exc.description}
    headers = dict(_NO_STORE)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="identity"'
    return JSONResponse(body, status_code=exc.status, headers=headers)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError("invalid_client", "Malformed Basic authorization header") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise OAuthError("invalid_client", "Malformed Basic authorization header")
    return unquote_plus(client_id), unquote_plus(secret)


def authenticate_client(state: EmulatorState, request: Request, form: FormData) -> Client:
    """HTTP Basic first, else the form fields; a wrong secret is always `invalid_client`."""
    status = state.config.invalid_client_status
    try:
        basic = _basic_credentials(request.headers.get("authorization", ""))
    except OAuthError as exc:
        raise OAuthError(exc.error, exc.description, status) from exc
    if basic is not None:
        client_id, secret = basic
    else:
        client_id = str(form.get("client_id") or "")
        secret = str(form.get("client_secret") or "")
    app = state.apps.get(client_id) if client_id else None
    if app is None:
        raise OAuthError("invalid_client", "Unknown client or client not enabled", status)
    if not secret:
        return Client(app, public=True)
    if not secrets.compare_digest(secret.encode(), app.client_secret.encode()):
        raise OAuthError("invalid_client", "Invalid client secret", status)
    return Client(app, public=False)


def token_response(state: EmulatorState, issued: grants.Issued, issuer: str) -> Response:
    return JSONResponse(token_body(state, issued, issuer), headers=_NO_STORE)


def token_body(state: EmulatorState, issued: grants.Issued, issuer: str) -> dict[str, Any]:
    """The token endpoint's answer: id_token (openid), access_token, refresh_token
    (offline_access), expiry and scope."""
    access = issued.access
    body: dict[str, Any] = {}
    if "openid" in access.scopes:
        body["id_token"] = jwt.id_token(
            access,
            issuer=issuer,
            now=state.clock.now(),
            ttl=state.config.id_token_ttl,
            nonce=issued.nonce,
        )
    body.update(
        access_token=access.token,
        expires_in=int(state.config.access_token_ttl),
        token_type="Bearer",
    )
    if issued.refresh is not None:
        body["refresh_token"] = issued.refresh.token
    body["scope"] = " ".join(sorted(access.scopes))
    return body


@router.post("/connect/token")
async def token(request: Request) -> Response:
    state = emulator_state(request)
    form = await request.form()
    try:
        grant_type = str(form.get("grant_type") or "")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required")
        client = authenticate_client(state, request, form)
        issued = _grant(state, grant_type, client, form, issuer_of(request))
    except OAuthError as exc:
        return oauth_error(state, exc)
    return token_response(state, issued, issuer_of(request))


def _grant(
    state: EmulatorState, grant_type: str, client: Client, form: FormData, issuer: str
) -> grants.Issued:
    client_id = client.app.client_id
    if grant_type == "authorization_code":
        code = str(form.get("code") or "")
        if not code:
            raise OAuthError("invalid_request", "code is required")
        return grants.redeem_code(
            state,
            client_id=client_id,
            code=code,
            redirect_uri=_optional(form, "redirect_uri"),
            verifier=_optional(form, "code_verifier"),
            public_client=client.public,
            issuer=issuer,
        )
    if grant_type == "refresh_token":
        refresh_token = str(form.get("refresh_token") or "")
        if not refresh_token:
            raise OAuthError("invalid_request", "refresh_token is required")
        return grants.refresh(
            state,
            client_id=client_id,
            token=refresh_token,
            public_client=client.public,
            issuer=issuer,
        )
    if grant_type == "client_credentials":
        raise OAuthError("unauthorized_client", "client_credentials is only for custom connections")
    raise OAuthError("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def _optional(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return str(value) if value else None


@router.post("/connect/revocation")
async def revocation(request: Request) -> Response:
    """Revoke a refresh token: the user's tokens and connections for the app go. 200, no body."""
    state = emulator_state(request)
    form = await request.form()
    try:
        client = authenticate_client(state, request, form)
        token_value = str(form.get("token") or "")
        if not token_value:
            raise OAuthError("invalid_request", "token is required")
        grants.revoke(
            state, client_id=client.app.client_id, token=token_value, public_client=client.public
        )
    except OAuthError as exc:
        return oauth_error(state, exc)
    return Response(status_code=200, headers=_NO_STORE)


@router.get("/.well-known/openid-configuration")
def discovery(request: Request) -> dict[str, Any]:
    base = issuer_of(request)
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/identity/connect/authorize",
        "token_endpoint": f"{base}/connect/token",
        "revocation_endpoint": f"{base}/connect/revocation",
        "jwks_uri": f"{base}/.well-known/openid-configuration/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
    }


@router.get("/.well-known/openid-configuration/jwks")
def jwks() -> dict[str, Any]:
    return jwt.jwks()
