"""Authorization codes and rotating refresh tokens, kept the way Xero's identity server keeps them.

- A code is single-use and lives `config.auth_code_ttl` (5 minutes). It is consumed by the
  first exchange attempt, even one that then fails (as IdentityServer does), so a replay or a
  retry with the right verifier after a wrong one gets `invalid_grant`.
- Every refresh rotates: RT_n -> (AT_n+1, RT_n+1). RT_n stays usable for `config.refresh_grace`
  after its first use, each use returning a fresh valid pair; afterwards `invalid_grant`.
- A refresh token unused for `config.refresh_token_ttl` (60 days) is dead.
- Revocation kills every refresh and access token the user holds for the app, and removes the
  user's connections for it.

All functions take the `EmulatorState` and mutate it under its lock; no HTTP here.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from xerosync.emulator.identity import jwt
from xerosync.emulator.state import (
    AccessToken,
    AuthorizationCode,
    EmulatorState,
    RefreshToken,
)

EMULATOR_USER_ID = "emulator-user"
PKCE_VALUE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")  # RFC 7636 verifier and challenge
OFFLINE_ACCESS = "offline_access"


class OAuthError(Exception):
    """A token-endpoint error, answered as `{"error": ..., "error_description": ...}`."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


def invalid_grant(description: str) -> OAuthError:
    return OAuthError("invalid_grant", description)


@dataclass(frozen=True)
class Issued:
    """What one successful grant hands out."""

    access: AccessToken
    refresh: RefreshToken | None
    nonce: str | None = None


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def issue_code(
    state: EmulatorState,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: frozenset[str],
    code_challenge: str | None,
    code_challenge_method: str,
    nonce: str | None,
    auth_event_id: str,
    user_id: str = EMULATOR_USER_ID,
) -> AuthorizationCode:
    code = AuthorizationCode(
        code=secrets.token_urlsafe(32),
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        user_id=user_id,
        auth_event_id=auth_event_id,
        expires_at=state.clock.now() + timedelta(seconds=state.config.auth_code_ttl),
        code_challenge=code_challenge,
        code_challenge_method=code_challenge_method,
        nonce=nonce,
    )
    with state.lock:
        state.auth_codes[code.code] = code
    return code


def redeem_code(
    state: EmulatorState,
    *,
    client_id: str,
    code: str,
    redirect_uri: str | None,
    verifier: str | None,
    public_client: bool,
    issuer: str,
) -> Issued:
    """Exchange an authorization code (grant_type=authorization_code)."""
    now = state.clock.now()
    with state.lock:
        entry = state.auth_codes.pop(code, None)
    if entry is None or entry.used:
        raise invalid_grant("The authorization code is invalid or has already been used")
    entry.used = True
    if entry.client_id != client_id:
        raise invalid_grant("The authorization code was issued to another client")
    if entry.expires_at <= now:
        raise invalid_grant("The authorization code has expired")
    if redirect_uri != entry.redirect_uri:
        raise invalid_grant("redirect_uri does not match the one used to get the code")
    if entry.code_challenge is None:
        if public_client:
            raise OAuthError(
                "invalid_client",
                "client_secret is required when the code was requested without PKCE",
                state.config.invalid_client_status,
            )
    else:
        if not verifier:
            raise invalid_grant("code_verifier is required (the code was requested with PKCE)")
        if not PKCE_VALUE.match(verifier):
            raise invalid_grant("code_verifier must be 43-128 characters of [A-Za-z0-9-._~]")
        expected = s256(verifier) if entry.code_challenge_method == "S256" else verifier
        if not secrets.compare_digest(expected, entry.code_challenge):
            raise invalid_grant("code_verifier does not match the code_challenge")
    return issue(
        state,
        client_id=client_id,
        user_id=entry.user_id,
        scopes=entry.scopes,
        auth_event_id=entry.auth_event_id,
        public_client=public_client,
        issuer=issuer,
        nonce=entry.nonce,
    )


def refresh(
    state: EmulatorState, *, client_id: str, token: str, public_client: bool, issuer: str
) -> Issued:
    """Rotate a refresh token (grant_type=refresh_token)."""
    now = state.clock.now()
    with state.lock:
        entry = state.refresh_tokens.get(token)
        if entry is None or entry.client_id != client_id or entry.revoked:
            raise invalid_grant("The refresh token is invalid or has been revoked")
        if public_client and not entry.public_client:
            raise OAuthError(
                "invalid_client",
                "client_secret is required for this refresh token",
                state.config.invalid_client_status,
            )
        if entry.expires_at <= now:
            raise invalid_grant("The refresh token has expired")
        grace = timedelta(seconds=state.config.refresh_grace)
        if entry.first_used_at is not None and now > entry.first_used_at + grace:
            raise invalid_grant("The refresh token has already been used")
        if entry.first_used_at is None:
            entry.first_used_at = now
        return issue(
            state,
            client_id=client_id,
            user_id=entry.user_id,
            scopes=entry.scopes,
            auth_event_id=entry.auth_event_id,
            public_client=entry.public_client,
            issuer=issuer,
        )


def issue(
    state: EmulatorState,
    *,
    client_id: str,
    user_id: str,
    scopes: frozenset[str],
    auth_event_id: str,
    public_client: bool,
    issuer: str,
    nonce: str | None = None,
) -> Issued:
    now = state.clock.now()
    access = state.mint_access_token(
        client_id,
        scopes,
        user_id=user_id,
        auth_event_id=auth_event_id,
        encode=lambda at: jwt.access_token(at, issuer=issuer, now=now),
    )
    rt: RefreshToken | None = None
    if OFFLINE_ACCESS in scopes:
        rt = RefreshToken(
            token=secrets.token_urlsafe(32),
            client_id=client_id,
            user_id=user_id,
            scopes=scopes,
            auth_event_id=auth_event_id,
            expires_at=state.clock.now() + timedelta(seconds=state.config.refresh_token_ttl),
            public_client=public_client,
        )
        with state.lock:
            state.refresh_tokens[rt.token] = rt
    return Issued(access=access, refresh=rt, nonce=nonce)


def revoke(state: EmulatorState, *, client_id: str, token: str, public_client: bool) -> bool:
    """Revoke by refresh (or access) token: the user's tokens and connections for the app go.

    Unknown tokens are not an error (RFC 7009): the answer is the same 200. A client without
    its secret may revoke only a refresh token it got as a public (PKCE) client.
    """
    with state.lock:
        held = state.refresh_tokens.get(token) or state.access_tokens.get(token)
        if held is None or held.client_id != client_id:
            return False
        if public_client and not (isinstance(held, RefreshToken) and held.public_client):
            raise OAuthError(
                "invalid_client",
                "client_secret is required to revoke this token",
                state.config.invalid_client_status,
            )
        revoke_user(state, client_id=client_id, user_id=held.user_id, everything=True)
    return True


def revoke_user(state: EmulatorState, *, client_id: str, user_id: str, everything: bool) -> None:
    """Revoke the user's refresh tokens and consent for the app; with `everything`, also their
    access tokens and connections (what /connect/revocation does)."""
    with state.lock:
        state.consented_scopes.pop((client_id, user_id), None)
        for rt in state.refresh_tokens.values():
            if rt.client_id == client_id and rt.user_id == user_id:
                rt.revoked = True
        if not everything:
            return
        for key in [
            k
            for k, at in state.access_tokens.items()
            if at.client_id == client_id and at.user_id == user_id
        ]:
            del state.access_tokens[key]
        for key in [
            k
            for k, c in state.connections.items()
            if c.client_id == client_id and c.user_id == user_id
        ]:
            del state.connections[key]


def expire_refresh_tokens(state: EmulatorState, client_id: str) -> int:
    """Fault: the app's refresh tokens die now (the next refresh gets invalid_grant)."""
    now = state.clock.now()
    with state.lock:
        live = [
            rt
            for rt in state.refresh_tokens.values()
            if rt.client_id == client_id and not rt.revoked and rt.expires_at > now
        ]
        for rt in live:
            rt.expires_at = now
    return len(live)


def expire_access_tokens(state: EmulatorState, client_id: str) -> int:
    """Fault: the app's access tokens expire now (the API answers 401 TokenExpired)."""
    now = state.clock.now()
    with state.lock:
        live = [
            at
            for at in state.access_tokens.values()
            if at.client_id == client_id and at.expires_at > now
        ]
        for at in live:
            at.expires_at = now
    return len(live)


def disconnect(state: EmulatorState, connection_id: str) -> bool:
    """Fault: the user disconnected the app from this organisation inside Xero.

    The connection goes; if it was the user's last one for the app, their refresh tokens
    are revoked too (the next refresh gets invalid_grant), as Xero does.
    """
    with state.lock:
        conn = state.connections.pop(connection_id, None)
        if conn is None:
            return False
        remaining = any(
            c.client_id == conn.client_id and c.user_id == conn.user_id
            for c in state.connections.values()
        )
        if not remaining:
            revoke_user(state, client_id=conn.client_id, user_id=conn.user_id, everything=False)
    return True


def new_auth_event_id() -> str:
    return str(uuid.uuid4())
