"""Token pairs and where they are kept.

A `TokenStore` holds one `TokenSet` per grant key (one user's consent: it may cover
several tenants). Its `lock(key)` must exclude every other user of the same store — other
threads, and for shared stores other processes — because Xero rotates the refresh token
on every refresh: two workers refreshing with the same token must take turns, and the
second must see the first one's result (Xero rotates refresh tokens; see docs/sync.md, "The database").

The store protocol, for every implementation (the database store included):

- `load(key)` -> the pair, or None. Unreadable stored data raises `TokenStoreCorrupt`,
  whose message and attributes carry none of the stored text.
- `save(key, tokens, *, replacing=None) -> bool`, compare-and-set. With `replacing=None`
  (a new consent) it writes unconditionally and returns True. With `replacing=<refresh
  token>` (a refresh) it writes only if the stored pair's refresh token is still that
  one AND the caller still holds `lock(key)` (a lock with a lease must check the lease
  is still ours, atomically with the write: a Lua script, WATCH/MULTI, or in SQL
  `UPDATE ... WHERE refresh_token = :replacing` inside the lock's transaction); otherwise
  it writes nothing and returns False. So a worker whose lease ran out can never put
  an older pair over a newer one.
- `delete(key)`, and `lock(key)`: a context manager; a lock with a lease keeps it
  renewed while held (`RedisTokenStore`), so a slow refresh does not lose it.

Stores: `MemoryTokenStore` (one process, here), `FileTokenStore` (processes on one host)
and `RedisTokenStore` (processes anywhere) in `token_stores`. The database store lives
with the rest of the database code.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from xerosync.errors import NeedsReauth, RetryableError

DEFAULT_KEY = "default"
DEFAULT_LIFETIME = 1800.0  # Xero's access tokens live 30 minutes
MAX_LIFETIME = 86_400.0


class TokenLockTimeout(RetryableError):
    """Another worker held the token lock too long (a refresh stuck?): try the call again later."""


class TokenStoreCorrupt(NeedsReauth):
    """The stored tokens cannot be read (a damaged file or record): connect the organisation
    again. The message never includes the stored text, which may hold a token."""


@dataclass(frozen=True)
class TokenSet:
    """An access token and the refresh token that renews it. Secrets never appear in repr().

    Xero's `id_token` is not kept: nothing here uses it, and an unchecked one is no proof."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    scope: frozenset[str] = frozenset()
    token_type: str = "Bearer"

    @classmethod
    def from_response(cls, body: dict[str, Any], now: datetime) -> TokenSet:
        """Build from a token endpoint's JSON answer (`expires_in` counts from `now`)."""
        refresh = body.get("refresh_token")
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=str(refresh) if refresh else None,
            expires_at=now + timedelta(seconds=_lifetime(body.get("expires_in"))),
            scope=frozenset(str(body.get("scope", "")).split()),
            token_type=str(body.get("token_type", "Bearer")),
        )

    def expires_within(self, seconds: float, now: datetime) -> bool:
        return self.expires_at - timedelta(seconds=seconds) <= now

    def renewed(self, fresh: TokenSet) -> TokenSet:
        """`fresh`, keeping our refresh token if the server did not send a new one."""
        return fresh if fresh.refresh_token else replace(fresh, refresh_token=self.refresh_token)

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at.isoformat(),
                "scope": sorted(self.scope),
                "token_type": self.token_type,
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> TokenSet:
        """Read a stored pair; anything unreadable is `TokenStoreCorrupt`, without its text
        (`json.JSONDecodeError.doc` would carry the whole file, tokens included)."""
        try:
            data = json.loads(text)
            expires_at = datetime.fromisoformat(data["expires_at"])
            return cls(
                access_token=str(data["access_token"]),
                refresh_token=data.get("refresh_token"),
                expires_at=expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC),
                scope=frozenset(data.get("scope", [])),
                token_type=str(data.get("token_type", "Bearer")),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            pass  # raised outside the handler: no __context__ pointing at the stored text
        raise TokenStoreCorrupt("the stored tokens cannot be read: connect the organisation again")


def _lifetime(value: Any) -> float:
    """`expires_in` as seconds: a number in [0, a day]; anything else (absent, `nan`, text) is
    Xero's 30 minutes. The pair must still be kept: Xero has already rotated the refresh token,
    and a 401 refreshes early anyway."""
    try:
        seconds = float(value)
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_LIFETIME
    if not math.isfinite(seconds):
        return DEFAULT_LIFETIME
    return min(max(seconds, 0.0), MAX_LIFETIME)


class TokenStore(Protocol):
    """Load, save (the whole pair at once, compare-and-set) and lock token sets by grant key.
    See the module docstring for the rules every store follows."""

    def load(self, key: str) -> TokenSet | None: ...

    def save(self, key: str, tokens: TokenSet, *, replacing: str | None = None) -> bool: ...

    def delete(self, key: str) -> None: ...

    def lock(self, key: str) -> AbstractContextManager[None]: ...


class MemoryTokenStore:
    """Token sets in a dict: for one process (threads take turns through `lock`)."""

    def __init__(self, initial: dict[str, TokenSet] | None = None) -> None:
        self._tokens: dict[str, TokenSet] = dict(initial or {})
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def load(self, key: str) -> TokenSet | None:
        with self._guard:
            return self._tokens.get(key)

    def save(self, key: str, tokens: TokenSet, *, replacing: str | None = None) -> bool:
        with self._guard:
            if replacing is not None:
                stored = self._tokens.get(key)
                if stored is None or stored.refresh_token != replacing:
                    return False
            self._tokens[key] = tokens
            return True

    def delete(self, key: str) -> None:
        with self._guard:
            self._tokens.pop(key, None)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield
