"""Bearer tokens on every call, refreshed before expiry and once on a 401, under the store's lock.

`TokenKeeper` owns the refresh rule (rotating refresh tokens, refreshed under a lock and saved by compare-and-set):
- take the store's lock, then READ THE STORE AGAIN: another thread or process may have
  refreshed while we waited, and refreshing with its predecessor's token would waste the
  rotation (or, after the grace window, kill the grant);
- save the rotated refresh token together with the new access token, in one `save`;
- `invalid_grant` raises `NeedsReauth`, and the dead refresh token is remembered so the
  next call fails fast instead of asking Xero again; new tokens in the store clear it;
- save compare-and-set (`replacing=` the refresh token used, under the lock), so a pair
  from a refresh that lost its lock never overwrites a newer one.

The one window no lock closes: Xero has rotated the refresh token and the save fails
(the store is down) or the process dies before it. The save is retried; if it still
fails the pair is kept in memory (this process goes on using it and saves it at the next
refresh) and `auth.save_failed` is logged at ERROR, without the token. Xero lets the
previous refresh token refresh again for 30 minutes (facts 1.3), so the stored pair
still works for other workers in that time; a grant is lost only if the process with
the new pair dies and no one refreshes within those 30 minutes.

`XeroAuth` is an httpx `Auth` flow: it adds `Authorization` and `xero-tenant-id`; on a
401 (other than insufficient_scope) `replay_after` refreshes once and the client replays.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Generator

import httpx

from xerosync.clock import Clock
from xerosync.errors import NeedsReauth
from xerosync.redaction import remember_secrets
from xerosync.xero.auth.oauth import XeroOAuth
from xerosync.xero.auth.tokens import TokenSet, TokenStore

logger = logging.getLogger("xerosync.xero")

SAVE_ATTEMPTS = 3
SAVE_PAUSE = 0.2


class TokenKeeper:
    def __init__(
        self, store: TokenStore, oauth: XeroOAuth, clock: Clock, *, margin: float = 120.0
    ) -> None:
        self.store = store
        self.oauth = oauth
        self.clock = clock
        self.margin = margin
        self._dead: dict[str, str] = {}  # key -> refresh token Xero refused
        # key -> (a rotated pair the store failed to save, the refresh token it replaces)
        self._unsaved: dict[str, tuple[TokenSet, str]] = {}
        self._guard = threading.Lock()
        #: key -> the pair last read or made here, used until it nears expiry or Xero refuses it
        self._known: dict[str, TokenSet] = {}

    def current(self, key: str) -> TokenSet:
        """Usable tokens for `key`, refreshed first if they expire within the margin.

        The pair last seen is used again without reading the store (a read and a decryption
        per call were a tenth of a push's cost): an access token stays good until it expires,
        whoever has refreshed since. Near its expiry, or on a 401 (`XeroAuth.replay_after`),
        `refresh` reads the store under its lock and takes another worker's newer pair."""
        with self._guard:
            known = self._known.get(key)
        if known is not None and not known.expires_within(self.margin, self.clock.now()):
            return known
        tokens, _stored = self._latest(key)
        if tokens is None:
            raise NeedsReauth(f"no tokens stored for {key!r}: connect the organisation first")
        if tokens.expires_within(self.margin, self.clock.now()):
            return self.refresh(key, stale=tokens)
        self._remember(key, tokens)
        return tokens

    def _remember(self, key: str, tokens: TokenSet) -> None:
        with self._guard:
            self._known[key] = tokens

    def forget(self, key: str) -> None:
        """Read `key`'s pair from the store at the next call (it was replaced or removed)."""
        with self._guard:
            self._known.pop(key, None)

    def refresh(self, key: str, *, stale: TokenSet) -> TokenSet:
        """Replace `stale` with a fresh pair, unless another worker already did."""
        self.forget(key)  # whatever comes of it, the pair known here is done with
        with self.store.lock(key):
            latest, stored = self._latest(key)
            if latest is None:
                raise NeedsReauth(f"the tokens for {key!r} were removed: connect again")
            if latest.access_token != stale.access_token and not latest.expires_within(
                self.margin, self.clock.now()
            ):
                logger.debug("auth.refreshed_elsewhere", extra={"key": key})
                self._remember(key, latest)
                return latest
            if not latest.refresh_token:
                raise NeedsReauth("no refresh token stored (ask for the offline_access scope)")
            with self._guard:
                known_dead = self._dead.get(key) == latest.refresh_token
            if known_dead:
                raise NeedsReauth("Xero already refused this refresh token: connect again")
            try:
                fresh = self.oauth.refresh(latest.refresh_token)
            except NeedsReauth:
                with self._guard:
                    self._dead[key] = latest.refresh_token
                logger.warning("auth.refresh_failed", extra={"key": key})
                raise
            tokens = latest.renewed(fresh)
            self._save(key, tokens, replacing=stored or latest.refresh_token)
            self._remember(key, tokens)
            logger.info(
                "auth.refreshed", extra={"key": key, "expires_at": tokens.expires_at.isoformat()}
            )
            return tokens

    def _latest(self, key: str) -> tuple[TokenSet | None, str | None]:
        """The pair to use and the refresh token the store holds: our unsaved pair (see the
        module docstring) while the store still holds the pair it rotated, else the store's."""
        stored = self.store.load(key)
        held = stored.refresh_token if stored is not None else None
        with self._guard:
            unsaved = self._unsaved.get(key)
            if unsaved is not None and (stored is None or held != unsaved[1]):
                del self._unsaved[key]  # the store moved on (or was cleared): ours is stale
                unsaved = None
        return (unsaved[0] if unsaved is not None else stored), held

    def _save(self, key: str, tokens: TokenSet, *, replacing: str) -> None:
        """Save a rotated pair, retried; if the store keeps failing, keep the pair in memory
        and log at ERROR. Never raises: the new pair is usable either way."""
        failure = ""
        for attempt in range(1, SAVE_ATTEMPTS + 1):
            try:
                saved = self.store.save(key, tokens, replacing=replacing)
            except Exception as exc:
                failure = type(exc).__name__
                if attempt < SAVE_ATTEMPTS:
                    time.sleep(SAVE_PAUSE * attempt)
                continue
            with self._guard:
                self._unsaved.pop(key, None)
            if not saved:  # our lease ran out and another worker saved a newer pair
                logger.warning("auth.save_superseded", extra={"key": key})
            return
        with self._guard:
            self._unsaved[key] = (tokens, replacing)
        logger.error(
            "auth.save_failed", extra={"key": key, "error": failure, "attempts": SAVE_ATTEMPTS}
        )


def _insufficient_scope(response: httpx.Response) -> bool:
    return "insufficient_scope" in response.headers.get("www-authenticate", "")


class XeroAuth(httpx.Auth):
    """Authorization + tenant header for one call. On a 401 (other than insufficient_scope)
    the caller asks `replay_after` for one refresh and sends again: the 401's body is read
    by the caller's size-capped reader, not by httpx's auth loop (which reads it whole)."""

    requires_response_body = False

    def __init__(self, keeper: TokenKeeper, key: str, tenant: str | None) -> None:
        self.keeper = keeper
        self.key = key
        self.tenant = tenant
        self._used: TokenSet | None = None
        self._next: TokenSet | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        tokens, self._next = self._next or self.keeper.current(self.key), None
        self._used = tokens
        remember_secrets(tokens.access_token, tokens.refresh_token)
        request.headers["Authorization"] = f"Bearer {tokens.access_token}"
        if self.tenant is not None:
            request.headers["xero-tenant-id"] = self.tenant
        yield request

    def ready(self) -> None:
        """Get the tokens the next send uses now (refreshed first if they near expiry), so
        that the send itself waits for nothing before its bytes go out."""
        if self._next is None:
            self._next = self.keeper.current(self.key)

    def replay_after(self, response: httpx.Response) -> bool:
        """True (after refreshing) when `response` is a 401 a fresh token may cure."""
        if response.status_code != 401 or _insufficient_scope(response) or self._used is None:
            return False
        logger.info("auth.retry_after_401", extra={"tenant": self.tenant})
        self._next = self.keeper.refresh(self.key, stale=self._used)
        return True
