"""Sign-ins under way: the `AuthorizationRequest` made at `/connect`, kept until `/callback`.

The row is keyed by the request's `state` and holds the PKCE verifier sealed with the token
keys (it is a secret: never in a log or an answer). `take` deletes the row as it reads it, so a
state works once; a state older than its `ttl` is refused and swept.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from xerosync.store.crypto import TokenCipher
from xerosync.store.tables import OAuthState
from xerosync.xero.auth.oauth import AuthorizationRequest

__all__ = ["TTL", "keep", "take"]

TTL = timedelta(minutes=10)


def keep(
    session: Session,
    cipher: TokenCipher,
    started: AuthorizationRequest,
    *,
    now: datetime,
    ttl: timedelta = TTL,
) -> None:
    session.execute(delete(OAuthState).where(OAuthState.expires_at <= now))
    sealed = cipher.encrypt(
        json.dumps(
            {
                "url": started.url,
                "code_verifier": started.code_verifier,
                "redirect_uri": started.redirect_uri,
                "scopes": list(started.scopes),
            }
        ).encode()
    )
    session.add(
        OAuthState(state=started.state, sealed=sealed, created_at=now, expires_at=now + ttl)
    )


def take(
    session: Session, cipher: TokenCipher, state: str, *, now: datetime
) -> AuthorizationRequest | None:
    """The request `state` belongs to, once; None when unknown, used or expired. The row is
    deleted as it is read, so two callbacks racing with one state cannot both have it."""
    row = session.execute(
        delete(OAuthState)
        .where(OAuthState.state == state[:128])
        .returning(OAuthState.sealed, OAuthState.expires_at)
    ).first()
    if row is None:
        return None
    sealed, expires_at = row
    if expires_at <= now:
        return None
    data = json.loads(cipher.decrypt(sealed))
    return AuthorizationRequest(
        url=str(data["url"]),
        state=state,
        code_verifier=str(data["code_verifier"]),
        redirect_uri=str(data["redirect_uri"]),
        scopes=tuple(data["scopes"]),
    )
