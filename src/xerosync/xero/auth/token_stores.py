"""Token stores shared between processes: `FileTokenStore` (one host) and `RedisTokenStore`
(any host). Both follow the `TokenStore` rules in `tokens.py`: compare-and-set saves, and
a lock that stays ours for as long as we hold it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xerosync.errors import ConfigError
from xerosync.xero.auth.tokens import TokenLockTimeout, TokenSet

if TYPE_CHECKING:
    import redis
    from redis.lock import Lock

logger = logging.getLogger("xerosync.xero")

_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def file_name(key: str) -> str:
    """`key` as a file name, one-to-one: letters, digits, `-`, `_` and `.` stay; every other
    character (`%` and `/` included) becomes `%XX` per UTF-8 byte, so `acme:1` and `acme_1`
    are two files and no key can name a path outside the directory."""
    return "".join(
        char if char in _SAFE else "".join(f"%{b:02X}" for b in char.encode()) for char in key
    )


class FileTokenStore:
    """One JSON file per key in a private directory; `lock` is an fcntl lock on a side file.

    Shared by every process on the host that opens the same directory. Saves are atomic and
    durable (write a temporary file, fsync, rename, fsync the directory), so a reader never
    sees half a pair and a crash after `save` returns does not bring the old pair back.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        _make_private(self.directory)

    def _path(self, key: str, suffix: str) -> Path:
        return self.directory / f"{file_name(key)}{suffix}"

    def load(self, key: str) -> TokenSet | None:
        try:
            return TokenSet.from_json(self._path(key, ".json").read_bytes())
        except FileNotFoundError:
            return None

    def save(self, key: str, tokens: TokenSet, *, replacing: str | None = None) -> bool:
        # Every compare-and-set writer holds `lock(key)` (an flock has no lease), so the
        # check and the rename cannot interleave with another refresh.
        if replacing is not None:
            stored = self.load(key)
            if stored is None or stored.refresh_token != replacing:
                return False
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
        _fsync_directory(self.directory)
        return True

    def delete(self, key: str) -> None:
        self._path(key, ".json").unlink(missing_ok=True)
        _fsync_directory(self.directory)

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


def _make_private(directory: Path) -> None:
    """Tighten a directory others may read to 0700; refuse one we cannot tighten."""
    mode = stat.S_IMODE(directory.stat().st_mode)
    if mode & 0o077 == 0:
        return
    try:
        directory.chmod(mode & 0o700)
    except OSError as exc:
        raise ConfigError(
            f"the token directory {directory} is readable by others (mode {mode:o}) and "
            f"cannot be made private ({type(exc).__name__}): use a directory only this user can read"
        ) from None


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# KEYS: tokens, lock. ARGV: our lock token, the refresh token being replaced, the new pair.
_SAVE_REPLACING = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local refresh = cjson.decode(stored)['refresh_token']
if refresh ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
return 1
"""


class RedisTokenStore:
    """Token sets in Redis, for workers on many hosts; `lock` is a Redis lock with a lease.

    The lease (`lock_timeout`) frees the lock if its holder dies mid-refresh; while the
    holder lives, a background thread renews it every third of the lease, so a refresh
    slower than the lease (httpx's timeouts are per socket read: a trickling server can
    keep a call going far longer) does not let a second worker in with the same refresh
    token. Renewal stops after `max_hold` seconds, so a hung holder cannot block every
    worker for good. A compare-and-set `save` also checks, in one script, that the lock is
    still ours: a holder that lost its lease never writes.
    """

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = "xerosync:tokens:",
        lock_timeout: float = 120.0,
        wait_timeout: float = 150.0,
        max_hold: float = 600.0,
    ) -> None:
        self.redis = client
        self.prefix = prefix
        self.lock_timeout = lock_timeout
        self.wait_timeout = wait_timeout
        self.max_hold = max_hold
        self._save_replacing = client.register_script(_SAVE_REPLACING)
        self._held = threading.local()  # key -> the redis Lock this thread holds

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisTokenStore:
        import redis

        return cls(redis.Redis.from_url(url), **options)

    def load(self, key: str) -> TokenSet | None:
        raw = self.redis.get(self.prefix + key)
        return TokenSet.from_json(raw) if raw is not None else None

    def save(self, key: str, tokens: TokenSet, *, replacing: str | None = None) -> bool:
        if replacing is None:
            self.redis.set(self.prefix + key, tokens.to_json())
            return True
        held: Lock | None = getattr(self._held, "locks", {}).get(key)
        token = held.local.token if held is not None else None
        if token is None:
            return False  # not holding the lock: never write over a refresh
        written = self._save_replacing(
            keys=[self.prefix + key, f"{self.prefix}{key}:lock"],
            args=[token, replacing, tokens.to_json()],
        )
        return bool(int(written))

    def delete(self, key: str) -> None:
        self.redis.delete(self.prefix + key)

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        from redis.exceptions import LockError

        lock = self.redis.lock(
            f"{self.prefix}{key}:lock",
            timeout=self.lock_timeout,
            blocking_timeout=self.wait_timeout,
            thread_local=False,  # the renewing thread must see the lock's token
        )
        if not lock.acquire():
            raise TokenLockTimeout(f"waited {self.wait_timeout:g}s for the token lock of {key!r}")
        locks: dict[str, Lock] = getattr(self._held, "locks", None) or {}
        self._held.locks = locks
        locks[key] = lock
        done = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(lock, done), daemon=True)
        renewer.start()
        try:
            yield
        finally:
            done.set()
            renewer.join()
            locks.pop(key, None)
            with suppress(LockError):  # the lease ran out: another holder may have it now
                lock.release()

    def _renew(self, lock: Lock, done: threading.Event) -> None:
        from redis.exceptions import LockError, RedisError

        give_up = time.monotonic() + self.max_hold
        while not done.wait(self.lock_timeout / 3):
            if time.monotonic() > give_up:
                logger.error("auth.token_lock_held_too_long", extra={"lock": lock.name})
                return
            try:
                lock.reacquire()
            except LockError:
                logger.error("auth.token_lock_lost", extra={"lock": lock.name})
                return
            except RedisError as exc:  # try again at the next beat, while the lease lasts
                logger.warning(
                    "auth.token_lock_renewal_failed", extra={"error": type(exc).__name__}
                )
