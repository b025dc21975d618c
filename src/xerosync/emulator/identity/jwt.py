"""Signed JWTs for id_tokens and access tokens, and the JWKS that verifies them.

Xero's access tokens are RS256 JWTs carrying `xero_userid`, `authentication_event_id` and
`scope` (some SDKs read them); its id_tokens are OpenID Connect tokens. The emulator signs
both with one RSA key per process and publishes the public half at
`/.well-known/openid-configuration/jwks`. The server never trusts a token's claims: the
token string is looked up in the state, so a fault can expire or revoke it.
"""

from __future__ import annotations

import functools
import uuid
from datetime import datetime
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from xerosync.emulator.state import AccessToken

_KEY_ID = "xerosync-emulator-" + uuid.uuid4().hex[:8]


@functools.cache
def _signing_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": _KEY_ID, "use": "sig", "alg": "RS256"})


def sign(claims: dict[str, Any]) -> str:
    return jwt.encode({"alg": "RS256", "kid": _KEY_ID, "typ": "JWT"}, claims, _signing_key())


def jwks() -> dict[str, Any]:
    return {"keys": [_signing_key().as_dict(private=False)]}


def timestamp(moment: datetime) -> int:
    return int(moment.timestamp())


def access_token(token: AccessToken, *, issuer: str, now: datetime) -> str:
    """The wire form of an access token, with the claims Xero puts in its own."""
    return sign(
        {
            "nbf": timestamp(now),
            "exp": timestamp(token.expires_at),
            "iss": issuer,
            "aud": f"{issuer}/resources",
            "client_id": token.client_id,
            "sub": token.user_id,
            "auth_time": timestamp(now),
            "xero_userid": token.user_id,
            "global_session_id": token.auth_event_id,
            "jti": uuid.uuid4().hex,
            "authentication_event_id": token.auth_event_id,
            "scope": sorted(token.scopes),
        }
    )


def id_token(
    token: AccessToken, *, issuer: str, now: datetime, ttl: float, nonce: str | None
) -> str:
    """An OpenID Connect id_token for the emulator's one user."""
    claims: dict[str, Any] = {
        "nbf": timestamp(now),
        "iat": timestamp(now),
        "exp": timestamp(now) + int(ttl),
        "iss": issuer,
        "aud": token.client_id,
        "sub": token.user_id,
        "auth_time": timestamp(now),
        "xero_userid": token.user_id,
        "global_session_id": token.auth_event_id,
    }
    if "email" in token.scopes:
        claims["email"] = "demo@xerosync.invalid"
    if "profile" in token.scopes:
        claims.update(
            preferred_username="demo@xerosync.invalid",
            given_name="Demo",
            family_name="User",
            name="Demo User",
        )
    if nonce:
        claims["nonce"] = nonce
    return sign(claims)
