"""Xero's OAuth 2.0 authorization-code flow with PKCE, built on Authlib's RFC helpers.

Authlib builds the authorize URL (`prepare_grant_uri`), the token requests
(`prepare_token_request`), the S256 challenge (RFC 7636) and checks the callback's `state`;
the requests themselves go through the client's own `httpx.Client`, the one transport seam.

    oauth = XeroOAuth(config, http, clock)
    start = oauth.authorization_request()          # keep start.state + start.code_verifier
    ... send the user to start.url; Xero redirects back to redirect_uri ...
    tokens = oauth.finish(callback_url, start)     # checks state, exchanges the code
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx
from authlib.common.security import generate_token
from authlib.oauth2.rfc6749.errors import MismatchingStateException, MissingCodeException
from authlib.oauth2.rfc6749.parameters import (
    parse_authorization_code_response,
    prepare_grant_uri,
    prepare_token_request,
)
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from xerosync.clock import Clock
from xerosync.errors import AuthError, ConfigError, NeedsReauth, XeroError
from xerosync.redaction import remember_secrets
from xerosync.xero.auth.tokens import TokenSet
from xerosync.xero.config import XeroConfig
from xerosync.xero.transport import error_for, json_body, raw, send

logger = logging.getLogger("xerosync.xero")

_ACCEPT = {"Accept": "application/json"}
_TOKEN_ANSWER_BYTES = 1024 * 1024  # a token answer is a few kilobytes


@dataclass(frozen=True)
class AuthorizationRequest:
    """One sign-in attempt: send the user to `url`; keep the rest until the callback."""

    url: str
    state: str
    code_verifier: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...]


class XeroOAuth:
    def __init__(self, config: XeroConfig, http: httpx.Client, clock: Clock) -> None:
        self.config = config
        self.http = http
        self.clock = clock
        secret = config.client_secret.get_secret_value()
        if secret:  # also as the Basic credential a server might echo without its label
            basic = base64.b64encode(f"{config.client_id}:{secret}".encode()).decode()
            remember_secrets(secret, basic)

    def authorization_request(
        self,
        *,
        scopes: Iterable[str] | None = None,
        redirect_uri: str | None = None,
        state: str | None = None,
    ) -> AuthorizationRequest:
        """The consent URL with a fresh `state` and PKCE S256 challenge."""
        redirect = redirect_uri or self.config.redirect_uri
        if not redirect:
            raise ConfigError("set XeroConfig.redirect_uri (the app's registered callback URL)")
        chosen = tuple(sorted(scopes if scopes is not None else self.config.scopes))
        state = state or generate_token(32)
        verifier = generate_token(64)
        url = prepare_grant_uri(
            self.config.authorize_url,
            client_id=self.config.client_id,
            response_type="code",
            redirect_uri=redirect,
            scope=" ".join(chosen),
            state=state,
            code_challenge=create_s256_code_challenge(verifier),
            code_challenge_method="S256",
        )
        remember_secrets(verifier)
        return AuthorizationRequest(url, state, verifier, redirect, chosen)

    def finish(self, callback_url: str, started: AuthorizationRequest) -> TokenSet:
        """Check the callback against the request that started it and exchange the code."""
        query = dict(httpx.URL(callback_url).params)
        if "error" in query:
            raise AuthError(f"the user did not grant access: {query['error']}")
        try:
            params = parse_authorization_code_response(callback_url, state=started.state)
        except MismatchingStateException as exc:
            raise AuthError("the callback's state does not match this sign-in") from exc
        except MissingCodeException as exc:
            raise AuthError("the callback carries no authorization code") from exc
        return self.exchange_code(str(params["code"]), started)

    def exchange_code(self, code: str, started: AuthorizationRequest) -> TokenSet:
        remember_secrets(code, started.code_verifier)
        tokens = self._token_call(
            "authorization_code",
            code=code,
            redirect_uri=started.redirect_uri,
            code_verifier=started.code_verifier,
        )
        logger.info("auth.code_exchanged", extra={"scopes": sorted(tokens.scope)})
        return tokens

    def refresh(self, refresh_token: str) -> TokenSet:
        """A new pair for `refresh_token`. `invalid_grant` raises `NeedsReauth` (never retry it)."""
        remember_secrets(refresh_token)
        return self._token_call("refresh_token", refresh_token=refresh_token)

    def revoke(self, refresh_token: str) -> None:
        """Revoke the grant: Xero removes the user's connections for this app."""
        remember_secrets(refresh_token)
        response = self._post(self.config.revocation_url, {"token": refresh_token})
        if not response.is_success:
            raise _token_error(response)
        logger.info("auth.revoked")

    # -- plumbing --------------------------------------------------------------------

    def _token_call(self, grant_type: str, **params: str) -> TokenSet:
        now = self.clock.now()
        response = self._post(
            self.config.token_url, None, prepare_token_request(grant_type, **params)
        )
        if not response.is_success:
            raise _token_error(response, grant_type)
        data = json_body(response)
        if not isinstance(data, dict) or "access_token" not in data:
            raise AuthError("the token endpoint sent no access token", response=raw(response))
        tokens = TokenSet.from_response(data, now)
        remember_secrets(tokens.access_token, tokens.refresh_token, data.get("id_token"))
        return tokens

    def _post(self, url: str, form: dict[str, str] | None, body: str = "") -> httpx.Response:
        """POST a form with client authentication: HTTP Basic with the secret, or, for a
        public (PKCE-only) client, just `client_id` in the form."""
        fields = dict(httpx.QueryParams(body)) if body else {}
        fields.update(form or {})
        secret = self.config.client_secret.get_secret_value()
        auth = httpx.BasicAuth(self.config.client_id, secret) if secret else None
        if auth is None:
            fields["client_id"] = self.config.client_id
        request = self.http.build_request("POST", url, data=fields, headers=_ACCEPT)
        config = self.config
        return send(
            self.http,
            request,
            auth=auth,
            max_bytes=min(config.max_response_bytes, _TOKEN_ANSWER_BYTES),
            deadline=config.deadline,
        )


def _token_error(response: httpx.Response, grant_type: str = "refresh_token") -> XeroError:
    data = json_body(response)
    code = str(data.get("error", "")) if isinstance(data, dict) else ""
    snapshot = raw(response)
    if code == "invalid_grant" and grant_type == "authorization_code":
        return NeedsReauth(
            "Xero refused the authorization code (invalid_grant): it was already used or has "
            "expired (a replayed or late callback); start the sign-in again",
            response=snapshot,
        )
    if code == "invalid_grant":
        logger.warning("auth.invalid_grant")
        return NeedsReauth(
            "Xero refused the refresh token (invalid_grant): the organisation must be connected again",
            response=snapshot,
        )
    if code == "invalid_client":
        return AuthError(
            "Xero refused the client credentials (invalid_client): check client_id and client_secret",
            response=snapshot,
        )
    if code:
        return AuthError(f"the token endpoint refused the request ({code})", response=snapshot)
    return error_for(response, tenant=None)
