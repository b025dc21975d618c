"""Token pairs and where they are kept.

A `TokenStore` holds one `TokenSet` per grant key (one user's consent: it may cover
several tenants). Its `lock(key)` must exclude every other user of the same store — other
threads, and for shared stores other processes — because Xero rotates the refresh token
on every refresh: two workers refreshing with the same token must take turns, and the
second must see the first one's result (facts section 12, problems 1 and 2).

Stores here: `MemoryTokenStore` (one process), `FileTokenStore` (processes on one host,
fcntl locks), `RedisTokenStore` (processes anywhere). The database store lives with
the rest of the database code.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from xerosync.errors import RetryableError

if TYPE_CHECKING:
    import redis

DEFAULT_KEY = "default"


class TokenLockTimeout(RetryableError):
    """Another worker held the token lock too long (a refresh stuck?): try the call again later."""


@dataclass(frozen=True)
class TokenSet:
    """An access token and the refresh token that renews it. Secrets never appear in repr()."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    scope: frozenset[str] = frozenset()
    token_type: str = "Bearer"
    id_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_response(cls, body: dict[str, Any], now: datetime) -> TokenSet:
        """Build from a token endpoint's JSON answer (`expires_in` counts from `now`)."""
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token"),
            expires_at=now + timedelta(seconds=_lifetime(body.get("expires_in"))),
            scope=frozenset(str(body.get("scope", "")).split()),
            token_type=str(body.get("token_type", "Bearer")),
            id_token=body.get("id_token"),
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
                "id_token": self.id_token,
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> TokenSet:
        data = json.loads(text)
        expires_at = datetime.fromisoformat(data["expires_at"])
        return cls(
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token"),
            expires_at=expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=UTC),
            scope=frozenset(data.get("scope", [])),
            token_type=data.get("token_type", "Bearer"),
            id_token=data.get("id_token"),
        )


DEFAULT_LIFETIME = 1800.0  # Xero's access tokens live 30 minutes
MAX_LIFETIME = 86_400.0


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
    """Load, save (the whole pair at once) and lock token sets by grant key."""

    def load(self, key: str) -> TokenSet | None: ...

    def save(self, key: str, tokens: TokenSet) -> None: ...

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

    def save(self, key: str, tokens: TokenSet) -> None:
        with self._guard:
            self._tokens[key] = tokens

    def delete(self, key: str) -> None:
        with self._guard:
            self._tokens.pop(key, None)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


class FileTokenStore:
    """One JSON file per key in a private directory; `lock` is an fcntl lock on a side file.

    Shared by every process on the host that opens the same directory. Saves are atomic
    (write a temporary file, then rename), so a reader never sees half a pair.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, key: str, suffix: str) -> Path:
        return self.directory / f"{_UNSAFE.sub('_', key)}{suffix}"

    def load(self, key: str) -> TokenSet | None:
        try:
            return TokenSet.from_json(self._path(key, ".json").read_bytes())
        except FileNotFoundError:
            return None

    def save(self, key: str, tokens: TokenSet) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tokens-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(tokens.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._path(key, ".json"))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, key: str) -> None:
        self._path(key, ".json").unlink(missing_ok=True)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        # flock locks belong to the open file description: separate opens exclude each other
        # even between threads of one process.
        fd = os.open(self._path(key, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class RedisTokenStore:
    """Token sets in Redis, for workers on many hosts; `lock` is a Redis lock with a lease.

    The lease (`lock_timeout`) frees the lock if its holder dies mid-refresh. It must outlast
    the slowest refresh, or a second worker could refresh with the same refresh token while
    the first is still waiting for Xero: httpx applies `XeroConfig.timeout` (30 s) per phase
    (connect, write, read), so one refresh can take ~90 s before it fails; the lease is 120 s.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "xerosync:tokens:",
        lock_timeout: float = 120.0,
        wait_timeout: float = 150.0,
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self.wait_timeout = wait_timeout

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisTokenStore:
        import redis

        return cls(redis.Redis.from_url(url), **options)

    def load(self, key: str) -> TokenSet | None:
        raw = self.redis.get(self.prefix + key)
        return TokenSet.from_json(raw) if raw is not None else None

    def save(self, key: str, tokens: TokenSet) -> None:
        self.redis.set(self.prefix + key, tokens.to_json())

    def delete(self, key: str) -> None:
        self.redis.delete(self.prefix + key)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        from redis.exceptions import LockError

        lock = self.redis.lock(
            f"{self.prefix}{key}:lock",
            timeout=self.lock_timeout,
            blocking_timeout=self.wait_timeout,
        )
        if not lock.acquire():
            raise TokenLockTimeout(f"waited {self.wait_timeout:g}s for the token lock of {key!r}")
        try:
            yield
        finally:
            with suppress(LockError):  # the lease ran out: another holder may have it now
                lock.release()
